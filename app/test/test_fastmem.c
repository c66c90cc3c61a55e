/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_thread.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_spinlock.h>
#include <rte_stdatomic.h>
#include <rte_string_fns.h>

#include <rte_fastmem.h>

#include "test_fastmem.h"

#include "test.h"

/*
 * Unit tests of the fastmem allocator. Every test case initializes the allocator in its setup
 * and tears it down in its teardown, so the cases are independent of each other. The tests use
 * the public API only; they keep their backing memory below 1 GiB (scripts/run-tests.sh gives
 * EAL 1792 MiB, which the trim test of fastmem_memory_autotest needs).
 */

#define TEST_MAX_SIZE MIB(1)              /* the largest class */
#define TEST_API_MAX ((SIZE_MAX >> 1) + 1) /* rte_fastmem_max_size(): larger is E2BIG */
#define TEST_SLAB MIB(2)

/* A value no valid pointer array entry has: lets the tests see whether an array was touched. */
#define SENTINEL(i) ((void *)(uintptr_t)(UINT64_C(0x5e5e000000) + 8 * (uint64_t)(i)))

/* Most objects a fastmem allocator can hold in the 1 GiB the tests run with. */
#define MAX_SLABS 512

/*
 * Helpers.
 */

/* The object size of the class an allocation of (size, align) is served from. */
static size_t
class_bytes(size_t size, size_t align)
{
	return class_size(class_of(size, align));
}

/* The alignment of the objects of a class: the largest power of two its size is a multiple of. */
static size_t
class_align(size_t cls)
{
	return cls & -cls;
}

/* Index of the class of an object size. */
static unsigned int
class_idx(size_t cls)
{
	return class_of(cls, 1);
}

/* Check that exactly @p n objects of class @p cls are live, and none of any other class. */
static int
check_live(size_t cls, uint64_t n)
{
	struct rte_fastmem_stats st;
	unsigned int i;
	size_t c;

	for (i = 0; i < TEST_N_CLASSES; i++) {
		c = class_size(i);
		uint64_t want = c == cls ? n : 0;
		uint64_t got = class_in_use(c);

		TEST_ASSERT_EQUAL(got, want, "class %zu: in_use %" PRIu64 ", expected %" PRIu64,
			c, got, want);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "rte_fastmem_stats failed");
	TEST_ASSERT_EQUAL(st.bytes_in_use, (uint64_t)(cls * n),
		"bytes_in_use %" PRIu64 ", expected %" PRIu64, st.bytes_in_use,
		(uint64_t)(cls * n));
	return TEST_SUCCESS;
}

/* Check that no object is live. */
static int
check_all_free(void)
{
	return check_live(0, 0);
}

static unsigned int
first_worker(void)
{
	return rte_get_next_lcore(-1, 1, 0);
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void * const *)a;
	uintptr_t y = (uintptr_t)*(void * const *)b;

	return x < y ? -1 : x > y;
}

/* Check that @p n objects of @p size bytes are pairwise disjoint. Sorts a copy. */
static int
check_disjoint(void * const *ptrs, unsigned int n, size_t size)
{
	void **s = malloc(sizeof(*s) * RTE_MAX(n, 1u));
	unsigned int i;
	int ret = TEST_SUCCESS;

	TEST_ASSERT_NOT_NULL(s, "no memory for the check");
	memcpy(s, ptrs, sizeof(*s) * n);
	qsort(s, n, sizeof(*s), cmp_ptr);
	for (i = 1; i < n; i++) {
		if ((uintptr_t)s[i] - (uintptr_t)s[i - 1] < size) {
			printf("objects %p and %p (%zu bytes) overlap\n", s[i - 1], s[i], size);
			ret = TEST_FAILED;
			break;
		}
	}
	free(s);
	return ret;
}

/*
 * Allocate 1 MiB objects until the allocator runs out of memory (each takes a slab of its
 * own), so that no free slab is left. The caller sets a limit first.
 */
static int
exhaust_slabs(void **objs, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < MAX_SLABS; i++) {
		objs[i] = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
		if (objs[i] == NULL)
			break;
	}
	*n = i;
	TEST_ASSERT(i < MAX_SLABS, "limit not enforced: %u objects of 1 MiB", i);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "exhaustion: rte_errno %d, expected ENOMEM",
		rte_errno);
	return TEST_SUCCESS;
}

static int
fastmem_setup(void)
{
	int ret = rte_fastmem_init();

	TEST_ASSERT_SUCCESS(ret, "rte_fastmem_init failed: %d", ret);
	return TEST_SUCCESS;
}

static void
fastmem_teardown(void)
{
	rte_fastmem_deinit();
}

/*
 * Every case runs through run_case(), which first says which case it is: a case that hangs is
 * named by the last line of the log when the external timeout kills the test.
 */
struct fastmem_case {
	const char *name;
	int (*fn)(void);
};

static int
run_case(const void *arg)
{
	const struct fastmem_case *tc = arg;

	printf(" + running %s\n", tc->name);
	fflush(stdout);
	return tc->fn();
}

#define FASTMEM_CASE_ST(setup, teardown, fn) TEST_CASE_NAMED_WITH_DATA(#fn, setup, teardown, \
	run_case, (&(const struct fastmem_case){ #fn, fn }))
#define FASTMEM_CASE(fn) FASTMEM_CASE_ST(fastmem_setup, fastmem_teardown, fn)

/*
 * Initialization and teardown.
 */

/* Worker of test_init_deinit: allocate and free, leave one object live and some cached. */
static int
worker_alloc_leave(void *arg)
{
	void **objs = malloc(300 * sizeof(*objs));
	void **live = arg;
	unsigned int i;

	if (objs == NULL)
		return -ENOMEM;
	for (i = 0; i < 300; i++) {
		objs[i] = rte_fastmem_alloc(512, 0, 0);
		if (objs[i] == NULL) {
			printf("worker: allocation %u failed: %d\n", i, rte_errno);
			rte_fastmem_free_bulk(objs, i);
			free(objs);
			return -1;
		}
		pat_write(objs[i], 512, i);
	}
	for (i = 0; i < 300; i++) {
		if (!pat_ok(objs[i], 512, i)) {
			free(objs);
			return -1;
		}
	}
	for (i = 1; i < 300; i++)
		rte_fastmem_free(objs[i]);
	*live = objs[0];
	free(objs);
	return 0;
}

static int
test_init_deinit(void)
{
	unsigned int cycle, mz0, mz_state, worker = first_worker();
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	rte_fastmem_handle_t h;
	void *p, *q, *wlive;
	int ret;

	/*
	 * Nothing of fastmem exists yet: the suite starts uninitialized. (What each function does
	 * without an allocator, before init and after deinit: fastmem_inval_autotest.)
	 */
	mz0 = memzone_count();

	for (cycle = 0; cycle < 3; cycle++) {
		ret = rte_fastmem_init();
		TEST_ASSERT_SUCCESS(ret, "init (cycle %u): %d", cycle, ret);
		mz_state = memzone_count();
		TEST_ASSERT(mz_state > mz0, "init reserved no memzone for its state");
		rte_errno = 0;
		ret = rte_fastmem_init();
		TEST_ASSERT_EQUAL(ret, -EBUSY, "second init: %d, expected -EBUSY", ret);
		TEST_ASSERT_EQUAL(rte_errno, EBUSY, "second init: rte_errno %d", rte_errno);
		TEST_ASSERT_EQUAL(memzone_count(), mz_state, "second init reserved a memzone");

		/* A fresh allocator: no memory, no counts, no limit. */
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats after init");
		TEST_ASSERT_EQUAL(st.bytes_backing, 0u, "backing memory right after init");
		TEST_ASSERT_EQUAL(st.bytes_in_use, 0u, "bytes in use right after init");
		TEST_ASSERT_EQUAL(st.alloc_total, 0u, "alloc_total right after init");
		TEST_ASSERT_EQUAL(st.free_total, 0u, "free_total right after init");
		TEST_ASSERT_EQUAL(st.alloc_nomem, 0u, "alloc_nomem right after init");
		TEST_ASSERT_EQUAL(st.n_classes, TEST_N_CLASSES, "n_classes %u", st.n_classes);
		TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), SIZE_MAX,
			"limit right after init");
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
		TEST_ASSERT(ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0 &&
			ls.free_cache_hits == 0 && ls.free_cache_misses == 0 &&
			ls.alloc_nomem == 0, "lcore counters not 0 right after init");

		p = rte_fastmem_alloc(100, 0, 0);
		TEST_ASSERT_NOT_NULL(p, "alloc after init (cycle %u): %d", cycle, rte_errno);
		pat_write(p, 100, cycle);
		q = rte_fastmem_alloc(TEST_MAX_SIZE, 0, RTE_FASTMEM_F_ZERO);
		TEST_ASSERT_NOT_NULL(q, "alloc of 1 MiB: %d", rte_errno);
		TEST_ASSERT(is_zero(q, TEST_MAX_SIZE), "zeroed object");
		TEST_ASSERT(backing() > 0 && backing() != UINT64_MAX, "no backing memory");
		TEST_ASSERT(memzone_count() > mz_state, "backing memory is not in memzones");
		TEST_ASSERT(pat_ok(p, 100, cycle), "object content");
		TEST_ASSERT(class_in_use(128) == 1 && class_in_use(TEST_MAX_SIZE) == 1,
			"in_use after the first allocations");

		if (worker < RTE_MAX_LCORE) {
			/* The worker has not allocated from this allocator yet. */
			TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(worker, &ls), "stats_lcore");
			TEST_ASSERT(ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0 &&
				ls.free_cache_hits == 0 && ls.free_cache_misses == 0,
				"worker counters not 0 in a new allocator (cycle %u)", cycle);
			wlive = NULL;
			rte_eal_remote_launch(worker_alloc_leave, &wlive, worker);
			ret = rte_eal_wait_lcore(worker);
			TEST_ASSERT_SUCCESS(ret, "worker failed (cycle %u)", cycle);
			TEST_ASSERT_EQUAL(class_in_use(512), 1u,
				"in_use of the worker's class (cycle %u): %" PRIu64, cycle,
				class_in_use(512));
			TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(worker, &ls), "stats_lcore");
			TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses, 300u,
				"worker allocations counted: %" PRIu64,
				ls.alloc_cache_hits + ls.alloc_cache_misses);
			TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, 299u,
				"worker frees counted");
			TEST_ASSERT_NOT_EQUAL(rte_fastmem_virt2iova(wlive), RTE_BAD_IOVA,
				"worker object has no IOVA");
		} else if (cycle == 0) {
			printf("init_deinit: no worker lcore, a worker's cache across cycles "
					"not tested\n");
		}

		ret = rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h);
		TEST_ASSERT_SUCCESS(ret, "hlookup: %d", ret);
		TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(300)), "set_limit");
		rte_fastmem_free(p);
		/* q (and the worker's object) stay live: deinit drops them. */
		rte_fastmem_deinit();

		TEST_ASSERT_EQUAL(memzone_count(), mz0,
			"deinit left %u memzones", memzone_count() - mz0);
		/* deinit of a torn-down allocator is a no-op. */
		rte_fastmem_deinit();
		TEST_ASSERT_EQUAL(memzone_count(), mz0, "second deinit");
	}
	return worker < RTE_MAX_LCORE ? TEST_SUCCESS : TEST_SKIPPED;
}

/*
 * Limits and reservations.
 */

static int
test_limit_api(void)
{
	int s, sock = local_socket();
	unsigned int i;

	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), SIZE_MAX, "default limit");
	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		TEST_ASSERT_EQUAL(rte_fastmem_get_limit(s), SIZE_MAX, "default limit of %d", s);
	}

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(sock, MIB(10)), "set_limit(local socket)");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(sock), MIB(10), "limit of the local socket");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), MIB(10),
		"SOCKET_ID_ANY is the calling thread's socket");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(20)), "set_limit(ANY)");
	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		TEST_ASSERT_EQUAL(rte_fastmem_get_limit(s), MIB(20),
			"set_limit(SOCKET_ID_ANY) did not set socket %d", s);
	}

	/* A limit of 0 is a valid limit: get_limit returns 0 without an error. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "set_limit(0)");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(sock), 0u, "limit 0");
	TEST_ASSERT_EQUAL(rte_errno, 0, "get_limit of a 0 limit set rte_errno %d", rte_errno);

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), SIZE_MAX, "unlimited");
	return TEST_SUCCESS;
}

static int
test_reserve(void)
{
	unsigned int mz0 = memzone_count(), mz1;
	int sock = local_socket();
	uint64_t b0, b1, b2, b;
	void *p[2], *q[10];
	unsigned int i;
	int ret;

	b0 = backing();
	TEST_ASSERT_EQUAL(b0, 0u, "backing before any allocation: %" PRIu64, b0);

	/* Reservations are rounded up to whole slabs, and really memzones. */
	ret = rte_fastmem_reserve(1, SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve(1): %d", ret);
	b1 = backing();
	TEST_ASSERT(b1 >= b0 + TEST_SLAB, "reserve(1) added %" PRIu64 " bytes", b1 - b0);
	TEST_ASSERT_EQUAL(b1 % TEST_SLAB, 0u, "backing not whole slabs: %" PRIu64, b1);
	mz1 = memzone_count();
	TEST_ASSERT(mz1 > mz0, "reserve added no memzone");

	/* The size is a target total: asking for what is held reserves nothing. */
	ret = rte_fastmem_reserve(1, SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve(1) again: %d", ret);
	ret = rte_fastmem_reserve(b1, sock);
	TEST_ASSERT_SUCCESS(ret, "reserve(%" PRIu64 ") of what is held: %d", b1, ret);
	TEST_ASSERT_EQUAL(backing(), b1, "reserve of what is held added %" PRIu64 " bytes",
		backing() - b1);
	TEST_ASSERT_EQUAL(memzone_count(), mz1, "reserve of what is held added a memzone");

	/* A larger target reserves only what is missing, rounded up to whole slabs. */
	ret = rte_fastmem_reserve(b1 + MIB(3), sock);
	TEST_ASSERT_SUCCESS(ret, "reserve(+3 MiB, socket %d): %d", sock, ret);
	b2 = backing();
	TEST_ASSERT_EQUAL(b2, b1 + MIB(4), "reserve(+3 MiB) added %" PRIu64 " bytes", b2 - b1);
	TEST_ASSERT(memzone_count() > mz1, "second reserve added no memzone");
	mz1 = memzone_count();

	/* A smaller target than what is held: nothing, repeatedly; the total never shrinks. */
	for (i = 0; i < 3; i++) {
		ret = rte_fastmem_reserve(b1 + MIB(1) * i, SOCKET_ID_ANY);
		TEST_ASSERT_SUCCESS(ret, "reserve of less than is held: %d", ret);
	}
	TEST_ASSERT_EQUAL(backing(), b2, "reserve of less than is held changed the backing");
	TEST_ASSERT_EQUAL(memzone_count(), mz1, "reserve of less than is held added a memzone");

	/* Reserved memory serves allocations: three objects in two classes, no growth. */
	for (i = 0; i < RTE_DIM(p); i++) {
		p[i] = rte_fastmem_alloc(KIB(256), 0, 0);
		TEST_ASSERT_NOT_NULL(p[i], "alloc from reserved memory: %d", rte_errno);
	}
	for (i = 0; i < RTE_DIM(q); i++) {
		q[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(q[i], "alloc from reserved memory: %d", rte_errno);
	}
	TEST_ASSERT_EQUAL(backing(), b2, "allocation grew backing despite the reservation");
	rte_fastmem_free_bulk(p, RTE_DIM(p));
	rte_fastmem_free_bulk(q, RTE_DIM(q));

	/* The limit is honoured, exactly, for the missing amount as a whole. */
	b = backing();
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, b + MIB(4)), "set_limit");
	mz1 = memzone_count();
	rte_errno = 0;
	ret = rte_fastmem_reserve(b + MIB(6), SOCKET_ID_ANY);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve of 6 MiB more under a 4 MiB room: %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve over the limit: rte_errno %d", rte_errno);
	TEST_ASSERT_EQUAL(backing(), b, "reserve over the limit reserved part of it");
	TEST_ASSERT_EQUAL(memzone_count(), mz1, "reserve over the limit added a memzone");
	ret = rte_fastmem_reserve(b + MIB(4), SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve up to the limit: %d", ret);
	TEST_ASSERT_EQUAL(backing(), b + MIB(4), "reserve up to the limit added %" PRIu64,
		backing() - b);
	/* At the limit, what is held can still be asked for; one byte more cannot. */
	ret = rte_fastmem_reserve(b + MIB(4), SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve of what is held at the limit: %d", ret);
	ret = rte_fastmem_reserve(1, SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve(1) at the limit: %d", ret);
	rte_errno = 0;
	ret = rte_fastmem_reserve(b + MIB(4) + 1, SOCKET_ID_ANY);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve beyond the limit: %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve beyond the limit: rte_errno %d",
		rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_reserve(SIZE_MAX, sock);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve(SIZE_MAX): %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve(SIZE_MAX): rte_errno %d", rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_reserve(SIZE_MAX - MIB(1), sock);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve(SIZE_MAX - 1 MiB): %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve(SIZE_MAX - 1 MiB): rte_errno %d",
		rte_errno);
	TEST_ASSERT_EQUAL(backing(), b + MIB(4), "failed reserve changed the backing memory");

	/* Raising the limit allows growth again. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(sock, SIZE_MAX), "set_limit");
	ret = rte_fastmem_reserve(b + MIB(6), SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "reserve after raising the limit: %d", ret);
	b2 = backing();
	TEST_ASSERT(b2 != UINT64_MAX && b2 >= b + MIB(6), "reserve after raising the limit: "
		"backing %" PRIu64, b2);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

static int
test_limit_exhaustion(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats st;
	void *objs[16 * RTE_MAX_NUMA_NODES + 1];
	unsigned int i, n;
	uintptr_t last;
	uint64_t b;

	/*
	 * 4 MiB on every socket: an allocation for any socket falls back to the other sockets
	 * until each has reached its limit (fewer than 16 objects of 256 KiB each).
	 */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(4)), "set_limit");
	rte_fastmem_stats_reset();

	for (n = 0; n < RTE_DIM(objs); n++) {
		objs[n] = rte_fastmem_alloc(KIB(256), 0, 0);
		if (objs[n] == NULL)
			break;
		pat_write(objs[n], KIB(256), n);
	}
	TEST_ASSERT(n > 0, "nothing allocated under a 4 MiB limit: %d", rte_errno);
	TEST_ASSERT(n < 16 * rte_socket_count(), "limit not enforced: %u objects of 256 KiB", n);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "exhaustion: rte_errno %d", rte_errno);
	b = backing();
	TEST_ASSERT(b > 0 && b <= MIB(4) * rte_socket_count(),
		"backing %" PRIu64 " beyond the limit of 4 MiB on %u socket(s)", b,
		rte_socket_count());
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(KIB(256), 0, 0, local_socket()),
		"explicit socket over the limit");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "explicit socket: rte_errno %d", rte_errno);
	TEST_ASSERT_NULL(rte_fastmem_alloc(KIB(256), 0, 0), "over the limit");

	/* Counters: n objects allocated, 3 that could not be. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(KIB(256), &cs), "stats_class");
	TEST_ASSERT_EQUAL(cs.alloc_nomem, 3u, "class alloc_nomem %" PRIu64, cs.alloc_nomem);
	TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses, n,
		"class allocations %" PRIu64 ", expected %u",
		cs.alloc_cache_hits + cs.alloc_cache_misses, n);
	TEST_ASSERT_EQUAL(cs.in_use, n, "class in_use %" PRIu64, cs.in_use);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_nomem, 3u, "alloc_nomem %" PRIu64, st.alloc_nomem);
	TEST_ASSERT_EQUAL(st.alloc_total, n, "alloc_total %" PRIu64, st.alloc_total);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
	TEST_ASSERT_EQUAL(ls.alloc_nomem, 3u, "lcore alloc_nomem %" PRIu64, ls.alloc_nomem);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(rte_lcore_id(), KIB(256), &lcs),
		"stats_lcore_class");
	TEST_ASSERT_EQUAL(lcs.alloc_nomem, 3u, "lcore class alloc_nomem");
	TEST_ASSERT_EQUAL(lcs.class_size, KIB(256), "lcore class size");

	/* Recovery after a free: the freed object serves the next allocation. */
	last = (uintptr_t)objs[n - 1];
	rte_fastmem_free(objs[n - 1]);
	objs[n - 1] = rte_fastmem_alloc(KIB(256), 0, 0);
	TEST_ASSERT_EQUAL((uintptr_t)objs[n - 1], last, "freed object not reused");
	pat_write(objs[n - 1], KIB(256), n - 1);
	for (i = 0; i < n; i++)
		TEST_ASSERT(pat_ok(objs[i], KIB(256), i), "object %u corrupted", i);

	/* Recovery after freeing everything: another class gets the memory, no growth. */
	rte_fastmem_free_bulk(objs, n);
	rte_fastmem_cache_flush();
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left after freeing all");
	for (i = 0; i < 8; i++) {
		objs[i] = rte_fastmem_alloc(KIB(64), 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc of another class after frees: %d",
			rte_errno);
	}
	TEST_ASSERT_EQUAL(backing(), b, "backing grew under the limit");
	rte_fastmem_free_bulk(objs, 8);

	/* Raising the limit lifts the failure. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");
	for (i = 0; i < 6; i++) {
		objs[i] = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc after raising the limit: %d", rte_errno);
	}
	TEST_ASSERT(backing() != UINT64_MAX && backing() > b,
		"backing did not grow after raising the limit");
	rte_fastmem_free_bulk(objs, 6);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

static int
test_limit_zero(void)
{
	struct rte_fastmem_stats st;
	rte_fastmem_handle_t h;
	void *ptrs[4], *p, *big;
	unsigned int i;
	uint64_t b;
	int ret;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "set_limit(0)");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h), "hlookup");
	for (i = 0; i < RTE_DIM(ptrs); i++)
		ptrs[i] = SENTINEL(i);
	rte_fastmem_stats_reset();

	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 0, 0), "alloc under limit 0");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "alloc: rte_errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, local_socket()), "alloc_socket");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "alloc_socket: rte_errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_halloc(h, 0), "halloc under limit 0");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "halloc: rte_errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(NULL, 64, 0), "realloc under limit 0");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "realloc: rte_errno %d", rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_alloc_bulk(ptrs, 4, 64, 0, 0);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "alloc_bulk under limit 0: %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "alloc_bulk: rte_errno %d", rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_halloc_bulk(h, ptrs, 4, 0);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "halloc_bulk under limit 0: %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "halloc_bulk: rte_errno %d", rte_errno);
	for (i = 0; i < RTE_DIM(ptrs); i++)
		TEST_ASSERT_EQUAL(ptrs[i], SENTINEL(i), "failed bulk wrote ptrs[%u]", i);
	rte_errno = 0;
	ret = rte_fastmem_reserve(MIB(2), SOCKET_ID_ANY);
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve under limit 0: %d", ret);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve: rte_errno %d", rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.bytes_backing, 0u, "backing under limit 0");
	TEST_ASSERT_EQUAL(st.alloc_total, 0u, "alloc_total under limit 0");
	TEST_ASSERT_EQUAL(st.alloc_nomem, 12u, "alloc_nomem %" PRIu64 ", expected 12",
		st.alloc_nomem);

	/* Memory reserved before the limit keeps serving under a limit of 0. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(MIB(8), SOCKET_ID_ANY), "reserve");
	b = backing();
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "set_limit(0)");
	p = rte_fastmem_alloc(64, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "existing memory does not serve under limit 0: %d", rte_errno);
	big = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
	TEST_ASSERT_NOT_NULL(big, "existing free slab does not serve under limit 0: %d",
		rte_errno);
	TEST_ASSERT_EQUAL(backing(), b, "backing changed under limit 0");
	rte_fastmem_free(p);
	rte_fastmem_free(big);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

static int
test_limit_below_current(void)
{
	int sock = local_socket();
	void *objs[MAX_SLABS];
	unsigned int i, n;
	uint64_t b;

	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(MIB(8), sock), "reserve");
	b = backing();
	TEST_ASSERT(b >= MIB(8), "reserve(8 MiB) gave %" PRIu64 " bytes", b);
	/* (The other sockets, if any, may not grow: 1 MiB objects would go there.) */
	TEST_ASSERT_SUCCESS(limit_local(MIB(2)), "limit below the backing");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(sock), MIB(2), "get_limit");
	TEST_ASSERT_EQUAL(backing(), b, "a lower limit shrank the backing");

	/* Every reserved slab still serves; nothing grows. A 1 MiB object takes a slab. */
	TEST_ASSERT_SUCCESS(exhaust_slabs(objs, &n), "exhaustion");
	TEST_ASSERT(n >= MIB(8) / TEST_SLAB,
		"only %u slabs of the 8 MiB reservation served under a lower limit", n);
	TEST_ASSERT_EQUAL(backing(), b, "backing changed under a limit below it");
	for (i = 0; i < n; i++)
		pat_write(objs[i], TEST_MAX_SIZE, i);
	for (i = 0; i < n; i++)
		TEST_ASSERT(pat_ok(objs[i], TEST_MAX_SIZE, i), "object %u corrupted", i);
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(b + MIB(2), sock), -ENOMEM,
		"reserve over the limit");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve: rte_errno %d", rte_errno);
	rte_fastmem_free_bulk(objs, n);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/* The largest valid requests succeed. (Bad arguments: fastmem_inval_autotest.) */
static int
test_alloc_max(void)
{
	void *p;

	p = rte_fastmem_alloc(TEST_MAX_SIZE, TEST_MAX_SIZE, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc(max, max): %d", rte_errno);
	TEST_ASSERT_EQUAL((uintptr_t)p % TEST_MAX_SIZE, 0u, "alignment");
	memset(p, 0xff, TEST_MAX_SIZE); /* the next allocation of the class is likely this one */
	rte_fastmem_free(p);
	p = rte_fastmem_alloc(1, TEST_MAX_SIZE, RTE_FASTMEM_F_ZERO);
	TEST_ASSERT_NOT_NULL(p, "alloc(1, max): %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_live(TEST_MAX_SIZE, 1), "class of alloc(1, max)");
	TEST_ASSERT_EQUAL(*(uint8_t *)p, 0, "alloc(1, max, F_ZERO): byte not zeroed");
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * Size classes and alignment.
 */

static int
test_classes(void)
{
	size_t sizes[TEST_N_CLASSES + 1];
	struct rte_fastmem_class_stats cs;
	unsigned int i, n;

	TEST_ASSERT_EQUAL(rte_fastmem_max_size(), TEST_API_MAX, "max_size %zu",
		rte_fastmem_max_size());
	n = rte_fastmem_classes(NULL);
	TEST_ASSERT_EQUAL(n, TEST_N_CLASSES, "%u classes", n);
	sizes[TEST_N_CLASSES] = 12345;
	TEST_ASSERT_EQUAL(rte_fastmem_classes(sizes), n, "classes(sizes)");
	TEST_ASSERT_EQUAL(sizes[TEST_N_CLASSES], 12345u, "classes() wrote past the classes");
	for (i = 0; i < n; i++) {
		TEST_ASSERT_EQUAL(sizes[i], class_size(i), "class %u is %zu", i, sizes[i]);
		/* Four classes per power of two from 256 B: at most 25 % internal waste. */
		TEST_ASSERT(i == 0 || sizes[i] - sizes[i - 1] <= RTE_MAX(sizes[i] / 5, (size_t)16),
			"class %zu after %zu", sizes[i], sizes[i - 1]);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(sizes[i], &cs), "stats_class(%zu)",
			sizes[i]);
		TEST_ASSERT_EQUAL(cs.class_size, sizes[i], "class_size %zu", cs.class_size);
	}
	TEST_ASSERT_EQUAL(sizes[n - 1], TEST_MAX_SIZE, "largest class");
	return TEST_SUCCESS;
}

/* Allocate two objects of (size, align), check their class, alignment and content. */
static int
check_size(size_t size, size_t align)
{
	size_t cls = class_bytes(size, align);
	void *p, *q;

	p = rte_fastmem_alloc(size, align, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc(%zu, %zu): %d", size, align, rte_errno);
	q = rte_fastmem_alloc(size, align, 0);
	TEST_ASSERT_NOT_NULL(q, "alloc(%zu, %zu): %d", size, align, rte_errno);
	TEST_ASSERT((uintptr_t)p % class_align(cls) == 0 && (uintptr_t)q % class_align(cls) == 0,
		"alloc(%zu, %zu): %p/%p not aligned to the class alignment %zu", size, align, p, q,
		class_align(cls));
	TEST_ASSERT(cls % (align != 0 ? align : RTE_CACHE_LINE_SIZE) == 0,
		"class %zu is no multiple of the alignment %zu", cls, align);
	if (align != 0)
		TEST_ASSERT((uintptr_t)p % align == 0 && (uintptr_t)q % align == 0,
			"alignment %zu", align);
	TEST_ASSERT_SUCCESS(check_live(cls, 2), "alloc(%zu, %zu) not served from class %zu",
		size, align, cls);
	pat_write(p, size, 1);
	pat_write(q, size, 2);
	TEST_ASSERT(pat_ok(p, size, 1) && pat_ok(q, size, 2),
		"alloc(%zu, %zu): objects overlap", size, align);
	rte_fastmem_free(p);
	rte_fastmem_free(q);
	TEST_ASSERT_SUCCESS(check_all_free(), "alloc(%zu, %zu): objects left", size, align);
	return TEST_SUCCESS;
}

/*
 * Every class boundary (the class size, one byte less and one more) with the alignments that
 * change which class serves it: 1 and 8 (any multiple of 8 B), 16, 0 (a cache line) and the
 * largest power of two the class size is a multiple of.
 */
static int
test_class_boundaries(void)
{
	const size_t aligns[] = { 1, 8, 16, 0 };
	unsigned int i, j;
	size_t s, c;
	void *p;
	int d;

	for (i = 0; i < TEST_N_CLASSES; i++) {
		c = class_size(i);
		for (d = -1; d <= 1; d++) {
			s = c + d;
			if (s == 0 || s > TEST_MAX_SIZE)
				continue;
			for (j = 0; j < RTE_DIM(aligns); j++)
				TEST_ASSERT_SUCCESS(check_size(s, aligns[j]), "size %zu, align %zu",
					s, aligns[j]);
			TEST_ASSERT_SUCCESS(check_size(s, class_align(c)), "size %zu, align %zu",
				s, class_align(c));
		}
	}
	for (s = 1; s <= 8; s++)
		TEST_ASSERT_SUCCESS(check_size(s, 1), "size %zu", s);
	/* Align 0 means a cache line: an 8-byte object comes from the 64-byte class. */
	p = rte_fastmem_alloc(8, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc(8, 0): %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_live(RTE_CACHE_LINE_SIZE, 1), "alloc(8, 0) not served from "
		"the cache-line class");
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(check_size(8, 0), "size 8, align 0");
	return TEST_SUCCESS;
}

static int
test_alignment(void)
{
	rte_fastmem_handle_t h;
	void *ptrs[8], *p;
	size_t a, s, sizes[4];
	unsigned int i, j;

	for (a = 1; a <= TEST_MAX_SIZE; a <<= 1) {
		sizes[0] = 1;
		sizes[1] = a / 2 + 1;
		sizes[2] = a;
		sizes[3] = 100;
		for (i = 0; i < RTE_DIM(sizes); i++)
			TEST_ASSERT_SUCCESS(check_size(sizes[i], a), "size %zu, align %zu",
				sizes[i], a);

		/* The same through the bulk, socket and handle calls. */
		s = a < 64 ? 24 : a / 4;
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), s, a, 0),
			"alloc_bulk(%zu, %zu): %d", s, a, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++)
			TEST_ASSERT((uintptr_t)ptrs[j] % a == 0,
				"bulk object %p not aligned to %zu", ptrs[j], a);
		TEST_ASSERT_SUCCESS(check_live(class_bytes(s, a), RTE_DIM(ptrs)), "bulk class");
		rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));
		p = rte_fastmem_alloc_socket(s, a, 0, local_socket());
		TEST_ASSERT_NOT_NULL(p, "alloc_socket(%zu, %zu): %d", s, a, rte_errno);
		TEST_ASSERT((uintptr_t)p % a == 0, "alloc_socket alignment");
		rte_fastmem_free(p);
		TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(s, a, SOCKET_ID_ANY, &h), "hlookup");
		p = rte_fastmem_halloc(h, 0);
		TEST_ASSERT_NOT_NULL(p, "halloc(%zu, %zu): %d", s, a, rte_errno);
		TEST_ASSERT((uintptr_t)p % a == 0, "halloc alignment");
		TEST_ASSERT_SUCCESS(check_live(class_bytes(s, a), 1), "halloc class");
		rte_fastmem_hfree(h, p);
		TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	}
	return TEST_SUCCESS;
}

/*
 * Contents.
 */

static int
test_zero(void)
{
	static const size_t sizes[] = { 1, 8, 24, 64, 100, 1000, 4096, 5000, KIB(64) + 1,
		TEST_MAX_SIZE };
	void *ptrs[600], *p;
	rte_fastmem_handle_t h;
	unsigned int i, j;
	uintptr_t old;
	size_t s, cls;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		s = sizes[i];
		cls = class_bytes(s, 1);

		/* The same (dirty) object comes back zeroed. */
		p = rte_fastmem_alloc(s, 1, 0);
		TEST_ASSERT_NOT_NULL(p, "alloc(%zu): %d", s, rte_errno);
		memset(p, 0xA5, s);
		old = (uintptr_t)p;
		rte_fastmem_free(p);
		p = rte_fastmem_alloc(s, 1, RTE_FASTMEM_F_ZERO);
		TEST_ASSERT_NOT_NULL(p, "alloc(%zu, ZERO): %d", s, rte_errno);
		TEST_ASSERT_EQUAL((uintptr_t)p, old, "LIFO reuse of size %zu", s);
		TEST_ASSERT(is_zero(p, s), "alloc(%zu, ZERO) not zeroed", s);
		memset(p, 0x5A, s);
		rte_fastmem_free(p);
		p = rte_fastmem_alloc_socket(s, 1, RTE_FASTMEM_F_ZERO, local_socket());
		TEST_ASSERT_NOT_NULL(p, "alloc_socket(%zu, ZERO): %d", s, rte_errno);
		TEST_ASSERT(is_zero(p, s), "alloc_socket(%zu, ZERO) not zeroed", s);
		rte_fastmem_free(p);

		/* Handles zero the whole class size. */
		TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(s, 1, SOCKET_ID_ANY, &h), "hlookup");
		p = rte_fastmem_halloc(h, 0);
		TEST_ASSERT_NOT_NULL(p, "halloc(%zu): %d", cls, rte_errno);
		memset(p, 0xA5, cls);
		rte_fastmem_hfree(h, p);
		p = rte_fastmem_halloc(h, RTE_FASTMEM_F_ZERO);
		TEST_ASSERT_NOT_NULL(p, "halloc(%zu, ZERO): %d", cls, rte_errno);
		TEST_ASSERT(is_zero(p, cls), "halloc(%zu, ZERO) not zeroed", cls);
		rte_fastmem_hfree(h, p);

		/* Bulk, through the miss path: more dirty objects than a cache holds. */
		if (s > KIB(64))
			continue;
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), s, 1, 0),
			"alloc_bulk(%zu): %d", s, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++)
			memset(ptrs[j], 0xA5, s);
		rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));
		rte_fastmem_cache_flush();
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), s, 1,
			RTE_FASTMEM_F_ZERO), "alloc_bulk(%zu, ZERO): %d", s, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++)
			TEST_ASSERT(is_zero(ptrs[j], s), "alloc_bulk(%zu, ZERO) object %u", s, j);
		rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));
		/* Dirty whole objects: through the handle, the requested size is the class. */
		TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, ptrs, RTE_DIM(ptrs), 0),
			"halloc_bulk(%zu): %d", cls, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++)
			memset(ptrs[j], 0xA5, cls);
		rte_fastmem_hfree_bulk(h, ptrs, RTE_DIM(ptrs));
		TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, ptrs, RTE_DIM(ptrs),
			RTE_FASTMEM_F_ZERO), "halloc_bulk(%zu, ZERO): %d", cls, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++)
			TEST_ASSERT(is_zero(ptrs[j], cls), "halloc_bulk(ZERO) object %u", j);
		rte_fastmem_hfree_bulk(h, ptrs, RTE_DIM(ptrs));
	}
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/* The @p n objects of a bulk allocation are among the @p n_dirty ones and zeroed. */
static int
check_zero_bulk(void * const *dirty, unsigned int n_dirty, void * const *ptrs, unsigned int n,
	size_t size)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n_dirty; j++)
			if (ptrs[i] == dirty[j])
				break;
		TEST_ASSERT(j < n_dirty, "object %u (%p) is not one the cache held", i, ptrs[i]);
		TEST_ASSERT(is_zero(ptrs[i], size), "object %u of %zu bytes not zeroed", i, size);
	}
	return TEST_SUCCESS;
}

/*
 * The inline bulk paths with RTE_FASTMEM_F_ZERO: a few dirty objects the cache holds are served
 * from the cache and zeroed over the whole requested size (the class size through a handle).
 */
static int
test_zero_bulk_cached(void)
{
	static const size_t sizes[] = { 1, 24, 200, 4000 };
	struct rte_fastmem_lcore_class_stats s0, s1;
	unsigned int lcore = rte_lcore_id(), i, k;
	void *dirty[8], *ptrs[4];
	rte_fastmem_handle_t h;
	size_t s, cls;

	for (k = 0; k < RTE_DIM(sizes); k++) {
		s = sizes[k];
		cls = class_bytes(s, 0);
		for (i = 0; i < RTE_DIM(dirty); i++) {
			dirty[i] = rte_fastmem_alloc(s, 0, 0);
			TEST_ASSERT_NOT_NULL(dirty[i], "alloc(%zu): %d", s, rte_errno);
			memset(dirty[i], 0xA5, s);
		}
		rte_fastmem_free_bulk(dirty, RTE_DIM(dirty));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &s0), "stats");
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), s, 0,
			RTE_FASTMEM_F_ZERO), "alloc_bulk(%zu, ZERO): %d", s, rte_errno);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &s1), "stats");
		TEST_ASSERT(s1.alloc_cache_hits == s0.alloc_cache_hits + RTE_DIM(ptrs) &&
			s1.alloc_cache_misses == s0.alloc_cache_misses, "alloc_bulk(%zu, ZERO) "
			"not served from the cache: %" PRIu64 " hits, %" PRIu64 " misses", s,
			s1.alloc_cache_hits - s0.alloc_cache_hits,
			s1.alloc_cache_misses - s0.alloc_cache_misses);
		TEST_ASSERT_SUCCESS(check_zero_bulk(dirty, RTE_DIM(dirty), ptrs, RTE_DIM(ptrs), s),
			"alloc_bulk(%zu, ZERO)", s);
		rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));

		/* Through a handle: dirty whole objects, zeroed whole. */
		TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(s, 0, SOCKET_ID_ANY, &h), "hlookup");
		for (i = 0; i < RTE_DIM(dirty); i++) {
			dirty[i] = rte_fastmem_halloc(h, 0);
			TEST_ASSERT_NOT_NULL(dirty[i], "halloc(%zu): %d", cls, rte_errno);
			memset(dirty[i], 0x5A, cls);
		}
		rte_fastmem_hfree_bulk(h, dirty, RTE_DIM(dirty));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &s0), "stats");
		TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, ptrs, 3, RTE_FASTMEM_F_ZERO),
			"halloc_bulk(%zu, ZERO): %d", cls, rte_errno);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &s1), "stats");
		TEST_ASSERT(s1.alloc_cache_hits == s0.alloc_cache_hits + 3 &&
			s1.alloc_cache_misses == s0.alloc_cache_misses, "halloc_bulk(%zu, ZERO) "
			"not served from the cache", cls);
		TEST_ASSERT_SUCCESS(check_zero_bulk(dirty, RTE_DIM(dirty), ptrs, 3, cls),
			"halloc_bulk(%zu, ZERO)", cls);
		rte_fastmem_hfree_bulk(h, ptrs, 3);
	}
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

#define N_INTEGRITY 4000

struct tobj {
	void *p;
	size_t size;
	size_t align;
	uint64_t seed;
};

static int
integrity_alloc(struct tobj *o, uint64_t *rs, uint64_t seed)
{
	uint64_t r = test_rnd(rs);
	unsigned int bits = r % 16;

	o->size = 1 + ((r >> 8) & (((size_t)1 << bits) - 1));
	o->align = (r >> 32) % 4 == 0 ? (size_t)1 << ((r >> 40) % 10) : 0;
	o->seed = seed;
	if ((r >> 48) % 2 == 0)
		o->p = rte_fastmem_alloc(o->size, o->align, 0);
	else
		o->p = rte_fastmem_alloc_socket(o->size, o->align, 0, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(o->p, "alloc(%zu, %zu): %d", o->size, o->align, rte_errno);
	TEST_ASSERT((uintptr_t)o->p % (o->align != 0 ? o->align : RTE_CACHE_LINE_SIZE) == 0,
		"object %p of %zu/%zu misaligned", o->p, o->size, o->align);
	pat_write(o->p, o->size, o->seed);
	return TEST_SUCCESS;
}

static int
test_integrity(void)
{
	struct tobj *objs = calloc(N_INTEGRITY, sizeof(*objs));
	uint64_t rs = 42, seed = 0;
	unsigned int i, round;
	int ret = TEST_FAILED;

	TEST_ASSERT_NOT_NULL(objs, "no memory");
	for (i = 0; i < N_INTEGRITY; i++)
		if (integrity_alloc(&objs[i], &rs, seed++) != TEST_SUCCESS)
			goto out;
	for (round = 0; round < 4; round++) {
		for (i = 0; i < N_INTEGRITY; i++) {
			if (!pat_ok(objs[i].p, objs[i].size, objs[i].seed)) {
				printf("round %u: object %u corrupted\n", round, i);
				goto out;
			}
		}
		/* Replace every other object (a different half each round). */
		for (i = round % 2; i < N_INTEGRITY; i += 2) {
			rte_fastmem_free(objs[i].p);
			objs[i].p = NULL;
		}
		for (i = round % 2; i < N_INTEGRITY; i += 2)
			if (integrity_alloc(&objs[i], &rs, seed++) != TEST_SUCCESS)
				goto out;
	}
	for (i = 0; i < N_INTEGRITY; i++) {
		if (!pat_ok(objs[i].p, objs[i].size, objs[i].seed)) {
			printf("object %u corrupted\n", i);
			goto out;
		}
	}
	ret = TEST_SUCCESS;
out:
	for (i = 0; i < N_INTEGRITY; i++)
		rte_fastmem_free(objs[i].p);
	free(objs);
	TEST_ASSERT_SUCCESS(ret, "integrity");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

static int
test_lifo(void)
{
	void *a, *b, *c;
	uintptr_t pa, pb, pc;
	unsigned int i;
	size_t cls;

	for (i = 0; i < TEST_N_CLASSES; i++) {
		cls = class_size(i);
		a = rte_fastmem_alloc(cls, 1, 0);
		TEST_ASSERT_NOT_NULL(a, "alloc(%zu): %d", cls, rte_errno);
		pa = (uintptr_t)a;
		rte_fastmem_free(a);
		a = rte_fastmem_alloc(cls, 1, 0);
		TEST_ASSERT_EQUAL((uintptr_t)a, pa, "class %zu: last freed object not reused",
			cls);
		rte_fastmem_free(a);
		if (cls > KIB(256))
			continue;       /* caches of the largest classes hold 2 objects */
		a = rte_fastmem_alloc(cls, 1, 0);
		b = rte_fastmem_alloc(cls, 1, 0);
		c = rte_fastmem_alloc(cls, 1, 0);
		TEST_ASSERT(a != NULL && b != NULL && c != NULL, "alloc(%zu): %d", cls,
			rte_errno);
		pa = (uintptr_t)a;
		pb = (uintptr_t)b;
		pc = (uintptr_t)c;
		rte_fastmem_free(a);
		rte_fastmem_free(b);
		rte_fastmem_free(c);
		c = rte_fastmem_alloc(cls, 1, 0);
		b = rte_fastmem_alloc(cls, 1, 0);
		a = rte_fastmem_alloc(cls, 1, 0);
		TEST_ASSERT((uintptr_t)c == pc && (uintptr_t)b == pb && (uintptr_t)a == pa,
			"class %zu: objects not reused in LIFO order", cls);
		rte_fastmem_free(a);
		rte_fastmem_free(b);
		rte_fastmem_free(c);
	}
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * Slabs move between classes.
 */

static int
fill_class(size_t size, void **objs, unsigned int max, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < max; i++) {
		objs[i] = rte_fastmem_alloc(size, 1, 0);
		if (objs[i] == NULL)
			break;
	}
	*n = i;
	TEST_ASSERT(i < max, "limit not enforced: %u objects of %zu bytes", i, size);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "filling class %zu: rte_errno %d", size,
		rte_errno);
	TEST_ASSERT(i > 0, "no object of %zu bytes", size);
	return TEST_SUCCESS;
}

static uint32_t
class_slabs(size_t cls)
{
	struct rte_fastmem_class_stats cs;

	if (rte_fastmem_stats_class(cls, &cs) != 0)
		return UINT32_MAX;
	return cs.slabs_partial + cs.slabs_full;
}

/* Bytes of the spans (pages or slabs) a class holds, UINT64_MAX when unreadable. */
static uint64_t
class_held(size_t cls)
{
	struct rte_fastmem_class_stats cs;

	if (rte_fastmem_stats_class(cls, &cs) != 0)
		return UINT64_MAX;
	TEST_ASSERT_EQUAL(cs.bytes_held, (uint64_t)(cs.slabs_partial + cs.slabs_full) *
			span_size(class_idx(cls)), "class %zu: %" PRIu64 " bytes held in %u spans",
			cls, cs.bytes_held, cs.slabs_partial + cs.slabs_full);
	return cs.bytes_held;
}

static int
test_slab_reuse(void)
{
	const size_t limit = MIB(8);
	unsigned int max = limit / 64 + 1, na, nb, nc;
	struct rte_fastmem_class_stats cs;
	uint64_t b, sa, sb;
	void **objs;
	int ret = TEST_FAILED;

	objs = malloc(sizeof(*objs) * max);
	TEST_ASSERT_NOT_NULL(objs, "no memory");
	TEST_ASSERT_SUCCESS(limit_local(limit), "set_limit");

	/* Class A takes all the memory the limit allows. */
	if (fill_class(64, objs, max, &na) != TEST_SUCCESS)
		goto out;
	b = backing();
	sa = class_held(64);
	printf("slab reuse: %u objects of 64 B in %" PRIu64 " KiB, backing %" PRIu64 " MiB\n",
		na, sa >> 10, b >> 20);
	/* All the memory the limit allows: less the slab headers and the pages' slack. */
	if (b == 0 || b > limit || sa < b - b / 16 || sa == UINT64_MAX) {
		printf("backing %" PRIu64 ", %" PRIu64 " bytes held\n", b, sa);
		goto out;
	}
	rte_fastmem_free_bulk(objs, na);
	rte_fastmem_cache_flush();
	if (class_in_use(64) != 0) {
		printf("64 B objects still in use after freeing them all\n");
		goto out;
	}

	/* Class B gets every slab class A had, without growth. */
	if (fill_class(4096, objs, max, &nb) != TEST_SUCCESS)
		goto out;
	sb = class_held(4096);
	printf("slab reuse: then %u objects of 4 KiB in %" PRIu64 " KiB\n", nb, sb >> 10);
	if (backing() != b || sb < sa || class_held(64) != 0) {
		printf("pages did not move from class 64 to class 4096: backing %" PRIu64
			" -> %" PRIu64 ", %" PRIu64 " bytes -> %" PRIu64 ", %" PRIu64
			" left in class 64\n", b, backing(), sa, sb, class_held(64));
		goto out;
	}
	if (rte_fastmem_stats_class(64, &cs) != 0 || cs.slab_releases < sa / TEST_PAGE_SIZE) {
		printf("class 64 released %" PRIu64 " pages of %" PRIu64 "\n", cs.slab_releases,
			sa / TEST_PAGE_SIZE);
		goto out;
	}
	if (rte_fastmem_stats_class(4096, &cs) != 0 ||
			cs.slab_acquires < sb / TEST_PAGE_SIZE) {
		printf("class 4096 acquired %" PRIu64 " pages of %" PRIu64 "\n",
			cs.slab_acquires, sb / TEST_PAGE_SIZE);
		goto out;
	}
	rte_fastmem_free_bulk(objs, nb);
	rte_fastmem_cache_flush();

	/* And class C (one object per slab) gets them all again: the pages make whole slabs. */
	if (fill_class(TEST_MAX_SIZE, objs, max, &nc) != TEST_SUCCESS)
		goto out;
	if (backing() != b || nc * MIB(2) != b) {
		printf("1 MiB class got %u slabs of %" PRIu64 ", backing %" PRIu64 "\n", nc,
			b / MIB(2), backing());
		goto out;
	}
	rte_fastmem_free_bulk(objs, nc);
	ret = check_all_free();
out:
	free(objs);
	return ret;
}

/* Spans a slab coloring check keeps track of. */
#define COLOR_MAX_SPANS 16

/*
 * Slab coloring: allocate n objects of size bytes, in spans of span bytes that hold per objects
 * each, aligned to align. Every object must be aligned and inside its span, and no span may
 * hold more than per; the spans handed out whole (but the first page of a slab, which holds the
 * slab header) must start their objects at no fewer than two offsets, the colors.
 */
static int
check_colors(size_t size, size_t align, size_t span, unsigned int per, unsigned int n)
{
	uintptr_t start[COLOR_MAX_SPANS], first[COLOR_MAX_SPANS], colors[COLOR_MAX_SPANS];
	unsigned int count[COLOR_MAX_SPANS], n_spans = 0, full = 0, n_colors = 0, i, j, k;
	void **objs = calloc(n, sizeof(*objs));
	int ret = TEST_FAILED;

	TEST_ASSERT_NOT_NULL(objs, "no memory");
	for (i = 0; i < n; i++) {
		objs[i] = rte_fastmem_alloc(size, 0, 0);
		if (objs[i] == NULL) {
			printf("alloc %u of %zu B: %d\n", i, size, rte_errno);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		uintptr_t p = (uintptr_t)objs[i], s = p & ~(uintptr_t)(span - 1);

		if (p % align != 0 || p - s + size > span) {
			printf("object %p: not aligned to %zu or past its span\n", objs[i], align);
			goto out;
		}
		for (j = 0; j < n_spans && start[j] != s; j++)
			;
		if (j == COLOR_MAX_SPANS) {
			printf("objects of %zu B in more than %d spans\n", size, COLOR_MAX_SPANS);
			goto out;
		}
		if (j == n_spans) {
			start[n_spans] = s;
			count[n_spans] = 0;
			first[n_spans++] = UINTPTR_MAX;
		}
		count[j]++;
		first[j] = RTE_MIN(first[j], p - s);
	}
	for (j = 0; j < n_spans; j++) {
		if (count[j] > per) {
			printf("span %#" PRIxPTR " holds %u objects of %zu B\n", start[j], count[j],
				size);
			goto out;
		}
		if (count[j] != per || (span < MIB(2) && start[j] % MIB(2) == 0))
			continue;
		full++;
		for (k = 0; k < n_colors && colors[k] != first[j]; k++)
			;
		if (k == n_colors)
			colors[n_colors++] = first[j];
	}
	printf("slab coloring, %zu B: %u spans, %u handed out whole, %u colors\n", size, n_spans,
		full, n_colors);
	if (full < 4 || n_colors < 2) {
		printf("expected spans of %u objects in at least 2 colors\n", per);
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	rte_fastmem_free_bulk(objs, n);
	free(objs);
	if (check_all_free() != TEST_SUCCESS)
		ret = TEST_FAILED;
	return ret;
}

/*
 * The spans of a class whose objects leave room at the end start them at different multiples
 * of the class's alignment within that room, and hold as many objects as without. 2560 B
 * objects (aligned to 512 B) in pages: 25 to a page, 1536 bytes of room, colors 0, 512, 1024
 * and 1536. 10 KiB objects (aligned to 2 KiB) in whole slabs: 204 to a slab past its header.
 */
static int
test_slab_coloring(void)
{
	TEST_ASSERT_SUCCESS(check_colors(2560, 512, TEST_PAGE_SIZE, 25, 12 * 25), "pages");
	TEST_ASSERT_SUCCESS(check_colors(10240, 2048, MIB(2), 204, 8 * 204), "slabs");
	return TEST_SUCCESS;
}

/*
 * Realloc.
 */

static int
test_realloc(void)
{
	void *p, *q, *big[MAX_SLABS];
	rte_fastmem_handle_t h8;
	unsigned int n;
	uintptr_t old;

	/* realloc(NULL) allocates. */
	p = rte_fastmem_realloc(NULL, 100, 0);
	TEST_ASSERT_NOT_NULL(p, "realloc(NULL, 100): %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_live(128, 1), "realloc(NULL, 100, 0) class");
	pat_write(p, 100, 1);

	/* Same class: same pointer. */
	q = rte_fastmem_realloc(p, 128, 0);
	TEST_ASSERT_EQUAL(q, p, "realloc in the same class moved");
	TEST_ASSERT(pat_ok(p, 100, 1), "content after same-class realloc");
	q = rte_fastmem_realloc(p, 65, 0);
	TEST_ASSERT_EQUAL(q, p, "realloc in the same class moved");
	/* Only the new size is kept (debug mode writes a canary after it). */
	TEST_ASSERT(pat_ok(p, 65, 1), "content after same-class realloc");
	q = rte_fastmem_realloc(p, 100, 128);
	TEST_ASSERT_EQUAL(q, p, "realloc in the same class moved");
	TEST_ASSERT(pat_ok(p, 65, 1), "content after same-class realloc");
	q = rte_fastmem_realloc(p, 1, 128);
	TEST_ASSERT_EQUAL(q, p, "realloc in the same class moved");
	TEST_ASSERT(pat_ok(p, 1, 1), "content after same-class realloc");
	TEST_ASSERT_SUCCESS(check_live(128, 1), "same-class realloc changed the counts");
	q = rte_fastmem_realloc(p, 100, 0);
	TEST_ASSERT_EQUAL(q, p, "realloc in the same class moved");
	pat_write(p, 100, 1);

	/* Shrink to another class: moves, keeps the prefix. */
	q = rte_fastmem_realloc(p, 10, 1);
	TEST_ASSERT_NOT_NULL(q, "shrinking realloc: %d", rte_errno);
	TEST_ASSERT(pat_ok(q, 10, 1), "content after shrinking realloc");
	TEST_ASSERT_SUCCESS(check_live(16, 1), "shrinking realloc: old object not freed");
	pat_write(q, 10, 2);

	/* Grow through several classes. */
	p = rte_fastmem_realloc(q, 5000, 0);
	TEST_ASSERT_NOT_NULL(p, "growing realloc: %d", rte_errno);
	TEST_ASSERT(pat_ok(p, 10, 2), "content after growing realloc");
	TEST_ASSERT_SUCCESS(check_live(class_bytes(5000, 0), 1), "growing realloc class");
	pat_write(p, 5000, 3);
	q = rte_fastmem_realloc(p, 300000, 0);
	TEST_ASSERT_NOT_NULL(q, "growing realloc: %d", rte_errno);
	TEST_ASSERT(pat_ok(q, 5000, 3), "content after growing realloc");
	TEST_ASSERT_SUCCESS(check_live(class_bytes(300000, 0), 1), "growing realloc class");
	p = rte_fastmem_realloc(q, TEST_MAX_SIZE, 0);
	TEST_ASSERT_NOT_NULL(p, "realloc to max_size: %d", rte_errno);
	TEST_ASSERT(pat_ok(p, 5000, 3), "content after growing realloc");
	pat_write(p, TEST_MAX_SIZE, 4);
	q = rte_fastmem_realloc(p, 3000, 0);
	TEST_ASSERT_NOT_NULL(q, "shrinking realloc: %d", rte_errno);
	TEST_ASSERT(pat_ok(q, 3000, 4), "content after shrinking realloc");
	TEST_ASSERT_SUCCESS(check_live(class_bytes(3000, 0), 1), "shrinking realloc class");

	/* A stronger alignment moves the object to the alignment's class. */
	p = rte_fastmem_realloc(q, 3000, KIB(64));
	TEST_ASSERT_NOT_NULL(p, "realloc to a larger alignment: %d", rte_errno);
	TEST_ASSERT_EQUAL((uintptr_t)p % KIB(64), 0u, "realloc alignment");
	TEST_ASSERT(pat_ok(p, 3000, 4), "content after realloc to a larger alignment");
	TEST_ASSERT_SUCCESS(check_live(KIB(64), 1), "realloc alignment class");

	/* realloc(p, 0) frees, and is no error: rte_errno is left alone. */
	rte_errno = 12345;
	TEST_ASSERT_NULL(rte_fastmem_realloc(p, 0, 0), "realloc(p, 0)");
	TEST_ASSERT_EQUAL(rte_errno, 12345, "realloc(p, 0) set rte_errno to %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_all_free(), "realloc(p, 0) did not free");
	TEST_ASSERT_NULL(rte_fastmem_realloc(NULL, 0, 0), "realloc(NULL, 0)");
	TEST_ASSERT_SUCCESS(check_all_free(), "realloc(NULL, 0) allocated");

	/* Objects of the smallest class, from a handle. */
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &h8), "hlookup(8)");
	p = rte_fastmem_halloc(h8, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc(8): %d", rte_errno);
	pat_write(p, 8, 5);
	TEST_ASSERT_EQUAL(rte_fastmem_realloc(p, 7, 1), p, "realloc of 8 B in its class");
	q = rte_fastmem_realloc(p, 9, 1);
	TEST_ASSERT_NOT_NULL(q, "realloc(8 -> 9): %d", rte_errno);
	TEST_ASSERT(pat_ok(q, 7, 5), "content after realloc(8 -> 7 -> 9)");
	TEST_ASSERT_SUCCESS(check_live(16, 1), "realloc(8 -> 9) class");
	rte_fastmem_free(q);

	/* Out of memory: the object stays valid, and realloc works once memory is back. */
	p = rte_fastmem_alloc(200, 1, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc: %d", rte_errno);
	pat_write(p, 200, 6);
	rte_fastmem_cache_flush();
	TEST_ASSERT_SUCCESS(limit_backing(100), "set_limit");
	TEST_ASSERT_SUCCESS(exhaust_slabs(big, &n), "exhaustion");
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(p, 200000, 0), "realloc without memory");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "realloc without memory: rte_errno %d", rte_errno);
	TEST_ASSERT(pat_ok(p, 200, 6), "failed realloc changed the object");
	TEST_ASSERT_EQUAL(class_in_use(class_bytes(200, 1)), 1u, "failed realloc freed the object");
	TEST_ASSERT_EQUAL(class_in_use(class_bytes(200000, 0)), 0u,
		"failed realloc leaked an object");
	TEST_ASSERT(n > 0, "no slab to give back");
	rte_fastmem_free(big[--n]);
	rte_fastmem_cache_flush();
	old = (uintptr_t)p;
	q = rte_fastmem_realloc(p, 200000, 0);
	TEST_ASSERT_NOT_NULL(q, "realloc after a slab was freed: %d", rte_errno);
	TEST_ASSERT((uintptr_t)q != old, "realloc to another class did not move");
	TEST_ASSERT(pat_ok(q, 200, 6), "content after realloc");
	rte_fastmem_free(q);
	rte_fastmem_free_bulk(big, n);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * Bulk calls.
 */

#define N_BULK 5000

static int
test_bulk(void)
{
	void **ptrs = calloc(N_BULK, sizeof(void *));
	void *mixed[10];
	rte_fastmem_handle_t h;
	unsigned int i;
	int ret = TEST_FAILED;

	TEST_ASSERT_NOT_NULL(ptrs, "no memory");

	/* 1000 objects of 200 bytes: class 256, disjoint, aligned. */
	if (rte_fastmem_alloc_bulk(ptrs, 1000, 200, 0, 0) != 0) {
		printf("alloc_bulk(1000 x 200): %d\n", rte_errno);
		goto out;
	}
	for (i = 0; i < 1000; i++) {
		if ((uintptr_t)ptrs[i] % 256 != 0) {
			printf("bulk object %p misaligned\n", ptrs[i]);
			goto out_free;
		}
		pat_write(ptrs[i], 200, i);
	}
	if (check_disjoint(ptrs, 1000, 256) != 0 || check_live(256, 1000) != 0)
		goto out_free;
	for (i = 0; i < 1000; i++)
		if (!pat_ok(ptrs[i], 200, i))
			goto out_free;
	rte_fastmem_free_bulk(ptrs, 1000);
	memset(ptrs, 0, N_BULK * sizeof(void *));
	if (check_all_free() != 0)
		goto out;

	/* More objects than any cache holds, on an explicit socket. */
	if (rte_fastmem_alloc_bulk_socket(ptrs, N_BULK, 24, 8, RTE_FASTMEM_F_ZERO,
			local_socket()) != 0) {
		printf("alloc_bulk_socket(%d x 24): %d\n", N_BULK, rte_errno);
		goto out;
	}
	for (i = 0; i < N_BULK; i++) {
		if (!is_zero(ptrs[i], 24))
			goto out_free;
		pat_write(ptrs[i], 24, i);
	}
	if (check_disjoint(ptrs, N_BULK, 24) != 0 || check_live(class_bytes(24, 8), N_BULK) != 0)
		goto out_free;
	for (i = 0; i < N_BULK; i++)
		if (!pat_ok(ptrs[i], 24, i))
			goto out_free;
	rte_fastmem_free_bulk(ptrs, N_BULK);
	memset(ptrs, 0, N_BULK * sizeof(void *));
	if (rte_fastmem_alloc_bulk_socket(ptrs, 300, 1, 1, 0, SOCKET_ID_ANY) != 0) {
		printf("alloc_bulk_socket(SOCKET_ID_ANY): %d\n", rte_errno);
		goto out;
	}
	if (check_live(8, 300) != 0)
		goto out_free;
	rte_fastmem_free_bulk(ptrs, 300);
	memset(ptrs, 0, N_BULK * sizeof(void *));

	/* free_bulk: mixed classes and sources, NULL entries. */
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(4096, 0, SOCKET_ID_ANY, &h), "hlookup");
	memset(mixed, 0, sizeof(mixed));
	mixed[0] = rte_fastmem_alloc(8, 8, 0);
	mixed[2] = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
	mixed[3] = rte_fastmem_alloc(300, 0, 0);
	mixed[5] = rte_fastmem_halloc(h, 0);
	mixed[6] = rte_fastmem_alloc_socket(KIB(20), 0, 0, local_socket());
	mixed[7] = rte_fastmem_realloc(NULL, 64, 0);
	mixed[9] = rte_fastmem_alloc(8, 8, 0);
	for (i = 0; i < RTE_DIM(mixed); i++) {
		if (i == 1 || i == 4 || i == 8)
			continue;
		TEST_ASSERT_NOT_NULL(mixed[i], "allocation %u failed: %d", i, rte_errno);
	}
	rte_fastmem_free_bulk(mixed, RTE_DIM(mixed));
	TEST_ASSERT_SUCCESS(check_all_free(), "free_bulk of mixed classes left objects");
	memset(mixed, 0, sizeof(mixed));
	rte_fastmem_free_bulk(mixed, RTE_DIM(mixed));
	rte_fastmem_free_bulk(NULL, 0);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	free(ptrs);
	return TEST_SUCCESS;

out_free:
	rte_fastmem_free_bulk(ptrs, N_BULK);
out:
	free(ptrs);
	return ret;
}

/* Objects of a class the calling lcore freed into its cache. */
static uint64_t
lcore_free_hits(size_t cls)
{
	struct rte_fastmem_lcore_class_stats lcs;

	if (rte_fastmem_stats_lcore_class(rte_lcore_id(), cls, &lcs) != 0)
		return UINT64_MAX;
	return lcs.free_cache_hits;
}

/*
 * The bulk frees put a run of objects of one cache in at once, with one key when they share a
 * page: runs over two pages, runs cut by an object of another class or a NULL entry, a run led
 * by an object of another class than the run before (the cache the last bulk free used is
 * tried first); each object goes into the cache of its own class.
 */
static int
test_bulk_free_runs(void)
{
	const unsigned int n = 1100; /* more 64 B objects than a 64 KiB page holds */
	void **ptrs = calloc(n, sizeof(void *));
	void *run[8], *small;
	rte_fastmem_handle_t h;
	uint64_t hits64, hits8, want64, want8;
	unsigned int i, j, k;

	TEST_ASSERT_NOT_NULL(ptrs, "no memory");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h), "hlookup");
	for (i = 0; i < n; i++) {
		ptrs[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(ptrs[i], "alloc %u: %d", i, rte_errno);
	}
	small = rte_fastmem_alloc(8, 8, 0);
	TEST_ASSERT_NOT_NULL(small, "alloc 8: %d", rte_errno);
	for (k = 0; k < 5; k++) {
		for (i = 0; i < RTE_DIM(run); i++)
			run[i] = ptrs[k * RTE_DIM(run) + i];
		/* An object of another page than the first of the run, in the middle. */
		for (j = n - 1; j >= 4 * RTE_DIM(run); j--)
			if (ptrs[j] != NULL && (uintptr_t)ptrs[j] >> 16 != (uintptr_t)run[0] >> 16)
				break;
		TEST_ASSERT(j >= 4 * RTE_DIM(run), "all objects in one page");
		run[4] = ptrs[j];
		if (k == 2)
			run[5] = small;         /* another class (not through a handle) */
		if (k == 3)
			run[1] = NULL;
		if (k == 4)
			run[0] = small;         /* a run led by another class than the last one */
		want64 = 0;
		for (i = 0; i < RTE_DIM(run); i++)
			want64 += run[i] != NULL && run[i] != small;
		want8 = k == 2 || k == 4;
		/* Empty caches: room for every run. */
		rte_fastmem_cache_flush();
		hits64 = lcore_free_hits(64);
		hits8 = lcore_free_hits(8);
		if (k % 2 == 0)
			rte_fastmem_free_bulk(run, RTE_DIM(run));
		else
			rte_fastmem_hfree_bulk(h, run, RTE_DIM(run));
		TEST_ASSERT_EQUAL(lcore_free_hits(64) - hits64, want64, "run %u: 64 B hits", k);
		TEST_ASSERT_EQUAL(lcore_free_hits(8) - hits8, want8, "run %u: 8 B hits", k);
		for (i = 0; i < RTE_DIM(run); i++)
			for (j = 0; j < n && run[i] != NULL; j++)
				if (ptrs[j] == run[i])
					ptrs[j] = NULL;
		if (want8 != 0) {
			small = rte_fastmem_alloc(8, 8, 0);
			TEST_ASSERT_NOT_NULL(small, "alloc 8: %d", rte_errno);
		}
		/* What the caches hold goes back to the slabs of its own class. */
		rte_fastmem_cache_flush();
		rte_fastmem_free(small);
		for (want64 = 0, j = 0; j < n; j++)
			want64 += ptrs[j] != NULL;
		TEST_ASSERT_SUCCESS(check_live(64, want64), "run %u: live objects", k);
		small = rte_fastmem_alloc(8, 8, 0);
		TEST_ASSERT_NOT_NULL(small, "alloc 8: %d", rte_errno);
	}
	rte_fastmem_free(small);
	rte_fastmem_free_bulk(ptrs, n);
	free(ptrs);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/* Bulk allocations are all or nothing: a failure leaves ptrs and the counts unchanged. */
static int
test_bulk_all_or_nothing(void)
{
	const size_t limit = TEST_SLAB, size = 1024;
	unsigned int max = limit / size + 1, cap, n, i, j;
	struct rte_fastmem_class_stats cs;
	rte_fastmem_handle_t h;
	void **ptrs, **live;
	uint64_t nomem;
	int ret;

	ptrs = calloc(max + 2, sizeof(void *));
	live = calloc(max + 2, sizeof(void *));
	if (ptrs == NULL || live == NULL) {
		free(ptrs);
		free(live);
		return TEST_FAILED;
	}
	ret = TEST_FAILED;
	if (limit_local(limit) != 0 || rte_fastmem_hlookup(size, 1, SOCKET_ID_ANY, &h) != 0)
		goto out;

	/* How many objects the limit allows. */
	if (fill_class(size, live, max, &cap) != TEST_SUCCESS)
		goto out;
	printf("bulk: the %zu-byte limit holds %u objects of %zu bytes\n", limit, cap, size);
	rte_fastmem_free_bulk(live, cap);
	if (cap <= 500)
		goto out;

	if (rte_fastmem_alloc_bulk(live, 500, size, 1, 0) != 0) {
		printf("alloc_bulk(500): %d\n", rte_errno);
		goto out;
	}
	for (i = 0; i < 500; i++)
		pat_write(live[i], size, i);
	rte_fastmem_stats_class(size, &cs);
	nomem = cs.alloc_nomem;

	/* Requests one object beyond what is left, and far beyond. */
	for (j = 0; j < 8; j++) {
		unsigned int want = j % 2 == 0 ? cap - 500 + 1 : max;

		for (i = 0; i < want; i++)
			ptrs[i] = SENTINEL(i);
		rte_errno = 0;
		switch (j / 2) {
		case 0:
			ret = rte_fastmem_alloc_bulk(ptrs, want, size, 1, 0);
			break;
		case 1:
			ret = rte_fastmem_alloc_bulk_socket(ptrs, want, size, 1,
				RTE_FASTMEM_F_ZERO, local_socket());
			break;
		case 2:
			ret = rte_fastmem_halloc_bulk(h, ptrs, want, 0);
			break;
		default:
			ret = rte_fastmem_alloc_bulk_socket(ptrs, want, size, 1, 0,
				SOCKET_ID_ANY);
			break;
		}
		if (ret != -ENOMEM || rte_errno != ENOMEM) {
			printf("bulk call %u of %u objects: %d (rte_errno %d), expected -ENOMEM\n",
				j, want, ret, rte_errno);
			if (ret == 0)
				rte_fastmem_free_bulk(ptrs, want);
			ret = TEST_FAILED;
			goto out_live;
		}
		ret = TEST_FAILED;
		for (i = 0; i < want; i++) {
			if (ptrs[i] != SENTINEL(i)) {
				printf("failed bulk call %u wrote ptrs[%u]\n", j, i);
				goto out_live;
			}
		}
		rte_fastmem_stats_class(size, &cs);
		if (cs.in_use != 500 || cs.alloc_nomem != nomem + want) {
			printf("failed bulk call %u: in_use %" PRIu64 " (expected 500), "
				"alloc_nomem +%" PRIu64 " (expected +%u)\n", j, cs.in_use,
				cs.alloc_nomem - nomem, want);
			goto out_live;
		}
		nomem = cs.alloc_nomem;
	}
	if (backing() > limit) {
		printf("backing %" PRIu64 " over the limit\n", backing());
		goto out_live;
	}

	/* Nothing leaked: exactly the rest of the memory is still there. */
	if (fill_class(size, ptrs, max, &n) != TEST_SUCCESS)
		goto out_live;
	rte_fastmem_free_bulk(ptrs, n);
	if (n != cap - 500) {
		printf("after the failed bulk calls %u objects are left, expected %u\n", n,
			cap - 500);
		goto out_live;
	}
	for (i = 0; i < 500; i++)
		if (!pat_ok(live[i], size, i))
			goto out_live;
	/* And a bulk call that fits succeeds. */
	if (rte_fastmem_alloc_bulk(ptrs, cap - 500, size, 1, 0) != 0) {
		printf("alloc_bulk of the rest (%u): %d\n", cap - 500, rte_errno);
		goto out_live;
	}
	rte_fastmem_free_bulk(ptrs, cap - 500);
	ret = TEST_SUCCESS;
out_live:
	rte_fastmem_free_bulk(live, 500);
	if (ret == TEST_SUCCESS)
		ret = check_all_free();
out:
	free(ptrs);
	free(live);
	return ret;
}

/*
 * Handles.
 */

#define N_HBULK 3000

static int
test_handles(void)
{
	rte_fastmem_handle_t h8, h8b, hmax, h320;
	void **ptrs = calloc(N_HBULK, sizeof(void *));
	void *p, *q, *big[4];
	unsigned int i, n;
	uintptr_t old;

	TEST_ASSERT_NOT_NULL(ptrs, "no memory");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &h8), "hlookup(8, 8)");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(1, 1, local_socket(), &h8b), "hlookup(1, 1)");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(TEST_MAX_SIZE, 0, SOCKET_ID_ANY, &hmax),
		"hlookup(max)");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(300, 0, SOCKET_ID_ANY, &h320), "hlookup(300)");

	/* Smallest and largest class. */
	p = rte_fastmem_halloc(h8, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc(8): %d", rte_errno);
	TEST_ASSERT_EQUAL((uintptr_t)p % 8, 0u, "8 B object misaligned");
	TEST_ASSERT_SUCCESS(check_live(8, 1), "halloc(8) class");
	q = rte_fastmem_halloc(hmax, 0);
	TEST_ASSERT_NOT_NULL(q, "halloc(max): %d", rte_errno);
	TEST_ASSERT_EQUAL((uintptr_t)q % TEST_MAX_SIZE, 0u, "1 MiB object misaligned");
	TEST_ASSERT_EQUAL(class_in_use(TEST_MAX_SIZE), 1u, "halloc(max) class");
	pat_write(p, 8, 1);
	pat_write(q, TEST_MAX_SIZE, 2);
	TEST_ASSERT(pat_ok(p, 8, 1) && pat_ok(q, TEST_MAX_SIZE, 2), "content");
	rte_fastmem_hfree(h8, p);
	rte_fastmem_hfree(hmax, q);
	TEST_ASSERT_SUCCESS(check_all_free(), "hfree");

	/* Handle objects are ordinary objects, in the same caches. */
	p = rte_fastmem_alloc(8, 8, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc(8, 8): %d", rte_errno);
	old = (uintptr_t)p;
	rte_fastmem_free(p);
	p = rte_fastmem_halloc(h8, 0);
	TEST_ASSERT_EQUAL((uintptr_t)p, old, "halloc did not reuse the object freed by free");
	rte_fastmem_hfree(h8b, p);
	p = rte_fastmem_alloc(5, 1, 0);
	TEST_ASSERT_EQUAL((uintptr_t)p, old, "alloc did not reuse the object freed by hfree");
	rte_fastmem_hfree(h8, p);
	p = rte_fastmem_halloc(h320, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc(300): %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_live(class_bytes(300, 0), 1), "hlookup(300, 0) class");
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(check_all_free(), "mixed free");

	/* halloc_bulk + hfree one by one on the 8 B handle, beyond the cache size. */
	for (n = 100; n <= N_HBULK; n += N_HBULK - 100) {
		TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h8, ptrs, n, 0),
			"halloc_bulk(8, %u): %d", n, rte_errno);
		for (i = 0; i < n; i++)
			pat_write(ptrs[i], 8, i);
		TEST_ASSERT_SUCCESS(check_disjoint(ptrs, n, 8), "8 B objects overlap");
		TEST_ASSERT_SUCCESS(check_live(8, n), "halloc_bulk count");
		for (i = 0; i < n; i++)
			TEST_ASSERT(pat_ok(ptrs[i], 8, i), "8 B object %u", i);
		for (i = 0; i < n; i++)
			rte_fastmem_hfree(h8, ptrs[i]);
		TEST_ASSERT_SUCCESS(check_all_free(), "hfree of %u 8 B objects", n);
	}
	/* ... freed by free_bulk, by hfree_bulk with NULL entries, after alloc_bulk. */
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h8, ptrs, N_HBULK, 0), "halloc_bulk");
	rte_fastmem_free_bulk(ptrs, N_HBULK);
	TEST_ASSERT_SUCCESS(check_all_free(), "free_bulk of handle objects");
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, N_HBULK, 8, 8, 0), "alloc_bulk");
	for (i = 0; i < N_HBULK; i += 7) {
		rte_fastmem_hfree(h8b, ptrs[i]);
		ptrs[i] = NULL;
	}
	rte_fastmem_hfree_bulk(h8, ptrs, N_HBULK);
	TEST_ASSERT_SUCCESS(check_all_free(), "hfree_bulk with NULL entries");
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h8, ptrs, 10, 0), "halloc_bulk");
	rte_fastmem_hfree_bulk(h8, ptrs, 10);

	/* The largest class: caches of 2 objects, bulk of 4. */
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(hmax, big, RTE_DIM(big), 0),
		"halloc_bulk(max, 4): %d", rte_errno);
	TEST_ASSERT_SUCCESS(check_disjoint(big, RTE_DIM(big), TEST_MAX_SIZE), "overlap");
	TEST_ASSERT_SUCCESS(check_live(TEST_MAX_SIZE, RTE_DIM(big)), "halloc_bulk(max)");
	p = big[1];
	big[1] = NULL;
	rte_fastmem_hfree_bulk(hmax, big, RTE_DIM(big));
	TEST_ASSERT_SUCCESS(check_live(TEST_MAX_SIZE, 1), "hfree_bulk(max) with a NULL entry");
	rte_fastmem_hfree(hmax, p);
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(hmax, big, 1, 0), "halloc_bulk(max, 1)");
	TEST_ASSERT_SUCCESS(check_live(TEST_MAX_SIZE, 1), "halloc_bulk(max, 1)");
	rte_fastmem_hfree_bulk(hmax, big, 1);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	free(ptrs);
	return TEST_SUCCESS;
}

/*
 * Statistics.
 */

static int
check_class_counts(size_t cls, uint64_t allocs, uint64_t frees, uint64_t live)
{
	struct rte_fastmem_class_stats cs;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "stats_class(%zu)", cls);
	TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses, allocs,
		"class %zu: alloc hits %" PRIu64 " + misses %" PRIu64 ", expected %" PRIu64,
		cls, cs.alloc_cache_hits, cs.alloc_cache_misses, allocs);
	TEST_ASSERT_EQUAL(cs.free_cache_hits + cs.free_cache_misses, frees,
		"class %zu: free hits %" PRIu64 " + misses %" PRIu64 ", expected %" PRIu64,
		cls, cs.free_cache_hits, cs.free_cache_misses, frees);
	TEST_ASSERT_EQUAL(cs.in_use, live, "class %zu: in_use %" PRIu64 ", expected %" PRIu64,
		cls, cs.in_use, live);
	TEST_ASSERT_EQUAL(cs.alloc_nomem, 0u, "class %zu: alloc_nomem", cls);
	return TEST_SUCCESS;
}

static int
test_stats(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats st;
	void **a = calloc(4000, sizeof(void *));
	void *big[10], *tiny[500];
	unsigned int i, unused = RTE_MAX_LCORE;
	rte_fastmem_handle_t h8;
	uint64_t live_bytes, bk;

	TEST_ASSERT_NOT_NULL(a, "no memory");

	/* An lcore that never allocated. */
	for (i = RTE_MAX_LCORE; i-- > 0; ) {
		if (rte_eal_lcore_role(i) == ROLE_OFF) {
			unused = i;
			break;
		}
	}
	if (unused < RTE_MAX_LCORE) {
		memset(&ls, 0xff, sizeof(ls));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(unused, &ls), "stats_lcore(unused)");
		TEST_ASSERT(ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0 &&
			ls.alloc_nomem == 0 && ls.free_cache_hits == 0 &&
			ls.free_cache_misses == 0, "unused lcore %u has counts", unused);
		memset(&lcs, 0xff, sizeof(lcs));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(unused, 64, &lcs),
			"stats_lcore_class(unused)");
		TEST_ASSERT(lcs.class_size == 64 && lcs.alloc_cache_hits == 0 &&
			lcs.alloc_cache_misses == 0 && lcs.free_cache_hits == 0 &&
			lcs.free_cache_misses == 0, "unused lcore %u has class counts", unused);
	}

	/* Counters count objects: single, bulk and handle calls, several classes. */
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &h8), "hlookup");
	rte_fastmem_stats_reset();
	for (i = 0; i < 1000; i++) {
		a[i] = rte_fastmem_alloc(200, 0, 0);
		TEST_ASSERT_NOT_NULL(a[i], "alloc: %d", rte_errno);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(a + 1000, 3000, 256, 0, 0), "alloc_bulk");
	for (i = 0; i < RTE_DIM(big); i++) {
		big[i] = rte_fastmem_alloc(TEST_MAX_SIZE - 1, 0, 0);
		TEST_ASSERT_NOT_NULL(big[i], "alloc: %d", rte_errno);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h8, tiny, 400, 0), "halloc_bulk");
	for (i = 400; i < 500; i++) {
		tiny[i] = rte_fastmem_halloc(h8, 0);
		TEST_ASSERT_NOT_NULL(tiny[i], "halloc: %d", rte_errno);
	}
	TEST_ASSERT_SUCCESS(check_class_counts(256, 4000, 0, 4000), "class 256");
	TEST_ASSERT_SUCCESS(check_class_counts(TEST_MAX_SIZE, 10, 0, 10), "class max");
	TEST_ASSERT_SUCCESS(check_class_counts(8, 500, 0, 500), "class 8");
	TEST_ASSERT_SUCCESS(check_class_counts(64, 0, 0, 0), "class 64");
	live_bytes = 4000 * 256 + 10 * TEST_MAX_SIZE + 500 * 8;
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total, 4510u, "alloc_total %" PRIu64, st.alloc_total);
	TEST_ASSERT_EQUAL(st.free_total, 0u, "free_total %" PRIu64, st.free_total);
	TEST_ASSERT_EQUAL(st.bytes_in_use, live_bytes, "bytes_in_use %" PRIu64,
		st.bytes_in_use);
	TEST_ASSERT(st.bytes_backing >= live_bytes, "backing %" PRIu64 " below the live bytes",
		st.bytes_backing);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
	TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses, 4510u,
		"lcore allocations %" PRIu64, ls.alloc_cache_hits + ls.alloc_cache_misses);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(rte_lcore_id(), 256, &lcs),
		"stats_lcore_class");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(256, &cs), "stats_class");
	TEST_ASSERT(lcs.class_size == 256 && lcs.alloc_cache_hits == cs.alloc_cache_hits &&
		lcs.alloc_cache_misses == cs.alloc_cache_misses,
		"lcore class counts differ from the class counts of the only allocating lcore");
	TEST_ASSERT(cs.alloc_cache_hits > 0, "no cache hit in 1000 allocations");
	TEST_ASSERT(cs.slabs_partial + cs.slabs_full >= 1 && cs.slab_acquires >= 1,
		"class 256 holds no slab");
	TEST_ASSERT(cs.slabs_partial + cs.slabs_full <= cs.slab_acquires,
		"more slabs than acquired");

	/* Reset: counters go to 0, state stays. */
	bk = st.bytes_backing;
	rte_fastmem_stats_reset();
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.alloc_total == 0 && st.free_total == 0 && st.alloc_nomem == 0,
		"stats_reset left global counters");
	TEST_ASSERT_EQUAL(st.bytes_in_use, live_bytes, "stats_reset changed bytes_in_use");
	TEST_ASSERT_EQUAL(st.bytes_backing, bk, "stats_reset changed bytes_backing");
	TEST_ASSERT_SUCCESS(check_class_counts(256, 0, 0, 4000), "class 256 after reset");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(256, &cs), "stats_class");
	TEST_ASSERT(cs.slab_acquires == 0 && cs.slab_releases == 0,
		"stats_reset left slab counters");
	TEST_ASSERT(cs.slabs_partial + cs.slabs_full >= 1, "stats_reset changed slab counts");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
	TEST_ASSERT(ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0,
		"stats_reset left lcore counters");

	/* Frees, by all the free functions. */
	for (i = 0; i < 1000; i++)
		rte_fastmem_free(a[i]);
	rte_fastmem_free_bulk(a + 1000, 3000);
	rte_fastmem_free_bulk(big, RTE_DIM(big));
	rte_fastmem_hfree_bulk(h8, tiny, 300);
	for (i = 300; i < 500; i++)
		rte_fastmem_hfree(h8, tiny[i]);
	TEST_ASSERT_SUCCESS(check_class_counts(256, 0, 4000, 0), "class 256 after frees");
	TEST_ASSERT_SUCCESS(check_class_counts(TEST_MAX_SIZE, 0, 10, 0), "class max");
	TEST_ASSERT_SUCCESS(check_class_counts(8, 0, 500, 0), "class 8");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.free_total, 4510u, "free_total %" PRIu64, st.free_total);
	TEST_ASSERT_EQUAL(st.bytes_in_use, 0u, "bytes_in_use after frees");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
	TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, 4510u,
		"lcore frees %" PRIu64, ls.free_cache_hits + ls.free_cache_misses);
	/* Flushing moves objects, it does not count as frees; in_use stays 0. */
	rte_fastmem_cache_flush();
	TEST_ASSERT_SUCCESS(check_class_counts(256, 0, 4000, 0), "class 256 after flush");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	free(a);
	return TEST_SUCCESS;
}

/*
 * A reset after real traffic on every kind of thread: the main lcore, a worker lcore, and
 * non-EAL threads that exit, whose counters the bins keep. Every counter of every statistics
 * structure must be 0 afterwards, the state (objects in use, slabs, backing) unchanged.
 */

/*
 * Past a cache's 384 objects, so that the frees flush, in three refills of 192: 576 objects,
 * one 64 KiB page of each class used (64, 80 and 96 B: 780 objects of 80 B fit in a page with
 * debug mode's 4 bytes of metadata per object, 564 of 112 B would not).
 */
#define RESET_ALLOCS 400
#define RESET_LIVE 4

struct reset_arg {
	size_t size;
	bool nomem;                     /* make one allocation that must fail, nothing else */
	void *live[RESET_LIVE];         /* the objects left live */
	int ret;
};

/* Allocate RESET_ALLOCS objects and free all but RESET_LIVE: hits and misses both ways. */
static int
reset_traffic(struct reset_arg *ra)
{
	void *objs[RESET_ALLOCS];
	unsigned int i;

	if (ra->nomem) {
		rte_errno = 0;
		TEST_ASSERT_NULL(rte_fastmem_alloc(ra->size, 8, 0), "alloc under a limit of 0");
		TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "alloc under a limit of 0: rte_errno %d",
			rte_errno);
		return TEST_SUCCESS;
	}
	for (i = 0; i < RESET_ALLOCS; i++) {
		objs[i] = rte_fastmem_alloc(ra->size, 8, 0);
		if (objs[i] == NULL) {
			rte_fastmem_free_bulk(objs, i);
			TEST_ASSERT(false, "alloc(%zu) %u: %d", ra->size, i, rte_errno);
		}
		pat_write(objs[i], ra->size, i);
	}
	for (i = RESET_LIVE; i < RESET_ALLOCS; i++) {
		TEST_ASSERT(pat_ok(objs[i], ra->size, i), "object %u corrupted", i);
		rte_fastmem_free(objs[i]);
	}
	memcpy(ra->live, objs, sizeof(ra->live));
	return TEST_SUCCESS;
}

static int
reset_worker(void *arg)
{
	return reset_traffic(arg);
}

static uint32_t
reset_thread(void *arg)
{
	struct reset_arg *ra = arg;

	ra->ret = reset_traffic(ra);
	return 0; /* exits with objects in its cache: they go back, its counters to the bins */
}

static int
reset_run_thread(struct reset_arg *ra)
{
	rte_thread_t t;

	ra->ret = TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, reset_thread, ra), "rte_thread_create");
	rte_thread_join(t, NULL);
	return ra->ret;
}

/* The class counters, read when they must all be set: traffic through hits and misses. */
static int
check_class_traffic(size_t cls, uint64_t allocs, uint64_t frees, uint64_t nomem)
{
	struct rte_fastmem_class_stats cs;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "stats_class(%zu)", cls);
	TEST_ASSERT(cs.alloc_cache_hits > 0 && cs.alloc_cache_misses > 0 &&
		cs.free_cache_hits > 0 && cs.free_cache_misses > 0,
		"class %zu: alloc %" PRIu64 "/%" PRIu64 ", free %" PRIu64 "/%" PRIu64
		" hits/misses: not both of each", cls, cs.alloc_cache_hits,
		cs.alloc_cache_misses, cs.free_cache_hits, cs.free_cache_misses);
	TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses, allocs,
		"class %zu: %" PRIu64 " allocations, expected %" PRIu64, cls,
		cs.alloc_cache_hits + cs.alloc_cache_misses, allocs);
	TEST_ASSERT_EQUAL(cs.free_cache_hits + cs.free_cache_misses, frees,
		"class %zu: %" PRIu64 " frees, expected %" PRIu64, cls,
		cs.free_cache_hits + cs.free_cache_misses, frees);
	TEST_ASSERT_EQUAL(cs.alloc_nomem, nomem, "class %zu: alloc_nomem %" PRIu64, cls,
		cs.alloc_nomem);
	return TEST_SUCCESS;
}

static int
check_lcore_traffic(unsigned int lcore)
{
	struct rte_fastmem_lcore_stats ls;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore, &ls), "stats_lcore(%u)", lcore);
	TEST_ASSERT(ls.alloc_cache_hits > 0 && ls.alloc_cache_misses > 0 && ls.alloc_nomem > 0 &&
		ls.free_cache_hits > 0 && ls.free_cache_misses > 0,
		"lcore %u: a counter is 0 after its traffic", lcore);
	return TEST_SUCCESS;
}

/* The state a reset must not change: objects in use and slabs per class, backing bytes. */
struct stats_state {
	uint64_t in_use[TEST_N_CLASSES];
	uint32_t slabs_partial[TEST_N_CLASSES];
	uint32_t slabs_full[TEST_N_CLASSES];
	uint64_t bytes_backing;
};

/*
 * The state of every class and of the allocator is @p want; with @p zero, every counter of every
 * statistics structure (allocator, class, lcore, lcore and class) is 0 as well.
 */
static int
check_stats_state(const struct stats_state *want, bool zero)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	uint64_t bytes = 0;
	unsigned int i, lcore;
	size_t cls;

	for (i = 0; i < TEST_N_CLASSES; i++) {
		cls = class_size(i);
		bytes += want->in_use[i] * cls;
		memset(&cs, 0xa5, sizeof(cs));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "stats_class(%zu)", cls);
		TEST_ASSERT_EQUAL(cs.class_size, cls, "class %zu: class_size %zu", cls,
			cs.class_size);
		TEST_ASSERT_EQUAL(cs.in_use, want->in_use[i], "class %zu: in_use %" PRIu64
			", expected %" PRIu64, cls, cs.in_use, want->in_use[i]);
		TEST_ASSERT_EQUAL(cs.slabs_partial, want->slabs_partial[i], "class %zu: "
			"slabs_partial %u, expected %u", cls, cs.slabs_partial,
			want->slabs_partial[i]);
		TEST_ASSERT_EQUAL(cs.slabs_full, want->slabs_full[i], "class %zu: slabs_full %u, "
			"expected %u", cls, cs.slabs_full, want->slabs_full[i]);
		if (!zero)
			continue;
		TEST_ASSERT_EQUAL(cs.alloc_cache_hits, 0u, "class %zu: alloc_cache_hits %" PRIu64
			" after reset", cls, cs.alloc_cache_hits);
		TEST_ASSERT_EQUAL(cs.alloc_cache_misses, 0u, "class %zu: alloc_cache_misses %"
			PRIu64 " after reset", cls, cs.alloc_cache_misses);
		TEST_ASSERT_EQUAL(cs.alloc_nomem, 0u, "class %zu: alloc_nomem %" PRIu64
			" after reset", cls, cs.alloc_nomem);
		TEST_ASSERT_EQUAL(cs.free_cache_hits, 0u, "class %zu: free_cache_hits %" PRIu64
			" after reset", cls, cs.free_cache_hits);
		TEST_ASSERT_EQUAL(cs.free_cache_misses, 0u, "class %zu: free_cache_misses %"
			PRIu64 " after reset", cls, cs.free_cache_misses);
		TEST_ASSERT_EQUAL(cs.slab_acquires, 0u, "class %zu: slab_acquires %" PRIu64
			" after reset", cls, cs.slab_acquires);
		TEST_ASSERT_EQUAL(cs.slab_releases, 0u, "class %zu: slab_releases %" PRIu64
			" after reset", cls, cs.slab_releases);
	}
	memset(&st, 0xa5, sizeof(st));
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.bytes_in_use, bytes, "bytes_in_use %" PRIu64 ", expected %"
		PRIu64, st.bytes_in_use, bytes);
	TEST_ASSERT_EQUAL(st.bytes_backing, want->bytes_backing, "bytes_backing %" PRIu64
		", expected %" PRIu64, st.bytes_backing, want->bytes_backing);
	TEST_ASSERT_EQUAL(st.n_classes, TEST_N_CLASSES, "n_classes %u", st.n_classes);
	if (!zero)
		return TEST_SUCCESS;
	TEST_ASSERT_EQUAL(st.alloc_total, 0u, "alloc_total %" PRIu64 " after reset",
		st.alloc_total);
	TEST_ASSERT_EQUAL(st.free_total, 0u, "free_total %" PRIu64 " after reset",
		st.free_total);
	TEST_ASSERT_EQUAL(st.alloc_nomem, 0u, "alloc_nomem %" PRIu64 " after reset",
		st.alloc_nomem);

	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		memset(&ls, 0xa5, sizeof(ls));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore, &ls), "stats_lcore(%u)",
			lcore);
		TEST_ASSERT(ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0 &&
			ls.alloc_nomem == 0 && ls.free_cache_hits == 0 &&
			ls.free_cache_misses == 0, "lcore %u after reset: alloc %" PRIu64 "/%"
			PRIu64 "/%" PRIu64 ", free %" PRIu64 "/%" PRIu64 " (hits/misses/nomem)",
			lcore, ls.alloc_cache_hits, ls.alloc_cache_misses, ls.alloc_nomem,
			ls.free_cache_hits, ls.free_cache_misses);
		for (i = 0; i < TEST_N_CLASSES; i++) {
			cls = class_size(i);
			memset(&lcs, 0xa5, sizeof(lcs));
			TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &lcs),
				"stats_lcore_class(%u, %zu)", lcore, cls);
			TEST_ASSERT(lcs.class_size == cls && lcs.alloc_cache_hits == 0 &&
				lcs.alloc_cache_misses == 0 && lcs.alloc_nomem == 0 &&
				lcs.free_cache_hits == 0 && lcs.free_cache_misses == 0,
				"lcore %u class %zu after reset: size %zu, alloc %" PRIu64 "/%"
				PRIu64 "/%" PRIu64 ", free %" PRIu64 "/%" PRIu64, lcore, cls,
				lcs.class_size, lcs.alloc_cache_hits, lcs.alloc_cache_misses,
				lcs.alloc_nomem, lcs.free_cache_hits, lcs.free_cache_misses);
		}
	}
	return TEST_SUCCESS;
}

/*
 * Statistics of the threads without an lcore id (rte_fastmem_stats_shared()): a non-EAL thread
 * runs commands, one at a time, while the test checks the counters in between.
 */
struct shared_thread {
	rte_thread_t th;
	sem_t go;
	sem_t done;
	size_t size;            /* object size; 0 ends the thread */
	unsigned int n;         /* objects to allocate, then free */
	unsigned int n_nomem;   /* allocations that must fail with ENOMEM */
	bool reg;               /* registered with EAL: a thread with an lcore id */
	int ret;
};

static uint32_t
shared_thread_main(void *arg)
{
	struct shared_thread *t = arg;
	void *objs[64];
	unsigned int i;

	if (t->reg && rte_thread_register() < 0)
		t->ret = -1;
	for (;;) {
		sem_wait(&t->go);
		if (t->size == 0)
			break;
		if ((rte_lcore_id() == LCORE_ID_ANY) == t->reg)
			t->ret = -1;
		for (i = 0; i < t->n && t->ret == 0; i++) {
			objs[i] = rte_fastmem_alloc(t->size, 0, 0);
			if (objs[i] == NULL)
				t->ret = -1;
		}
		for (i = 0; i < t->n && t->ret == 0; i++)
			rte_fastmem_free(objs[i]);
		for (i = 0; i < t->n_nomem && t->ret == 0; i++)
			if (rte_fastmem_alloc(t->size, 0, 0) != NULL || rte_errno != ENOMEM)
				t->ret = -1;
		sem_post(&t->done);
	}
	if (t->reg)
		rte_thread_unregister();
	return 0;
}

static int
shared_thread_start(struct shared_thread *t, bool reg)
{
	memset(t, 0, sizeof(*t));
	t->reg = reg;
	sem_init(&t->go, 0, 0);
	sem_init(&t->done, 0, 0);
	TEST_ASSERT_SUCCESS(rte_thread_create(&t->th, NULL, shared_thread_main, t), "thread");
	return TEST_SUCCESS;
}

/* Have the thread allocate n objects of size and free them, then fail n_nomem allocations. */
static int
shared_thread_run(struct shared_thread *t, size_t size, unsigned int n, unsigned int n_nomem)
{
	t->size = size;
	t->n = n;
	t->n_nomem = n_nomem;
	sem_post(&t->go);
	sem_wait(&t->done);
	TEST_ASSERT_SUCCESS(t->ret, "non-EAL thread: %zu B x %u, %u without memory", size, n,
		n_nomem);
	return TEST_SUCCESS;
}

static void
shared_thread_stop(struct shared_thread *t)
{
	t->size = 0;
	sem_post(&t->go);
	rte_thread_join(t->th, NULL);
	sem_destroy(&t->go);
	sem_destroy(&t->done);
}

/* Counters expected of a class, in the order of struct rte_fastmem_lcore_stats. */
struct expect_cnt {
	uint64_t ah, am, an, fh, fm;
};

static int
check_cnt(const char *what, uint64_t ah, uint64_t am, uint64_t an, uint64_t fh, uint64_t fm,
	const struct expect_cnt *e)
{
	TEST_ASSERT(ah == e->ah && am == e->am && an == e->an && fh == e->fh && fm == e->fm,
		"%s: alloc hits %" PRIu64 " misses %" PRIu64 " nomem %" PRIu64 ", free hits %"
		PRIu64 " misses %" PRIu64 "; expected %" PRIu64 " %" PRIu64 " %" PRIu64 ", %"
		PRIu64 " %" PRIu64, what, ah, am, an, fh, fm, e->ah, e->am, e->an, e->fh, e->fm);
	return TEST_SUCCESS;
}

/* The shared statistics: the totals are e64 + e128, the classes 64 and 128 are e64 and e128. */
static int
check_shared(const struct expect_cnt *e64, const struct expect_cnt *e128)
{
	struct expect_cnt sum = { e64->ah + e128->ah, e64->am + e128->am, e64->an + e128->an,
		e64->fh + e128->fh, e64->fm + e128->fm };
	static const struct expect_cnt zero;
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_lcore_stats ls;
	unsigned int cls, n = rte_fastmem_classes(NULL);
	size_t sizes[TEST_N_CLASSES];

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared(&ls), "stats_shared");
	TEST_ASSERT_SUCCESS(check_cnt("shared", ls.alloc_cache_hits, ls.alloc_cache_misses,
		ls.alloc_nomem, ls.free_cache_hits, ls.free_cache_misses, &sum), "shared");
	rte_fastmem_classes(sizes);
	for (cls = 0; cls < n; cls++) {
		const struct expect_cnt *e = sizes[cls] == 64 ? e64 : sizes[cls] == 128 ? e128 :
			&zero;

		memset(&lcs, 0xff, sizeof(lcs));
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared_class(sizes[cls], &lcs),
			"stats_shared_class(%zu)", sizes[cls]);
		TEST_ASSERT_EQUAL(lcs.class_size, sizes[cls], "class_size %zu", lcs.class_size);
		TEST_ASSERT_SUCCESS(check_cnt("shared class", lcs.alloc_cache_hits,
			lcs.alloc_cache_misses, lcs.alloc_nomem, lcs.free_cache_hits,
			lcs.free_cache_misses, e), "shared class %zu", sizes[cls]);
	}
	return TEST_SUCCESS;
}

/* No lcore reports the shared counters: every lcore but main has none, main exactly e. */
static int
check_lcores(const struct expect_cnt *e)
{
	static const struct expect_cnt zero;
	struct rte_fastmem_lcore_stats ls;
	unsigned int lcore;

	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore, &ls), "stats_lcore(%u)", lcore);
		TEST_ASSERT_SUCCESS(check_cnt("lcore", ls.alloc_cache_hits, ls.alloc_cache_misses,
			ls.alloc_nomem, ls.free_cache_hits, ls.free_cache_misses,
			lcore == rte_lcore_id() ? e : &zero), "lcore %u", lcore);
	}
	return TEST_SUCCESS;
}

static int
test_stats_shared(void)
{
	/* 64 B and 128 B: a refill brings 192 objects, so n <= 192 allocations miss once. */
	struct expect_cnt e64 = { 0 }, e128 = { 0 }, emain = { 0 };
	struct rte_fastmem_class_stats cs;
	struct shared_thread t;
	void *p[3];
	unsigned int i;

	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "fresh allocator");

	/* A non-EAL thread, live: two allocations without memory, then 10 through its cache. */
	TEST_ASSERT_SUCCESS(shared_thread_start(&t, false), "start");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "limit 0");
	TEST_ASSERT_SUCCESS(shared_thread_run(&t, 64, 0, 2), "nomem");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	e64.an = 2;
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after nomem");
	TEST_ASSERT_SUCCESS(shared_thread_run(&t, 64, 10, 0), "64 B");
	e64.am += 1;
	e64.ah += 9;
	e64.fh += 10;
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "live non-EAL thread");
	TEST_ASSERT_SUCCESS(check_lcores(&emain), "lcores, live non-EAL thread");

	/* The main lcore's own use is its own, not shared. */
	for (i = 0; i < RTE_DIM(p); i++)
		p[i] = rte_fastmem_alloc(64, 0, 0);
	for (i = 0; i < RTE_DIM(p); i++) {
		TEST_ASSERT_NOT_NULL(p[i], "alloc");
		rte_fastmem_free(p[i]);
	}
	emain.am = 1;
	emain.ah = RTE_DIM(p) - 1;
	emain.fh = RTE_DIM(p);
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after main's allocations");
	TEST_ASSERT_SUCCESS(check_lcores(&emain), "lcores");

	/* The thread exits: its counters are parked with its block, still shared, exactly. */
	shared_thread_stop(&t);
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after the thread's exit");
	TEST_ASSERT_SUCCESS(check_lcores(&emain), "lcores after the thread's exit");
	/* The class statistics count both. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs), "stats_class");
	TEST_ASSERT_SUCCESS(check_cnt("class 64", cs.alloc_cache_hits, cs.alloc_cache_misses,
		cs.alloc_nomem, cs.free_cache_hits, cs.free_cache_misses,
		&(struct expect_cnt){ e64.ah + emain.ah, e64.am + emain.am, e64.an,
			e64.fh + emain.fh, 0 }), "class 64");

	/*
	 * A thread registered with EAL has an lcore id: neither its live counters nor those it
	 * leaves when it exits are shared.
	 */
	TEST_ASSERT_SUCCESS(shared_thread_start(&t, true), "start registered");
	TEST_ASSERT_SUCCESS(shared_thread_run(&t, 128, 7, 0), "registered, 128 B");
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "registered thread");
	shared_thread_stop(&t);
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "registered thread exited");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(128, &cs), "stats_class");
	TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses, 7u,
		"class 128: %" PRIu64 " allocations", cs.alloc_cache_hits + cs.alloc_cache_misses);

	/* Another non-EAL thread (it gets a parked block): shared counters add up. */
	TEST_ASSERT_SUCCESS(shared_thread_start(&t, false), "start");
	TEST_ASSERT_SUCCESS(shared_thread_run(&t, 128, 5, 0), "128 B");
	e128.am = 1;
	e128.ah = 4;
	e128.fh = 5;
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "second thread");

	/* Reset zeroes them all: the live thread's cache and the parked counters. */
	rte_fastmem_stats_reset();
	memset(&e64, 0, sizeof(e64));
	memset(&e128, 0, sizeof(e128));
	memset(&emain, 0, sizeof(emain));
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after reset");
	TEST_ASSERT_SUCCESS(check_lcores(&emain), "lcores after reset");
	/* Counting resumes from 0: the cache still holds objects, so these are hits. */
	TEST_ASSERT_SUCCESS(shared_thread_run(&t, 128, 5, 0), "128 B after reset");
	e128.ah = 5;
	e128.fh = 5;
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after reset and use");
	shared_thread_stop(&t);
	TEST_ASSERT_SUCCESS(check_shared(&e64, &e128), "after reset, use and exit");
	TEST_ASSERT_SUCCESS(check_lcores(&emain), "lcores at the end");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * An lcore id taken over: thread A gets its cache block with lcore id L, gives the id up
 * (rte_thread_unregister()) and goes on allocating; thread B registers, gets L, allocates and
 * exits. A thread's lcore id is the one it had when it got its block: L's statistics count A's
 * operations, those before and after B's, while A runs.
 */
struct takeover {
	sem_t go;
	sem_t done;
	unsigned int lcore_id;
	int ret;
};

/* n objects of 64 B allocated, then freed. */
static int
takeover_ops(unsigned int n)
{
	void *objs[16];
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = rte_fastmem_alloc(64, 0, 0);
		if (objs[i] == NULL) {
			while (i-- > 0)
				rte_fastmem_free(objs[i]);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		rte_fastmem_free(objs[i]);
	return 0;
}

/* Register with EAL, n objects allocated and freed, the lcore id given up. */
static void
takeover_registered_ops(struct takeover *t, unsigned int n)
{
	t->ret = rte_thread_register();
	t->lcore_id = rte_lcore_id();
	if (t->ret == 0) {
		t->ret = takeover_ops(n);
		rte_thread_unregister();
	}
}

static uint32_t
takeover_first(void *arg)
{
	struct takeover *t = arg;

	takeover_registered_ops(t, 10);
	sem_post(&t->done);
	sem_wait(&t->go);
	if (t->ret == 0)
		t->ret = takeover_ops(7);
	sem_post(&t->done);
	sem_wait(&t->go);
	return 0;
}

static uint32_t
takeover_second(void *arg)
{
	takeover_registered_ops(arg, 5);
	return 0;
}

static int
test_stats_lcore_taken_over(void)
{
	struct takeover a, b;
	struct rte_fastmem_lcore_stats ls;
	rte_thread_t ta, tb;
	int ret = TEST_FAILED;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	sem_init(&a.go, 0, 0);
	sem_init(&a.done, 0, 0);
	TEST_ASSERT_SUCCESS(rte_thread_create(&ta, NULL, takeover_first, &a), "thread");
	sem_wait(&a.done);
	if (a.ret != 0) {
		printf("first thread: register or allocate failed\n");
		goto out;
	}
	if (rte_thread_create(&tb, NULL, takeover_second, &b) != 0) {
		printf("second thread: not created\n");
		goto out;
	}
	rte_thread_join(tb, NULL);
	if (b.ret != 0 || b.lcore_id != a.lcore_id) {
		printf("second thread: %s lcore %u, the first had %u\n",
				b.ret != 0 ? "failed," : "registered as", b.lcore_id, a.lcore_id);
		goto out;
	}
	sem_post(&a.go);
	sem_wait(&a.done);
	if (a.ret != 0) {
		printf("first thread: allocation without its lcore id failed\n");
		goto out;
	}
	if (rte_fastmem_stats_lcore(a.lcore_id, &ls) != 0 ||
			ls.alloc_cache_hits + ls.alloc_cache_misses != 17 ||
			ls.free_cache_hits + ls.free_cache_misses != 17) {
		printf("lcore %u: %" PRIu64 " allocations, %" PRIu64 " frees; expected the first "
				"thread's 17 and 17\n", a.lcore_id,
				ls.alloc_cache_hits + ls.alloc_cache_misses,
				ls.free_cache_hits + ls.free_cache_misses);
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	sem_post(&a.go);
	sem_post(&a.go);
	rte_thread_join(ta, NULL);
	sem_destroy(&a.go);
	sem_destroy(&a.done);
	return ret;
}

/*
 * A thread's counters move to the bins when it exits: a reader sees them in its cache or in a
 * bin, never in both (the totals would go up, then down) nor in neither. Non-EAL threads, one
 * after the other, allocate and free objects of every class up to 4 KiB (so that moving their
 * counters takes a while), then exit, while this lcore reads the counters of the threads
 * without an lcore id and of class 64: they never go down, and end at what the threads did.
 */
#define RACE_THREADS 500
#define RACE_OPS 2              /* objects of each class */
#define RACE_MAX_SIZE 4096

struct race_spawner {
	RTE_ATOMIC(uint32_t) done;  /* set by the spawner when its last thread is joined */
	RTE_ATOMIC(uint32_t) stop;  /* set by the reader when it fails */
	int ret;                    /* a thread failed */
};

/* The classes up to RACE_MAX_SIZE. */
static unsigned int
race_classes(size_t *sizes)
{
	unsigned int n = 0;

	while (n < TEST_N_CLASSES && class_size(n) <= RACE_MAX_SIZE) {
		sizes[n] = class_size(n);
		n++;
	}
	return n;
}

static uint32_t
race_thread_main(void *arg)
{
	size_t sizes[TEST_N_CLASSES];
	void *objs[TEST_N_CLASSES][RACE_OPS];
	unsigned int i, k, n = race_classes(sizes);
	int *ret = arg;

	for (k = 0; k < n; k++) {
		for (i = 0; i < RACE_OPS; i++) {
			objs[k][i] = rte_fastmem_alloc(sizes[k], 8, 0);
			if (objs[k][i] == NULL)
				*ret = -1;
		}
	}
	for (k = 0; k < n; k++)
		for (i = 0; i < RACE_OPS; i++)
			rte_fastmem_free(objs[k][i]);
	return 0;
}

static uint32_t
race_spawner_main(void *arg)
{
	struct race_spawner *sp = arg;
	unsigned int i;
	rte_thread_t t;

	for (i = 0; i < RACE_THREADS && sp->ret == 0 &&
			!rte_atomic_load_explicit(&sp->stop, rte_memory_order_relaxed); i++) {
		if (rte_thread_create(&t, NULL, race_thread_main, &sp->ret) != 0)
			sp->ret = -1;
		else
			rte_thread_join(t, NULL);
	}
	rte_atomic_store_explicit(&sp->done, 1, rte_memory_order_release);
	return 0;
}

/* The allocations and frees the shared statistics and those of class 64 count. */
static int
race_read(uint64_t v[4])
{
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_class_stats cs;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared(&ls), "stats_shared");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs), "stats_class");
	v[0] = ls.alloc_cache_hits + ls.alloc_cache_misses;
	v[1] = ls.free_cache_hits + ls.free_cache_misses;
	v[2] = cs.alloc_cache_hits + cs.alloc_cache_misses;
	v[3] = cs.free_cache_hits + cs.free_cache_misses;
	return TEST_SUCCESS;
}

/*
 * Add to down the counters of v[] below their previous reading prev[] (the first of them all is
 * printed) and make v[] the previous reading.
 */
static unsigned int
counters_down(const char *const what[4], const uint64_t v[4], uint64_t prev[4],
		unsigned int reads, unsigned int down)
{
	unsigned int k;

	for (k = 0; k < 4; k++) {
		if (v[k] < prev[k] && down++ == 0)
			printf("%s went down: %" PRIu64 " -> %" PRIu64 " (read %u)\n",
				what[k], prev[k], v[k], reads);
		prev[k] = v[k];
	}
	return down;
}

static int
test_stats_retire_race(void)
{
	static const char *const what[4] = {
		"shared allocations", "shared frees", "class allocations", "class frees",
	};
	struct race_spawner sp = { .ret = 0 };
	uint64_t v0[4], prev[4], v[4], want[4];
	unsigned int k, reads = 0, down = 0;
	size_t sizes[TEST_N_CLASSES];
	bool read_failed = false;
	rte_thread_t t;

	want[0] = (uint64_t)RACE_THREADS * RACE_OPS * race_classes(sizes);
	want[1] = want[0];
	want[2] = (uint64_t)RACE_THREADS * RACE_OPS;
	want[3] = want[2];
	TEST_ASSERT_SUCCESS(race_read(v0), "before");
	memcpy(prev, v0, sizeof(prev));
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, race_spawner_main, &sp), "thread");
	while (!rte_atomic_load_explicit(&sp.done, rte_memory_order_acquire)) {
		if (race_read(v) != TEST_SUCCESS) {
			/* The spawner stops; it and its threads are joined below. */
			rte_atomic_store_explicit(&sp.stop, 1, rte_memory_order_relaxed);
			read_failed = true;
			break;
		}
		down = counters_down(what, v, prev, reads, down);
		reads++;
	}
	rte_thread_join(t, NULL);
	TEST_ASSERT(!read_failed, "statistics unreadable");
	TEST_ASSERT_SUCCESS(sp.ret, "a thread failed");
	TEST_ASSERT_SUCCESS(race_read(v), "after");
	printf("%u reads while %u threads exited, counters down %u times\n", reads,
		RACE_THREADS, down);
	TEST_ASSERT_EQUAL(down, 0u, "counters went down %u times", down);
	for (k = 0; k < 4; k++)
		TEST_ASSERT_EQUAL(v[k] - v0[k], want[k], "%s: %" PRIu64 ", expected %" PRIu64,
			what[k], v[k] - v0[k], want[k]);
	return TEST_SUCCESS;
}

/*
 * A cache's hit counters are derived from its top word, which its owner folds into the
 * library's counters at every miss. While the worker lcore allocates and frees objects of one
 * class in runs that cross refills and flushes, this lcore reads the worker's counters: none
 * of them ever goes down, and they end at what the worker did. Then it resets the statistics
 * while the worker runs again: the worker never gets an object twice, and none is lost: once
 * both lcores flushed their caches and a trim emptied the depots, the class holds no span.
 */
#define LIVE_ROUNDS 3000
#define LIVE_OBJS 600            /* more than two caches of 64 B objects: misses every round */

struct live_arg {
	RTE_ATOMIC(uint32_t) done;
	int ret;
};

static int
live_worker(void *arg)
{
	struct live_arg *la = arg;
	void **objs = calloc(LIVE_OBJS, sizeof(*objs));
	unsigned int r, i, n;

	if (objs == NULL)
		la->ret = -ENOMEM;
	for (r = 0; r < LIVE_ROUNDS && la->ret == 0; r++) {
		/* 1 to LIVE_OBJS objects: hits, and misses every few rounds. */
		n = 1 + mix64(r) % LIVE_OBJS;
		for (i = 0; i < n; i++) {
			objs[i] = rte_fastmem_alloc(64, 0, 0);
			if (objs[i] == NULL) {
				la->ret = -ENOMEM;
				break;
			}
			*(uint64_t *)objs[i] = ((uint64_t)r << 32) | i;
		}
		/* An object handed out twice holds the tag of its second slot only. */
		n = i;
		for (i = 0; i < n; i++)
			if (*(uint64_t *)objs[i] != (((uint64_t)r << 32) | i))
				la->ret = -EFAULT;
		while (i-- > 0)
			rte_fastmem_free(objs[i]);
	}
	free(objs);
	rte_atomic_store_explicit(&la->done, 1, rte_memory_order_release);
	return la->ret;
}

static int
live_flush(void *arg __rte_unused)
{
	rte_fastmem_cache_flush();
	return 0;
}

static void
live_read(unsigned int lcore, uint64_t v[4])
{
	struct rte_fastmem_lcore_stats ls;

	memset(&ls, 0, sizeof(ls));
	rte_fastmem_stats_lcore(lcore, &ls);
	v[0] = ls.alloc_cache_hits;
	v[1] = ls.alloc_cache_misses;
	v[2] = ls.free_cache_hits;
	v[3] = ls.free_cache_misses;
}

static int
test_stats_live_race(void)
{
	static const char *const what[4] = {
		"allocation hits", "allocation misses", "free hits", "free misses",
	};
	struct live_arg la = { .ret = 0 };
	unsigned int worker = first_worker(), r, reads = 0, down = 0;
	uint64_t v0[4], prev[4], v[4], want = 0;
	struct rte_fastmem_class_stats cs0, cs;

	if (worker >= RTE_MAX_LCORE) {
		printf("no worker lcore\n");
		return TEST_SKIPPED;
	}
	live_read(worker, v0);
	memcpy(prev, v0, sizeof(prev));
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(live_worker, &la, worker), "launch");
	while (!rte_atomic_load_explicit(&la.done, rte_memory_order_acquire)) {
		live_read(worker, v);
		down = counters_down(what, v, prev, reads, down);
		reads++;
	}
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker: %d", la.ret);
	live_read(worker, v);
	printf("%u reads while the worker ran, counters down %u times; hits %" PRIu64 "/%" PRIu64
		", misses %" PRIu64 "/%" PRIu64 "\n", reads, down, v[0] - v0[0], v[2] - v0[2],
		v[1] - v0[1], v[3] - v0[3]);
	TEST_ASSERT_EQUAL(down, 0u, "counters went down %u times", down);
	for (r = 0; r < LIVE_ROUNDS; r++)
		want += 1 + mix64(r) % LIVE_OBJS;
	TEST_ASSERT_EQUAL(v[0] + v[1] - v0[0] - v0[1], want,
		"allocations %" PRIu64 ", expected %" PRIu64, v[0] + v[1] - v0[0] - v0[1], want);
	TEST_ASSERT_EQUAL(v[2] + v[3] - v0[2] - v0[3], want,
		"frees %" PRIu64 ", expected %" PRIu64, v[2] + v[3] - v0[2] - v0[3], want);
	TEST_ASSERT(v[1] > v0[1] && v[3] > v0[3] && v[0] - v0[0] > v[1] - v0[1],
		"the worker should have hit and missed");

	/* Resets while the worker runs: they must not disturb its cache. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs0), "stats_class");
	rte_atomic_store_explicit(&la.done, 0, rte_memory_order_relaxed);
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(live_worker, &la, worker), "launch");
	for (reads = 0; !rte_atomic_load_explicit(&la.done, rte_memory_order_acquire); reads++)
		rte_fastmem_stats_reset();
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker during resets: %d", la.ret);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs), "stats_class");
	printf("%u resets while the worker ran\n", reads);
	TEST_ASSERT_EQUAL(cs.in_use, cs0.in_use, "class 64: in use %" PRIu64 " -> %" PRIu64,
		cs0.in_use, cs.in_use);
	/* An object lost from the worker's cache would keep its span. */
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(live_flush, NULL, worker), "launch");
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker's flush");
	rte_fastmem_cache_flush();
	rte_fastmem_trim(SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs), "stats_class");
	TEST_ASSERT(cs.in_use == 0 && cs.slabs_partial == 0 && cs.slabs_full == 0,
		"class 64 after the resets, the flushes and a trim: %" PRIu64 " in use, %u partial "
		"and %u full spans: objects were lost", cs.in_use, cs.slabs_partial,
		cs.slabs_full);
	return TEST_SUCCESS;
}

static int
test_stats_reset(void)
{
	/* Sizes whose few hundred objects fit in one page. */
	struct reset_arg on_main = { .size = 64 }, on_worker = { .size = 96 };
	struct reset_arg t_nomem = { .size = 2000, .nomem = true }, t_traffic = { .size = 80 };
	/* Actors: main, the worker if any, non-EAL threads (one for each part). */
	unsigned int worker = first_worker(), i, n_actors = 2;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	struct stats_state want;
	void *big[3];
	int ret;

	/* Out of memory on each thread, while the allocator has no backing memory at all. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "set_limit(0)");
	on_main.nomem = true;
	TEST_ASSERT_SUCCESS(reset_traffic(&on_main), "main lcore, out of memory");
	on_main.nomem = false;
	if (worker < RTE_MAX_LCORE) {
		on_worker.nomem = true;
		rte_eal_remote_launch(reset_worker, &on_worker, worker);
		ret = rte_eal_wait_lcore(worker);
		TEST_ASSERT_SUCCESS(ret, "worker, out of memory");
		on_worker.nomem = false;
		n_actors++;
	}
	TEST_ASSERT_SUCCESS(reset_run_thread(&t_nomem), "non-EAL thread, out of memory");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");

	/* Traffic: 64 B on main, 96 B on the worker, 80 B on a non-EAL thread that exits. */
	TEST_ASSERT_SUCCESS(reset_traffic(&on_main), "main lcore traffic");
	if (worker < RTE_MAX_LCORE) {
		rte_eal_remote_launch(reset_worker, &on_worker, worker);
		ret = rte_eal_wait_lcore(worker);
		TEST_ASSERT_SUCCESS(ret, "worker traffic");
	}
	TEST_ASSERT_SUCCESS(reset_run_thread(&t_traffic), "non-EAL thread traffic");
	/* 1 MiB objects, one slab each: three slabs taken, one given back by the flush. */
	for (i = 0; i < RTE_DIM(big); i++) {
		big[i] = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
		TEST_ASSERT_NOT_NULL(big[i], "alloc(1 MiB): %d", rte_errno);
	}
	rte_fastmem_free(big[2]);
	rte_fastmem_cache_flush();

	/* The counters before the reset: every one of them is set somewhere. */
	TEST_ASSERT_SUCCESS(check_class_traffic(64, RESET_ALLOCS, RESET_ALLOCS - RESET_LIVE, 1),
		"class 64 (main lcore)");
	if (worker < RTE_MAX_LCORE) {
		TEST_ASSERT_SUCCESS(check_class_traffic(96, RESET_ALLOCS,
			RESET_ALLOCS - RESET_LIVE, 1), "class 96 (worker)");
		TEST_ASSERT_SUCCESS(check_lcore_traffic(worker), "worker");
	}
	/* Only the exited non-EAL threads used these classes: the bins count for them. */
	TEST_ASSERT_SUCCESS(check_class_traffic(80, RESET_ALLOCS, RESET_ALLOCS - RESET_LIVE,
		0), "class 80 (exited non-EAL thread)");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(2048, &cs), "stats_class");
	TEST_ASSERT_EQUAL(cs.alloc_nomem, 1u, "class 2048 (exited non-EAL thread): "
		"alloc_nomem %" PRIu64, cs.alloc_nomem);
	TEST_ASSERT_SUCCESS(check_lcore_traffic(rte_lcore_id()), "main lcore");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(TEST_MAX_SIZE, &cs), "stats_class");
	TEST_ASSERT(cs.slab_acquires == 3 && cs.slab_releases == 1, "class 1 MiB: %" PRIu64
		" slabs acquired, %" PRIu64 " released, expected 3 and 1", cs.slab_acquires,
		cs.slab_releases);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total, (uint64_t)n_actors * RESET_ALLOCS + RTE_DIM(big),
		"alloc_total %" PRIu64, st.alloc_total);
	TEST_ASSERT_EQUAL(st.free_total, (uint64_t)n_actors * (RESET_ALLOCS - RESET_LIVE) + 1,
		"free_total %" PRIu64, st.free_total);
	TEST_ASSERT_EQUAL(st.alloc_nomem, (uint64_t)n_actors, "alloc_nomem %" PRIu64,
		st.alloc_nomem);

	/*
	 * The state: the live objects, each class's few hundred objects in one partial page
	 * (live, cached or in the depot), and the two live 1 MiB objects in full slabs.
	 */
	memset(&want, 0, sizeof(want));
	want.in_use[class_idx(64)] = RESET_LIVE;
	want.slabs_partial[class_idx(64)] = 1;
	if (worker < RTE_MAX_LCORE) {
		want.in_use[class_idx(96)] = RESET_LIVE;
		want.slabs_partial[class_idx(96)] = 1;
	}
	want.in_use[class_idx(80)] = RESET_LIVE;
	want.slabs_partial[class_idx(80)] = 1;
	want.in_use[class_idx(TEST_MAX_SIZE)] = 2;
	want.slabs_full[class_idx(TEST_MAX_SIZE)] = 2;
	want.bytes_backing = st.bytes_backing;
	TEST_ASSERT_SUCCESS(check_stats_state(&want, false), "state before the reset");

	rte_fastmem_stats_reset();
	TEST_ASSERT_SUCCESS(check_stats_state(&want, true), "after the reset");

	/* Counting goes on from 0: the frees of the live objects, all into this lcore's cache. */
	rte_fastmem_free_bulk(on_main.live, RESET_LIVE);
	if (worker < RTE_MAX_LCORE)
		rte_fastmem_free_bulk(on_worker.live, RESET_LIVE);
	rte_fastmem_free_bulk(t_traffic.live, RESET_LIVE);
	rte_fastmem_free_bulk(big, 2);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.alloc_total == 0 && st.alloc_nomem == 0 &&
		st.free_total == n_actors * RESET_LIVE + 2, "after the reset and %u frees: "
		"alloc_total %" PRIu64 ", alloc_nomem %" PRIu64 ", free_total %" PRIu64,
		n_actors * RESET_LIVE + 2, st.alloc_total, st.alloc_nomem, st.free_total);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "stats_lcore");
	TEST_ASSERT(ls.free_cache_hits == st.free_total && ls.free_cache_misses == 0 &&
		ls.alloc_cache_hits == 0 && ls.alloc_cache_misses == 0,
		"main lcore after the reset: %" PRIu64 " free hits, expected %" PRIu64,
		ls.free_cache_hits, st.free_total);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	if (worker >= RTE_MAX_LCORE) {
		printf("stats_reset: no worker lcore, its part not tested\n");
		return TEST_SKIPPED;
	}
	return TEST_SUCCESS;
}

/*
 * IOVA.
 */

static int
check_iova(const void *p, size_t size)
{
	rte_iova_t iova = rte_fastmem_virt2iova(p), ref;
	size_t offs[] = { 0, 1, size / 2, size - 1 };
	unsigned int i;

	TEST_ASSERT_NOT_EQUAL(iova, RTE_BAD_IOVA, "no IOVA for %p", p);
	for (i = 0; i < RTE_DIM(offs); i++) {
		const char *q = (const char *)p + offs[i];

		/* O(1) translation of any byte of the object; the object is IOVA-contiguous. */
		TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(q), iova + offs[i],
			"IOVA of %p + %zu not contiguous", p, offs[i]);
		ref = rte_mem_virt2iova(q);
		if (ref != RTE_BAD_IOVA)
			TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(q), ref,
				"IOVA of %p + %zu: %#" PRIx64 ", EAL says %#" PRIx64, p, offs[i],
				(uint64_t)rte_fastmem_virt2iova(q), (uint64_t)ref);
		if (rte_eal_iova_mode() == RTE_IOVA_VA)
			TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(q), (rte_iova_t)(uintptr_t)q,
				"IOVA as VA: %p", q);
	}
	return TEST_SUCCESS;
}

#define N_IOVA_BIG 70

static int
test_iova(void)
{
	void *objs[4], *big[N_IOVA_BIG];
	rte_fastmem_handle_t h;
	unsigned int i, k;
	size_t cls;

	printf("IOVA mode: %s\n", rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" :
		rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "other");
	for (k = 0; k < TEST_N_CLASSES; k++) {
		cls = class_size(k);
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, RTE_DIM(objs), cls, 1, 0),
			"alloc_bulk(%zu): %d", cls, rte_errno);
		for (i = 0; i < RTE_DIM(objs); i++)
			TEST_ASSERT_SUCCESS(check_iova(objs[i], cls), "class %zu", cls);
		rte_fastmem_free_bulk(objs, RTE_DIM(objs));
		TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(cls, 1, SOCKET_ID_ANY, &h), "hlookup");
		objs[0] = rte_fastmem_halloc(h, 0);
		TEST_ASSERT_NOT_NULL(objs[0], "halloc(%zu): %d", cls, rte_errno);
		TEST_ASSERT_SUCCESS(check_iova(objs[0], cls), "class %zu (handle)", cls);
		rte_fastmem_hfree(h, objs[0]);
	}
	/* Enough slabs for more than one memzone. */
	for (i = 0; i < N_IOVA_BIG; i++) {
		big[i] = rte_fastmem_alloc(TEST_MAX_SIZE, 0, 0);
		TEST_ASSERT_NOT_NULL(big[i], "alloc(1 MiB) %u: %d", i, rte_errno);
		TEST_ASSERT_SUCCESS(check_iova(big[i], TEST_MAX_SIZE), "1 MiB object %u", i);
	}
	printf("IOVA: %u objects of 1 MiB, backing %" PRIu64 " MiB\n", N_IOVA_BIG,
		backing() >> 20);
	rte_fastmem_free_bulk(big, N_IOVA_BIG);
	TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(NULL), RTE_BAD_IOVA, "virt2iova(NULL)");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * NUMA.
 */

static int
test_sockets(void)
{
	const struct rte_memseg_list *msl;
	rte_fastmem_handle_t h;
	unsigned int i, j;
	void *p, *ptrs[4];
	int s;

	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		p = rte_fastmem_alloc_socket(1000, 0, 0, s);
		if (p == NULL) {
			/* Only a socket without memory may refuse, and only with ENOMEM. */
			TEST_ASSERT(s != local_socket(), "alloc on the local socket %d: %d", s,
				rte_errno);
			TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "alloc on socket %d: rte_errno %d", s,
				rte_errno);
			continue;
		}
		msl = rte_mem_virt2memseg_list(p);
		TEST_ASSERT_NOT_NULL(msl, "object %p is not in EAL memory", p);
		TEST_ASSERT_EQUAL(msl->socket_id, s, "object for socket %d on socket %d", s,
			msl->socket_id);
		rte_fastmem_free(p);
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk_socket(ptrs, RTE_DIM(ptrs), 64, 0, 0,
			s), "alloc_bulk_socket(%d): %d", s, rte_errno);
		for (j = 0; j < RTE_DIM(ptrs); j++) {
			msl = rte_mem_virt2memseg_list(ptrs[j]);
			TEST_ASSERT_NOT_NULL(msl, "object %p is not in EAL memory", ptrs[j]);
			TEST_ASSERT_EQUAL(msl->socket_id, s, "bulk object on socket %d",
				msl->socket_id);
		}
		rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));
		TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, s, &h), "hlookup(socket %d)", s);
		p = rte_fastmem_halloc(h, 0);
		TEST_ASSERT_NOT_NULL(p, "halloc(socket %d): %d", s, rte_errno);
		msl = rte_mem_virt2memseg_list(p);
		TEST_ASSERT_NOT_NULL(msl, "object %p is not in EAL memory", p);
		TEST_ASSERT_EQUAL(msl->socket_id, s, "handle object on socket %d",
			msl->socket_id);
		rte_fastmem_hfree(h, p);
	}
	p = rte_fastmem_alloc_socket(1000, 0, 0, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(p, "alloc_socket(SOCKET_ID_ANY): %d", rte_errno);
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * Caches and threads.
 */

struct flush_arg {
	void *objs[10];
	int phase;
};

/* Worker of test_cache_flush. */
static int
worker_flush(void *arg)
{
	struct flush_arg *fa = arg;
	struct rte_fastmem_lcore_class_stats s0, s1;
	unsigned int i, lcore = rte_lcore_id();

	if (fa->phase == 0) {
		/* Nothing to flush yet: a no-op. */
		rte_fastmem_cache_flush();
		for (i = 0; i < RTE_DIM(fa->objs); i++) {
			fa->objs[i] = rte_fastmem_alloc(512, 0, 0);
			TEST_ASSERT_NOT_NULL(fa->objs[i], "worker alloc: %d", rte_errno);
		}
		for (i = 0; i < RTE_DIM(fa->objs); i++)
			rte_fastmem_free(fa->objs[i]);
		return 0;
	}
	/* The main lcore flushed its own cache: this one still holds the objects. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s0), "stats");
	for (i = 0; i < RTE_DIM(fa->objs); i++) {
		fa->objs[i] = rte_fastmem_alloc(512, 0, 0);
		TEST_ASSERT_NOT_NULL(fa->objs[i], "worker alloc: %d", rte_errno);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s1), "stats");
	TEST_ASSERT_EQUAL(s1.alloc_cache_hits - s0.alloc_cache_hits, RTE_DIM(fa->objs),
		"another lcore's cache_flush emptied this lcore's cache (%" PRIu64 " hits)",
		s1.alloc_cache_hits - s0.alloc_cache_hits);
	TEST_ASSERT_EQUAL(s1.alloc_cache_misses, s0.alloc_cache_misses, "misses");
	for (i = 0; i < RTE_DIM(fa->objs); i++)
		rte_fastmem_free(fa->objs[i]);
	/* Its own flush empties it. */
	rte_fastmem_cache_flush();
	fa->objs[0] = rte_fastmem_alloc(512, 0, 0);
	TEST_ASSERT_NOT_NULL(fa->objs[0], "worker alloc: %d", rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s0), "stats");
	TEST_ASSERT_EQUAL(s0.alloc_cache_misses, s1.alloc_cache_misses + 1,
		"allocation after cache_flush did not miss");
	rte_fastmem_free(fa->objs[0]);
	return 0;
}

static int
test_cache_flush(void)
{
	struct rte_fastmem_lcore_class_stats s0, s1;
	unsigned int lcore = rte_lcore_id(), worker = first_worker();
	struct flush_arg fa;
	void *p;
	int ret;

	rte_fastmem_cache_flush();      /* nothing to flush */
	p = rte_fastmem_alloc(512, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc: %d", rte_errno);
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s0), "stats");
	p = rte_fastmem_alloc(512, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc: %d", rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s1), "stats");
	TEST_ASSERT_EQUAL(s1.alloc_cache_hits, s0.alloc_cache_hits + 1, "no cache hit");
	rte_fastmem_free(p);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s0), "stats");
	TEST_ASSERT_EQUAL(s0.free_cache_hits, s1.free_cache_hits + 1, "free: no cache hit");
	rte_fastmem_cache_flush();
	rte_fastmem_cache_flush();
	TEST_ASSERT_SUCCESS(check_all_free(), "cache_flush changed in_use");
	p = rte_fastmem_alloc(512, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc after flush: %d", rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, 512, &s1), "stats");
	TEST_ASSERT_EQUAL(s1.alloc_cache_misses, s0.alloc_cache_misses + 1,
		"allocation after cache_flush did not miss");
	TEST_ASSERT_EQUAL(s1.alloc_cache_hits, s0.alloc_cache_hits, "hit after flush");
	rte_fastmem_free(p);

	if (worker >= RTE_MAX_LCORE) {
		printf("cache_flush: no worker lcore, other-thread part skipped\n");
		return TEST_SKIPPED;
	}
	fa.phase = 0;
	rte_eal_remote_launch(worker_flush, &fa, worker);
	ret = rte_eal_wait_lcore(worker);
	TEST_ASSERT_SUCCESS(ret, "worker phase 0");
	rte_fastmem_cache_flush();
	fa.phase = 1;
	rte_eal_remote_launch(worker_flush, &fa, worker);
	ret = rte_eal_wait_lcore(worker);
	TEST_ASSERT_SUCCESS(ret, "worker phase 1");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * A free that finds the cache full gives its newest half to the bin's depot and keeps the older
 * half in place; the next refill takes that half back from the depot. Objects of 512 B, on the
 * calling thread only (no other thread uses the bin's depot meanwhile).
 */
static int
test_cache_overflow(void)
{
	unsigned int lcore = rte_lcore_id(), cls = class_of(512, 0);
	unsigned int cap = cache_cap(cls), batch = cache_batch(cls), n = 0, m = 0;
	struct rte_fastmem_lcore_class_stats s0, s1;
	void **objs, **got, *want;
	int ret = TEST_FAILED;

	objs = calloc(cap + 1, sizeof(*objs));
	got = calloc(batch + 2, sizeof(*got));
	if (objs == NULL || got == NULL) {
		printf("calloc failed\n");
		goto out;
	}
	for (n = 0; n <= cap; n++) {
		objs[n] = rte_fastmem_alloc(512, 0, 0);
		if (objs[n] == NULL) {
			printf("alloc %u: %d\n", n, rte_errno);
			goto out;
		}
	}
	rte_fastmem_cache_flush();      /* an empty cache: the first cap frees fill it */
	if (rte_fastmem_stats_lcore_class(lcore, 512, &s0) != 0)
		goto out;
	for (; n > 0; n--)
		rte_fastmem_free(objs[cap + 1 - n]);
	if (rte_fastmem_stats_lcore_class(lcore, 512, &s1) != 0)
		goto out;
	if (s1.free_cache_misses != s0.free_cache_misses + 1) {
		printf("%u frees into an empty cache of %u: %" PRIu64 " misses, not 1\n",
				cap + 1, cap, s1.free_cache_misses - s0.free_cache_misses);
		goto out;
	}
	/*
	 * The cache: the oldest batch freed, then the object freed last; then a refill from the
	 * depot, the newest batch, whose last object comes first.
	 */
	for (m = 0; m < batch + 2; m++) {
		want = m == 0 ? objs[cap] : m <= batch ? objs[batch - m] : objs[cap - 1];
		got[m] = rte_fastmem_alloc(512, 0, 0);
		if (got[m] != want) {
			printf("allocation %u after the overflow: %p, not %p\n", m, got[m], want);
			m++;
			goto out;
		}
	}
	ret = TEST_SUCCESS;
out:
	while (m > 0)
		rte_fastmem_free(got[--m]);
	while (n > 0)
		rte_fastmem_free(objs[--n]);
	free(got);
	free(objs);
	rte_fastmem_cache_flush();
	return ret;
}

/*
 * What a flush guarantees: the objects freed into the calling thread's cache go back to their
 * slabs, and slabs left empty go back to the free-slab pool. Objects cached by another thread
 * stay there until that thread flushes. (Frees that overflow a cache move a batch to the
 * bin's depot, which no flush drains: the tests free at most a cache's capacity.)
 */

#define FLUSH_N_SIZES 5
#define FLUSH_MAX_OBJS 200

static const size_t flush_sizes[FLUSH_N_SIZES] = { 64, 4000, KIB(64), KIB(512), TEST_MAX_SIZE };

/*
 * Objects of each size: one refill's worth (from an empty cache), so that freeing them leaves
 * the cache at most full, and nothing in the depot.
 */
static unsigned int
flush_count(unsigned int k)
{
	return RTE_MIN(cache_batch(class_of(flush_sizes[k], 0)), (unsigned int)FLUSH_MAX_OBJS);
}

/* Every class of flush_sizes holds no slab, and gave back every slab it took. */
static int
check_no_slabs(void)
{
	struct rte_fastmem_class_stats cs;
	unsigned int k;
	size_t cls;

	for (k = 0; k < FLUSH_N_SIZES; k++) {
		cls = class_bytes(flush_sizes[k], 0);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "stats_class(%zu)", cls);
		TEST_ASSERT(cs.slabs_partial + cs.slabs_full == 0, "class %zu holds %u partial "
			"and %u full slabs after every object was freed and flushed", cls,
			cs.slabs_partial, cs.slabs_full);
		TEST_ASSERT(cs.slab_acquires > 0 && cs.slab_releases == cs.slab_acquires,
			"class %zu: %" PRIu64 " slabs acquired, %" PRIu64 " released", cls,
			cs.slab_acquires, cs.slab_releases);
	}
	return TEST_SUCCESS;
}

struct flush_slabs_arg {
	void *objs[FLUSH_N_SIZES][FLUSH_MAX_OBJS];
	bool flush;
};

/* Worker of test_cache_flush_slabs: free main's objects into its cache, or flush it. */
static int
worker_flush_slabs(void *arg)
{
	struct flush_slabs_arg *fa = arg;
	unsigned int k;

	if (fa->flush) {
		rte_fastmem_cache_flush();
		return 0;
	}
	for (k = 0; k < FLUSH_N_SIZES; k++)
		rte_fastmem_free_bulk(fa->objs[k], flush_count(k));
	return 0;
}

static int
test_cache_flush_slabs(void)
{
	static struct flush_slabs_arg fsa;
	struct flush_slabs_arg *fa = &fsa;
	unsigned int worker = first_worker(), k, i, round;
	uint32_t slabs[FLUSH_N_SIZES];
	uint64_t b;
	size_t cls;

	/* Round 0: this lcore frees and flushes; round 1: the worker frees and flushes. */
	for (round = 0; round < 2; round++) {
		if (round == 1 && worker >= RTE_MAX_LCORE) {
			printf("cache_flush: no worker lcore, other-thread part skipped\n");
			break;
		}
		for (k = 0; k < FLUSH_N_SIZES; k++) {
			for (i = 0; i < flush_count(k); i++) {
				fa->objs[k][i] = rte_fastmem_alloc(flush_sizes[k], 0, 0);
				if (fa->objs[k][i] == NULL)
					break;
			}
			if (i < flush_count(k)) {
				printf("alloc(%zu): %d\n", flush_sizes[k], rte_errno);
				rte_fastmem_free_bulk(fa->objs[k], i);
				while (k-- > 0)
					rte_fastmem_free_bulk(fa->objs[k], flush_count(k));
				return TEST_FAILED;
			}
			slabs[k] = class_slabs(class_bytes(flush_sizes[k], 0));
		}
		b = backing();
		if (round == 0) {
			for (k = 0; k < FLUSH_N_SIZES; k++)
				rte_fastmem_free_bulk(fa->objs[k], flush_count(k));
		} else {
			fa->flush = false;
			rte_eal_remote_launch(worker_flush_slabs, fa, worker);
			rte_eal_wait_lcore(worker);
			/* This lcore's flush leaves the worker's cache alone. */
			rte_fastmem_cache_flush();
		}
		TEST_ASSERT_SUCCESS(check_all_free(), "round %u: objects left", round);
		/* Cached objects keep their slabs until the flush. */
		for (k = 0; k < FLUSH_N_SIZES; k++) {
			cls = class_bytes(flush_sizes[k], 0);
			TEST_ASSERT_EQUAL(class_slabs(cls), slabs[k], "round %u, class %zu: %u "
				"slabs before the flush, expected %u", round, cls,
				class_slabs(cls), slabs[k]);
		}
		if (round == 0) {
			rte_fastmem_cache_flush();
		} else {
			fa->flush = true;
			rte_eal_remote_launch(worker_flush_slabs, fa, worker);
			rte_eal_wait_lcore(worker);
		}
		TEST_ASSERT_SUCCESS(check_no_slabs(), "round %u: slabs left after the flush",
			round);
		TEST_ASSERT_SUCCESS(check_all_free(), "round %u: objects left", round);
		TEST_ASSERT_EQUAL(backing(), b, "the flush changed the backing memory");
	}
	return worker < RTE_MAX_LCORE ? TEST_SUCCESS : TEST_SKIPPED;
}

#define N_REMOTE 1000

struct remote_arg {
	struct tobj objs[N_REMOTE];
	rte_fastmem_handle_t h8, h512, hmax;
	int phase;
};

static size_t
remote_size(unsigned int i)
{
	if (i % 100 == 2)
		return TEST_MAX_SIZE;
	return 1 + (mix64(i + 1) % ((size_t)1 << (i % 15)));
}

/* Allocate the objects of the remote tests: plain, bulk and handle objects. */
static int
remote_alloc(struct remote_arg *ra, uint64_t seed)
{
	unsigned int i;
	void *p;

	for (i = 0; i < N_REMOTE; i++) {
		struct tobj *o = &ra->objs[i];

		o->align = 0;
		switch (i % 4) {
		case 0:
			o->size = 8;
			o->align = 8;
			o->p = rte_fastmem_halloc(ra->h8, 0);
			break;
		case 1:
			o->size = 300;
			o->p = rte_fastmem_halloc(ra->h512, 0);
			break;
		default:
			o->size = remote_size(i);
			o->p = rte_fastmem_alloc(o->size, 0, 0);
			break;
		}
		TEST_ASSERT_NOT_NULL(o->p, "remote alloc %u (%zu bytes): %d", i, o->size,
			rte_errno);
		o->seed = seed + i;
		pat_write(o->p, o->size, o->seed);
	}
	p = rte_fastmem_halloc(ra->hmax, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc(max): %d", rte_errno);
	rte_fastmem_hfree(ra->hmax, p);
	return TEST_SUCCESS;
}

/* Verify and free objects another thread allocated, by free and by hfree. */
static int
remote_free(struct remote_arg *ra)
{
	unsigned int i;

	for (i = 0; i < N_REMOTE; i++) {
		struct tobj *o = &ra->objs[i];

		TEST_ASSERT(pat_ok(o->p, o->size, o->seed), "object %u corrupted", i);
		if (i % 4 == 0 && i % 8 != 0)
			rte_fastmem_hfree(ra->h8, o->p);
		else if (i % 4 == 1)
			rte_fastmem_hfree(ra->h512, o->p);
		else
			rte_fastmem_free(o->p);
		o->p = NULL;
	}
	return TEST_SUCCESS;
}

static int
worker_remote(void *arg)
{
	struct remote_arg *ra = arg;

	if (ra->phase == 0)
		return remote_free(ra);
	return remote_alloc(ra, 1000000);
}

/* Objects freed on another lcore than the one that allocated them; handles used there. */
static int
test_remote_free(void)
{
	unsigned int worker = first_worker(), round;
	struct rte_fastmem_lcore_stats ls;
	struct remote_arg *ra;
	int ret = TEST_FAILED;

	if (worker >= RTE_MAX_LCORE) {
		printf("no worker lcore\n");
		return TEST_SKIPPED;
	}
	ra = calloc(1, sizeof(*ra));
	TEST_ASSERT_NOT_NULL(ra, "no memory");
	/* The worker uses handles it never looked up. */
	if (rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &ra->h8) != 0 ||
			rte_fastmem_hlookup(300, 0, SOCKET_ID_ANY, &ra->h512) != 0 ||
			rte_fastmem_hlookup(TEST_MAX_SIZE, 0, SOCKET_ID_ANY, &ra->hmax) != 0)
		goto out;
	rte_fastmem_stats_reset();
	for (round = 0; round < 10; round++) {
		/* Main allocates, the worker frees. */
		if (remote_alloc(ra, round * 10000) != TEST_SUCCESS)
			goto out;
		ra->phase = 0;
		rte_eal_remote_launch(worker_remote, ra, worker);
		if (rte_eal_wait_lcore(worker) != 0) {
			printf("round %u: worker free failed\n", round);
			goto out;
		}
		if (check_all_free() != TEST_SUCCESS)
			goto out;
		/* The worker allocates, main frees. */
		ra->phase = 1;
		rte_eal_remote_launch(worker_remote, ra, worker);
		if (rte_eal_wait_lcore(worker) != 0) {
			printf("round %u: worker alloc failed\n", round);
			goto out;
		}
		if (remote_free(ra) != TEST_SUCCESS || check_all_free() != TEST_SUCCESS)
			goto out;
	}
	if (rte_fastmem_stats_lcore(worker, &ls) != 0 ||
			ls.free_cache_hits + ls.free_cache_misses != 10 * (N_REMOTE + 1) ||
			ls.alloc_cache_hits + ls.alloc_cache_misses != 10 * (N_REMOTE + 1)) {
		printf("worker counts: %" PRIu64 " allocs, %" PRIu64 " frees, expected %u\n",
			ls.alloc_cache_hits + ls.alloc_cache_misses,
			ls.free_cache_hits + ls.free_cache_misses, 10 * (N_REMOTE + 1));
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	free(ra);
	return ret;
}

/* Non-EAL threads. */

struct thread_arg {
	struct remote_arg *ra;
	int ret;
	bool do_register;
	unsigned int lcore_id;
};

static int
non_eal_body(struct thread_arg *ta)
{
	struct rte_fastmem_lcore_stats ls;
	void *ptrs[300];
	unsigned int i;
	void *p;

	if (!ta->do_register)
		TEST_ASSERT_EQUAL(rte_lcore_id(), LCORE_ID_ANY, "not a non-EAL thread");
	/* Free what main allocated, then allocate for main: handles never looked up here. */
	TEST_ASSERT_SUCCESS(remote_free(ta->ra), "free in a non-EAL thread");
	TEST_ASSERT_SUCCESS(remote_alloc(ta->ra, 777000), "alloc in a non-EAL thread");
	/* Local churn through the cache and the bulk paths. */
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(ta->ra->h8, ptrs, RTE_DIM(ptrs), 0),
		"halloc_bulk: %d", rte_errno);
	for (i = 0; i < RTE_DIM(ptrs); i++)
		pat_write(ptrs[i], 8, i);
	for (i = 0; i < RTE_DIM(ptrs); i++)
		TEST_ASSERT(pat_ok(ptrs[i], 8, i), "8 B object %u", i);
	rte_fastmem_hfree_bulk(ta->ra->h8, ptrs, RTE_DIM(ptrs));
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), 3000, 0, 0),
		"alloc_bulk: %d", rte_errno);
	rte_fastmem_free_bulk(ptrs, RTE_DIM(ptrs));
	p = rte_fastmem_alloc_socket(100, 0, RTE_FASTMEM_F_ZERO, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(p, "alloc_socket: %d", rte_errno);
	TEST_ASSERT(is_zero(p, 100), "zeroing");
	rte_fastmem_free(p);
	if (ta->do_register) {
		/* A registered thread has an lcore id, and statistics under it. */
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(ta->lcore_id, &ls), "stats_lcore");
		TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses,
			N_REMOTE + 1 + 2 * RTE_DIM(ptrs) + 1,
			"registered thread: %" PRIu64 " allocations counted",
			ls.alloc_cache_hits + ls.alloc_cache_misses);
	}
	/* No flush: the thread's exit does it. */
	return TEST_SUCCESS;
}

static uint32_t
non_eal_thread(void *arg)
{
	struct thread_arg *ta = arg;

	if (ta->do_register) {
		if (rte_thread_register() != 0) {
			printf("rte_thread_register failed: %d\n", rte_errno);
			ta->ret = TEST_FAILED;
			return 0;
		}
		ta->lcore_id = rte_lcore_id();
	}
	ta->ret = non_eal_body(ta);
	if (ta->do_register)
		rte_thread_unregister();
	return 0;
}

static int
test_non_eal_thread(void)
{
	struct rte_fastmem_stats st;
	struct thread_arg ta;
	struct remote_arg *ra;
	unsigned int pass, allocs = 0;
	rte_thread_t t;
	int ret = TEST_FAILED;

	ra = calloc(1, sizeof(*ra));
	TEST_ASSERT_NOT_NULL(ra, "no memory");
	if (rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &ra->h8) != 0 ||
			rte_fastmem_hlookup(300, 0, SOCKET_ID_ANY, &ra->h512) != 0 ||
			rte_fastmem_hlookup(TEST_MAX_SIZE, 0, SOCKET_ID_ANY, &ra->hmax) != 0)
		goto out;
	rte_fastmem_stats_reset();
	for (pass = 0; pass < 2; pass++) {
		if (remote_alloc(ra, pass * 5000) != TEST_SUCCESS)
			goto out;
		allocs += N_REMOTE + 1;
		memset(&ta, 0, sizeof(ta));
		ta.ra = ra;
		ta.do_register = pass == 1;
		if (rte_thread_create(&t, NULL, non_eal_thread, &ta) != 0) {
			printf("rte_thread_create failed\n");
			goto out;
		}
		rte_thread_join(t, NULL);
		if (ta.ret != TEST_SUCCESS) {
			printf("non-EAL thread (pass %u) failed\n", pass);
			goto out;
		}
		allocs += N_REMOTE + 1 + 2 * 300 + 1;
		/* Main frees what the thread allocated. */
		if (remote_free(ra) != TEST_SUCCESS || check_all_free() != TEST_SUCCESS)
			goto out;
	}
	/* The exited threads' counts are kept. */
	if (rte_fastmem_stats(&st) != 0 || st.alloc_total != allocs ||
			st.free_total != allocs) {
		printf("after the threads exited: alloc_total %" PRIu64 ", free_total %" PRIu64
			", expected %u\n", st.alloc_total, st.free_total, allocs);
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	free(ra);
	return ret;
}

struct exit_flush_arg {
	unsigned int n;
	int ret;
};

static uint32_t
exit_flush_thread(void *arg)
{
	struct exit_flush_arg *ea = arg;
	void *objs[MAX_SLABS];

	ea->ret = exhaust_slabs(objs, &ea->n);
	rte_fastmem_free_bulk(objs, ea->n);
	/* Exits with objects in its cache. */
	return 0;
}

/* A non-EAL thread's cache is flushed when the thread exits. */
static int
test_non_eal_exit_flush(void)
{
	struct exit_flush_arg ea = { 0, TEST_FAILED };
	void *objs[MAX_SLABS];
	unsigned int n;
	rte_thread_t t;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(8)), "set_limit");
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, exit_flush_thread, &ea), "thread");
	rte_thread_join(t, NULL);
	TEST_ASSERT_SUCCESS(ea.ret, "non-EAL thread failed");
	TEST_ASSERT(ea.n > 0, "the thread allocated nothing");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left after the thread");
	/* All the memory the thread used, including what it had cached, is back. */
	TEST_ASSERT_SUCCESS(exhaust_slabs(objs, &n), "exhaustion");
	rte_fastmem_free_bulk(objs, n);
	TEST_ASSERT_EQUAL(n, ea.n, "%u of %u objects available after the thread exited: "
		"its cache was not flushed", n, ea.n);
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left");
	return TEST_SUCCESS;
}

/*
 * A non-EAL thread that outlives the allocator and EAL: its cache block is DPDK memory, which
 * rte_eal_cleanup() unmaps, so the thread's exit must not touch it. The scenario ends the
 * process, so it runs in a child: this binary started again (fork and exec of /proc/self/exe,
 * as test_fastmem_mp.c does) as a primary of its own, with its own file prefix and --no-huge,
 * running fastmem_autotest with EXIT_CHILD_ENV set, which makes it the child. The mode:
 * "deinit" calls rte_fastmem_deinit() before rte_eal_cleanup() (what applications must do),
 * "cleanup" calls rte_eal_cleanup() alone (fastmem notices the unmapped memory, best effort).
 * The child reports through its exit status; a crash in the thread's exit shows as a signal.
 */

#define EXIT_CHILD_ENV "FASTMEM_TEST_EXIT_CHILD"

struct exit_child_sync {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready;              /* the thread has allocated and freed */
	int go;                 /* the thread may exit */
	int ret;
};

static struct exit_child_sync exit_sync = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, TEST_FAILED,
};

static int
exit_child_churn(void)
{
	rte_fastmem_handle_t h;
	void *objs[200];
	unsigned int i;

	/* Objects in several classes, some of them left in the thread's caches. */
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(8 + 24 * (i % 40), 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %u: %d", i, rte_errno);
		pat_write(objs[i], 8, i);
	}
	for (i = 0; i < RTE_DIM(objs); i++)
		TEST_ASSERT(pat_ok(objs[i], 8, i), "object %u", i);
	rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &h), "hlookup");
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, objs, 100, 0), "halloc_bulk");
	rte_fastmem_hfree_bulk(h, objs, 100);
	return TEST_SUCCESS;
}

static uint32_t
exit_child_thread(void *arg __rte_unused)
{
	int ret = exit_child_churn();

	pthread_mutex_lock(&exit_sync.lock);
	exit_sync.ret = ret;
	exit_sync.ready = 1;
	pthread_cond_broadcast(&exit_sync.cond);
	while (!exit_sync.go)
		pthread_cond_wait(&exit_sync.cond, &exit_sync.lock);
	pthread_mutex_unlock(&exit_sync.lock);
	/* Returning runs the thread-exit destructors: EAL is gone by now. */
	return 0;
}

/* The child's side; it never returns to the test framework, whose exit would use EAL. */
static int
test_thread_exit_child(void)
{
	const char *mode = getenv(EXIT_CHILD_ENV);
	rte_thread_t t;
	int code = 0;

	if (rte_fastmem_init() != 0) {
		printf("exit child: init failed: %d\n", rte_errno);
		code = 2;
		goto out;
	}
	if (rte_thread_create(&t, NULL, exit_child_thread, NULL) != 0) {
		printf("exit child: rte_thread_create failed\n");
		code = 3;
		goto out;
	}
	pthread_mutex_lock(&exit_sync.lock);
	while (!exit_sync.ready)
		pthread_cond_wait(&exit_sync.cond, &exit_sync.lock);
	pthread_mutex_unlock(&exit_sync.lock);
	if (exit_sync.ret != TEST_SUCCESS)
		code = 4;
	if (strcmp(mode, "deinit") == 0)
		rte_fastmem_deinit();
	printf("exit child (%s): thread allocated; cleaning EAL up\n", mode);
	fflush(stdout);
	if (rte_eal_cleanup() != 0)
		code = 5;
	/* The thread exits now, after EAL unmapped its cache block. */
	pthread_mutex_lock(&exit_sync.lock);
	exit_sync.go = 1;
	pthread_cond_broadcast(&exit_sync.cond);
	pthread_mutex_unlock(&exit_sync.lock);
	rte_thread_join(t, NULL);
	printf("exit child (%s): thread exited, status %d\n", mode, code);
out:
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

/* Remove the runtime directory a child process left, with the files in it. */
static void
remove_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
				(int)sizeof(path))
			continue;
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Run the child in a mode; returns its wait status, or -1. */
static int
run_exit_child(const char *mode)
{
	char prefix[64], prefix_arg[80], lcore_arg[16], dir[PATH_MAX], rundir[PATH_MAX];
	const char *const argv[] = {
		prgname, "-l", lcore_arg, "--no-huge", "-m", "256", prefix_arg, "--no-telemetry",
		"--no-pci", "--log-level=lib.fastmem:info", NULL,
	};
	int status;
	pid_t pid;

	snprintf(prefix, sizeof(prefix), "fastmem_exit_%d_%s", (int)getpid(), mode);
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
	snprintf(lcore_arg, sizeof(lcore_arg), "%u", rte_get_main_lcore());
	strlcpy(dir, rte_eal_get_runtime_dir(), sizeof(dir));
	snprintf(rundir, sizeof(rundir), "%s/%s", dirname(dir), prefix);
	fflush(stdout);
	fflush(stderr);

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close_inherited_fds();
		unsetenv(RECURSIVE_ENV_VAR);
		unsetenv("DPDK_TEST_PARAMS");
		setenv("DPDK_TEST", "fastmem_autotest", 1);
		setenv(EXIT_CHILD_ENV, mode, 1);
		execv("/proc/self/exe", (char * const *)(uintptr_t)argv);
		_exit(127);
	}

	status = wait_child(pid, NULL);
	remove_runtime_dir(rundir);
	return status;
}

/* A non-EAL thread that used fastmem exits after rte_fastmem_deinit() and rte_eal_cleanup(). */
static int
test_thread_exit_after_cleanup(void)
{
	static const char * const modes[] = { "deinit", "cleanup" };
	unsigned int i;
	int status;

	for (i = 0; i < RTE_DIM(modes); i++) {
		status = run_exit_child(modes[i]);
		TEST_ASSERT(status != -1, "%s: the child could not be run", modes[i]);
		TEST_ASSERT(!WIFSIGNALED(status), "%s: the child died of signal %d (%s) when its "
			"thread exited after EAL cleanup", modes[i], WTERMSIG(status),
			strsignal(WTERMSIG(status)));
		TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			"%s: the child failed: status 0x%x", modes[i], status);
	}
	return TEST_SUCCESS;
}

/*
 * All lcores, mixed lifetimes: objects allocated with every API, kept for a random time,
 * passed to other lcores and freed there.
 */

#define MIX_SLOTS 256
#define MIX_BOX 128
#define MIX_ITERS 200000

struct mix_obj {
	void *p;
	uint64_t seed;
	uint32_t size;
	uint32_t handle;        /* class index + 1 of the handle it came from, or 0 */
};

struct mix_box {
	rte_spinlock_t lock;
	unsigned int n;
	struct mix_obj objs[MIX_BOX];
};

struct mix_ctx;

struct mix_part {
	struct mix_ctx *ctx;
	unsigned int idx;
	uint64_t allocs;
	uint64_t frees;
	int ret;
};

struct mix_ctx {
	unsigned int n_part;
	rte_fastmem_handle_t handles[TEST_N_CLASSES];
	RTE_ATOMIC(uint32_t) done;
	struct mix_box boxes[RTE_MAX_LCORE];
	struct mix_part parts[RTE_MAX_LCORE];
};

static int
mix_free(struct mix_part *me, struct mix_obj *o)
{
	if (!pat_ok(o->p, o->size, o->seed)) {
		printf("lcore %u: object %p corrupted\n", rte_lcore_id(), o->p);
		return TEST_FAILED;
	}
	if (o->handle != 0)
		rte_fastmem_hfree(me->ctx->handles[o->handle - 1], o->p);
	else
		rte_fastmem_free(o->p);
	o->p = NULL;
	me->frees++;
	return TEST_SUCCESS;
}

static int
mix_drain(struct mix_part *me)
{
	struct mix_box *box = &me->ctx->boxes[me->idx];
	struct mix_obj objs[MIX_BOX];
	void *ptrs[MIX_BOX];
	unsigned int i, n;

	rte_spinlock_lock(&box->lock);
	n = box->n;
	memcpy(objs, box->objs, n * sizeof(objs[0]));
	box->n = 0;
	rte_spinlock_unlock(&box->lock);
	for (i = 0; i < n; i++) {
		if (!pat_ok(objs[i].p, objs[i].size, objs[i].seed)) {
			printf("lcore %u: received object %p corrupted\n", rte_lcore_id(),
				objs[i].p);
			return TEST_FAILED;
		}
		ptrs[i] = objs[i].p;
	}
	/* Received objects of any class and source, freed in one call. */
	rte_fastmem_free_bulk(ptrs, n);
	me->frees += n;
	return TEST_SUCCESS;
}

static int
mix_alloc(struct mix_part *me, struct mix_obj *o, uint64_t r, uint64_t seed)
{
	unsigned int bits = (r >> 32) % 17;
	size_t size = 1 + ((r >> 40) & (((size_t)1 << bits) - 1));
	size_t align = (size_t)1 << ((r >> 56) % 13);
	unsigned int cls;

	o->handle = 0;
	switch ((r >> 8) % 5) {
	case 0:
		o->p = rte_fastmem_alloc(size, 0, 0);
		break;
	case 1:
		o->p = rte_fastmem_alloc(size, align, 0);
		if (o->p != NULL && (uintptr_t)o->p % align != 0) {
			printf("object %p not aligned to %zu\n", o->p, align);
			return TEST_FAILED;
		}
		break;
	case 2:
		o->p = rte_fastmem_alloc_socket(size, 0, RTE_FASTMEM_F_ZERO, SOCKET_ID_ANY);
		if (o->p != NULL && !is_zero(o->p, size))
			return TEST_FAILED;
		break;
	case 3:
		cls = class_idx(class_bytes(size, 1));
		o->p = rte_fastmem_halloc(me->ctx->handles[cls], 0);
		o->handle = cls + 1;
		break;
	default:
		o->p = rte_fastmem_realloc(NULL, size, 0);
		break;
	}
	if (o->p == NULL) {
		printf("lcore %u: allocation of %zu bytes failed: %d\n", rte_lcore_id(), size,
			rte_errno);
		return TEST_FAILED;
	}
	o->size = size;
	o->seed = seed;
	pat_write(o->p, size, seed);
	me->allocs++;
	return TEST_SUCCESS;
}

static int
mix_send(struct mix_part *me, struct mix_obj *o, uint64_t r)
{
	struct mix_ctx *ctx = me->ctx;
	unsigned int to = (me->idx + 1 + r % (ctx->n_part - 1)) % ctx->n_part;
	struct mix_box *box = &ctx->boxes[to];
	bool sent = false;

	rte_spinlock_lock(&box->lock);
	if (box->n < MIX_BOX) {
		box->objs[box->n++] = *o;
		sent = true;
	}
	rte_spinlock_unlock(&box->lock);
	if (!sent)
		return mix_free(me, o);
	o->p = NULL;
	return TEST_SUCCESS;
}

static int
mix_run(struct mix_part *me)
{
	struct mix_ctx *ctx = me->ctx;
	struct mix_obj *local;
	uint64_t rs = (me->idx + 1) * UINT64_C(0x12345678), r, seed = 0;
	unsigned int it, i;
	int ret = TEST_FAILED;

	local = calloc(MIX_SLOTS, sizeof(*local));
	if (local == NULL)
		goto done;
	for (it = 0; it < MIX_ITERS; it++) {
		struct mix_obj *o;

		r = test_rnd(&rs);
		o = &local[r % MIX_SLOTS];
		if ((r >> 20) % 16 == 0 && mix_drain(me) != TEST_SUCCESS)
			goto done;
		if ((r >> 24) % 4096 == 0)
			rte_fastmem_cache_flush();
		if (o->p == NULL) {
			seed++;
			if (mix_alloc(me, o, test_rnd(&rs), ((uint64_t)me->idx << 40) | seed) != 0)
				goto done;
		} else if ((r >> 28) % 4 == 0 && ctx->n_part > 1) {
			if (mix_send(me, o, r >> 32) != TEST_SUCCESS)
				goto done;
		} else if ((r >> 28) % 8 == 1 && o->handle == 0) {
			/* Resize in place or move; the prefix survives. */
			size_t size = 1 + (r >> 40) % (o->size * 2);
			void *p = rte_fastmem_realloc(o->p, size, 0);

			if (p == NULL) {
				printf("realloc(%u -> %zu) failed: %d\n", o->size, size, rte_errno);
				goto done;
			}
			if (!pat_ok(p, RTE_MIN(size, (size_t)o->size), o->seed))
				goto done;
			if (p != o->p) {
				me->allocs++;
				me->frees++;
			}
			o->p = p;
			o->size = size;
			pat_write(p, size, o->seed);
		} else if (mix_free(me, o) != TEST_SUCCESS) {
			goto done;
		}
	}
	ret = TEST_SUCCESS;
done:
	if (local != NULL) {
		for (i = 0; i < MIX_SLOTS; i++)
			if (local[i].p != NULL && mix_free(me, &local[i]) != TEST_SUCCESS)
				ret = TEST_FAILED;
	}
	free(local);
	/* Nobody sends once everybody is done: drain what was received, then flush. */
	rte_atomic_fetch_add_explicit(&ctx->done, 1, rte_memory_order_release);
	while (rte_atomic_load_explicit(&ctx->done, rte_memory_order_acquire) < ctx->n_part)
		rte_pause();
	if (mix_drain(me) != TEST_SUCCESS)
		ret = TEST_FAILED;
	rte_fastmem_cache_flush();
	return ret;
}

static int
mix_worker(void *arg)
{
	struct mix_part *me = arg;

	me->ret = mix_run(me);
	return me->ret;
}

static int
test_mixed_lcores(void)
{
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	uint64_t allocs = 0, frees = 0, lcore_allocs = 0;
	unsigned int lcore, i, n = 0;
	struct mix_ctx *ctx;
	int ret = TEST_SUCCESS;

	if (first_worker() >= RTE_MAX_LCORE) {
		printf("no worker lcore\n");
		return TEST_SKIPPED;
	}
	ctx = calloc(1, sizeof(*ctx));
	TEST_ASSERT_NOT_NULL(ctx, "no memory");
	for (i = 0; i < TEST_N_CLASSES; i++) {
		if (rte_fastmem_hlookup(class_size(i), 1, SOCKET_ID_ANY,
				&ctx->handles[i]) != 0) {
			free(ctx);
			TEST_ASSERT(false, "hlookup(%zu)", class_size(i));
		}
	}
	for (i = 0; i < RTE_MAX_LCORE; i++)
		rte_spinlock_init(&ctx->boxes[i].lock);
	ctx->n_part = 1;
	RTE_LCORE_FOREACH_WORKER(lcore)
		ctx->n_part++;
	rte_fastmem_stats_reset();

	ctx->parts[n].ctx = ctx;
	ctx->parts[n].idx = n;
	n++;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		ctx->parts[n].ctx = ctx;
		ctx->parts[n].idx = n;
		rte_eal_remote_launch(mix_worker, &ctx->parts[n], lcore);
		n++;
	}
	ctx->parts[0].ret = mix_run(&ctx->parts[0]);
	RTE_LCORE_FOREACH_WORKER(lcore) {
		rte_eal_wait_lcore(lcore);
		if (rte_fastmem_stats_lcore(lcore, &ls) == 0)
			lcore_allocs += ls.alloc_cache_hits + ls.alloc_cache_misses;
	}
	if (rte_fastmem_stats_lcore(rte_lcore_id(), &ls) == 0)
		lcore_allocs += ls.alloc_cache_hits + ls.alloc_cache_misses;
	for (i = 0; i < n; i++) {
		if (ctx->parts[i].ret != TEST_SUCCESS) {
			printf("participant %u failed\n", i);
			ret = TEST_FAILED;
		}
		allocs += ctx->parts[i].allocs;
		frees += ctx->parts[i].frees;
	}
	free(ctx);
	TEST_ASSERT_SUCCESS(ret, "mixed lifetimes on %u lcores", n);
	printf("mixed: %u lcores, %" PRIu64 " objects, backing %" PRIu64 " MiB\n", n, allocs,
		backing() >> 20);
	TEST_ASSERT_EQUAL(allocs, frees, "test bookkeeping");
	TEST_ASSERT_SUCCESS(check_all_free(), "objects left after the mixed run");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total, allocs, "alloc_total %" PRIu64 ", expected %" PRIu64,
		st.alloc_total, allocs);
	TEST_ASSERT_EQUAL(st.free_total, frees, "free_total %" PRIu64 ", expected %" PRIu64,
		st.free_total, frees);
	TEST_ASSERT_EQUAL(lcore_allocs, allocs, "lcore allocations %" PRIu64 ", expected %"
		PRIu64, lcore_allocs, allocs);
	TEST_ASSERT_EQUAL(st.alloc_nomem, 0u, "alloc_nomem");
	return TEST_SUCCESS;
}

/*
 * Objects live at deinit are reported as leaks, per class, in every build, and the
 * application goes on. The log is captured in memory, then EAL's default stream is restored
 * (as test_fastmem_memory.c does).
 */
static int
test_leak_report(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *log;
	void *p[5];
	unsigned int i;
	bool ok;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	for (i = 0; i < 3; i++)
		p[i] = rte_fastmem_alloc(64, 0, 0);
	p[3] = rte_fastmem_alloc(4096, 0, 0);
	p[4] = rte_fastmem_alloc(MIB(3), 0, 0);
	log = open_memstream(&buf, &len);
	for (i = 0, ok = log != NULL; i < RTE_DIM(p); i++)
		ok = ok && p[i] != NULL;
	if (!ok) {
		printf("allocations or open_memstream failed\n");
		if (log != NULL)
			fclose(log);
		free(buf);
		rte_fastmem_deinit();
		return TEST_FAILED;
	}
	rte_openlog_stream(log);
	rte_fastmem_deinit();
	rte_openlog_stream(NULL);
	fclose(log);
	printf("%s", buf);
	ok = strstr(buf, "3 object(s) of 64 B still live") != NULL &&
		strstr(buf, "1 object(s) of 4096 B still live") != NULL &&
		strstr(buf, "1 large object(s) of") != NULL;
	free(buf);
	TEST_ASSERT(ok, "leaks not reported per class (log above)");
	return TEST_SUCCESS;
}

static struct unit_test_suite fastmem_testsuite = {
	.suite_name = "fastmem autotest",
	.setup = NULL,
	.teardown = NULL,
	.unit_test_cases = {
		FASTMEM_CASE_ST(NULL, NULL, test_init_deinit),
		FASTMEM_CASE_ST(NULL, NULL, test_leak_report),
		FASTMEM_CASE(test_limit_api),
		FASTMEM_CASE(test_reserve),
		FASTMEM_CASE(test_limit_exhaustion),
		FASTMEM_CASE(test_limit_zero),
		FASTMEM_CASE(test_limit_below_current),
		FASTMEM_CASE(test_alloc_max),
		FASTMEM_CASE(test_classes),
		FASTMEM_CASE(test_class_boundaries),
		FASTMEM_CASE(test_alignment),
		FASTMEM_CASE(test_zero),
		FASTMEM_CASE(test_zero_bulk_cached),
		FASTMEM_CASE(test_integrity),
		FASTMEM_CASE(test_lifo),
		FASTMEM_CASE(test_slab_reuse),
		FASTMEM_CASE(test_slab_coloring),
		FASTMEM_CASE(test_realloc),
		FASTMEM_CASE(test_bulk),
		FASTMEM_CASE(test_bulk_free_runs),
		FASTMEM_CASE(test_bulk_all_or_nothing),
		FASTMEM_CASE(test_handles),
		FASTMEM_CASE(test_stats),
		FASTMEM_CASE(test_stats_reset),
		FASTMEM_CASE(test_stats_shared),
		FASTMEM_CASE(test_stats_lcore_taken_over),
		FASTMEM_CASE(test_stats_retire_race),
		FASTMEM_CASE(test_stats_live_race),
		FASTMEM_CASE(test_iova),
		FASTMEM_CASE(test_sockets),
		FASTMEM_CASE(test_cache_flush),
		FASTMEM_CASE(test_cache_overflow),
		FASTMEM_CASE(test_cache_flush_slabs),
		FASTMEM_CASE(test_remote_free),
		FASTMEM_CASE(test_non_eal_thread),
		FASTMEM_CASE(test_non_eal_exit_flush),
		FASTMEM_CASE_ST(NULL, NULL, test_thread_exit_after_cleanup),
		FASTMEM_CASE(test_mixed_lcores),
		TEST_CASES_END()
	}
};

static int
test_fastmem(void)
{
	/* The child of test_thread_exit_after_cleanup runs this command with its mode set. */
	if (getenv(EXIT_CHILD_ENV) != NULL)
		return test_thread_exit_child();
	return unit_test_suite_runner(&fastmem_testsuite);
}

REGISTER_FAST_TEST(fastmem_autotest, NOHUGE_OK, ASAN_OK, test_fastmem);
