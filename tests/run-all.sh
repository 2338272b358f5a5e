#!/usr/bin/env bash
# Runs every test suite of the project (C# and the Fiji plugin) and prints the totals on the last line:
#   tests: N passed, N failed
# Installs what it needs first (Debian packages, NuGet restore, the Java build). Exit code 0 only if all pass.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 2
fi

# Debian packages for the C# side (the Fiji plugin's build installs its own).
"$root/build/install-debian-packages.sh" || { echo "installing Debian packages failed" >&2; exit 2; }

results="$root/artifacts/test-results"
rm -rf "$results" "$root/artifacts/onnx-fixtures"
mkdir -p "$results"
passed=0
failed=0
status=0

# Adds the "<suite> tests: N passed, N failed" line of a non-dotnet suite to the totals.
add_suite_counts() {
  local suite="$1" out="$2" rc="$3" line p f
  echo "$out"
  line="$(grep -E "^$suite tests: [0-9]+ passed, [0-9]+ failed" <<<"$out" | tail -n 1)"
  if [ -n "$line" ]; then
    p="$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")"
    f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
  [ "$rc" -eq 0 ] || status=1
}

dotnet build ZeroCostDL4Mic.sln -c Release --nologo -v quiet || { echo "build failed" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
  else
    echo "$name produced no results" >&2
    failed=$((failed + 1))
  fi
done

if [ -x tests/onnx-node/run.sh ]; then
  echo "== onnx-node"
  # The Engine tests above left their ONNX exports in artifacts/onnx-fixtures/; run them in onnxruntime-node 1.12.1.
  out="$(tests/onnx-node/run.sh 2>&1)"; rc=$?
  add_suite_counts "onnx-node" "$out" "$rc"
fi

if [ -x fiji-plugin/build.sh ]; then
  echo "== fiji-plugin"
  # The plugin's integration test talks to a real server started here on a free loopback port, with an access
  # token so that the token path (plugin and dl4mic) is what gets tested.
  port=$((20000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 20000)); done
  server_data="$(mktemp -d)"
  fiji_token="fiji-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  dotnet server/ZeroCostDL4Mic.Server/bin/Release/net10.0/ZeroCostDL4Mic.Server.dll --Server:Port="$port" \
    --Engine:DataDirectory="$server_data" --Engine:TorchThreads=1 \
    --Auth:Users:0:Name=fiji --Auth:Users:0:Token="$fiji_token" >"$results/fiji-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 1
  done
  out="$(DL4MIC_TEST_SERVER="http://127.0.0.1:$port" DL4MIC_TEST_TOKEN="$fiji_token" DL4MIC_CLI="$root/clients/ZeroCostDL4Mic.Cli/bin/Release/net10.0/dl4mic.dll" \
    fiji-plugin/build.sh 2>&1)"; rc=$?
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
  rm -rf "$server_data"
  add_suite_counts "fiji-plugin" "$out" "$rc"
fi

[ $failed -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed"
exit $status
