#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark, as `make` runs it: fastmem_perf_autotest in the best memory mode the machine
# allows, on every CPU of the machine (scripts/run-tests.sh FASTMEM_LCORES=all), then once more
# per peer allocator (tcmalloc, mimalloc, jemalloc: Debian's, LD_PRELOADed) measuring only
# mempool, the libc row, labelled with the peer's name, and rte_malloc where it is the reference
# (large); a peer whose preload did not take is left out. The tables of all runs together are
# printed by scripts/perf-tables.py (peers' ratios are to the mempool of their own run), the
# merged CSV is build/fastmem-perf.csv (build/fastmem-perf-RUN.csv per run), the plot
# build/fastmem-perf.png (scripts/plot-perf.sh).
#
# Environment: FASTMEM_BENCH_MODE (a run-tests.sh mode; default best), FASTMEM_BENCH_PEERS
# (default "tcmalloc mimalloc jemalloc"; empty for the main run only), FASTMEM_LCORES (default
# all), FASTMEM_PERF_SCENARIOS (all scenarios by default).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
mode=${FASTMEM_BENCH_MODE:-best}
peers=${FASTMEM_BENCH_PEERS-tcmalloc mimalloc jemalloc}
export FASTMEM_LCORES=${FASTMEM_LCORES:-all}

# peer_so NAME: the shared object of the peer, from its Debian package's file list
peer_so() {
	local pkg lib
	case $1 in
	tcmalloc) pkg=libtcmalloc-minimal4 lib=libtcmalloc_minimal ;;
	mimalloc) pkg=libmimalloc2.0 lib=libmimalloc ;;
	jemalloc) pkg=libjemalloc2 lib=libjemalloc ;;
	*) return 1 ;;
	esac
	dpkg -L "$pkg" 2>/dev/null | grep -E "/$lib\.so\.[0-9]+$" | head -n 1
}

rm -f "$B"/fastmem-perf*.csv "$B/fastmem-perf.png"
FASTMEM_PERF_CSV=$B/fastmem-perf-main.csv FASTMEM_TEST_TAIL=100000 \
	"$REPO/scripts/run-tests.sh" "$mode" fastmem_perf_autotest
[ "$mode" = best ] && mode=$(cat "$B/best-mode")
runs=(main="$B/fastmem-perf-main.csv")
for p in $peers; do
	so=$(peer_so "$p") || so=
	if [ -z "$so" ] || [ ! -e "$so" ]; then
		echo "bench: $p left out: not installed (see Makefile PEER_PKGS)"
		continue
	fi
	echo "##### $p: $so"
	FASTMEM_PERF_CSV=$B/fastmem-perf-$p.csv FASTMEM_TEST_TAIL=0 FASTMEM_TEST_LOG_TAG=$p \
		FASTMEM_TEST_PRELOAD=$so FASTMEM_PERF_ALLOCATORS=mempool,libc \
		FASTMEM_PERF_LIBC_NAME=$p "$REPO/scripts/run-tests.sh" "$mode" fastmem_perf_autotest ||
		{ echo "bench: $p failed, left out"; continue; }
	log=$B/test-fastmem_perf_autotest-$mode-$p.log
	grep -h "^Row \|^fastmem_perf: [0-9.]* s" "$log" || true
	# the test names where its malloc() came from: glibc's, if the preload was ignored
	if ! grep -q "^Row $p: malloc() from .*/$(basename "$so")\$" "$log"; then
		echo "bench: $p left out: malloc() did not come from $so"
		continue
	fi
	runs+=("$p=$B/fastmem-perf-$p.csv")
done
echo "##### all runs"
/usr/bin/python3 "$REPO/scripts/perf-tables.py" "$B/fastmem-perf.csv" "${runs[@]}"
echo
"$REPO/scripts/plot-perf.sh" "$B" "$mode"
echo "bench: CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"$(nproc) CPUs, memory mode $mode; results in build/fastmem-perf.csv and" \
	"build/fastmem-perf.png, logs in build/test-fastmem_perf_autotest-$mode*.log"
