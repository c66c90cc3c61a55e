#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Configure (once) and build the assembled tree in build/meson, minimal configuration:
# the libraries DPDK cannot do without, fastmem, the mempool ring driver and the test app.
# Leaves the test binary at build/dpdk-test.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
T=$B/tree
M=$B/meson

if [ ! -f "$M/build.ninja" ]; then
	opts="-Dplatform=generic -Denable_drivers=mempool/ring,bus/vdev -Denable_apps=test"
	opts="$opts -Dtests=true -Dbuildtype=release -Ddefault_library=static"
	if grep -q "'enable_libs'" "$T"/meson_options.txt "$T"/meson.options 2>/dev/null; then
		# current DPDK: name what we need; the rest of the optional libraries stay out
		opts="$opts -Denable_libs=fastmem"
	else
		# DPDK 22.11: only disable_libs, for the libraries in its optional_libs list
		optional=$(sed -n '/^optional_libs = \[/,/^\]/p' "$T/lib/meson.build" |
			sed -n "s/^ *'\([a-z_0-9]*\)',.*/\1/p" | paste -sd, -)
		opts="$opts -Ddisable_libs=$optional"
	fi
	cargs=
	if [ "$(cat "$B/compat-mode")" = compat ]; then
		cargs="-include $REPO/compat/fastmem_compat.h -I$REPO/compat/include"
	fi
	extra=${FASTMEM_MESON_OPTS:-}
	echo "build: meson setup $opts $extra" >&2
	# shellcheck disable=SC2086
	/usr/bin/python3 /usr/bin/meson setup "$M" "$T" $opts -Dc_args="$cargs" $extra >"$B/meson-setup.log" 2>&1 ||
		{ tail -n 40 "$B/meson-setup.log"; exit 1; }
fi
ninja -C "$M" >"$B/ninja.log" 2>&1 || { grep -B2 -A12 -m5 'error' "$B/ninja.log" | head -n 80; tail -n 5 "$B/ninja.log"; exit 1; }
grep -A6 'warning:' "$B/ninja.log" | head -n 60
tail -n 1 "$B/ninja.log"
for t in "$M/app/dpdk-test" "$M/app/test/dpdk-test"; do
	if [ -x "$t" ]; then
		ln -sfn "$t" "$B/dpdk-test"
	fi
done
[ -x "$B/dpdk-test" ]
