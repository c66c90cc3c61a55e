#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Assemble the DPDK tree that is built: a pristine DPDK source (Debian's 22.11, or $DPDK_SRC),
# the fastmem patch set applied as four commits (lib, doc, test, example), written as a git
# format-patch series to build/patches, and, for an older tree, the compat layer on top.
#
#   build/series  pristine tree + patch-set commits (+ compat, uncommitted); rebuilt each run
#   build/tree    what meson builds; receives only the files that changed, so builds stay
#                 incremental
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
# The series' author: From and Signed-off-by name the same person, known in .mailmap
# (overlay.py adds the line).
AUTHOR_NAME="fastmem maintainers"
AUTHOR_EMAIL=fastmem@dpdk.org
export GIT_AUTHOR_NAME="$AUTHOR_NAME" GIT_AUTHOR_EMAIL="$AUTHOR_EMAIL"
export GIT_COMMITTER_NAME="$AUTHOR_NAME" GIT_COMMITTER_EMAIL="$AUTHOR_EMAIL"
# Only git's defaults make the series: a user's global settings (format.coverLetter,
# diff.noprefix, core.hooksPath...) would change the patches. Every repository here is ours.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
GIT="git -c commit.gpgsign=false"
GIT="$GIT -c core.autocrlf=false -c advice.detachedHead=false"

if [ -n "${DPDK_SRC:-}" ]; then
	SRC=$(cd "$DPDK_SRC" && pwd)
else
	SRC=$("$REPO/scripts/fetch-dpdk.sh")
fi
mkdir -p "$B"

# A DPDK_SRC tree that is a git checkout is copied as git sees it: the files git tracks (as
# they are in the working tree) and the untracked ones it does not ignore, not the developer's
# build directories in the tree. Their list, NUL-separated and relative to the tree, is
# SRC_LIST; its checksum is part of the stamp, so that a file added, removed or renamed
# makes a new copy.
SRC_LIST=
if [ -e "$SRC/.git" ]; then
	SRC_LIST=$B/dpdk-src-files
	# the user's own settings for their tree (safe.directory for a tree of another owner)
	env -u GIT_CONFIG_GLOBAL -u GIT_CONFIG_NOSYSTEM git -c safe.directory="$SRC" -C "$SRC" \
		ls-files -z --cached --others --exclude-standard > "$SRC_LIST.all" ||
		{ echo "assemble: git ls-files failed in $SRC" >&2; exit 1; }
	(cd "$SRC" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] &&
		printf "%s\0" "$f"; done; :' sh) < "$SRC_LIST.all" > "$SRC_LIST"
	rm -f "$SRC_LIST.all"
fi

# What the stamp of a copy holds: the source tree, and the checksum of its list of files.
src_id() {
	echo "$SRC"
	[ -z "$SRC_LIST" ] || cksum < "$SRC_LIST"
}

# Whether a file of the source tree is newer than file $1.
src_newer() {
	if [ -n "$SRC_LIST" ]; then
		[ -n "$( (cd "$SRC" && xargs -0 -r sh -c 'find "$@" -maxdepth 0 -newer "$0" -print' \
			"$1") < "$SRC_LIST" | head -n 1)" ]
	else
		[ -n "$(find "$SRC" -path "$SRC/.git" -prune -o -newer "$1" -print | head -n 1)" ]
	fi
}

# A copy of the pristine tree under git, tagged "pristine"; redone when the source is another
# one or has a file newer than the copy (a DPDK_SRC tree updated since). Sets copied=1 when it
# copies. The stamp is written last: a copy that fails half way is redone.
pristine_copy() {
	dst=$1
	stamp=$dst/.git/fastmem-src
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(src_id)" ] && ! src_newer "$stamp"; then
		return 0
	fi
	echo "assemble: copying pristine DPDK from $SRC to $dst" >&2
	rm -rf "$dst"
	mkdir -p "$dst"
	if [ -n "$SRC_LIST" ]; then
		tar -C "$SRC" --null -T "$SRC_LIST" -cf - | tar -C "$dst" -xf -
	else
		tar -C "$SRC" --exclude=.git --exclude=.fastmem-pristine -cf - . | tar -C "$dst" -xf -
	fi
	[ -f "$dst/meson.build" ] || { echo "assemble: copying $SRC failed" >&2; exit 1; }
	(cd "$dst" && $GIT init -q && $GIT add -A -f . && $GIT commit -q -m "pristine DPDK" &&
		$GIT tag pristine)
	src_id > "$stamp"
	copied=1
}

copied=0
pristine_copy "$B/series"
copied=0
pristine_copy "$B/tree"
if [ $copied = 1 ]; then
	# every build directory (the plain one and the variants') was configured for the old tree
	for d in "$B"/meson "$B"/meson-*; do
		[ -d "$d" ] && rm -rf "$d"
	done
fi

# The patch series.
cd "$B/series"
$GIT checkout -q -f pristine
$GIT clean -q -f -d -x
commit_part() {
	part=$1
	subject=$2
	/usr/bin/python3 "$REPO/scripts/overlay.py" "$REPO" "$B/series" "$part"
	$GIT add -A .
	$GIT commit -q -F - <<-EOF
	$subject

	$(cat "$REPO/scripts/commit-$part.txt")

	Signed-off-by: $AUTHOR_NAME <$AUTHOR_EMAIL>
	EOF
}
# The library with its API documentation first, so that every commit of the series builds.
commit_part lib "fastmem: introduce small-object allocator library"
commit_part doc "doc: add fastmem programming guide"
commit_part test "test/fastmem: add unit and performance tests"
commit_part example "examples/fastmem: add sample application"
rm -rf "$B/patches"
$GIT format-patch -q -o "$B/patches" pristine..HEAD

# The compat layer, on top and uncommitted, for an older tree.
mode=$(/usr/bin/python3 "$REPO/compat/compat.py" "$B/series")
echo "$mode" > "$B/compat-mode"

# Copy what differs into the build tree: the files the series changes or adds, and the files
# an earlier series had changed or added (back to pristine, or gone).
changed() {
	$GIT diff --name-only pristine
	$GIT ls-files --others --exclude-standard
}
{ changed; (cd "$B/tree" && changed); } | sort -u | while read -r f; do
	if [ -f "$B/series/$f" ]; then
		if ! cmp -s "$B/series/$f" "$B/tree/$f"; then
			mkdir -p "$(dirname "$B/tree/$f")"
			cp "$B/series/$f" "$B/tree/$f"
		fi
	elif [ -e "$B/tree/$f" ]; then
		rm -f "$B/tree/$f"
	fi
done
echo "assemble: $(ls "$B/patches" | wc -l) patches in build/patches; tree is $mode" >&2
