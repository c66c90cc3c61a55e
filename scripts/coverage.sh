#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make coverage: which lines and branches of lib/fastmem the tests run. Builds the tree with
# gcov instrumentation, not optimized (scripts/build.sh coverage: build/dpdk-test-coverage),
# runs the unit, telemetry, bad-input, fault, memory, secondary-process and stress tests in
# --no-huge mode and, where hugepages can be reserved, with IOVA as VA and as PA, then prints
# gcovr's summary per source file and writes the annotated sources to build/coverage/index.html.
# The debug mode's checks (fastmem_debug.c, RTE_LIBRTE_FASTMEM_DEBUG) are not in this build.
# Environment: FASTMEM_STRESS_OPS (default 20000: a short stress run).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
M=$B/meson-coverage

"$REPO/scripts/build.sh" coverage
# counters of earlier runs out: the report is this run's
find "$M" -name '*.gcda' -delete
tests="fastmem_autotest fastmem_telemetry_autotest fastmem_inval_autotest fastmem_fault_autotest
	fastmem_memory_autotest fastmem_secondary_autotest fastmem_secondary_reclaim_autotest
	fastmem_stress_autotest"
failed=0
run() {
	# shellcheck disable=SC2086
	FASTMEM_TEST_BIN=$B/dpdk-test-coverage FASTMEM_TEST_LOG_TAG=coverage \
		FASTMEM_STRESS_OPS=${FASTMEM_STRESS_OPS:-20000} \
		"$REPO/scripts/run-tests.sh" "$1" $tests || failed=1
}
run nohuge
# with hugepages (as root): IOVA as VA, then as PA
run best
[ "$(cat "$B/best-mode")" = va ] && run pa
rm -rf "$B/coverage"
mkdir -p "$B/coverage"
# gcovr reads the sources meson compiled, in build/tree; only the library's files are reported
gcovr --root "$B/tree" --object-directory "$M" --filter "$B/tree/lib/fastmem/" \
	--exclude-unreachable-branches --exclude-throw-branches \
	--html-details "$B/coverage/index.html" --txt - --print-summary
echo "coverage: annotated sources in build/coverage/index.html"
if [ $failed = 1 ]; then
	echo "coverage: some tests failed (build/test-*-coverage.log); the report counts what ran" >&2
	exit 1
fi
