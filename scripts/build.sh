#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Configure (once) and build the assembled tree in build/meson, minimal configuration:
# the libraries DPDK cannot do without, fastmem, the mempool ring driver and the test app.
# Leaves the test binary at build/dpdk-test.
#
# build.sh [VARIANT]: VARIANT debug (RTE_LIBRTE_FASTMEM_DEBUG), asan (AddressSanitizer),
# asan-debug (both), ubsan (UndefinedBehaviorSanitizer), check (warnings are errors, and
# every public header compiled alone as C and as C++: what make check builds), coverage (gcov,
# not optimized: what make coverage measures) or coverage-debug (the same in debug mode) builds
# the same tree in build/meson-VARIANT and leaves build/dpdk-test-VARIANT.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
T=$B/tree
variant=${1:-}
suffix=${variant:+-$variant}
M=$B/meson$suffix

# A build directory configured with other options (FASTMEM_MESON_OPTS), or before they were
# recorded, is configured again.
if [ -f "$M/build.ninja" ] && { [ ! -f "$M/fastmem-opts" ] ||
		[ "$(cat "$M/fastmem-opts")" != "${FASTMEM_MESON_OPTS:-}" ]; }; then
	rm -rf "$M"
fi
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
	# (an older tree's compat layer is in the tree's own headers: see compat/compat.py)
	cargs=
	case $variant in
	"" | debug) ;;
	asan | asan-debug)
		opts="$opts -Db_sanitize=address -Db_lundef=false -Dbuildtype=debugoptimized" ;;
	ubsan) opts="$opts -Db_sanitize=undefined -Db_lundef=false -Dbuildtype=debugoptimized"
		cargs="$cargs -fno-sanitize-recover=undefined" ;;
	check) opts="$opts -Dwerror=true -Dcheck_includes=true" ;;
	# (atomic counters: the tests' threads run the same lines at once; FASTMEM_TEST_GCOV: the
	# debug test's children write their counters before they abort)
	coverage | coverage-debug) opts="$opts -Db_coverage=true -Dbuildtype=debug"
		cargs="$cargs -fprofile-update=atomic -DFASTMEM_TEST_GCOV" ;;
	*) echo "build: unknown variant $variant" >&2; exit 2 ;;
	esac
	case $variant in
	*debug) cargs="$cargs -DRTE_LIBRTE_FASTMEM_DEBUG" ;;
	esac
	extra=${FASTMEM_MESON_OPTS:-}
	echo "build: meson setup $opts $extra" >&2
	# shellcheck disable=SC2086
	/usr/bin/python3 /usr/bin/meson setup "$M" "$T" $opts -Dc_args="$cargs" -Dcpp_args="$cargs" $extra >"$B/meson-setup$suffix.log" 2>&1 ||
		{ tail -n 40 "$B/meson-setup$suffix.log"; exit 1; }
	printf '%s' "$extra" > "$M/fastmem-opts"
fi
L=$B/ninja$suffix.log
# The check build reports every error, not only the first ones.
keep=
[ "$variant" = check ] && keep="-k 0"
# shellcheck disable=SC2086
ninja -C "$M" $keep >"$L" 2>&1 || { grep -B2 -A12 -m5 'error' "$L" | head -n 80; tail -n 5 "$L"; exit 1; }
grep -A6 'warning:' "$L" | head -n 60
tail -n 1 "$L"
for t in "$M/app/dpdk-test" "$M/app/test/dpdk-test"; do
	if [ -x "$t" ]; then
		ln -sfn "$t" "$B/dpdk-test$suffix"
	fi
done
[ -x "$B/dpdk-test$suffix" ]
