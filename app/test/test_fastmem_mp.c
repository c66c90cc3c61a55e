/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
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
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_stdatomic.h>
#include <rte_string_fns.h>
#include <rte_thread.h>

#include <rte_fastmem.h>

#include "test_fastmem.h"

#include "test.h"

/*
 * fastmem across processes: the primary initializes the allocator, allocates objects with
 * known patterns and publishes them, with a handle and its statistics, in a memzone. It then
 * starts a real secondary process: the same dpdk-test binary with --proc-type=secondary and
 * the primary's --file-prefix, running this same test command, which sees that it is a
 * secondary and plays the other side. (A secondary started before the primary's init, and
 * one started after its deinit, find no allocator: stats, alloc, hlookup and reserve fail
 * with ENODEV.) The secondary:
 *   - attaches on its first call, the free of one of the primary's objects (in debug mode
 *     too, whose checks run first);
 *   - checks that rte_fastmem_init() refuses with E_RTE_SECONDARY (rte_errno set);
 *   - sees the primary's statistics and objects (patterns and IO addresses);
 *   - frees half the primary's objects (rte_fastmem_free, and rte_fastmem_hfree /
 *     rte_fastmem_hfree_bulk with the primary's handle);
 *   - looks the same handle up itself (the value must be the primary's), allocates objects
 *     with alloc, alloc_socket, alloc_bulk, halloc (primary's handle) and halloc_bulk (its
 *     own), frees half of them again and leaves the rest live for the primary;
 *   - checks the statistics: allocator-wide, per class against a model of every live object
 *     of both processes, and per lcore of its own process;
 *   - reserves backing memory (bytes_backing must grow), flushes its cache (no count may
 *     change), calls rte_fastmem_deinit() (detaches only: the accounting stays), reads the
 *     statistics again (it re-attaches), allocates a large object, reallocs it down to a
 *     class and up to a large object again and frees it, and detaches for good.
 * The primary then checks the accounting: the secondary's objects are live in the statistics
 * with their patterns intact, the objects the secondary freed are gone, the backing grew by
 * the secondary's reservation; it frees everything and checks that nothing is in use and
 * that alloc_total equals free_total.
 *
 * The child is started with fork() and exec of /proc/self/exe, as DPDK's process_dup() in
 * process.h does, but selects its test through DPDK_TEST rather than through process_dup()'s
 * RTE_TEST_RECURSIVE variable: test.c maps that variable to a fixed table of actions in
 * test.c itself, which a test file cannot extend.
 *
 * Secondary processes need memory shared with the primary, which --no-huge does not give:
 * there the test is skipped.
 */

#define MP_MZ_NAME "test_fastmem_mp"
#define MP_MAGIC UINT64_C(0x666d6d7074657374)
#define MP_MAX_OBJS 128
#define MP_RESERVE MIB(4)

#define TEST_MAX_SIZE MIB(1)

/* Objects the primary allocates: N_PRIM_PLAIN plain ones and N_PRIM_H through the handle. */
#define N_PRIM_PLAIN 48
#define N_PRIM_H 32
#define HSIZE 256

/* What the secondary does, so that both sides know the expected counts. */
#define SEC_FREES (N_PRIM_PLAIN / 2 + 24) /* even plain objects, handle objects 0..23 */
#define SEC_PLAIN 24
#define SEC_SOCKET 4
#define SEC_HALLOC 8
#define SEC_HBULK 16
#define SEC_BULK 8
#define SEC_ALLOCS (SEC_PLAIN + SEC_SOCKET + SEC_HALLOC + SEC_HBULK + SEC_BULK)

static const uint32_t obj_sizes[] = {
	1, 8, 24, 64, 100, 256, 1000, 4096, 5000, 65536, 200000, TEST_MAX_SIZE,
};

struct mp_obj {
	void *ptr;
	uint32_t size;
	uint32_t by_handle;
	uint64_t seed;
	rte_iova_t iova;
	uint32_t freed;
	uint32_t pad;
};

/* The memzone the two processes share. */
/* What the primary has done when it starts the secondary. */
enum mp_phase {
	MP_UNINIT,      /* not initialized the allocator yet */
	MP_LIVE,        /* initialized it and allocated: the main test */
	MP_DEINIT,      /* deinitialized it */
};

struct mp_shared {
	uint64_t magic;
	uint32_t phase;                     /* enum mp_phase */
	rte_fastmem_handle_t handle;
	int32_t hsocket;
	struct rte_fastmem_stats st_before; /* primary's statistics before the launch */
	uint32_t n_prim;
	struct mp_obj prim[MP_MAX_OBJS];
	/* Written by the secondary. */
	int32_t result;                     /* 0 when the secondary passed */
	uint32_t n_sec;
	struct mp_obj sec[MP_MAX_OBJS];     /* its objects; freed ones are marked */
	uint64_t sec_allocs;
	uint64_t sec_frees;
	uint64_t sec_large;                 /* allocations (and frees) of sec_large_realloc() */
	uint64_t backing_before;            /* bytes_backing around the secondary's reserve */
	uint64_t backing_after;
};

/*
 * Helpers.
 */

/* The class an allocation of @p size bytes with the default alignment is served from. */
static unsigned int
class_default(size_t size)
{
	return class_of(size, 0);
}

/* Record a new object: fill its pattern and note its IO address. */
static int
obj_add(struct mp_obj *tab, uint32_t *n, void *p, size_t size, bool by_handle,
		uint64_t seed)
{
	struct mp_obj *o;

	TEST_ASSERT(*n < MP_MAX_OBJS, "too many objects");
	TEST_ASSERT_NOT_NULL(p, "allocation of %zu bytes failed: %d", size, rte_errno);
	o = &tab[*n];
	o->ptr = p;
	o->size = size;
	o->by_handle = by_handle;
	o->seed = seed;
	o->freed = 0;
	pat_write(p, size, seed);
	TEST_ASSERT_SUCCESS(iova_check(p, size), "IO addresses of %p (%zu B)", p, size);
	o->iova = rte_fastmem_virt2iova(p);
	(*n)++;
	return TEST_SUCCESS;
}

/* Check the patterns and IO addresses of the live objects of a table. */
static int
objs_check(const struct mp_obj *tab, uint32_t n, const char *who)
{
	rte_iova_t iova;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (tab[i].freed)
			continue;
		TEST_ASSERT(pat_ok(tab[i].ptr, tab[i].size, tab[i].seed),
			"%s object %u (%p, %u bytes) corrupted", who, i, tab[i].ptr, tab[i].size);
		iova = rte_fastmem_virt2iova(tab[i].ptr);
		TEST_ASSERT(iova == tab[i].iova, "%s object %u: IO address 0x%" PRIx64
			", was 0x%" PRIx64, who, i, (uint64_t)iova, (uint64_t)tab[i].iova);
	}
	return TEST_SUCCESS;
}

/* Bytes (at class size) of the live objects of a table; per class into counts[]. */
static uint64_t
objs_live(const struct mp_obj *tab, uint32_t n, uint64_t *counts)
{
	uint64_t bytes = 0;
	uint32_t i;
	size_t cls;

	for (i = 0; i < n; i++) {
		if (tab[i].freed)
			continue;
		cls = class_default(tab[i].size);
		counts[cls]++;
		bytes += class_size(cls);
	}
	return bytes;
}

/*
 * Check the statistics against the model: every object of both processes not marked freed
 * is live, nothing else is.
 */
static int
check_model(const struct mp_shared *sh, const char *who)
{
	uint64_t counts[TEST_N_CLASSES] = { 0 };
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats st;
	unsigned int k;
	uint64_t bytes;
	size_t cls;
	int ret;

	bytes = objs_live(sh->prim, sh->n_prim, counts);
	bytes += objs_live(sh->sec, sh->n_sec, counts);
	for (k = 0; k < TEST_N_CLASSES; k++) {
		cls = class_size(k);
		ret = rte_fastmem_stats_class(cls, &cs);
		TEST_ASSERT_SUCCESS(ret, "%s: stats_class(%zu): %d", who, cls, ret);
		TEST_ASSERT_EQUAL(cs.in_use, counts[k],
			"%s: class %zu: in_use %" PRIu64 ", expected %" PRIu64, who, cls,
			cs.in_use, counts[k]);
	}
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "%s: stats: %d", who, ret);
	TEST_ASSERT_EQUAL(st.bytes_in_use, bytes, "%s: bytes_in_use %" PRIu64 ", expected %"
		PRIu64, who, st.bytes_in_use, bytes);
	return TEST_SUCCESS;
}

static int
check_counts(const struct rte_fastmem_stats *st, const struct rte_fastmem_stats *base,
		uint64_t allocs, uint64_t frees, const char *who)
{
	TEST_ASSERT_EQUAL(st->alloc_total, base->alloc_total + allocs, "%s: alloc_total %"
		PRIu64 ", expected %" PRIu64, who, st->alloc_total, base->alloc_total + allocs);
	TEST_ASSERT_EQUAL(st->free_total, base->free_total + frees, "%s: free_total %" PRIu64
		", expected %" PRIu64, who, st->free_total, base->free_total + frees);
	return TEST_SUCCESS;
}

/*
 * The secondary's side.
 */

/* Free half the primary's objects: even plain ones, handle objects 0..23. */
static int
sec_free_primary(struct mp_shared *sh)
{
	void *bulk[8];
	uint32_t i, n_plain = 0, n_h = 0, n_bulk = 0;

	for (i = 0; i < sh->n_prim; i++) {
		struct mp_obj *o = &sh->prim[i];

		if (!o->by_handle) {
			if (n_plain++ % 2 == 0 && !o->freed) { /* the first is freed already */
				rte_fastmem_free(o->ptr);
				o->freed = 1;
				sh->sec_frees++;
			}
			continue;
		}
		if (n_h < 16) {
			rte_fastmem_hfree(sh->handle, o->ptr);
			o->freed = 1;
			sh->sec_frees++;
		} else if (n_h < 24) {
			bulk[n_bulk++] = o->ptr;
			o->freed = 1;
		}
		n_h++;
	}
	rte_fastmem_hfree_bulk(sh->handle, bulk, n_bulk);
	sh->sec_frees += n_bulk;
	TEST_ASSERT_EQUAL(sh->sec_frees, (uint64_t)SEC_FREES, "secondary freed %" PRIu64
		" primary objects, expected %u", sh->sec_frees, SEC_FREES);
	return TEST_SUCCESS;
}

/* Allocate the secondary's objects, every way there is. */
static int
sec_alloc(struct mp_shared *sh, rte_fastmem_handle_t h)
{
	void *v[SEC_HBULK], *p;
	uint32_t i;
	size_t size;
	int ret;

	for (i = 0; i < SEC_PLAIN; i++) {
		size = obj_sizes[i % RTE_DIM(obj_sizes)];
		ret = obj_add(sh->sec, &sh->n_sec, rte_fastmem_alloc(size, 0, 0), size, false,
			1000 + sh->n_sec);
		TEST_ASSERT_SUCCESS(ret, "secondary: alloc(%zu)", size);
	}
	for (i = 0; i < SEC_SOCKET; i++) {
		size = obj_sizes[(i * 5) % RTE_DIM(obj_sizes)];
		p = rte_fastmem_alloc_socket(size, 0, RTE_FASTMEM_F_ZERO, sh->hsocket);
		TEST_ASSERT(p == NULL || is_zero(p, size), "secondary: alloc_socket(%zu) with "
			"F_ZERO: not zeroed", size);
		ret = obj_add(sh->sec, &sh->n_sec, p, size, false, 1000 + sh->n_sec);
		TEST_ASSERT_SUCCESS(ret, "secondary: alloc_socket(%zu)", size);
	}
	for (i = 0; i < SEC_HALLOC; i++) {
		ret = obj_add(sh->sec, &sh->n_sec, rte_fastmem_halloc(sh->handle, 0), HSIZE, true,
			1000 + sh->n_sec);
		TEST_ASSERT_SUCCESS(ret, "secondary: halloc with the primary's handle");
	}
	ret = rte_fastmem_halloc_bulk(h, v, SEC_HBULK, 0);
	TEST_ASSERT_SUCCESS(ret, "secondary: halloc_bulk(%u): %d", SEC_HBULK, ret);
	for (i = 0; i < SEC_HBULK; i++) {
		ret = obj_add(sh->sec, &sh->n_sec, v[i], HSIZE, true, 1000 + sh->n_sec);
		TEST_ASSERT_SUCCESS(ret, "secondary: halloc_bulk object");
	}
	ret = rte_fastmem_alloc_bulk(v, SEC_BULK, 512, 0, 0);
	TEST_ASSERT_SUCCESS(ret, "secondary: alloc_bulk(%u): %d", SEC_BULK, ret);
	for (i = 0; i < SEC_BULK; i++) {
		ret = obj_add(sh->sec, &sh->n_sec, v[i], 512, false, 1000 + sh->n_sec);
		TEST_ASSERT_SUCCESS(ret, "secondary: alloc_bulk object");
	}
	sh->sec_allocs = sh->n_sec;
	TEST_ASSERT_EQUAL(sh->sec_allocs, (uint64_t)SEC_ALLOCS, "secondary allocated %" PRIu64
		" objects, expected %u", sh->sec_allocs, SEC_ALLOCS);
	return TEST_SUCCESS;
}

/* Free every odd object of the secondary's own: free, hfree, hfree_bulk and free_bulk. */
static int
sec_free_own(struct mp_shared *sh, rte_fastmem_handle_t h)
{
	void *hv[MP_MAX_OBJS], *pv[MP_MAX_OBJS];
	uint32_t i, n_hv = 0, n_pv = 0, n_h = 0;

	for (i = 1; i < sh->n_sec; i += 2) {
		struct mp_obj *o = &sh->sec[i];

		if (o->by_handle) {
			if (n_h++ % 2 == 0)
				rte_fastmem_hfree(h, o->ptr);
			else
				hv[n_hv++] = o->ptr;
		} else if (o->size == 512) {
			pv[n_pv++] = o->ptr;
		} else {
			rte_fastmem_free(o->ptr);
		}
		o->freed = 1;
		sh->sec_frees++;
	}
	rte_fastmem_hfree_bulk(h, hv, n_hv);
	rte_fastmem_free_bulk(pv, n_pv);
	TEST_ASSERT(n_hv > 0 && n_pv > 0, "every free path used");
	return TEST_SUCCESS;
}

static int
sec_check_lcore(const struct mp_shared *sh)
{
	struct rte_fastmem_lcore_stats ls;
	int ret;

	ret = rte_fastmem_stats_lcore(rte_lcore_id(), &ls);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats_lcore: %d", ret);
	TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses, sh->sec_allocs,
		"secondary: lcore allocations %" PRIu64 ", expected %" PRIu64,
		ls.alloc_cache_hits + ls.alloc_cache_misses, sh->sec_allocs);
	TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, sh->sec_frees,
		"secondary: lcore frees %" PRIu64 ", expected %" PRIu64,
		ls.free_cache_hits + ls.free_cache_misses, sh->sec_frees);
	return TEST_SUCCESS;
}

/*
 * A secondary of a primary that has not initialized the allocator, or has deinitialized it:
 * there is nothing to attach to, every call fails with ENODEV and nothing is allocated.
 */
static int
sec_no_allocator(struct mp_shared *sh)
{
	struct rte_fastmem_stats st;
	rte_fastmem_handle_t h;
	void *p;
	int ret;

	rte_errno = 0;
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT(ret == -ENODEV && rte_errno == ENODEV, "secondary (phase %u): stats: %d, "
		"rte_errno %d", sh->phase, ret, rte_errno);
	rte_errno = 0;
	p = rte_fastmem_alloc(64, 0, 0);
	TEST_ASSERT(p == NULL && rte_errno == ENODEV, "secondary (phase %u): alloc: %p, "
		"rte_errno %d", sh->phase, p, rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_hlookup(HSIZE, 0, SOCKET_ID_ANY, &h);
	TEST_ASSERT(ret == -ENODEV && rte_errno == ENODEV, "secondary (phase %u): hlookup: %d, "
		"rte_errno %d", sh->phase, ret, rte_errno);
	rte_errno = 0;
	ret = rte_fastmem_reserve(MP_RESERVE, SOCKET_ID_ANY);
	TEST_ASSERT(ret == -ENODEV && rte_errno == ENODEV, "secondary (phase %u): reserve: %d, "
		"rte_errno %d", sh->phase, ret, rte_errno);
	sh->result = 0;
	printf("secondary: no allocator (phase %u): ENODEV\n", sh->phase);
	return TEST_SUCCESS;
}

/*
 * Large objects and realloc across the class boundary, in a secondary: a 3 MiB object, its IO
 * addresses (EAL's, in both its 2 MiB chunks), then realloc down to a class (1000 B) and up to
 * a large object again (5 MiB), its first bytes kept, then freed. Three allocations and three
 * frees, counted in sh->sec_large.
 */
static int
sec_large_realloc(struct mp_shared *sh)
{
	void *p, *q;

	p = rte_fastmem_alloc(MIB(3), 0, 0);
	TEST_ASSERT_NOT_NULL(p, "secondary: alloc(3 MiB): %d", rte_errno);
	pat_write(p, MIB(3), 77);
	TEST_ASSERT_SUCCESS(large_iova_check(p, MIB(3)), "secondary: IO addresses of a large "
		"object");
	q = rte_fastmem_realloc(p, 1000, 0);
	TEST_ASSERT_NOT_NULL(q, "secondary: realloc(3 MiB -> 1000 B): %d", rte_errno);
	TEST_ASSERT(pat_ok(q, 1000, 77), "secondary: realloc down lost the contents");
	p = rte_fastmem_realloc(q, MIB(5), 0);
	TEST_ASSERT_NOT_NULL(p, "secondary: realloc(1000 B -> 5 MiB): %d", rte_errno);
	TEST_ASSERT(pat_ok(p, 1000, 77), "secondary: realloc up lost the contents");
	rte_fastmem_free(p);
	sh->sec_large = 3;
	return TEST_SUCCESS;
}

static int
fastmem_secondary(void)
{
	const struct rte_memzone *mz;
	struct rte_fastmem_stats s0, s1;
	struct mp_shared *sh;
	rte_fastmem_handle_t h;
	int ret, err;

	mz = rte_memzone_lookup(MP_MZ_NAME);
	TEST_ASSERT_NOT_NULL(mz, "secondary: memzone %s not found", MP_MZ_NAME);
	sh = mz->addr;
	TEST_ASSERT_EQUAL(sh->magic, MP_MAGIC, "secondary: bad memzone");
	printf("secondary: pid %d, lcore %u\n", (int)getpid(), rte_lcore_id());
	if (sh->phase != MP_LIVE)
		return sec_no_allocator(sh);

	/*
	 * The very first call frees an object of the primary's (the first of those
	 * sec_free_primary() frees): it attaches, also for the checks of debug mode.
	 */
	rte_fastmem_free(sh->prim[0].ptr);
	sh->prim[0].freed = 1;
	sh->sec_frees = 1;

	/* init is for the primary only. */
	rte_errno = 0;
	ret = rte_fastmem_init();
	err = rte_errno;
	TEST_ASSERT_EQUAL(ret, -E_RTE_SECONDARY, "secondary: init returned %d", ret);
	TEST_ASSERT_EQUAL(err, E_RTE_SECONDARY, "secondary: init set rte_errno %d", err);

	/* The primary's statistics (with that free), handle and objects. */
	ret = rte_fastmem_stats(&s0);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats: %d", ret);
	TEST_ASSERT(s0.bytes_in_use == sh->st_before.bytes_in_use -
			class_size(class_default(sh->prim[0].size)) &&
		s0.alloc_total == sh->st_before.alloc_total &&
		s0.free_total == sh->st_before.free_total + 1 &&
		s0.bytes_backing == sh->st_before.bytes_backing,
		"secondary: statistics differ from the primary's and the first free");
	ret = check_model(sh, "secondary, attached");
	TEST_ASSERT_SUCCESS(ret, "secondary: model after attach");
	ret = rte_fastmem_hlookup(HSIZE, 0, sh->hsocket, &h);
	TEST_ASSERT_SUCCESS(ret, "secondary: hlookup: %d", ret);
	TEST_ASSERT_EQUAL(h, sh->handle, "secondary: handle 0x%" PRIx32 ", primary's 0x%"
		PRIx32, h, sh->handle);
	ret = objs_check(sh->prim, sh->n_prim, "primary");
	TEST_ASSERT_SUCCESS(ret, "secondary: primary's objects");

	/* Free, allocate, free. */
	ret = sec_free_primary(sh);
	TEST_ASSERT_SUCCESS(ret, "secondary: freeing the primary's objects");
	ret = sec_alloc(sh, h);
	TEST_ASSERT_SUCCESS(ret, "secondary: allocations");
	ret = sec_free_own(sh, h);
	TEST_ASSERT_SUCCESS(ret, "secondary: freeing its own objects");
	ret = objs_check(sh->prim, sh->n_prim, "primary");
	TEST_ASSERT_SUCCESS(ret, "secondary: primary's objects after the frees");
	ret = objs_check(sh->sec, sh->n_sec, "secondary");
	TEST_ASSERT_SUCCESS(ret, "secondary: own objects");

	/* Statistics, as seen from the secondary. */
	ret = rte_fastmem_stats(&s1);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats: %d", ret);
	ret = check_counts(&s1, &sh->st_before, sh->sec_allocs, sh->sec_frees,
		"secondary");
	TEST_ASSERT_SUCCESS(ret, "secondary: counts");
	ret = check_model(sh, "secondary");
	TEST_ASSERT_SUCCESS(ret, "secondary: model");
	ret = sec_check_lcore(sh);
	TEST_ASSERT_SUCCESS(ret, "secondary: lcore statistics");

	/* reserve works from a secondary. */
	sh->backing_before = s1.bytes_backing;
	/* A target total, MP_RESERVE above what all sockets held before. */
	ret = rte_fastmem_reserve(sh->backing_before + MP_RESERVE, sh->hsocket);
	TEST_ASSERT_SUCCESS(ret, "secondary: reserve: %d", ret);
	ret = rte_fastmem_stats(&s1);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats: %d", ret);
	sh->backing_after = s1.bytes_backing;
	TEST_ASSERT(sh->backing_after >= sh->backing_before + MP_RESERVE,
		"secondary: reserve: backing %" PRIu64 " -> %" PRIu64, sh->backing_before,
		sh->backing_after);

	/* cache_flush moves objects, never counts. */
	rte_fastmem_cache_flush();
	ret = rte_fastmem_stats(&s1);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats: %d", ret);
	ret = check_counts(&s1, &sh->st_before, sh->sec_allocs, sh->sec_frees,
		"secondary, flushed");
	TEST_ASSERT_SUCCESS(ret, "secondary: counts after cache_flush");
	ret = check_model(sh, "secondary, flushed");
	TEST_ASSERT_SUCCESS(ret, "secondary: model after cache_flush");
	ret = sec_check_lcore(sh);
	TEST_ASSERT_SUCCESS(ret, "secondary: lcore statistics after cache_flush");

	/* deinit detaches only: the accounting stays; the next call attaches again. */
	rte_fastmem_deinit();
	ret = rte_fastmem_stats(&s1);
	TEST_ASSERT_SUCCESS(ret, "secondary: stats after deinit (re-attach): %d", ret);
	ret = check_counts(&s1, &sh->st_before, sh->sec_allocs, sh->sec_frees,
		"secondary, detached");
	TEST_ASSERT_SUCCESS(ret, "secondary: counts after deinit");
	ret = check_model(sh, "secondary, detached");
	TEST_ASSERT_SUCCESS(ret, "secondary: model after deinit");
	TEST_ASSERT(s1.bytes_backing == sh->backing_after, "secondary: backing changed");
	ret = sec_large_realloc(sh);
	TEST_ASSERT_SUCCESS(ret, "secondary: large objects and realloc");
	rte_fastmem_deinit();

	sh->result = 0;
	printf("secondary: done\n");
	return TEST_SUCCESS;
}

/*
 * The primary's side.
 */

/*
 * Boot time of the time namespace some secondaries run in, ahead of the primary's: /proc shows
 * every process's start time shifted by the reader's offset (Linux 5.6 and later). Half a
 * clock tick (10 ms) besides the seconds, so that the two namespaces round start times apart.
 */
#define TIMENS_BOOTTIME_S 86400
#define TIMENS_BOOTTIME_NS 5000000
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* Linux 5.6; not in every C library's <sched.h> */
#endif

/*
 * Move the calling process, which must have one thread (a child between fork() and execve()),
 * into a new time namespace whose boot time is TIMENS_BOOTTIME_S and TIMENS_BOOTTIME_NS ahead.
 * unshare() makes the namespace for the process's children; setns() then enters it, as
 * threads can only be created where a process's namespace and its children's are the same
 * (and execve() enters the children's only since Linux 6.3). Returns 0 or -1 (no time
 * namespaces in this kernel, or no privilege for them).
 */
static int
timens_enter(void)
{
	static const char offsets[] = "boottime " RTE_STR(TIMENS_BOOTTIME_S) " "
		RTE_STR(TIMENS_BOOTTIME_NS) "\n";
	int fd, ok;

	if (unshare(CLONE_NEWTIME) < 0)
		return -1;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, offsets, sizeof(offsets) - 1) == (ssize_t)sizeof(offsets) - 1;
	close(fd);
	if (!ok)
		return -1;
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = setns(fd, CLONE_NEWTIME) == 0;
	close(fd);
	return ok ? 0 : -1;
}

/* Whether secondaries can run in a time namespace of their own here: a child tries. */
static bool
timens_available(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(timens_enter() == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		WEXITSTATUS(status) == 0;
}

/*
 * Start this binary as a secondary running test command cmd, in a time namespace of its own
 * when timens is set; returns its pid, or -1.
 */
static pid_t
spawn_secondary(const char *cmd, bool timens)
{
	char prefix[PATH_MAX], prefix_arg[PATH_MAX + 16], lcore_arg[16], dir[PATH_MAX];
	/* The primary's IOVA mode: EAL's own translation in the secondary then agrees. */
	const char *const argv[] = {
		prgname, "-l", lcore_arg, "--proc-type=secondary", prefix_arg, "--no-telemetry",
		rte_eal_iova_mode() == RTE_IOVA_PA ? "--iova-mode=pa" : "--iova-mode=va",
		"--log-level=lib.fastmem:info", NULL,
	};
	pid_t pid;

	strlcpy(dir, rte_eal_get_runtime_dir(), sizeof(dir));
	strlcpy(prefix, basename(dir), sizeof(prefix));
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
	snprintf(lcore_arg, sizeof(lcore_arg), "%u", rte_get_main_lcore());
	printf("primary: starting a secondary with file prefix %s\n", prefix);
	fflush(stdout);
	fflush(stderr);

	pid = fork();
	if (pid == 0) {
		close_inherited_fds();
		unsetenv(RECURSIVE_ENV_VAR);
		unsetenv("DPDK_TEST_PARAMS");
		setenv("DPDK_TEST", cmd, 1);
		if (timens && timens_enter() < 0)
			_exit(126);
		execv("/proc/self/exe", (char * const *)(uintptr_t)argv);
		_exit(127);
	}
	return pid;
}

/*
 * Start this binary as a secondary running this test in the given phase; returns
 * TEST_SUCCESS when it exited with success and said so.
 */
static int
launch_secondary(struct mp_shared *sh, enum mp_phase phase)
{
	pid_t pid;
	int status;

	sh->phase = phase;
	sh->result = -1;
	pid = spawn_secondary("fastmem_secondary_autotest", false);
	status = pid < 0 ? -1 : wait_child(pid, NULL);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || sh->result != 0) {
		printf("primary: secondary (phase %u) failed: status 0x%x, result %d\n", phase,
			status, sh->result);
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

/* Allocate and publish the primary's objects and handle. */
static int
prim_alloc(struct mp_shared *sh)
{
	void *v[N_PRIM_H / 2];
	uint32_t i;
	size_t size;
	int ret;

	for (i = 0; i < N_PRIM_PLAIN; i++) {
		size = obj_sizes[i % RTE_DIM(obj_sizes)];
		ret = obj_add(sh->prim, &sh->n_prim, rte_fastmem_alloc(size, 0, 0), size, false,
			sh->n_prim);
		TEST_ASSERT_SUCCESS(ret, "primary: alloc(%zu)", size);
	}
	ret = rte_fastmem_hlookup(HSIZE, 0, sh->hsocket, &sh->handle);
	TEST_ASSERT_SUCCESS(ret, "primary: hlookup: %d", ret);
	for (i = 0; i < N_PRIM_H / 2; i++) {
		ret = obj_add(sh->prim, &sh->n_prim, rte_fastmem_halloc(sh->handle, 0), HSIZE,
			true, sh->n_prim);
		TEST_ASSERT_SUCCESS(ret, "primary: halloc");
	}
	ret = rte_fastmem_halloc_bulk(sh->handle, v, N_PRIM_H / 2, 0);
	TEST_ASSERT_SUCCESS(ret, "primary: halloc_bulk: %d", ret);
	for (i = 0; i < N_PRIM_H / 2; i++) {
		ret = obj_add(sh->prim, &sh->n_prim, v[i], HSIZE, true, sh->n_prim);
		TEST_ASSERT_SUCCESS(ret, "primary: halloc_bulk object");
	}
	return TEST_SUCCESS;
}

/* Free every live object of a table: handle objects with hfree, the others in bulk. */
static void
free_live(struct mp_obj *tab, uint32_t n, rte_fastmem_handle_t h)
{
	void *v[MP_MAX_OBJS];
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (tab[i].freed)
			continue;
		if (tab[i].by_handle)
			rte_fastmem_hfree(h, tab[i].ptr);
		else
			v[k++] = tab[i].ptr;
		tab[i].freed = 1;
	}
	rte_fastmem_free_bulk(v, k);
}

static int
prim_after(struct mp_shared *sh)
{
	struct rte_fastmem_stats st;
	uint64_t prim_frees = 0;
	uint32_t i;
	unsigned int k;
	size_t cls;
	int ret;

	TEST_ASSERT_EQUAL(sh->sec_allocs, (uint64_t)SEC_ALLOCS, "secondary allocated %" PRIu64,
		sh->sec_allocs);
	TEST_ASSERT(sh->n_sec == SEC_ALLOCS, "secondary published %u objects", sh->n_sec);
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "primary: stats: %d", ret);
	ret = check_counts(&st, &sh->st_before, sh->sec_allocs + sh->sec_large,
		sh->sec_frees + sh->sec_large, "primary");
	TEST_ASSERT_SUCCESS(ret, "primary: counts after the secondary");
	ret = check_model(sh, "primary");
	TEST_ASSERT_SUCCESS(ret, "primary: model after the secondary");
	TEST_ASSERT(st.bytes_backing >= sh->st_before.bytes_backing + MP_RESERVE &&
		st.bytes_backing == sh->backing_after,
		"primary: backing %" PRIu64 ", was %" PRIu64 ", secondary saw %" PRIu64,
		st.bytes_backing, sh->st_before.bytes_backing, sh->backing_after);
	ret = objs_check(sh->prim, sh->n_prim, "primary");
	TEST_ASSERT_SUCCESS(ret, "primary: own objects after the secondary");
	ret = objs_check(sh->sec, sh->n_sec, "secondary");
	TEST_ASSERT_SUCCESS(ret, "primary: the secondary's objects");

	/* Free everything; the secondary's handle objects through the primary's handle. */
	for (i = 0; i < sh->n_prim; i++)
		prim_frees += !sh->prim[i].freed;
	for (i = 0; i < sh->n_sec; i++)
		prim_frees += !sh->sec[i].freed;
	free_live(sh->prim, sh->n_prim, sh->handle);
	free_live(sh->sec, sh->n_sec, sh->handle);
	rte_fastmem_cache_flush();
	ret = check_model(sh, "primary, all freed");
	TEST_ASSERT_SUCCESS(ret, "primary: objects left");
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "primary: stats: %d", ret);
	TEST_ASSERT_EQUAL(st.bytes_in_use, 0u, "primary: bytes_in_use %" PRIu64,
		st.bytes_in_use);
	TEST_ASSERT_EQUAL(st.alloc_total, st.free_total, "primary: alloc_total %" PRIu64
		" != free_total %" PRIu64, st.alloc_total, st.free_total);
	TEST_ASSERT_EQUAL(st.alloc_total, N_PRIM_PLAIN + N_PRIM_H + SEC_ALLOCS + sh->sec_large,
		"primary: alloc_total %" PRIu64, st.alloc_total);
	TEST_ASSERT_EQUAL(st.free_total, sh->st_before.free_total + sh->sec_frees +
		sh->sec_large + prim_frees, "primary: free_total %" PRIu64, st.free_total);
	TEST_ASSERT_EQUAL(sh->sec_large, 3u, "primary: the secondary's large objects");
	for (k = 0; k < TEST_N_CLASSES; k++) {
		struct rte_fastmem_class_stats cs;

		cls = class_size(k);
		ret = rte_fastmem_stats_class(cls, &cs);
		TEST_ASSERT_SUCCESS(ret, "primary: stats_class(%zu): %d", cls, ret);
		TEST_ASSERT_EQUAL(cs.in_use, 0u, "primary: class %zu: in_use %" PRIu64, cls,
			cs.in_use);
	}
	printf("primary: secondary freed %" PRIu64 " and allocated %" PRIu64
		" objects; accounting exact, all %" PRIu64 " objects freed\n", sh->sec_frees,
		sh->sec_allocs, st.alloc_total);
	return TEST_SUCCESS;
}

static int
fastmem_primary(void)
{
	const struct rte_memzone *mz;
	struct mp_shared *sh;
	int ret;

	if (!rte_eal_has_hugepages()) {
		printf("fastmem_secondary_autotest: secondary processes need hugepages, skipped\n");
		return TEST_SKIPPED;
	}
	mz = rte_memzone_reserve(MP_MZ_NAME, sizeof(*sh), SOCKET_ID_ANY, 0);
	TEST_ASSERT_NOT_NULL(mz, "primary: cannot reserve the shared memzone");
	sh = mz->addr;
	memset(sh, 0, sizeof(*sh));
	sh->magic = MP_MAGIC;
	sh->hsocket = (int32_t)rte_socket_id();
	if (sh->hsocket == SOCKET_ID_ANY)
		sh->hsocket = rte_socket_id_by_idx(0);

	/* Before init, a secondary finds no allocator. */
	ret = launch_secondary(sh, MP_UNINIT);
	if (ret == TEST_SUCCESS) {
		ret = rte_fastmem_init();
		if (ret != 0)
			printf("primary: init: %d\n", ret);
	}
	if (ret == TEST_SUCCESS) {
		ret = prim_alloc(sh);
		if (ret == TEST_SUCCESS)
			ret = rte_fastmem_stats(&sh->st_before);
		if (ret == TEST_SUCCESS)
			ret = launch_secondary(sh, MP_LIVE);
		if (ret == TEST_SUCCESS)
			ret = prim_after(sh);
		rte_fastmem_deinit();
	}
	/* Nor after deinit. */
	if (ret == TEST_SUCCESS)
		ret = launch_secondary(sh, MP_DEINIT);
	rte_memzone_free(mz);
	return ret;
}

static int
test_fastmem_secondary(void)
{
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return fastmem_secondary();
	return fastmem_primary();
}

REGISTER_FAST_TEST(fastmem_secondary_autotest, NOHUGE_SKIP, ASAN_OK, test_fastmem_secondary);

/*
 * fastmem_secondary_reclaim_autotest: the cache blocks of processes that are gone are
 * reclaimed. The primary starts secondaries one after the other, each running this same test
 * command, which sees that it is a secondary and reads its mode from the memzone
 * RC_MZ_NAME. A secondary attaches, allocates and frees on its main thread and on RC_THREADS
 * non-EAL threads started one after the other (each keeps its block, with objects in its
 * caches), then, by mode:
 *   - RC_KILL: reports that it is ready and waits, to be killed with SIGKILL;
 *   - RC_EXIT: lets half its threads exit (their blocks are retired) and exits without
 *     rte_fastmem_deinit(), the other half still running;
 *   - RC_DEINIT: lets half its threads exit, calls rte_fastmem_deinit() (detach), which must
 *     give their blocks back to the DPDK heap, lets the other half exit and exits;
 *   - RC_IDLE_KILL: does not use fastmem at all; is killed. It measures what a killed
 *     secondary leaves in the DPDK heap besides fastmem (EAL's own allocations, such as the
 *     service cores' tables, which only rte_eal_cleanup() frees).
 * Before killing a secondary that used fastmem, the primary starts a non-EAL thread, which
 * scans the registry: the blocks of the live secondary must be left alone, and the scans of
 * the secondary's own threads must have left the primary's alone. The second round of the
 * three modes runs in a time namespace whose boot time is a day ahead (where the kernel has
 * time namespaces and lets the test make one), in which /proc shows every start time shifted:
 * live processes must not be taken for gone, nor gone ones for live, across namespaces.
 * Together the secondaries create more blocks than the registry holds (FASTMEM_MAX_BLOCKS,
 * 1024). After the last one, the primary starts a non-EAL thread, whose first allocation
 * gets a block and with it reclaims the blocks of exited processes, and checks:
 *   - the thread works cached: the registry did not fill up;
 *   - the objects the secondaries left in their caches are back in the slabs: the classes they
 *     used hold no slab and have nothing in use, bytes_in_use is back to its baseline;
 *   - the blocks' memory is freed: the DPDK heap is back to its baseline, plus what the
 *     killed secondaries left outside fastmem;
 *   - no count is lost: alloc_total and free_total include every secondary's operations.
 * Last, a secondary whose blocks the registry of a new allocator has no room for (RC_REJOIN):
 * its main thread and a non-EAL thread get blocks, it detaches (rte_fastmem_deinit()), and the
 * primary deinitializes, initializes again and fills the new registry with the blocks of
 * non-EAL threads it keeps running, until one works uncached. The secondary then attaches
 * again: its blocks find no slot. Its main thread's next allocation must give its block back to
 * the DPDK heap and work uncached, and so must the exit of its non-EAL thread: a block the
 * registry does not know would be lost when the process exits. Then the primary's filling
 * threads exit, but the one that found the registry full: a second later, it gets a block.
 */

#define RC_MZ_NAME "test_fastmem_reclaim"
#define RC_MAGIC UINT64_C(0x666d72636c61696d)
#define RC_THREADS 250          /* non-EAL threads per secondary */
#define RC_RUNS 9               /* secondaries using fastmem: deinit, exit, kill, ... */
#define RC_OBJS 100             /* objects of each class each thread allocates and frees */
#define RC_SIZE_A 64            /* class 64 B */
#define RC_SIZE_B 100           /* class 128 B */
#define RC_RESERVE MIB(64)      /* backing memory reserved up front: no memzone during the runs */
#define RC_ALLOCS_PER_RUN ((uint64_t)(RC_THREADS + 1) * 2 * RC_OBJS)

enum rc_mode {
	RC_IDLE_KILL,
	RC_KILL,
	RC_EXIT,
	RC_DEINIT,
	RC_REJOIN,
};

static const char * const rc_mode_names[] = {
	"idle, killed", "killed", "exit", "deinit", "rejoin a full registry"
};

struct rc_shared {
	uint64_t magic;
	uint32_t mode;
	int32_t result;                 /* 0 when the secondary passed */
	RTE_ATOMIC(uint32_t) ready;     /* RC_KILL, RC_IDLE_KILL: the secondary may be killed */
	RTE_ATOMIC(uint32_t) go;        /* RC_REJOIN: the new registry is full */
};

/* The secondary's threads. */
struct rc_thread {
	rte_thread_t tid;
	unsigned int group;             /* 0: exits first; 1: exits after deinit, or never */
	int ret;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n_done;            /* threads that have allocated and freed */
	bool release[2];                /* the threads of a group may exit */
} rc_sync = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, { false, false } };

/* Bytes allocated from the DPDK heaps of all sockets. */
static uint64_t
heap_used(void)
{
	struct rte_malloc_socket_stats ms;
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX(rte_socket_count(), 1u); i++)
		if (rte_malloc_get_socket_stats(rte_socket_count() > 0 ?
				rte_socket_id_by_idx(i) : 0, &ms) == 0)
			sum += ms.heap_allocsz_bytes;
	return sum;
}

/* Allocate RC_OBJS objects of each class and free them: they stay in the thread's caches. */
static int
rc_churn(void)
{
	void *objs[2 * RC_OBJS];
	unsigned int i;

	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(i < RC_OBJS ? RC_SIZE_A : RC_SIZE_B, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "allocation %u failed: %d", i, rte_errno);
		memset(objs[i], 0xa5, RC_SIZE_A);
	}
	rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	return TEST_SUCCESS;
}

static uint32_t
rc_thread_main(void *arg)
{
	struct rc_thread *t = arg;

	t->ret = rc_churn();
	pthread_mutex_lock(&rc_sync.lock);
	rc_sync.n_done++;
	pthread_cond_broadcast(&rc_sync.cond);
	while (!rc_sync.release[t->group])
		pthread_cond_wait(&rc_sync.cond, &rc_sync.lock);
	pthread_mutex_unlock(&rc_sync.lock);
	return 0;
}

/* Let the threads of a group exit and join them. */
static int
rc_release(struct rc_thread *thr, unsigned int group)
{
	unsigned int i;

	pthread_mutex_lock(&rc_sync.lock);
	rc_sync.release[group] = true;
	pthread_cond_broadcast(&rc_sync.cond);
	pthread_mutex_unlock(&rc_sync.lock);
	for (i = 0; i < RC_THREADS; i++) {
		if (thr[i].group != group)
			continue;
		rte_thread_join(thr[i].tid, NULL);
		TEST_ASSERT_SUCCESS(thr[i].ret, "secondary: thread %u failed", i);
	}
	return TEST_SUCCESS;
}

/* Wait to be killed. */
static int
rc_wait_kill(struct rc_shared *sh)
{
	rte_atomic_store_explicit(&sh->ready, 1, rte_memory_order_release);
	sleep(TEST_CHILD_TIMEOUT_S);
	printf("secondary: not killed\n");
	return TEST_FAILED;
}

/* Wait for a flag of the primary, at most TEST_CHILD_TIMEOUT_S seconds. */
static int
rc_wait_flag(RTE_ATOMIC(uint32_t) const *flag)
{
	uint64_t deadline = rte_get_timer_cycles() + TEST_CHILD_TIMEOUT_S * rte_get_timer_hz();

	while (!rte_atomic_load_explicit(flag, rte_memory_order_acquire)) {
		TEST_ASSERT(rte_get_timer_cycles() < deadline, "secondary: the primary did not "
			"answer in %d s", TEST_CHILD_TIMEOUT_S);
		usleep(1000);
	}
	return TEST_SUCCESS;
}

/* RC_REJOIN: attach again to an allocator whose registry has no room for this process's blocks. */
static int
rc_rejoin(struct rc_shared *sh)
{
	struct rc_thread t = { .group = 0, .ret = TEST_FAILED };
	uint64_t heap0, heap1, heap2, heap3, blk_size;
	struct rte_fastmem_stats st;
	void *p;
	int ret;

	ret = rc_churn();
	TEST_ASSERT_SUCCESS(ret, "secondary: main thread");
	heap0 = heap_used();
	TEST_ASSERT_SUCCESS(rte_thread_create(&t.tid, NULL, rc_thread_main, &t),
		"secondary: rte_thread_create");
	pthread_mutex_lock(&rc_sync.lock);
	while (rc_sync.n_done < 1)
		pthread_cond_wait(&rc_sync.cond, &rc_sync.lock);
	pthread_mutex_unlock(&rc_sync.lock);
	blk_size = heap_used() - heap0;
	TEST_ASSERT(blk_size > 0, "secondary: a thread's block takes no heap");
	rte_fastmem_deinit();
	rte_atomic_store_explicit(&sh->ready, 1, rte_memory_order_release);
	ret = rc_wait_flag(&sh->go);
	TEST_ASSERT_SUCCESS(ret, "secondary: waiting for the registry to fill");

	/* Attach: neither block finds a slot. Then the main thread's miss gives its block back. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "secondary: attach: %d", rte_errno);
	heap1 = heap_used();
	p = rte_fastmem_alloc(RC_SIZE_A, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "secondary: allocation after the attach: %d", rte_errno);
	rte_fastmem_free(p);
	p = rte_fastmem_alloc(RC_SIZE_A, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "secondary: uncached allocation: %d", rte_errno);
	rte_fastmem_free(p);
	heap2 = heap_used();
	/* The exit of the other thread gives its block back too. */
	pthread_mutex_lock(&rc_sync.lock);
	rc_sync.release[0] = true;
	pthread_cond_broadcast(&rc_sync.cond);
	pthread_mutex_unlock(&rc_sync.lock);
	rte_thread_join(t.tid, NULL);
	TEST_ASSERT_SUCCESS(t.ret, "secondary: thread failed");
	heap3 = heap_used();
	printf("secondary: block %" PRIu64 " bytes; heap after two allocations "
		"%+" PRId64 ", after the thread's exit %+" PRId64 "\n", blk_size,
		(int64_t)(heap2 - heap1), (int64_t)(heap3 - heap2));
	/* Two blocks' heap elements may differ by their alignment padding. */
	TEST_ASSERT((int64_t)(heap1 - heap2) > (int64_t)blk_size / 2, "secondary: the main "
		"thread's block, which found no registry slot, is not given back (heap %+" PRId64
		")", (int64_t)(heap2 - heap1));
	TEST_ASSERT((int64_t)(heap2 - heap3) > (int64_t)blk_size / 2, "secondary: the exited "
		"thread's block, which found no registry slot, is not given back (heap %+" PRId64
		")", (int64_t)(heap3 - heap2));
	sh->result = 0;
	printf("secondary: done\n");
	return TEST_SUCCESS;
}

static int
reclaim_secondary(void)
{
	static struct rc_thread thr[RC_THREADS];
	uint64_t heap0, blk_size = 0, freed;
	const struct rte_memzone *mz;
	struct rc_shared *sh;
	unsigned int i;
	int ret;

	mz = rte_memzone_lookup(RC_MZ_NAME);
	TEST_ASSERT_NOT_NULL(mz, "secondary: memzone %s not found", RC_MZ_NAME);
	sh = mz->addr;
	TEST_ASSERT_EQUAL(sh->magic, RC_MAGIC, "secondary: bad memzone");
	printf("secondary: pid %d, mode %s\n", (int)getpid(), rc_mode_names[sh->mode]);
	if (sh->mode == RC_IDLE_KILL)
		return rc_wait_kill(sh);
	if (sh->mode == RC_REJOIN)
		return rc_rejoin(sh);

	ret = rc_churn();
	TEST_ASSERT_SUCCESS(ret, "secondary: main thread");
	/* One thread after the other: each gets its own block, and keeps it. */
	for (i = 0; i < RC_THREADS; i++) {
		thr[i].group = i % 2;
		thr[i].ret = TEST_FAILED;
		heap0 = heap_used();
		TEST_ASSERT_SUCCESS(rte_thread_create(&thr[i].tid, NULL, rc_thread_main, &thr[i]),
			"secondary: rte_thread_create %u", i);
		pthread_mutex_lock(&rc_sync.lock);
		while (rc_sync.n_done < i + 1)
			pthread_cond_wait(&rc_sync.cond, &rc_sync.lock);
		pthread_mutex_unlock(&rc_sync.lock);
		if (i == 0)
			blk_size = heap_used() - heap0;
	}
	switch (sh->mode) {
	case RC_KILL:
		return rc_wait_kill(sh);
	case RC_EXIT:
		ret = rc_release(thr, 0);
		TEST_ASSERT_SUCCESS(ret, "secondary: threads");
		/* Exits with the other half of the threads running, their caches full. */
		break;
	case RC_DEINIT:
		ret = rc_release(thr, 0);
		TEST_ASSERT_SUCCESS(ret, "secondary: threads");
		/*
		 * The detach gives the blocks of the threads that have exited back to the heap:
		 * they would be lost if the primary deinitialized before this process is gone.
		 */
		heap0 = heap_used();
		rte_fastmem_deinit();
		freed = heap0 - heap_used();
		printf("secondary: block %" PRIu64 " bytes, detach freed %" PRIu64 " bytes\n",
			blk_size, freed);
		TEST_ASSERT(blk_size > 0 && freed >= RC_THREADS / 2 * (blk_size - blk_size / 8),
			"secondary: the detach gave back %" PRIu64 " bytes, not the %u blocks of "
			"the exited threads (%" PRIu64 " bytes each)", freed, RC_THREADS / 2,
			blk_size);
		ret = rc_release(thr, 1);
		TEST_ASSERT_SUCCESS(ret, "secondary: threads after deinit");
		break;
	default:
		TEST_ASSERT(false, "secondary: bad mode %u", sh->mode);
	}
	sh->result = 0;
	printf("secondary: done\n");
	return TEST_SUCCESS;
}

struct rc_prim_thread {
	uint64_t hits;                  /* alloc_cache_hits of the thread's class it added */
	int ret;
};

/* A non-EAL thread of the primary: allocates and frees two objects of 8 bytes. */
static uint32_t
rc_prim_thread(void *arg)
{
	struct rc_prim_thread *pt = arg;
	struct rte_fastmem_class_stats cs0, cs1;
	void *p, *q;

	pt->ret = TEST_FAILED;
	if (rte_fastmem_stats_class(8, &cs0) != 0)
		return 0;
	p = rte_fastmem_alloc(8, 8, 0);
	q = rte_fastmem_alloc(8, 8, 0);
	rte_fastmem_free(p);
	rte_fastmem_free(q);
	if (p == NULL || q == NULL || rte_fastmem_stats_class(8, &cs1) != 0)
		return 0;
	pt->hits = cs1.alloc_cache_hits - cs0.alloc_cache_hits;
	pt->ret = TEST_SUCCESS;
	return 0;
}

static int
rc_run_prim_thread(struct rc_prim_thread *pt)
{
	rte_thread_t t;

	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, rc_prim_thread, pt), "rte_thread_create");
	rte_thread_join(t, NULL);
	TEST_ASSERT_SUCCESS(pt->ret, "primary: non-EAL thread failed");
	return TEST_SUCCESS;
}

/*
 * Beside a live secondary whose caches hold objects: the scan of a new thread must leave its
 * blocks alone. Neither the heap nor the slabs held by its caches change. Nor did the scans of
 * the secondary's threads take the primary's blocks: the spans of the class of 8 B that held
 * the objects of the main thread's cache before the secondary started (prim0) still do.
 */
static int
rc_check_live(const struct rte_fastmem_class_stats *prim0)
{
	struct rc_prim_thread pt = { 0, TEST_FAILED };
	struct rte_fastmem_class_stats cs0, cs1;
	uint64_t heap0 = heap_used(), heap1;
	int ret;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs0), "stats_class");
	ret = rc_run_prim_thread(&pt);
	TEST_ASSERT_SUCCESS(ret, "primary: thread beside a live secondary");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(64, &cs1), "stats_class");
	heap1 = heap_used();
	TEST_ASSERT(cs0.slabs_partial + cs0.slabs_full > 0,
		"primary: the live secondary's caches hold no slab of class 64");
	TEST_ASSERT(cs1.slabs_partial == cs0.slabs_partial && cs1.slabs_full == cs0.slabs_full &&
		cs1.in_use == cs0.in_use && heap1 == heap0, "primary: a live secondary's blocks "
		"were reclaimed: slabs %u/%u -> %u/%u, in_use %" PRIu64 " -> %" PRIu64 ", heap %"
		PRIu64 " -> %" PRIu64, cs0.slabs_partial, cs0.slabs_full, cs1.slabs_partial,
		cs1.slabs_full, cs0.in_use, cs1.in_use, heap0, heap1);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(8, &cs1), "stats_class");
	TEST_ASSERT(prim0->slabs_partial + prim0->slabs_full > 0,
		"primary: the main thread's cache holds no slab of class 8");
	TEST_ASSERT(cs1.slabs_partial == prim0->slabs_partial &&
		cs1.slabs_full == prim0->slabs_full && cs1.in_use == prim0->in_use,
		"primary: the live secondary reclaimed the primary's blocks: class 8 slabs %u/%u "
		"-> %u/%u, in_use %" PRIu64 " -> %" PRIu64, prim0->slabs_partial,
		prim0->slabs_full, cs1.slabs_partial, cs1.slabs_full, prim0->in_use, cs1.in_use);
	return TEST_SUCCESS;
}

/*
 * Run one secondary in a mode, to its end, in a time namespace of its own when timens is set;
 * count the objects allocated meanwhile.
 */
static int
rc_run(struct rc_shared *sh, enum rc_mode mode, bool timens, uint64_t *allocs)
{
	struct rte_fastmem_class_stats prim0;
	int status, ret;
	pid_t pid;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(8, &prim0), "stats_class");
	sh->mode = mode;
	sh->result = -1;
	rte_atomic_store_explicit(&sh->ready, 0, rte_memory_order_relaxed);
	pid = spawn_secondary("fastmem_secondary_reclaim_autotest", timens);
	TEST_ASSERT(pid > 0, "primary: cannot start a secondary");
	if (mode == RC_KILL || mode == RC_IDLE_KILL) {
		status = wait_child(pid, &sh->ready);
		TEST_ASSERT_EQUAL(status, 0, "primary: secondary (%s) ended before it was ready: "
			"status 0x%x", rc_mode_names[mode], status);
		ret = TEST_SUCCESS;
		if (mode == RC_KILL) {
			ret = rc_check_live(&prim0);
			*allocs += RC_ALLOCS_PER_RUN + 2;
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		TEST_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			"primary: secondary not killed: status 0x%x", status);
		printf("primary: secondary %d killed\n", (int)pid);
		return ret;
	}
	status = wait_child(pid, NULL);
	TEST_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		sh->result == 0, "primary: secondary (%s) failed: status 0x%x, result %d",
		rc_mode_names[mode], status, sh->result);
	*allocs += RC_ALLOCS_PER_RUN;
	return TEST_SUCCESS;
}

static int
rc_check(const struct rte_fastmem_stats *st0, uint64_t heap0, uint64_t heap_kill,
		unsigned int n_kill, uint64_t allocs)
{
	struct rte_fastmem_class_stats cs;
	struct rc_prim_thread pt = { 0, TEST_FAILED };
	struct rte_fastmem_stats st;
	static const size_t cls[] = { 64, 128 };
	uint64_t heap, heap_expected;
	unsigned int i;
	int ret;

	/* A new thread's block: this reclaims the blocks of the exited secondaries. */
	ret = rc_run_prim_thread(&pt);
	TEST_ASSERT_SUCCESS(ret, "primary: thread after the secondaries");
	allocs += 2;
	heap = heap_used();
	heap_expected = heap0 + n_kill * heap_kill;
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "primary: stats");
	printf("primary: after %u secondaries: heap %" PRIu64 " bytes (expected %" PRIu64
		"), bytes_in_use %" PRIu64 " (was %" PRIu64 "), new thread cache hits %" PRIu64
		"\n", RC_RUNS, heap, heap_expected, st.bytes_in_use, st0->bytes_in_use, pt.hits);
	for (i = 0; i < RTE_DIM(cls); i++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls[i], &cs), "stats_class");
		printf("primary: class %zu: in_use %" PRIu64 ", slabs %u partial, %u full\n",
			cls[i], cs.in_use, cs.slabs_partial, cs.slabs_full);
	}

	TEST_ASSERT(pt.hits > 0, "primary: a new thread works uncached: the block registry is "
		"full of the blocks of exited processes");
	for (i = 0; i < RTE_DIM(cls); i++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls[i], &cs), "stats_class");
		TEST_ASSERT_EQUAL(cs.in_use, 0u, "primary: class %zu: %" PRIu64 " in use", cls[i],
			cs.in_use);
		TEST_ASSERT(cs.slabs_partial == 0 && cs.slabs_full == 0,
			"primary: class %zu: %u partial and %u full slabs: the objects cached "
			"by exited secondaries are not back", cls[i], cs.slabs_partial,
			cs.slabs_full);
	}
	TEST_ASSERT_EQUAL(st.bytes_in_use, st0->bytes_in_use, "primary: bytes_in_use %" PRIu64
		", was %" PRIu64, st.bytes_in_use, st0->bytes_in_use);
	TEST_ASSERT_EQUAL(st.bytes_backing, st0->bytes_backing, "primary: backing grew");
	TEST_ASSERT_EQUAL(heap, heap_expected, "primary: the DPDK heap holds %" PRId64
		" bytes more than before the secondaries: their cache blocks are not freed",
		(int64_t)(heap - heap_expected));
	TEST_ASSERT_EQUAL(st.alloc_total, st0->alloc_total + allocs, "primary: alloc_total %"
		PRIu64 ", expected %" PRIu64, st.alloc_total, st0->alloc_total + allocs);
	TEST_ASSERT_EQUAL(st.free_total, st0->free_total + allocs, "primary: free_total %"
		PRIu64 ", expected %" PRIu64, st.free_total, st0->free_total + allocs);
	return TEST_SUCCESS;
}

/* RC_REJOIN: the primary's non-EAL threads that fill the registry, kept running. */
#define RC_FILL_MAX 1100        /* more than the registry holds */

#define RC_BLOCK_RETRY_MS 1300   /* more than a thread without a block waits to try again */

struct rc_fill_thread {
	rte_thread_t tid;
	struct rc_prim_thread pt;
	struct rc_prim_thread again;    /* the thread that found the registry full, later */
	bool done;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool release;
	bool others_joined;     /* every filling thread but the last has exited */
} rc_fill = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false };

static uint32_t
rc_fill_main(void *arg)
{
	struct rc_fill_thread *f = arg;

	rc_prim_thread(&f->pt);
	pthread_mutex_lock(&rc_fill.lock);
	f->done = true;
	pthread_cond_broadcast(&rc_fill.cond);
	while (!rc_fill.release)
		pthread_cond_wait(&rc_fill.cond, &rc_fill.lock);
	/*
	 * The thread that found the registry full, once the others have exited (their blocks
	 * kept for the process's next threads) and its wait is over: it gets a block now.
	 */
	if (f->pt.ret == TEST_SUCCESS && f->pt.hits == 0) {
		while (!rc_fill.others_joined)
			pthread_cond_wait(&rc_fill.cond, &rc_fill.lock);
		pthread_mutex_unlock(&rc_fill.lock);
		rte_delay_us_sleep(RC_BLOCK_RETRY_MS * 1000);
		rc_prim_thread(&f->again);
		return 0;
	}
	pthread_mutex_unlock(&rc_fill.lock);
	return 0;
}

/*
 * Start non-EAL threads that get a block and keep it, one after the other, until one works
 * uncached: the registry is full. *n counts the threads started, failed or not; returns
 * whether the last one found the registry full.
 */
static bool
rc_fill_registry(struct rc_fill_thread *fill, unsigned int *n)
{
	bool full = false;

	for (*n = 0; *n < RC_FILL_MAX && !full; (*n)++) {
		fill[*n].pt.ret = TEST_FAILED;
		fill[*n].again.ret = TEST_FAILED;
		fill[*n].done = false;
		if (rte_thread_create(&fill[*n].tid, NULL, rc_fill_main, &fill[*n]) != 0)
			return false;
		pthread_mutex_lock(&rc_fill.lock);
		while (!fill[*n].done)
			pthread_cond_wait(&rc_fill.cond, &rc_fill.lock);
		pthread_mutex_unlock(&rc_fill.lock);
		if (fill[*n].pt.ret != TEST_SUCCESS) {
			(*n)++;
			return false;
		}
		full = fill[*n].pt.hits == 0;
	}
	return full;
}

/* Let the filling threads exit and join them: the last one after the others. */
static void
rc_fill_release(struct rc_fill_thread *fill, unsigned int n)
{
	unsigned int i;

	pthread_mutex_lock(&rc_fill.lock);
	rc_fill.release = true;
	rc_fill.others_joined = false;
	pthread_cond_broadcast(&rc_fill.cond);
	pthread_mutex_unlock(&rc_fill.lock);
	for (i = 0; i + 1 < n; i++)
		rte_thread_join(fill[i].tid, NULL);
	pthread_mutex_lock(&rc_fill.lock);
	rc_fill.others_joined = true;
	pthread_cond_broadcast(&rc_fill.cond);
	pthread_mutex_unlock(&rc_fill.lock);
	if (n > 0)
		rte_thread_join(fill[n - 1].tid, NULL);
}

/* The primary's side of RC_REJOIN (see the description of the test). */
static int
rc_rejoin_primary(struct rc_shared *sh)
{
	static struct rc_fill_thread fill[RC_FILL_MAX];
	unsigned int n = 0;
	bool full = false;
	int status, ret;
	pid_t pid;

	rc_fill.release = false;
	sh->mode = RC_REJOIN;
	sh->result = -1;
	rte_atomic_store_explicit(&sh->ready, 0, rte_memory_order_relaxed);
	rte_atomic_store_explicit(&sh->go, 0, rte_memory_order_relaxed);
	pid = spawn_secondary("fastmem_secondary_reclaim_autotest", false);
	TEST_ASSERT(pid > 0, "primary: cannot start a secondary");
	status = wait_child(pid, &sh->ready);
	TEST_ASSERT_EQUAL(status, 0, "primary: secondary (%s) ended before it detached: "
		"status 0x%x", rc_mode_names[RC_REJOIN], status);
	/* A new allocator, whose registry knows nothing of the secondary's blocks. */
	rte_fastmem_deinit();
	ret = rte_fastmem_init();
	if (ret == 0)
		ret = rte_fastmem_reserve(RC_RESERVE, SOCKET_ID_ANY);
	if (ret == 0)
		full = rc_fill_registry(fill, &n);
	if (full) {
		printf("primary: %u non-EAL threads started, the last one works uncached: the "
			"registry is full\n", n);
		rte_atomic_store_explicit(&sh->go, 1, rte_memory_order_release);
		status = wait_child(pid, NULL);
	} else {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	rc_fill_release(fill, n);
	TEST_ASSERT_SUCCESS(ret, "primary: init or reserve again: %d", ret);
	TEST_ASSERT(full, "primary: the registry did not fill up with %u threads", n);
	TEST_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		sh->result == 0, "primary: secondary (%s) failed: status 0x%x, result %d",
		rc_mode_names[RC_REJOIN], status, sh->result);
	TEST_ASSERT_SUCCESS(fill[n - 1].again.ret, "primary: the thread without a block, later");
	TEST_ASSERT(fill[n - 1].again.hits > 0, "primary: a thread that found the registry full "
		"works uncached after the other threads exited and its wait is over");
	return TEST_SUCCESS;
}

static int
reclaim_primary_runs(struct rc_shared *sh)
{
	static const enum rc_mode modes[] = { RC_DEINIT, RC_EXIT, RC_KILL };
	struct rc_prim_thread pt = { 0, TEST_FAILED };
	struct rte_fastmem_stats st0;
	uint64_t heap0, heap_kill, allocs = 0;
	unsigned int r, n_kill = 0;
	bool timens;
	void *p;
	int ret;

	ret = rte_fastmem_reserve(RC_RESERVE, SOCKET_ID_ANY);
	TEST_ASSERT_SUCCESS(ret, "primary: reserve: %d", ret);
	/* The blocks of the main thread and of a non-EAL thread (parked when it exits). */
	p = rte_fastmem_alloc(8, 8, 0);
	TEST_ASSERT_NOT_NULL(p, "primary: alloc: %d", rte_errno);
	rte_fastmem_free(p);
	ret = rc_run_prim_thread(&pt);
	TEST_ASSERT_SUCCESS(ret, "primary: first non-EAL thread");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st0), "primary: stats");
	heap0 = heap_used();

	/* What a killed secondary leaves in the heap besides fastmem. */
	ret = rc_run(sh, RC_IDLE_KILL, false, &allocs);
	TEST_ASSERT_SUCCESS(ret, "primary: idle secondary");
	heap_kill = heap_used() - heap0;
	n_kill++;
	printf("primary: a killed secondary leaves %" PRIu64 " bytes in the heap outside "
		"fastmem\n", heap_kill);

	/*
	 * The second round of modes runs in a time namespace whose boot time is ahead: whether a
	 * process is gone must not depend on the namespace its start time is read from.
	 */
	timens = timens_available();
	printf("primary: secondaries %u to %u %s\n", (unsigned int)RTE_DIM(modes),
		2 * (unsigned int)RTE_DIM(modes) - 1, timens ?
		"in a time namespace whose boot time is " RTE_STR(TIMENS_BOOTTIME_S) " s and "
		RTE_STR(TIMENS_BOOTTIME_NS) " ns ahead" :
		"in the primary's time namespace: no time namespaces here");
	for (r = 0; r < RC_RUNS; r++) {
		ret = rc_run(sh, modes[r % RTE_DIM(modes)],
			timens && r / RTE_DIM(modes) == 1, &allocs);
		TEST_ASSERT_SUCCESS(ret, "primary: secondary %u (%s)", r,
			rc_mode_names[modes[r % RTE_DIM(modes)]]);
		n_kill += modes[r % RTE_DIM(modes)] == RC_KILL;
	}
	ret = rc_check(&st0, heap0, heap_kill, n_kill, allocs);
	if (ret != TEST_SUCCESS)
		return ret;
	return rc_rejoin_primary(sh);
}

static int
reclaim_primary(void)
{
	const struct rte_memzone *mz;
	struct rc_shared *sh;
	int ret;

	if (!rte_eal_has_hugepages()) {
		printf("fastmem_secondary_reclaim_autotest: secondary processes need hugepages, "
			"skipped\n");
		return TEST_SKIPPED;
	}
	ret = rte_fastmem_init();
	TEST_ASSERT_SUCCESS(ret, "primary: init: %d", ret);
	mz = rte_memzone_reserve(RC_MZ_NAME, sizeof(*sh), SOCKET_ID_ANY, 0);
	if (mz == NULL) {
		rte_fastmem_deinit();
		TEST_ASSERT_NOT_NULL(mz, "primary: cannot reserve the shared memzone");
	}
	sh = mz->addr;
	memset(sh, 0, sizeof(*sh));
	sh->magic = RC_MAGIC;
	ret = reclaim_primary_runs(sh);
	rte_fastmem_deinit();
	rte_memzone_free(mz);
	return ret;
}

static int
test_fastmem_secondary_reclaim(void)
{
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return reclaim_secondary();
	return reclaim_primary();
}

REGISTER_FAST_TEST(fastmem_secondary_reclaim_autotest, NOHUGE_SKIP, ASAN_OK,
	test_fastmem_secondary_reclaim);
