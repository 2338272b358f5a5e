#!/usr/bin/env bash
# Checks the C# ONNX exports in onnxruntime-node 1.12.1 (DeepImageJ's default engine).
# Fixtures: artifacts/onnx-fixtures/<network>/{model.onnx,input.npy,expected.npy}, written by the Engine tests'
# OnnxExportTests (tests/run-all.sh runs them first); when none are there, this runs those tests to make them.
# Last line: onnx-node tests: N passed, N failed
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="$root/artifacts/onnx-fixtures"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  # A fresh Debian 12 has neither: its nodejs (18) runs onnxruntime-node 1.12.1's prebuilt N-API binary.
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's nodejs and npm for the onnx-node check"
  { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm; } >/dev/null 2>&1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are required for the onnx-node check (apt-get install nodejs npm)" >&2
  echo "onnx-node tests: 0 passed, 1 failed"
  exit 1
fi

cd "$here"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >/dev/null || { echo "npm ci failed" >&2; echo "onnx-node tests: 0 passed, 1 failed"; exit 1; }
fi

if ! ls "$fixtures"/*/model.onnx >/dev/null 2>&1; then
  echo "no fixtures in $fixtures; running the Engine tests' ONNX exports"
  dotnet test "$root/tests/ZeroCostDL4Mic.Engine.Tests/ZeroCostDL4Mic.Engine.Tests.csproj" -c Release --nologo \
    --filter "FullyQualifiedName~OnnxExportTests" >/dev/null || echo "the C# ONNX export tests failed" >&2
fi

node check.mjs "$fixtures"
