#!/bin/sh
# Installs the Debian packages a make target needs, or says exactly which
# ones to install. Usage: build/deps.sh run|test|bench|screenshot
set -e
corpus="openssl faketime libnss3-tools mupdf-tools default-jdk-headless libpdfbox2-java libbcprov-java libbcpkix-java"
build="gcc pkg-config libgl1-mesa-dev libx11-dev libxext-dev libxrender-dev libxfixes-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev"
case "$1" in
  run)        want="$build" ;;
  # The signed-PDF corpus (meeting/pdfsig/testdata/thirdparty) is made by
  # openssl, NSS, poppler, mutool, PDFBox and BouncyCastle, and node-forge.
  # The stock age tool reads and writes sealed payloads and key files.
  test)       want="$build iproute2 nftables poppler-utils syncthing imagemagick zbar-tools age $corpus" ;;
  bench)      want="$build mupdf-tools nginx" ;;
  screenshot) want="$build xvfb xauth imagemagick" ;;
  *) echo "usage: $0 run|test|bench|screenshot" >&2; exit 2 ;;
esac
# Node.js may come from outside Debian: only a machine without npm gets
# Debian's.
case "$1" in test) command -v npm >/dev/null 2>&1 || want="$want nodejs npm" ;; esac
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
