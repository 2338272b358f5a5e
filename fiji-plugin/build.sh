#!/usr/bin/env bash
# Builds and tests the Fiji plugin offline from Debian 12's packages (Maven Central is not needed):
#   1. installs the Debian packages it needs, only those missing (as root, or through sudo);
#   2. runs `mvn -o -Dmaven.repo.local=/usr/share/maven-repo package` under xvfb-run, which generates the Java
#      gRPC stubs from ../protos, compiles for Java 8, runs the JUnit tests, shades the plugin jar and checks
#      that jar in a separate `ij.ImageJ -batch` run;
#   3. ends with the line "fiji-plugin tests: N passed, N failed" counted from the surefire reports.
# The result is target/ZeroCostDL4Mic_Fiji-<version>.jar, the file to copy into Fiji.app/plugins/.
# Set DL4MIC_TEST_SERVER=http://127.0.0.1:PORT to also run the test against a live ZeroCostDL4Mic server.
set -uo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  default-jdk maven
  libmaven-compiler-plugin-java libmaven-resources-plugin-java libmaven-jar-plugin-java libsurefire-java
  libmaven-shade-plugin-java libmaven-antrun-plugin-java libbuild-helper-maven-plugin-java libmaven-install-plugin-java
  libgrpc-java libprotobuf-java libnetty-java libperfmark-java libgoogle-common-protos-java libgoogle-gson-java
  libanimal-sniffer-java libgeronimo-annotation-1.3-spec-java libij-java junit4
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc-java-plugin
  xvfb xauth fontconfig fonts-dejavu-core
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fiji-plugin: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "fiji-plugin: run as root or install: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "fiji-plugin tests: 0 passed, 0 failed"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_log=$(mktemp)
  if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    echo "fiji-plugin: apt-get install failed" >&2
    echo "fiji-plugin tests: 0 passed, 0 failed"
    exit 1
  fi
  rm -f "$apt_log"
fi

# From scratch every time: generated stubs, classes, reports and jar.
rm -rf target
# One Maven thread and one test JVM: the machine is shared.
xvfb-run -a -s "-screen 0 1280x1024x24" \
  mvn -o -B -q -Dmaven.repo.local=/usr/share/maven-repo -Dstyle.color=never package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
for report in target/surefire-reports/TEST-*.xml; do
  [ -f "$report" ] || continue
  suite=$(grep -m1 -o '<testsuite [^>]*>' "$report")
  attr() { echo "$suite" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  t=$(attr tests); f=$(attr failures); e=$(attr errors); s=$(attr skipped)
  passed=$((passed + t - f - e - s)); failed=$((failed + f + e)); skipped=$((skipped + s))
done
if [ "$status" -eq 0 ]; then
  echo "fiji-plugin: built $(ls target/ZeroCostDL4Mic_Fiji-*.jar 2>/dev/null) ($skipped tests skipped)"
else
  echo "fiji-plugin: Maven build failed (exit $status); $skipped tests skipped" >&2
fi
echo "fiji-plugin tests: $passed passed, $failed failed"
exit "$status"
