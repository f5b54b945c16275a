#!/bin/sh
# Takes a screenshot of the real window under Xvfb: the demo meeting, with
# the delegate view open on its first document, at the window's first size
# (1024×640). Usage: build/screenshot.sh OUT.png
set -eu
out="${1:-docs/screenshot.png}"
mkdir -p "$(dirname "$out")"
go build -o /tmp/dinh-shot .
data=$(mktemp -d)
display=:97
Xvfb $display -screen 0 1024x640x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null; rm -rf "$data"' EXIT
sleep 1
DISPLAY=$display /tmp/dinh-shot --demo --data "$data" &
app=$!
sleep "${SHOT_WAIT:-12}"
DISPLAY=$display import -window root "$out"
echo "wrote $out"
