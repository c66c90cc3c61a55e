#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Fetch Debian bookworm's pristine DPDK 22.11 source (the orig tarball) into a cache outside
# the repository and unpack it. Prints the path of the unpacked tree on stdout.
#
# The deb-src entries are derived from the system's own apt sources in a private apt
# configuration: the system's apt configuration is never modified and no host name is
# written anywhere.
set -eu

PKG_VERSION=${DPDK_DEB_VERSION:-22.11.11-0+deb12u1}
ORIG_SHA256=27a3bb1f57e02eb68c7c0a6f8bbf9fb74ec198c5aab74ed602da5b71c492a476
ORIG_SIZE=15623320
CACHE=${FASTMEM_CACHE:-${HOME:-/root}/.cache/fastmem}
APT=$CACHE/apt

log() { echo "fetch-dpdk: $*" >&2; }

upstream_of() { echo "$1" | sed 's/-[^-]*$//'; }

tree_of() { echo "$CACHE/dpdk-$(upstream_of "$1")"; }

# One fetch into the cache at a time (two clones built at once share it): the lock is held until
# this script exits.
mkdir -p "$CACHE"
exec 9>> "$CACHE/lock"
flock 9

# Already unpacked: nothing to do.
if [ -f "$(tree_of "$PKG_VERSION")/.fastmem-pristine" ]; then
	tree_of "$PKG_VERSION"
	exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/parts" "$APT/cache/archives/partial" "$CACHE/src"

# Derive deb-src entries for bookworm from the system's own apt sources.
: > "$APT/parts/fastmem-src.sources"
: > "$APT/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	# Keep the stanzas for Debian bookworm suites, turned into deb-src stanzas (not those
	# switched off with "Enabled: no").
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
		/(^|\n)Enabled:[ \t]*[Nn][Oo]/ { next }
		/Suites:[^\n]*bookworm/ && /Types:[^\n]*deb/ {
			gsub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" \
		>> "$APT/parts/fastmem-src.sources"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]\(.*[[:space:]]bookworm[[:space:]-].*\)$/deb-src \1/p;
		s/^[[:space:]]*deb[[:space:]]\(.*[[:space:]]bookworm\)$/deb-src \1/p' "$f" \
		>> "$APT/sources.list"
done
if [ ! -s "$APT/parts/fastmem-src.sources" ] && [ ! -s "$APT/sources.list" ]; then
	log "no Debian bookworm apt source found in /etc/apt; cannot derive a deb-src entry"
	exit 1
fi

aptget() {
	apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" \
		-o Dir::Etc::SourceParts="$APT/parts" \
		-o Dir::State::Lists="$APT/lists" \
		-o Dir::Cache="$APT/cache" \
		-o Debug::NoLocking=1 "$@"
}

log "updating the private deb-src index"
aptget update >&2

cd "$CACHE/src"
version=$PKG_VERSION
if ! aptget source --download-only "dpdk=$version" >&2; then
	# A later point release replaced it: take the newest 22.11.x the archive serves.
	version=$(aptget showsrc dpdk 2>/dev/null | awk '/^Version: 22\.11\./ { print $2 }' |
		sort -V | tail -n 1)
	[ -n "$version" ] || { log "no dpdk 22.11.x source package is served"; exit 1; }
	log "dpdk=$PKG_VERSION is not served; using $version (verified through its signed .dsc)"
	aptget source --download-only "dpdk=$version" >&2
fi
upstream=$(upstream_of "$version")
orig=dpdk_$upstream.orig.tar.xz
[ -f "$orig" ] || { log "$orig missing after download"; exit 1; }
if [ "$version" = "22.11.11-0+deb12u1" ]; then
	sum=$(sha256sum "$orig" | cut -d' ' -f1)
	size=$(stat -c %s "$orig")
	if [ "$sum" != "$ORIG_SHA256" ] || [ "$size" != "$ORIG_SIZE" ]; then
		log "$orig: checksum or size mismatch ($sum, $size bytes)"
		exit 1
	fi
	log "$orig: sha256 and size verified"
fi

tree=$(tree_of "$version")
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -C "$tree.tmp" --strip-components=1 -xJf "$orig"
touch "$tree.tmp/.fastmem-pristine"
mv "$tree.tmp" "$tree"
echo "$tree"
