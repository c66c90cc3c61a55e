#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# deps.sh PKG...: make sure the Debian packages are installed. As root, install the missing
# ones by name; otherwise print the exact apt-get line and fail.
set -eu
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages; please run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's apt-daily may hold the lock for a while; lists older than bookworm's move
# from stable to oldstable are accepted as they are.
apt-get update -q -o DPkg::Lock::Timeout=600 --allow-releaseinfo-change-suite >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 $missing >&2
