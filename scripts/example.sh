#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Build examples/fastmem as a user would: install the built DPDK (build/meson) into
# build/install, build the example out of tree with its Makefile, which asks pkg-config for
# libdpdk, linked both shared and static, and run each for a few seconds without hugepages
# on 2 lcores. The example checks the allocator's statistics itself and fails on anything
# inconsistent.
#
# example.sh [SECONDS]
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
I=$B/install
secs=${1:-3}

# Installed with DESTDIR: the prefix compiled into DPDK stays the configured one, and
# pkg-config is told about the staging directory (PKG_CONFIG_SYSROOT_DIR).
rm -rf "$I"
/usr/bin/python3 /usr/bin/meson install -C "$B/meson" --destdir "$I" --no-rebuild \
	>"$B/install.log" 2>&1 || { tail -n 20 "$B/install.log"; exit 1; }
pc=$(find "$I" -name libdpdk.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || { echo "example: no libdpdk.pc installed in $I" >&2; exit 1; }
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR="$I"
libdir=$I$(pkg-config --variable=libdir libdpdk | sed "s|^$I||")
echo "example: DPDK $(pkg-config --modversion libdpdk) installed in $I"

# Out of tree: a copy of the example, nothing of DPDK's source or build directory in reach.
E=$B/example/fastmem
rm -rf "$B/example"
mkdir -p "$B/example"
cp -r "$REPO/examples/fastmem" "$E"
# Two lcores on the first two CPUs the process may use (both on the one CPU of a 1-CPU machine).
lcores=$(/usr/bin/python3 -c 'import os
c = sorted(os.sched_getaffinity(0))
print("0@%d,1@%d" % (c[0], c[1 % len(c)]))')
fail=0
for link in static shared; do
	# warnings as errors: the installed headers must compile cleanly in an application
	if ! CFLAGS="-Wall -Wextra -Werror" make -s -C "$E" "$link" >"$B/example-$link.log" 2>&1
	then
		cat "$B/example-$link.log"
		echo "example: FAIL: building the $link example against the installed DPDK"
		fail=1
		continue
	fi
	echo "example: built build/example/fastmem/build/fastmem-$link ($link linking)"
	log=$B/example-$link-run.log
	rc=0
	LD_LIBRARY_PATH=$libdir timeout 120 "$E/build/fastmem-$link" --lcores "$lcores" \
		--no-huge -m 256 \
		--file-prefix "fastmem_example_$$" --log-level=lib.eal:error -- -t "$secs" \
		</dev/null >"$log" 2>&1 || rc=$?
	rm -rf "$("$REPO/scripts/eal-run-dir.sh")/fastmem_example_$$"
	cat "$log"
	if [ $rc = 0 ]; then
		echo "example: PASS: $link example"
	else
		echo "example: FAIL: $link example (exit status $rc)"
		fail=1
	fi
done
[ $fail = 0 ]
