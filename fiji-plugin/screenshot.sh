#!/usr/bin/env bash
# Saves a picture of the Predict dialog to docs/predict-dialog.png: ImageJ (Debian's ij.jar) with the built plugin
# jar in a temporary plugins folder runs under Xvfb; a batch macro opens a 10-frame time-lapse, opens
# Plugins > ZeroCostDL4Mic > Predict... in its own thread (doCommand), captures the screen with ImageJ's
# Capture Screen and crops it to the dialog. Nothing is started: with no server at the saved address the dialog
# shows a text field for the model instead of the server's model list. DL4MIC_SERVER=http://host:port points it
# at a running server instead (DL4MIC_TOKEN if it wants a token); the README's picture is taken against a server
# with one trained model, so that the dialog shows the model list. Needs the jar from build.sh and the packages
# xvfb, xauth, fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")"

jar=$(ls target/ZeroCostDL4Mic_Fiji-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ]; then
  echo "screenshot: no plugin jar in target/: run ./build.sh first" >&2
  exit 1
fi
for tool in xvfb-run java; do
  command -v "$tool" >/dev/null || { echo "screenshot: $tool missing (apt-get install xvfb xauth default-jdk)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins" docs
cp "$jar" "$work/plugins/"
out="$(pwd)/docs/predict-dialog.png"
rm -f "$out"

server_line=""
if [ -n "${DL4MIC_SERVER:-}" ]; then
  server_line="run('ZeroCostDL4Mic Server...', 'address=${DL4MIC_SERVER} token=[${DL4MIC_TOKEN:-}]');"
fi

cat > "$work/screenshot.ijm" <<EOF
setBatchMode(true);
$server_line
newImage('cells.tif', '16-bit ramp', 256, 256, 1, 1, 10);
run('Properties...', 'channels=1 slices=1 frames=10 unit=micron pixel_width=0.16 pixel_height=0.16 voxel_depth=1 frame=[30 sec]');
doCommand('ZeroCostDL4Mic Predict...');
wait(5000);
run('Capture Screen');
screen = getTitle();
run('Duplicate...', 'title=mask');
run('8-bit');
setThreshold(1, 255);
run('Create Selection');
getSelectionBounds(x, y, w, h);
selectImage(screen);
makeRectangle(x, y, w, h);
run('Crop');
saveAs('PNG', '$out');
print('saved $out (' + w + 'x' + h + ')');
EOF

# ImageJ -batch exits when the macro ends, closing the dialog with it.
HOME="$work" xvfb-run -a -s "-screen 0 1280x1024x24" \
  timeout 120 java -Dplugins.dir="$work" -cp /usr/share/java/ij.jar ij.ImageJ -batch "$work/screenshot.ijm"
[ -s "$out" ] || { echo "screenshot: no picture was written" >&2; exit 1; }
