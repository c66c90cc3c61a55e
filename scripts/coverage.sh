#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make coverage: which lines and branches of lib/fastmem the tests run, in two gcov builds, not
# optimized (scripts/build.sh coverage and coverage-debug):
# - the production build runs the unit, telemetry, bad-input, fault, memory, secondary-process
#   and stress tests in --no-huge mode and, where hugepages can be reserved, with IOVA as VA
#   and as PA;
# - the debug build (RTE_LIBRTE_FASTMEM_DEBUG) runs the debug mode's misuse test and the unit
#   and bad-input tests under its checks, in --no-huge mode. Each misuse case ends in a panic
#   in a child process, which writes its gcov counters before the abort (the test's SIGABRT
#   handler calls __gcov_dump() in these builds, FASTMEM_TEST_GCOV): the report shows the
#   checks that fired, up to rte_panic().
# It prints gcovr's summary per source file of each, and writes the annotated sources to
# build/coverage/index.html and build/coverage-debug/index.html. Fails if a test failed.
# Environment: FASTMEM_STRESS_OPS (default 20000: a short stress run).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build

failed=0
# run VARIANT MODE TEST...: the tests in the coverage build VARIANT
run() {
	local variant=$1 mode=$2
	shift 2
	FASTMEM_TEST_BIN=$B/dpdk-test-$variant FASTMEM_TEST_LOG_TAG=$variant \
		FASTMEM_STRESS_OPS=${FASTMEM_STRESS_OPS:-20000} \
		"$REPO/scripts/run-tests.sh" "$mode" "$@" || failed=1
}

# report VARIANT: gcovr's summary of the build's library sources, and its annotated sources
report() {
	local variant=$1
	rm -rf "${B:?}/$variant"
	mkdir -p "$B/$variant"
	echo "##### $variant"
	# gcovr reads the sources meson compiled, in build/tree
	gcovr --root "$B/tree" --object-directory "$B/meson-$variant" \
		--filter "$B/tree/lib/fastmem/" \
		--exclude-unreachable-branches --exclude-throw-branches \
		--html-details "$B/$variant/index.html" --txt - --print-summary
	echo "coverage: annotated sources in build/$variant/index.html"
}

for variant in coverage coverage-debug; do
	"$REPO/scripts/build.sh" "$variant"
	# counters of earlier runs out: the report is this run's
	find "$B/meson-$variant" -name '*.gcda' -delete
done
tests="fastmem_autotest fastmem_telemetry_autotest fastmem_inval_autotest fastmem_fault_autotest
	fastmem_memory_autotest fastmem_secondary_autotest fastmem_secondary_reclaim_autotest
	fastmem_stress_autotest"
# shellcheck disable=SC2086
run coverage nohuge $tests
# with hugepages (as root): IOVA as VA, then as PA
# shellcheck disable=SC2086
run coverage best $tests
# shellcheck disable=SC2086
[ "$(cat "$B/best-mode")" = va ] && run coverage pa $tests
run coverage-debug nohuge fastmem_debug_autotest fastmem_autotest fastmem_inval_autotest
report coverage
report coverage-debug
if [ $failed = 1 ]; then
	echo "coverage: some tests failed (build/test-*-coverage*.log); the report counts what ran" >&2
	exit 1
fi
