#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Check that build/patches applies with git am to a pristine copy of the DPDK tree in use and
# gives exactly the tree that was built and tested (less the compat layer of an older tree).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
tmp=$(mktemp -d "$B/am-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# git's defaults only, as assemble.sh made the series with them
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
GIT="git -c user.name=fastmem -c user.email=fastmem@dpdk.org -c advice.detachedHead=false"
git clone -q --no-checkout "$B/series" "$tmp/dpdk"
cd "$tmp/dpdk"
$GIT checkout -q pristine
$GIT am -q "$B"/patches/*.patch
want=$(git -C "$B/series" rev-parse 'HEAD^{tree}')
got=$(git rev-parse 'HEAD^{tree}')
n=$(ls "$B"/patches/*.patch | wc -l)
if [ "$want" != "$got" ]; then
	echo "check-patches: FAIL: git am of the $n patches gives another tree than the one built"
	exit 1
fi
echo "check-patches: PASS: the $n patches apply with git am to pristine DPDK ($(head -n 1 "$B/series/.git/fastmem-src")) and give the tree that was built"
