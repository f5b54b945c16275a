#!/bin/sh
# Installs the Debian packages a make target needs, or says exactly which
# ones to install. Usage: build/deps.sh run|test|bench|screenshot
set -e
build="gcc pkg-config libgl1-mesa-dev libx11-dev libxext-dev libxrender-dev libxfixes-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
case "$1" in
  run)        want="$build" ;;
  test)       want="$build iproute2 nftables poppler-utils syncthing imagemagick" ;;
  bench)      want="$build mupdf-tools nginx" ;;
  screenshot) want="$build xvfb xauth imagemagick" ;;
  *) echo "usage: $0 run|test|bench|screenshot" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing missing Debian packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Đình needs these Debian packages. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
