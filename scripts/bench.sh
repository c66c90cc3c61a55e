#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark, as `make` runs it: fastmem_perf_autotest in the best memory mode the machine
# allows, its tables on stdout, build/fastmem-perf.csv and the plot build/fastmem-perf.png.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
rm -f "$B/fastmem-perf.csv" "$B/fastmem-perf.png"
FASTMEM_PERF_CSV=$B/fastmem-perf.csv FASTMEM_TEST_TAIL=100000 \
	"$REPO/scripts/run-tests.sh" best fastmem_perf_autotest
mode=$(cat "$B/best-mode")
"$REPO/scripts/plot-perf.sh" "$B" "$mode"
echo "bench: CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"memory mode $mode; results in build/fastmem-perf.csv and build/fastmem-perf.png"
