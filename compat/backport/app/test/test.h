/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */

/*
 * Current DPDK registers a test and finds it by scanning the sources for these macros;
 * here they register a test command, and compat.py adds the tests to meson's lists.
 */
#define REGISTER_FAST_TEST(cmd, no_huge, asan, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_PERF_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_STRESS_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)

