#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# run-tests.sh MODES TEST...: run dpdk-test commands in the given memory modes.
#   MODES: comma-separated list of nohuge, va (2 MiB hugepages, IOVA as VA), pa (2 MiB hugepages,
#   IOVA as PA), pa1g (1 GiB hugepages, IOVA as PA), or "best" (the best mode the machine
#   allows: va with hugepages, else nohuge).
# pa and pa1g run under scripts/fragment-hugepages: no two free hugepages are physically
# adjacent, as on a machine that has been up for months. va and nohuge run unfragmented.
# Hugepages are reserved (and hugetlbfs mounted) only for the run, as root, and given back; what a
# run killed with SIGKILL did not give back, the next run (or `run-tests.sh reclaim`) does.
# Environment: FASTMEM_LCORES (an -l list; default the first 4 CPUs this process may run on,
# "all": every one of them, lcore i on the i-th), FASTMEM_TEST_TIMEOUT (s),
# FASTMEM_TEST_BIN (default build/dpdk-test), FASTMEM_TEST_MEM (EAL memory in MiB, -m; 1792
# with hugepages: the trim test grows to more than 1 GiB of live objects; 2560 with --no-huge,
# where it costs no hugepages: more than 2 GiB, which trim's INT_MAX bound needs),
# FASTMEM_HUGEPAGES (2 MiB pages needed, 1024),
# FASTMEM_HUGEPAGES_1G (1 GiB pages to reserve for pa1g, 3), FASTMEM_TEST_PRELOAD (LD_PRELOAD
# of the test binary), FASTMEM_TEST_LOG_TAG (appended to the log names: build/test-T-MODE-TAG.log).
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FASTMEM_TEST_BIN:-$REPO/build/dpdk-test}
modes=$1
shift
# EAL's lcores 0..n-1 on the first n CPUs this process may run on (a container's cpuset need not
# start at CPU 0): "-l 0-N" when they are CPUs 0..N, else "--lcores 0@c0,1@c1,...". n is
# FASTMEM_LCORES=all's every allowed CPU (at most 128, DPDK's default RTE_MAX_LCORE), by default
# up to 4; on one CPU by default, two lcores on it, so that the tests that need a worker lcore
# run (none is skipped).
# Also FIRST_CPU, the first allowed CPU, for the runs of one lcore.
read -r FIRST_CPU lcore_opt LCORES < <(/usr/bin/python3 - "${FASTMEM_LCORES:-4}" <<-'EOF'
	import os, sys
	c = sorted(os.sched_getaffinity(0))
	c, first = c[:128 if sys.argv[1] == "all" else 4], c[0]
	if len(c) == 1 and sys.argv[1] != "all":
	    print(first, "--lcores", "0@%d,1@%d" % (first, first))
	elif c == list(range(len(c))):
	    print(first, "-l", "0-%d" % (len(c) - 1))
	else:
	    print(first, "--lcores", ",".join("%d@%d" % (i, x) for i, x in enumerate(c)))
	EOF
)
if [ -n "${FASTMEM_LCORES:-}" ] && [ "$FASTMEM_LCORES" != all ]; then
	LCORES=$FASTMEM_LCORES
	lcore_opt=-l
fi
TMO=${FASTMEM_TEST_TIMEOUT:-600}
# EAL's runtime directory (eal_create_runtime_dir()), where each run leaves a directory
RUN_DIR=$("$REPO/scripts/eal-run-dir.sh")
HUGE_DIR=$REPO/build/hugepages
MEM=${FASTMEM_TEST_MEM:-1792}
MEM_NOHUGE=${FASTMEM_TEST_MEM:-2560}
NR_PAGES=${FASTMEM_HUGEPAGES:-1024}
# EAL reserves all of -m MEM MiB at start: the pool must have that much free
NEED_PAGES=$(((MEM + 1) / 2))
[ "$NR_PAGES" -lt "$NEED_PAGES" ] && NR_PAGES=$NEED_PAGES
HUGE_DIR_1G=$REPO/build/hugepages-1G
NR_PAGES_1G=${FASTMEM_HUGEPAGES_1G:-3}
POOL_2M=/sys/kernel/mm/hugepages/hugepages-2048kB
POOL_1G=/sys/kernel/mm/hugepages/hugepages-1048576kB

# The pools are shared with everyone on the machine: grow them by what we need and give back
# only what we added, never going below the size they had (others may change them meanwhile).
# Each change is also written to a ledger, "POOL PAGES" lines, removed at the end of the run: the
# ledger of a run that is gone (killed with SIGKILL, no trap ran) tells the next run what to give
# back (ledger_reclaim).
LEDGER_PREFIX=$REPO/build/hugepages-added.
LEDGER=$LEDGER_PREFIX$$
# pool_grow POOL N: ask for N more pages, print how many the kernel gave.
pool_grow() {
	local before after
	before=$(cat "$1/nr_hugepages")
	echo $((before + $2)) > "$1/nr_hugepages" 2>/dev/null
	after=$(cat "$1/nr_hugepages")
	[ "$after" -gt "$before" ] && echo "$1 $((after - before))" >> "$LEDGER"
	echo $((after > before ? after - before : 0))
}
# pool_shrink POOL N MIN: give N pages back, keeping at least MIN.
pool_shrink() {
	local cur want
	cur=$(cat "$1/nr_hugepages")
	want=$((cur - $2 > $3 ? cur - $2 : $3))
	if [ "$want" -lt "$cur" ]; then
		echo "$want" > "$1/nr_hugepages"
		echo "$1 -$((cur - want))" >> "$LEDGER"
	fi
	return 0
}
# ledger_reclaim: give back what the runs of this checkout that are gone added and kept
ledger_reclaim() {
	local f pid pool n
	[ "$(id -u)" = 0 ] || return 0
	for f in "$LEDGER_PREFIX"*; do
		[ -e "$f" ] || continue
		pid=${f##*.}
		kill -0 "$pid" 2>/dev/null && continue
		while read -r pool n; do
			if [ "$n" -le 0 ] || [ ! -w "$pool/nr_hugepages" ]; then
				continue
			fi
			echo "run-tests: giving back $n hugepages of $pool that run $pid left"
			LEDGER=/dev/null pool_shrink "$pool" "$n" 0
		done < <(awk '{ n[$1] += $2 } END { for (p in n) print p, n[p] }' "$f")
		rm -f "$f"
	done
}
# pool_free POOL: free pages nobody has reserved yet
pool_free() {
	echo $(($(cat "$1/free_hugepages") - $(cat "$1/resv_hugepages")))
}

# stale_files DIR: remove the hugepage files of runs of this script that are gone (their pid,
# in the file prefix fastmem_MODE_PID, is no longer alive); fails if a live run has files there
stale_files() {
	local f pid live=0
	for f in "$1"/fastmem_*; do
		[ -e "$f" ] || continue
		pid=${f##*/fastmem_}
		pid=${pid#*_}
		pid=${pid%%map_*}
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			live=1
		else
			rm -f "$f"
		fi
	done
	[ $live = 0 ]
}

hp_orig=
hp_added=0
hp_mounted=0
huge_setup() {
	[ -n "$hp_orig" ] && return 0
	[ "$(id -u)" = 0 ] || return 1
	[ -w $POOL_2M/nr_hugepages ] || return 1
	hp_orig=$(cat $POOL_2M/nr_hugepages)
	if [ "$hp_orig" -lt "$NR_PAGES" ]; then
		hp_added=$(pool_grow $POOL_2M $((NR_PAGES - hp_orig)))
	fi
	mkdir -p "$HUGE_DIR"
	# a mount left by an interrupted run is ours too (unmounted at the end), unless another
	# run of this checkout still uses it
	if mountpoint -q "$HUGE_DIR"; then
		stale_files "$HUGE_DIR" && hp_mounted=1
	else
		mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_DIR" || { huge_restore; return 1; }
		hp_mounted=1
	fi
	free=$(pool_free $POOL_2M)
	if [ "$free" -lt "$NEED_PAGES" ]; then
		echo "run-tests: only $free free 2 MiB hugepages, $NEED_PAGES needed" >&2
		huge_restore # so that the next mode asks again, and fails the same way
		return 1
	fi
}
huge_restore() {
	if [ $hp_mounted = 1 ]; then
		rm -f "$HUGE_DIR"/* 2>/dev/null
		umount "$HUGE_DIR" && hp_mounted=0
	fi
	if [ -n "$hp_orig" ]; then
		pool_shrink $POOL_2M "$hp_added" "$hp_orig"
		hp_orig=
		hp_added=0
	fi
}

# 1 GiB pages for pa1g: reserved at run time, which needs 1 GiB of free physically contiguous
# memory each; a machine without them (or too fragmented to give one) skips the mode.
hp1g_orig=
hp1g_added=0
hp1g_mounted=0
why1g=
huge1g_setup() {
	[ -n "$hp1g_orig" ] && return 0
	why1g="no 1 GiB hugepage pool here (needs root and a CPU with pdpe1gb)"
	[ "$(id -u)" = 0 ] || return 1
	[ -w $POOL_1G/nr_hugepages ] || return 1
	# The tests need MEM MiB (k pages) of the pages scripts/fragment-hugepages leaves free: of
	# physically adjacent pages it keeps every other one, so 2k - 1 pages are always enough;
	# k pages are, when none of them are adjacent (frag_start checks).
	need1g=$(((MEM + 1023) / 1024))
	want1g=$((2 * need1g - 1))
	hp1g_orig=$(cat $POOL_1G/nr_hugepages)
	hp1g_added=$(pool_grow $POOL_1G "$NR_PAGES_1G")
	# Free memory in pieces (a machine up for a while, the other modes' 2 MiB pages just given
	# back): compact it and ask again, then once more without the page cache.
	for drop in 0 1; do
		[ "$(pool_free $POOL_1G)" -lt "$want1g" ] && [ -w /proc/sys/vm/compact_memory ] ||
			break
		if [ $drop = 1 ]; then
			sync
			echo 3 > /proc/sys/vm/drop_caches
		fi
		echo 1 > /proc/sys/vm/compact_memory
		hp1g_added=$((hp1g_added + $(pool_grow $POOL_1G $((NR_PAGES_1G - hp1g_added)))))
	done
	if [ "$(pool_free $POOL_1G)" -lt "$need1g" ]; then
		why1g="the kernel gives $(pool_free $POOL_1G) free 1 GiB hugepage(s) (asked for"
		why1g="$why1g $NR_PAGES_1G), the tests need at least $need1g for $MEM MiB"
		huge1g_restore
		return 1
	fi
	mkdir -p "$HUGE_DIR_1G"
	if mountpoint -q "$HUGE_DIR_1G"; then
		stale_files "$HUGE_DIR_1G" && hp1g_mounted=1
	else
		why1g="cannot mount hugetlbfs with 1 GiB pages"
		mount -t hugetlbfs -o pagesize=1G nodev "$HUGE_DIR_1G" || { huge1g_restore; return 1; }
		hp1g_mounted=1
	fi
	echo "run-tests: pa1g: $(pool_free $POOL_1G) free 1 GiB hugepages" \
		"(reserved $hp1g_added of $NR_PAGES_1G asked)"
}
huge1g_restore() {
	if [ $hp1g_mounted = 1 ]; then
		rm -f "$HUGE_DIR_1G"/* 2>/dev/null
		umount "$HUGE_DIR_1G" && hp1g_mounted=0
	fi
	if [ -n "$hp1g_orig" ]; then
		pool_shrink $POOL_1G "$hp1g_added" "$hp1g_orig"
		hp1g_orig=
		hp1g_added=0
	fi
}

# The fragmenter holds every other free page (in physical order) of the pool of the hugetlbfs
# at DIR, for as long as a mode's tests run.
# frag_start DIR POOL MIN_FREE EXTRA: grow POOL by EXTRA pages (so that about as many stay
# free for others as before), fragment it, fail unless MIN_FREE pages are left free.
frag_pid=
frag_pool=
frag_orig=
frag_added=0
frag_start() {
	local ready=$REPO/build/fragmenter.ready i
	frag_pool=$2
	frag_orig=$(cat "$2/nr_hugepages")
	frag_added=$(pool_grow "$2" "$4")
	rm -f "$ready"
	/usr/bin/python3 "$REPO/scripts/fragment-hugepages" --ready "$ready" --min-free "$3" "$1" \
		> "$REPO/build/fragmenter.log" 2>&1 &
	frag_pid=$!
	for i in $(seq 1200); do
		[ -e "$ready" ] && break
		kill -0 $frag_pid 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/run-tests: /' "$REPO/build/fragmenter.log"
	[ -e "$ready" ] && return 0
	frag_stop
	return 1
}
frag_stop() {
	if [ -n "$frag_pid" ]; then
		kill -TERM $frag_pid 2>/dev/null
		wait $frag_pid 2>/dev/null
		frag_pid=
	fi
	if [ -n "$frag_pool" ]; then
		pool_shrink "$frag_pool" "$frag_added" "$frag_orig"
		frag_pool=
		frag_added=0
	fi
}
# frag_extra: pages to add to the 2 MiB pool before fragmenting it: as many as are free (about
# half stay free afterwards), at least enough for NR_PAGES free ones, at most half of the
# available memory
frag_extra() {
	local free want avail
	free=$(pool_free $POOL_2M)
	want=$((2 * NR_PAGES + 256 - free))
	[ "$want" -lt "$free" ] && want=$free
	avail=$(awk '/^MemAvailable:/ { print int($2 / 2048 / 2) }' /proc/meminfo)
	echo $((want < avail ? want : avail))
}

# run_done MODE: remove what a DPDK run of MODE leaves: processes it started that outlived it
# (secondaries of a test that timed out), its runtime directory and its hugepage files. The
# files keep their pages in use until the next EAL start deletes them; in the pa modes those
# pages would then join the fragmented pool unfragmented.
run_done() {
	pkill -KILL -f -- "--file-prefix[= ]fastmem_${1}_${$}( |\$)" 2>/dev/null && sleep 0.5
	rm -rf "$RUN_DIR/fastmem_${1}_$$"
	rm -f "$HUGE_DIR/fastmem_${1}_$$"map_* "$HUGE_DIR_1G/fastmem_${1}_$$"map_* 2>/dev/null
}

# physmem_check MODE EAL...: DPDK's view of the fragmented pool (dump_physmem): how many
# virtually consecutive hugepages are also IOVA-contiguous. Fails unless DPDK sees hugepages
# and none of them are: a pa result on an unfragmented pool would claim too much.
physmem_check() {
	local mode=$1 log=$REPO/build/test-dump_physmem-$1.log segs=0 pairs=0 adj=0
	local l=-1 i=-1 end=-1 ml mi iova len
	shift
	DPDK_TEST=dump_physmem timeout --foreground -k 10 120 stdbuf -oL "$BIN" \
		--lcores "0@$FIRST_CPU" "$@" \
		--file-prefix "fastmem_${mode}_$$" < /dev/null > "$log" 2>&1
	run_done "$mode"
	while read -r ml mi iova len; do
		segs=$((segs + 1))
		if [ "$ml" = "$l" ] && [ "$mi" = $((i + 1)) ]; then
			pairs=$((pairs + 1))
			[ $((iova)) = "$end" ] && adj=$((adj + 1))
		fi
		l=$ml i=$mi end=$((iova + len))
	done < <(sed -n 's/^Segment \([0-9]*\)-\([0-9]*\): IOVA:\(0x[0-9a-f]*\), len:\([0-9]*\),.*/\1 \2 \3 \4/p' "$log")
	echo "run-tests: $mode: dump_physmem: $segs hugepages, $pairs virtually consecutive pairs," \
		"$adj of them IOVA-contiguous (log $log)"
	[ "$segs" -gt 0 ] || { echo "run-tests: $mode: dump_physmem shows no hugepage"; return 1; }
	[ "$adj" = 0 ] || { echo "run-tests: $mode: the pool is not fragmented for DPDK"; return 1; }
}

restore_all() {
	frag_stop
	huge_restore
	huge1g_restore
	rm -f "$LEDGER"
}
mkdir -p "$REPO/build"
ledger_reclaim
[ "$modes" = reclaim ] && exit 0
trap restore_all EXIT
trap 'exit 130' INT TERM
trap 'exit 129' HUP

if [ "$modes" = best ]; then
	if huge_setup; then modes=va; else modes=nohuge; fi
	echo "$modes" > "$REPO/build/best-mode"
fi

# GCC 12's AddressSanitizer puts its shadow memory where, on a kernel with more than 28 bits of
# mmap randomization (vm.mmap_rnd_bits: 32 on some kernels), a library may lie already: about
# half of the runs here then died in a loop of "AddressSanitizer:DEADLYSIGNAL". Such a binary
# runs without address randomization (setarch -R; its secondary processes inherit that).
norand=()
if ldd "$BIN" 2>/dev/null | grep -q libasan &&
		[ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
	if setarch "$(uname -m)" -R true 2>/dev/null; then
		norand=(setarch "$(uname -m)" -R)
		echo "run-tests: vm.mmap_rnd_bits above 28: ASan runs without address randomization"
	else
		echo "run-tests: vm.mmap_rnd_bits above 28 and setarch -R not allowed: ASan may fail"
	fi
fi

fail=0
pass=0
skip=0
for mode in ${modes//,/ }; do
	case $mode in
	nohuge) eal="--no-huge -m $MEM_NOHUGE" ;;
	va|pa)
		if ! huge_setup; then
			# as root, with a pool to grow, these modes must run: a skip would hide them
			if [ "$(id -u)" = 0 ] && [ -w $POOL_2M/nr_hugepages ]; then
				echo "run-tests: FAIL $mode: fewer than $NEED_PAGES free 2 MiB hugepages," \
					"although this user may reserve them"
				fail=$((fail + $#))
			else
				echo "run-tests: SKIP $mode: hugepages cannot be reserved here" \
					"(need root and $NEED_PAGES free 2 MiB hugepages)"
				skip=$((skip + $#))
			fi
			continue
		fi
		eal="--huge-dir $HUGE_DIR -m $MEM --iova-mode=$mode" ;;
	pa1g)
		huge_restore # the 2 MiB pages of va and pa would keep 1 GiB ones from forming
		if ! huge1g_setup; then
			echo "run-tests: SKIP $mode: $why1g"
			skip=$((skip + $#))
			continue
		fi
		eal="--huge-dir $HUGE_DIR_1G -m $MEM --iova-mode=pa" ;;
	*) echo "run-tests: unknown mode $mode" >&2; exit 2 ;;
	esac
	case $mode in
	pa|pa1g)
		if [ $mode = pa ]; then
			frag_start "$HUGE_DIR" $POOL_2M "$NR_PAGES" "$(frag_extra)"
		else
			free1g=$(pool_free $POOL_1G)
			frag_start "$HUGE_DIR_1G" $POOL_1G "$need1g" 0
		fi
		rc=$?
		if [ $rc != 0 ] && [ $mode = pa1g ] && [ "$free1g" -lt "$want1g" ]; then
			echo "run-tests: SKIP $mode: of the $free1g 1 GiB hugepages the kernel" \
				"gives, fewer than $need1g stay free once fragmented (some are" \
				"physically adjacent)"
			huge1g_restore
			skip=$((skip + $#))
			continue
		fi
		if [ $rc != 0 ]; then
			echo "run-tests: FAIL $mode: the hugepages cannot be fragmented"
			fail=$((fail + $#))
			continue
		fi
		echo "run-tests: mode $mode runs FRAGMENTED: no two free hugepages physically adjacent"
		if [ $mode = pa ]; then
			physmem_check $mode $eal
		else
			# all the free 1 GiB pages, to see more than one
			physmem_check $mode --huge-dir "$HUGE_DIR_1G" --iova-mode=pa \
				-m $(($(pool_free $POOL_1G) * 1024))
		fi
		if [ $? != 0 ]; then
			echo "run-tests: FAIL $mode: its tests would not run on fragmented memory"
			frag_stop
			fail=$((fail + $#))
			continue
		fi ;;
	*) echo "run-tests: mode $mode runs unfragmented" ;;
	esac
	for t in "$@"; do
		echo "=== $t [$mode] lcores $LCORES${FASTMEM_TEST_PRELOAD:+ LD_PRELOAD=$FASTMEM_TEST_PRELOAD}"
		log=$REPO/build/test-$t-$mode${FASTMEM_TEST_LOG_TAG:+-$FASTMEM_TEST_LOG_TAG}.log
		# timeout in the foreground: an interrupt reaches the test too, so that the cleanup
		# (hugepages, mounts) runs at once, not when the test would have ended
		DPDK_TEST=$t LD_PRELOAD=${FASTMEM_TEST_PRELOAD:-${LD_PRELOAD:-}} \
			timeout --foreground -k 10 "$TMO" "${norand[@]}" \
			stdbuf -oL "$BIN" $lcore_opt "$LCORES" $eal \
			--file-prefix "fastmem_${mode}_$$" --log-level=lib.fastmem:info \
			< /dev/null > "$log" 2>&1
		rc=$?
		run_done "$mode"
		"$REPO/scripts/log-tail.sh" "${FASTMEM_TEST_TAIL:-40}" < "$log"
		# a case of a suite that skips (the suite still says Test OK) hides what it tests
		cskip=$(sed -n 's/^ + Tests Skipped : *\([0-9]*\)$/\1/p' "$log" | sort -n | tail -1)
		if [ $rc = 0 ] && grep -q '^Test OK' "$log" && [ "${cskip:-0}" != 0 ]; then
			echo "=== $t [$mode]: FAIL ($cskip test case(s) skipped, log $log)"
			fail=$((fail + 1))
		elif [ $rc = 0 ] && grep -q '^Test OK' "$log"; then
			echo "=== $t [$mode]: PASS"
			pass=$((pass + 1))
		elif [ $rc = 77 ] && grep -q '^Test Skipped' "$log"; then
			echo "=== $t [$mode]: SKIPPED"
			skip=$((skip + 1))
		else
			echo "=== $t [$mode]: FAIL (exit $rc, log $log)"
			fail=$((fail + 1))
		fi
	done
	frag_stop
done
# every test of every mode has a result, or the script went wrong
n_modes=$(echo "${modes//,/ }" | wc -w)
if [ $((pass + fail + skip)) != $((n_modes * $#)) ]; then
	echo "run-tests: $((pass + fail + skip)) results for $((n_modes * $#)) runs"
	fail=$((fail + 1))
fi
echo "run-tests: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
