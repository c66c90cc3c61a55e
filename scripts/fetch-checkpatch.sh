#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Fetch the Linux kernel's checkpatch.pl, which DPDK's devtools/checkpatches.sh runs, from
# Debian's linux-source package (by name, through the system's apt sources) into a cache
# outside the repository. Only scripts/checkpatch.pl and the two files it reads are kept.
# Prints the path of checkpatch.pl on stdout.
set -eu

PKG=${FASTMEM_LINUX_SOURCE:-linux-source-6.1}
CACHE=${FASTMEM_CACHE:-${HOME:-/root}/.cache/fastmem}
DIR=$CACHE/checkpatch
FILES="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch"

log() { echo "fetch-checkpatch: $*" >&2; }

# one fetch into the cache at a time (see fetch-dpdk.sh)
mkdir -p "$CACHE"
exec 9>> "$CACHE/lock"
flock 9

if [ -f "$DIR/.fastmem-done" ]; then
	echo "$DIR/scripts/checkpatch.pl"
	exit 0
fi

rm -rf "$DIR.tmp"
mkdir -p "$DIR.tmp"
cd "$DIR.tmp"
log "downloading $PKG (once; about 140 MB)"
# Without package lists (a container image emptied them), fetch them once as root.
apt-get download -q "$PKG" >&2 || {
	[ "$(id -u)" = 0 ] && apt-get update -q >&2 && apt-get download -q "$PKG" >&2
} || {
	log "apt-get download $PKG failed (run apt-get update as root first?)"
	exit 1
}
deb=$(ls ./*.deb)
tarball=usr/src/$PKG.tar.xz
dpkg-deb --fsys-tarfile "$deb" | tar -xf - "./$tarball"
top=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
# shellcheck disable=SC2086
tar -xJf "$tarball" --strip-components=1 $(for f in $FILES; do echo "$top/$f"; done)
for f in $FILES; do
	[ -f "$f" ] || { log "$f missing from $tarball"; exit 1; }
done
echo "$deb" | sed 's,^\./,,' > .fastmem-done
rm -rf usr ./*.deb
cd "$CACHE"
rm -rf "$DIR"
mv "$DIR.tmp" "$DIR"
log "$DIR/scripts/checkpatch.pl from $(cat "$DIR/.fastmem-done")"
echo "$DIR/scripts/checkpatch.pl"
