#!/usr/bin/env bash
# Installs the Debian 12 packages the C# side needs, only those missing (as root in CI, or through sudo).
# The Fiji plugin's own packages are installed by fiji-plugin/build.sh.
set -euo pipefail
packages=(
  fonts-dejavu-core   # ScottPlot draws loss curves and IoU plots with a system font
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
