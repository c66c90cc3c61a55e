#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# deps.sh PKG...: make sure the Debian packages are installed. As root, or through sudo where it
# needs no password, install the missing ones by name; otherwise print the exact apt-get line
# and fail.
set -eu
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo > /dev/null || ! sudo -n true 2> /dev/null; then
		echo "deps: missing packages; please run: sudo apt-get install -y$missing" >&2
		exit 1
	fi
	sudo="sudo -n env DEBIAN_FRONTEND=noninteractive"
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A freshly booted machine's apt-daily may hold apt's locks for a while: install waits for
# dpkg's lock (DPkg::Lock::Timeout), update does not wait for the lists' lock, so it is tried
# again, for up to 10 minutes.
n=0
# shellcheck disable=SC2086
until $sudo apt-get update -q >&2; do
	n=$((n + 1))
	[ $n -lt 60 ] || exit 1
	echo "deps: apt-get update failed, trying again in 10 s ($n)" >&2
	sleep 10
done
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 $missing >&2
