#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Everything `make test` runs, after the build: the patch-series check, DPDK's contribution
# checks (make check), the guide, and the fastmem tests in every memory mode.
# Ends with "N passed, M failed".
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
pass=0
fail=0
skip=0
step() {
	echo "##### $1"
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "##### FAILED: $*"
		fail=$((fail + 1))
	fi
}
count_tests() {
	"$@" 2>&1 | tee "$REPO/build/test-step.log"
	out=$(tail -n 1 "$REPO/build/test-step.log")
	p=$(echo "$out" | sed -n 's/^run-tests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
	f=$(echo "$out" | sed -n 's/^run-tests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
	k=$(echo "$out" | sed -n 's/^run-tests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
	skip=$((skip + ${k:-0}))
}

# The fast tests as DPDK's CI runs them: meson test with the registered arguments (--no-huge
# -m 2048 for NOHUGE_OK, every lcore), its 10 s timeout tripled (-t 3, as DPDK's CI scripts).
meson_fast_tests() {
	local names rc run_dir n
	names=$(meson test -C build/meson --no-rebuild --suite fast-tests --list 2>/dev/null |
		sed -n 's|^DPDK:fast-tests / \(fastmem_[a-z_]*\)$|\1|p')
	[ -n "$names" ] || { echo "no fastmem test in DPDK's fast-tests suite"; return 1; }
	# shellcheck disable=SC2086
	meson test -C build/meson --no-rebuild --suite fast-tests -t 3 --print-errorlogs $names
	rc=$?
	# Each test leaves EAL's runtime directory of its file prefix, the test's name, with a
	# 25 MB map of its no-huge memory: in /var/run, a tmpfs, that is RAM until a reboot.
	run_dir=$(scripts/eal-run-dir.sh)
	for n in $names; do
		rm -rf "${run_dir:?}/$n"
	done
	return $rc
}

step "patch series applies with git am" scripts/check-patches.sh
step "DPDK's contribution checks (make check)" make -s check
step "programming guide" make -s doc
step "example built out of tree against the installed DPDK, shared and static, and run" \
	scripts/example.sh
step "fastmem fast-tests through DPDK's test runner (meson test)" meson_fast_tests
echo "##### unit tests, all memory modes"
count_tests scripts/run-tests.sh nohuge,va,pa,pa1g fastmem_autotest fastmem_telemetry_autotest \
	fastmem_inval_autotest fastmem_fault_autotest fastmem_memory_autotest fastmem_secondary_autotest \
	fastmem_secondary_reclaim_autotest
echo "##### two NUMA sockets, on a virtual machine (QEMU): the paths of a second socket (make test-numa)"
count_tests scripts/numa-vm.sh
echo "##### randomized multi-lcore stress test (make stress)"
count_tests scripts/run-tests.sh nohuge,pa fastmem_stress_autotest
echo "##### debug mode (RTE_LIBRTE_FASTMEM_DEBUG): misuse detection, and the unit tests under it"
if scripts/build.sh debug; then
	FASTMEM_TEST_BIN=$REPO/build/dpdk-test-debug count_tests scripts/run-tests.sh nohuge,va,pa \
		fastmem_debug_autotest fastmem_autotest fastmem_inval_autotest \
		fastmem_secondary_autotest
else
	fail=$((fail + 1))
fi
echo "##### debug mode with AddressSanitizer: the ASan cases and the unit tests"
# use_sigaltstack=0: on DPDK main, GCC 12's libasan reports an overflow in its own sigaltstack
# interceptor when an EAL thread exits at the end of the run, after the tests passed.
if scripts/build.sh asan-debug; then
	FASTMEM_TEST_BIN=$REPO/build/dpdk-test-asan-debug \
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:use_sigaltstack=0 \
		count_tests scripts/run-tests.sh nohuge fastmem_asan_autotest fastmem_autotest
else
	fail=$((fail + 1))
fi
echo "##### benchmark and profiling loops, once each as smoke tests (no timing is checked)"
FASTMEM_PROFILE_SECONDS=1 count_tests scripts/run-tests.sh nohuge fastmem_perf_autotest \
	fastmem_profile_hit_autotest fastmem_profile_miss_autotest
echo "make test: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
