#!/bin/sh
# Installs the Debian packages listed in $1 (comments and blank lines ignored).
# Idempotent and non-interactive; needs root (or sudo).
set -eu
list=${1:-deps/debian.txt}
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | tr '\n' ' ')
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# make check boots Debian's Xen rebuilt from Debian's own source (tests/rig/lib/mk-xen-shadow):
# `apt-get source` needs a deb-src entry, here a copy of the system's Debian entries.
if [ -z "$(apt-cache showsrc xen 2>/dev/null)" ]; then
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
			$SUDO tee /etc/apt/sources.list.d/vcam-deb-src.sources >/dev/null
	elif grep -q '^deb ' /etc/apt/sources.list 2>/dev/null; then
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list |
			$SUDO tee /etc/apt/sources.list.d/vcam-deb-src.list >/dev/null
	fi
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $pkgs
# checkpatch.pl ships only inside the kernel source tarball: unpack just the files it needs.
src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -n "$src" ] && [ ! -x /usr/local/share/vcam/checkpatch/scripts/checkpatch.pl ]; then
	$SUDO mkdir -p /usr/local/share/vcam/checkpatch
	top=$(basename "$src" .tar.xz)
	$SUDO tar -C /usr/local/share/vcam/checkpatch --strip-components=1 -xJf "$src" \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
fi
echo "deps: installed"
