#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing (runs as root in CI, or with sudo).
set -euo pipefail
packages=(
  fonts-dejavu-core            # ScottPlot needs a font to draw loss curves and IoU plots
  default-jdk-headless maven   # Fiji plugin build
  libgrpc-java libprotobuf-java protobuf-compiler protobuf-compiler-grpc-java-plugin libnetty-java
  libperfmark-java libij-java libgeronimo-annotation-1.3-spec-java junit4
  libmaven-shade-plugin-java libmaven-compiler-plugin-java libmaven-jar-plugin-java libmaven-resources-plugin-java
  libsurefire-java libmaven-install-plugin-java libanimal-sniffer-java libgoogle-common-protos-java libgoogle-gson-java
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
