# SPDX-License-Identifier: BSD-3-Clause
#
# fastmem build glue: assemble a DPDK tree (Debian's 22.11 source, or DPDK_SRC=/path) with the
# fastmem patch set, build it, run the tests and the benchmark.
#
#   make          build, then run the benchmark on every CPU (and again with tcmalloc, mimalloc
#                 and jemalloc preloaded) and show its results
#   make test     build, then run every test (all memory modes), the patch check, make check
#   make check    DPDK's contribution checks on the series (checkpatches.sh, check-git-log.sh,
#                 werror + check_includes build, doxygen...); DPDK_SRC=/path for another tree
#   make build    build only; the test binary is build/dpdk-test
#   make patches  write the git format-patch series to build/patches
#   make example  install DPDK into build/install, build examples/fastmem out of tree against
#                 it (pkg-config, shared and static) and run it
#   make doc      build the programming guide with sphinx (warnings are errors)
#   make stress   the randomized multi-lcore stress test
#   make test-numa  the tests on a virtual machine of two NUMA sockets (QEMU): the paths of a
#                 second socket, which this one-socket host never takes
#   make test-asan, make test-ubsan   the fastmem tests in AddressSanitizer / UBSan builds
#   make clean

SHELL := /bin/bash
# The scripts, EAL's --huge-dir and DPDK's own build tools take the path unquoted in places.
ifneq ($(words $(CURDIR)),1)
$(error the path of the clone, "$(CURDIR)", has a space: clone it where the path has none)
endif
# The system python (with elftools) must come before any other python3 on PATH.
export PATH := /usr/bin:/bin:/usr/sbin:/sbin:$(PATH)
# Paths relative to the clone in ccache's hashes: another clone's builds hit the same cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

BUILD_PKGS := meson ninja-build python3-pyelftools libnuma-dev pkg-config ccache gcc libc6-dev \
	make git xz-utils coreutils procps
DOC_PKGS := python3-sphinx python3-sphinx-rtd-theme
PLOT_PKGS := gnuplot-nox
# the allocators the benchmark compares with, LD_PRELOADed into a second run each (scripts/bench.sh)
PEER_PKGS := libtcmalloc-minimal4 libmimalloc2.0 libjemalloc2
CHECK_PKGS := codespell doxygen gawk g++ perl dpkg xz-utils
COVERAGE_PKGS := gcovr

.PHONY: all bench build test test-unit test-asan test-ubsan test-numa stress check-patches check \
	patches doc example coverage clean

SAN_TESTS := fastmem_autotest fastmem_inval_autotest fastmem_fault_autotest fastmem_memory_autotest \
	fastmem_telemetry_autotest fastmem_stress_autotest

all: bench

build:
	@scripts/deps.sh $(BUILD_PKGS)
	@scripts/assemble.sh
	@scripts/build.sh

patches: build
	@ls build/patches/*.patch

check-patches: build
	@scripts/check-patches.sh

example: build
	@scripts/example.sh

doc:
	@scripts/deps.sh $(DOC_PKGS)
	@scripts/doc.sh

check: build
	@scripts/deps.sh $(CHECK_PKGS)
	@scripts/check.sh

test-unit: build
	@scripts/run-tests.sh nohuge,va,pa fastmem_autotest

test: build
	@scripts/test-all.sh

# Sanitizer builds: every fastmem test in --no-huge mode (plus ASan's use-after-free check).
test-asan: build
	@scripts/build.sh asan
	@FASTMEM_TEST_BIN=$(CURDIR)/build/dpdk-test-asan \
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:use_sigaltstack=0 \
		scripts/run-tests.sh nohuge $(SAN_TESTS) fastmem_asan_autotest

test-ubsan: build
	@scripts/build.sh ubsan
	@FASTMEM_TEST_BIN=$(CURDIR)/build/dpdk-test-ubsan UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-tests.sh nohuge $(SAN_TESTS)

# Which lines and branches of lib/fastmem the tests run (gcov build; report in build/coverage).
coverage: build
	@scripts/deps.sh $(COVERAGE_PKGS)
	@scripts/coverage.sh

stress: build
	@FASTMEM_TEST_TAIL=30 scripts/run-tests.sh best fastmem_stress_autotest

test-numa: build
	@scripts/numa-vm.sh

bench: build
	@scripts/deps.sh $(PLOT_PKGS) $(PEER_PKGS)
	@scripts/bench.sh

# A run cut off may leave its hugetlbfs mounted in build/, and hugepages reserved.
clean:
	-@scripts/run-tests.sh reclaim
	-@umount build/hugepages build/hugepages-1G 2>/dev/null
	rm -rf build
