#!/bin/sh
# setup.sh installs what wallscan needs to build, run and test on Debian
# bookworm: the system packages below (only those missing) and the Go
# modules. It is idempotent and quiet; it prints only what it installs.
set -eu

# Build: OpenCV and Tesseract for cgo. Run: Tesseract's Dutch and English
# data. Tests and the synthetic walls: handwriting-style fonts, Chromium for
# the browser tests, word lists for the reader's correction.
PACKAGES="
build-essential
pkg-config
libopencv-dev
tesseract-ocr
libtesseract-dev
libleptonica-dev
tesseract-ocr-nld
tesseract-ocr-eng
fonts-humor-sans
fonts-comic-neue
fonts-dejavu-core
wdutch
wamerican
chromium
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "setup: installing Debian packages:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup: cannot install packages: not root and no sudo. Ask an administrator to run:" >&2
		echo "  apt-get install -y$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
	echo "setup: Go is not on PATH; install Go 1.26 (see go.mod)" >&2
	exit 1
fi
go mod download
