#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# run-tests.sh MODES TEST...: run dpdk-test commands in the given memory modes.
#   MODES: comma-separated list of nohuge, va (hugepages, IOVA as VA), pa (hugepages, IOVA as
#   PA), or "best" (the best mode the machine allows: va with hugepages, else nohuge).
# Hugepages are reserved (and hugetlbfs mounted) only for the run, as root, and given back.
# Environment: FASTMEM_LCORES (default 0-1, or all cores up to 4), FASTMEM_TEST_TIMEOUT (s),
# FASTMEM_TEST_BIN (default build/dpdk-test).
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FASTMEM_TEST_BIN:-$REPO/build/dpdk-test}
modes=$1
shift
ncpu=$(nproc)
[ "$ncpu" -gt 4 ] && ncpu=4
LCORES=${FASTMEM_LCORES:-0-$((ncpu > 1 ? ncpu - 1 : 0))}
TMO=${FASTMEM_TEST_TIMEOUT:-600}
HUGE_DIR=$REPO/build/hugepages
NR_PAGES=${FASTMEM_HUGEPAGES:-768}

hp_orig=
hp_mounted=0
huge_setup() {
	[ -n "$hp_orig" ] && return 0
	[ "$(id -u)" = 0 ] || return 1
	[ -w /proc/sys/vm/nr_hugepages ] || return 1
	hp_orig=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$hp_orig" -lt "$NR_PAGES" ]; then
		echo "$NR_PAGES" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
	fi
	mkdir -p "$HUGE_DIR"
	if ! mountpoint -q "$HUGE_DIR"; then
		mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_DIR" || return 1
		hp_mounted=1
	fi
	free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	[ "${free:-0}" -ge 256 ] || { echo "run-tests: only ${free:-0} free hugepages" >&2; return 1; }
}
huge_restore() {
	if [ $hp_mounted = 1 ]; then
		rm -f "$HUGE_DIR"/* 2>/dev/null
		umount "$HUGE_DIR" && hp_mounted=0
	fi
	if [ -n "$hp_orig" ]; then
		echo "$hp_orig" > /proc/sys/vm/nr_hugepages
		hp_orig=
	fi
}
trap huge_restore EXIT

if [ "$modes" = best ]; then
	if huge_setup; then modes=va; else modes=nohuge; fi
	echo "$modes" > "$REPO/build/best-mode"
fi

fail=0
pass=0
skip=0
for mode in ${modes//,/ }; do
	case $mode in
	nohuge) eal="--no-huge -m 1024" ;;
	va|pa)
		if ! huge_setup; then
			echo "run-tests: SKIP $mode: hugepages cannot be reserved here (need root)"
			continue
		fi
		eal="--huge-dir $HUGE_DIR -m 1024 --iova-mode=$mode" ;;
	*) echo "run-tests: unknown mode $mode" >&2; exit 2 ;;
	esac
	for t in "$@"; do
		echo "=== $t [$mode] lcores $LCORES"
		log=$REPO/build/test-$t-$mode.log
		DPDK_TEST=$t timeout "$TMO" stdbuf -oL "$BIN" -l "$LCORES" $eal \
			--file-prefix "fastmem_${mode}_$$" --log-level=lib.fastmem:info \
			< /dev/null > "$log" 2>&1
		rc=$?
		rm -rf "/var/run/dpdk/fastmem_${mode}_$$"
		grep -v '^EAL: \|^TELEMETRY: \|^APP: \|^RTE>>$' "$log" | tail -n "${FASTMEM_TEST_TAIL:-40}"
		if [ $rc = 0 ] && grep -q '^Test OK' "$log"; then
			echo "=== $t [$mode]: PASS"
			pass=$((pass + 1))
		elif grep -q '^Test Skipped' "$log"; then
			echo "=== $t [$mode]: SKIPPED"
			skip=$((skip + 1))
		else
			echo "=== $t [$mode]: FAIL (exit $rc, log $log)"
			fail=$((fail + 1))
		fi
	done
done
echo "run-tests: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
