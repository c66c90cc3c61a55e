/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Loops to profile fastmem with perf(1), one code path each:
 *
 *   fastmem_profile_hit_autotest   allocate and free one object: the inline cache-hit paths
 *   fastmem_profile_miss_autotest  allocate 1024 objects (what a bin's depot holds) one by
 *                                  one, then free them all: the refill and flush (miss) paths
 *                                  and the per-socket bins behind them
 *
 * Each runs for FASTMEM_PROFILE_SECONDS seconds (default 2) on objects of
 * FASTMEM_PROFILE_SIZE bytes (default 64) and prints the operations per second and the
 * lcore's cache hit counters. For example:
 *
 *   FASTMEM_PROFILE_SECONDS=10 DPDK_TEST=fastmem_profile_miss_autotest \
 *       perf record -g build/dpdk-test -l 0 --no-huge -m 1024 --no-telemetry
 *   perf report --no-children
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include <rte_fastmem.h>

#include "test.h"

#define PROFILE_DEFAULT_SECONDS 2
#define PROFILE_DEFAULT_SIZE 64
#define PROFILE_CHUNK 4096          /* operations between two looks at the clock */
#define PROFILE_MISS_OBJS 1024       /* objects of the miss loop: a bin's depot holds all */

static unsigned long
profile_env(const char *name, unsigned long def, unsigned long max)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (s == NULL || s[0] == '\0')
		return def;
	v = strtoul(s, &end, 0);
	if (*end != '\0' || v == 0 || v > max) {
		printf("%s=%s ignored, using %" PRIu64 "\n", name, s, (uint64_t)def);
		return def;
	}
	return v;
}

/*
 * Initialize fastmem unless it already is; *own tells whether the caller must deinit it.
 */
static int
profile_init(bool *own)
{
	int ret = rte_fastmem_init();

	*own = ret == 0;
	if (ret == 0 || ret == -EBUSY)
		return 0;
	printf("rte_fastmem_init failed: %d\n", ret);
	return ret;
}

/*
 * Print the loop's rate and the lcore's cache counters, and check that the loop took the path
 * it profiles: every one of its ops operations (half of them allocations) counted, as hits
 * only after the first allocation (hit loop) or with misses on both sides (miss loop). Objects
 * above the largest class have no cache: nothing to check.
 */
static int
profile_report(const char *what, uint64_t ops, uint64_t cycles, size_t size, bool miss)
{
	struct rte_fastmem_lcore_stats ls;
	double secs = (double)cycles / rte_get_tsc_hz();

	printf("%s, %zu B: %" PRIu64 " operations in %.2f s: %.1f M operations/s, "
			"%.1f TSC cycles per operation\n", what, size, ops, secs,
			ops / secs / 1e6, (double)cycles / ops);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "lcore statistics");
	printf("lcore %u: alloc cache hits %" PRIu64 ", misses %" PRIu64 "; free cache hits %"
			PRIu64 ", misses %" PRIu64 "\n", rte_lcore_id(), ls.alloc_cache_hits,
			ls.alloc_cache_misses, ls.free_cache_hits, ls.free_cache_misses);
	if (size > RTE_FASTMEM_MAX_OBJ_SIZE)
		return TEST_SUCCESS;
	TEST_ASSERT(ls.alloc_cache_hits + ls.alloc_cache_misses == ops / 2 &&
			ls.free_cache_hits + ls.free_cache_misses == ops / 2,
			"the counters do not add up to the %" PRIu64 " operations", ops);
	if (miss)
		TEST_ASSERT(ls.alloc_cache_misses > 0 && ls.free_cache_misses > 0,
				"the miss loop did not miss on both sides");
	else
		TEST_ASSERT(ls.alloc_cache_misses <= 1 && ls.free_cache_misses == 0,
				"the hit loop missed after its first allocation");
	return TEST_SUCCESS;
}

/* Cache hits: one object allocated and freed again, over and over. */
static int
test_fastmem_profile_hit(void)
{
	size_t size = profile_env("FASTMEM_PROFILE_SIZE", PROFILE_DEFAULT_SIZE,
			rte_fastmem_max_size());
	uint64_t secs = profile_env("FASTMEM_PROFILE_SECONDS", PROFILE_DEFAULT_SECONDS, 3600);
	uint64_t start, end, ops = 0;
	unsigned int i;
	bool own;
	void *p;
	int ret = 0;

	if (profile_init(&own) != 0)
		return TEST_FAILED;
	rte_fastmem_stats_reset();
	start = rte_rdtsc();
	end = start + secs * rte_get_tsc_hz();
	do {
		for (i = 0; i < PROFILE_CHUNK; i++) {
			p = rte_fastmem_alloc(size, 0, 0);
			if (unlikely(p == NULL)) {
				printf("allocation of %zu B failed\n", size);
				ret = -ENOMEM;
				break;
			}
			__asm__ __volatile__("" : : "r"(p) : "memory");
			rte_fastmem_free(p);
		}
		ops += 2 * i;
	} while (ret == 0 && rte_rdtsc() < end);
	if (ret == 0)
		ret = profile_report("cache-hit loop (allocations and frees, one object)", ops,
				rte_rdtsc() - start, size, false);
	rte_fastmem_cache_flush();
	if (own)
		rte_fastmem_deinit();
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

/* Cache misses: more objects than a cache holds, allocated one by one, then freed. */
static int
test_fastmem_profile_miss(void)
{
	size_t size = profile_env("FASTMEM_PROFILE_SIZE", PROFILE_DEFAULT_SIZE,
			rte_fastmem_max_size());
	uint64_t secs = profile_env("FASTMEM_PROFILE_SECONDS", PROFILE_DEFAULT_SECONDS, 3600);
	void **objs = calloc(PROFILE_MISS_OBJS, sizeof(*objs));
	uint64_t start, end, ops = 0;
	unsigned int i;
	bool own;
	int ret = 0;

	if (objs == NULL)
		return TEST_FAILED;
	if (profile_init(&own) != 0) {
		free(objs);
		return TEST_FAILED;
	}
	rte_fastmem_stats_reset();
	start = rte_rdtsc();
	end = start + secs * rte_get_tsc_hz();
	do {
		for (i = 0; i < PROFILE_MISS_OBJS; i++) {
			objs[i] = rte_fastmem_alloc(size, 0, 0);
			if (unlikely(objs[i] == NULL)) {
				printf("allocation of %zu B failed after %u objects\n", size, i);
				ret = -ENOMEM;
				break;
			}
		}
		ops += 2 * i;
		while (i-- > 0)
			rte_fastmem_free(objs[i]);
	} while (ret == 0 && rte_rdtsc() < end);
	if (ret == 0)
		ret = profile_report("cache-miss loop (allocations and frees, 1024 objects deep)",
				ops, rte_rdtsc() - start, size, true);
	rte_fastmem_cache_flush();
	if (own)
		rte_fastmem_deinit();
	free(objs);
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_PERF_TEST(fastmem_profile_hit_autotest, test_fastmem_profile_hit);
REGISTER_PERF_TEST(fastmem_profile_miss_autotest, test_fastmem_profile_miss);
