/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * fastmem_perf_autotest: what fastmem costs compared with the allocators a DPDK application
 * uses today (rte_mempool, rte_malloc, libc malloc), in TSC cycles per operation.
 *
 * Every scenario runs every allocator in the same process, one after the other, after a
 * warm-up. Each allocator sits behind one table of operations (struct perf_ops); the timed
 * loops are compiled once per allocator from always-inline templates that take the table as a
 * constant, so the compiler inlines the allocator's own fast path into the loop (as it would
 * in an application) instead of timing an indirect call. Adding an allocator is writing its
 * operations and adding one PERF_ALLOCATOR() line to the list below.
 *
 * Single-lcore timings are the minimum over a few repetitions, each calibrated to a few
 * milliseconds, which filters out interference from other work on the machine. The repetitions
 * are made in PERF_ROUNDS rounds over the allocators (each allocator a few of them a round), so
 * that a while in which the machine is busy slows some repetitions of every allocator, not all
 * those of one, and the ratios stay within one stretch of time. The test fails only on real
 * errors (allocation failure, corrupted data), never on timings.
 *
 * The multi-lcore scenarios run on every lcore the test is given: mlcore and mlcore_bulk on 1,
 * 2, 4, ... lcores and on all of them, cross_lcore on 1, 2, 4, ... pairs of lcores and on all
 * the pairs there are.
 *
 * With FASTMEM_PERF_CSV=FILE the results are also written to FILE as CSV with the header
 * scenario,param,allocator,metric,value,ratio, the ratio being to the table's reference
 * allocator of the same run (see scripts/plot-perf.sh). With
 * FASTMEM_PERF_SCENARIOS=a,b only the scenarios named are run (hot, batch, mlcore,
 * mlcore_bulk, cross_lcore, mixed_sizes, large). With FASTMEM_PERF_ALLOCATORS=a,b only the
 * allocators named are measured, and the reference of each table (mempool; rte_malloc for
 * large), so that every ratio is within one run. FASTMEM_PERF_LIBC_NAME=name labels the libc
 * row, for runs with another malloc preloaded (scripts/bench.sh runs tcmalloc, mimalloc and
 * jemalloc so); when malloc() is not glibc's, the libc row's footprint is the growth of the
 * process's resident memory instead of mallinfo2().
 */

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's mallinfo2() (2.33 on); without it the libc footprint is the resident memory's growth. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#define PERF_HAVE_MALLINFO2 1
#include <malloc.h>
#else
#define PERF_HAVE_MALLINFO2 0
#endif

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_stdatomic.h>

#include <rte_fastmem.h>

#include "test.h"

#define PERF_N_SIZES 5
static const size_t perf_sizes[PERF_N_SIZES] = { 8, 64, 256, 1024, 4096 };

#define PERF_REPS 9             /* repetitions of a single-lcore measurement; minimum wins */
#define PERF_MT_REPS 7          /* repetitions of a multi-lcore measurement */
#define PERF_ROUNDS 3           /* rounds over the allocators; the repetitions split among them */
#define PERF_ROUND_REPS ((PERF_REPS + PERF_ROUNDS - 1) / PERF_ROUNDS)
#define PERF_TARGET_DIV 500     /* one repetition lasts about 1/500 s (2 ms) */
#define PERF_MT_TARGET_DIV 200  /* one multi-lcore repetition about 5 ms per lcore */
#define PERF_BATCH 256          /* objects per batch in the batch scenarios */
#define PERF_ML_SIZE 256        /* object size of mlcore, mlcore_bulk and cross_lcore */
#define PERF_ML_BULK 8          /* objects per bulk call in mlcore_bulk */
#define PERF_XL_BURST 32        /* objects per ring burst in cross_lcore */
#define PERF_XL_RING 1024       /* ring size in cross_lcore */
#define PERF_XL_OBJS_MIN 20000  /* objects passed per cross_lcore repetition, at least */
#define PERF_XL_OBJS_MAX 1000000 /* and at most */
#define PERF_MIX_MIN_SHIFT 4    /* mixed sizes: 16 B ... */
#define PERF_MIX_MAX_SHIFT 12   /* ... to 4 KiB */
#define PERF_MIX_POOLS (PERF_MIX_MAX_SHIFT - PERF_MIX_MIN_SHIFT + 1)
#define PERF_MIX_WS 8192        /* live objects in mixed_sizes (about 6 MiB) */
#define PERF_MIX_WS_LARGE 360000 /* live objects of the large footprint set (about 260 MiB) */
#define PERF_MIX_CHUNK 60000    /* replacements per timed chunk */
#define PERF_MIX_OPS (PERF_REPS * PERF_MIX_CHUNK)
#define PERF_MIX_SEED UINT64_C(0x9e3779b97f4a7c15)
#define PERF_MP_CACHE 512       /* per-lcore cache of the reference mempools */
#define PERF_MP_OBJS 8192       /* objects per mempool, plus headroom for the caches */
#define PERF_MIXED 0            /* setup() size meaning "sizes of mixed_sizes" */
#define PERF_LARGE_N_SIZES 3    /* large: objects above the largest class, one memzone each */
static const size_t perf_large_sizes[PERF_LARGE_N_SIZES] = { 2u << 20, 8u << 20, 64u << 20 };
#define PERF_LARGE_BYTES (256u << 20) /* bytes allocated and freed per large repetition */
#define PERF_LARGE_REPS 5

/* Keep the compiler from eliding an allocation or caching allocator state across calls. */
static inline void
perf_use(void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Mixed-size pool (or handle) index of a size: the power of two at or above it, from 16 B. */
static inline unsigned int
perf_pow2_idx(size_t size)
{
	if (size <= (1u << PERF_MIX_MIN_SHIFT))
		return 0;
	return 64 - rte_clz64((uint64_t)size - 1) - PERF_MIX_MIN_SHIFT;
}

/*
 * One allocator. setup() prepares it for objects of one size, or for the sizes of mixed_sizes
 * (PERF_MIXED); alloc/free and the bulk forms are then called with sizes that setup()
 * allowed, from any lcore; alloc_mixed(), when set, replaces alloc() in mixed_sizes.
 * teardown() undoes setup(). footprint() reads the bytes the
 * allocator holds: it returns 1 when the value is what the allocator holds right now, 0 when
 * it is a running counter to be read before and after, or a negative errno when unsupported.
 */
struct perf_ops {
	const char *name;
	int (*setup)(size_t size);
	void (*teardown)(void);
	void *(*alloc)(size_t size);
	void *(*alloc_mixed)(size_t size);
	void (*free)(void *obj, size_t size);
	int (*alloc_bulk)(void **objs, unsigned int n, size_t size);
	void (*free_bulk)(void **objs, unsigned int n, size_t size);
	int (*footprint)(uint64_t *bytes);
};

/* For allocators with nothing to prepare. */
static int
perf_noop_setup(size_t size)
{
	RTE_SET_USED(size);
	return 0;
}

static void
perf_noop_teardown(void)
{
}

/* ---- fastmem: rte_fastmem_alloc()/rte_fastmem_free() ---- */

static void
fm_teardown(void)
{
	rte_fastmem_cache_flush();
}

/*
 * Alignment passed to rte_fastmem_alloc(), a constant as in an application. For one size it is
 * 0 (RTE_CACHE_LINE_SIZE), which compares like with like: a mempool element is cache-line
 * aligned by default. For mixed_sizes it is 8, what an application passes for a structure of
 * 8-byte fields: align 0 would put every object of 64 B or less in the 64 B class.
 */
static inline void *
fm_alloc(size_t size)
{
	return rte_fastmem_alloc(size, 0, 0);
}

static inline void *
fm_alloc_mixed(size_t size)
{
	return rte_fastmem_alloc(size, 8, 0);
}

static inline void
fm_free(void *obj, size_t size)
{
	RTE_SET_USED(size);
	rte_fastmem_free(obj);
}

static inline int
fm_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	return rte_fastmem_alloc_bulk(objs, n, size, 0, 0);
}

static inline void
fm_free_bulk(void **objs, unsigned int n, size_t size)
{
	RTE_SET_USED(size);
	rte_fastmem_free_bulk(objs, n);
}

/*
 * Bytes in the pages and slabs the size classes hold (partial and full), all sockets: what the
 * live objects keep reserved, with the objects in caches and depots. Free pages, free slabs
 * and the rest of the memzones are reported separately by the footprint scenario.
 */
static int
fm_footprint(uint64_t *bytes)
{
	size_t sizes[RTE_FASTMEM_NUM_CLASSES];
	struct rte_fastmem_class_stats cs;
	unsigned int i, n;

	n = rte_fastmem_classes(sizes);
	if (n > RTE_DIM(sizes))
		return -EINVAL;
	*bytes = 0;
	for (i = 0; i < n; i++) {
		if (rte_fastmem_stats_class(sizes[i], &cs) != 0)
			return -rte_errno;
		*bytes += cs.bytes_held;
	}
	return 1;
}

static const struct perf_ops fastmem_ops = {
	.name = "fastmem",
	.setup = perf_noop_setup,
	.teardown = fm_teardown,
	.alloc = fm_alloc,
	.alloc_mixed = fm_alloc_mixed,
	.free = fm_free,
	.alloc_bulk = fm_alloc_bulk,
	.free_bulk = fm_free_bulk,
	.footprint = fm_footprint,
};

/* ---- fastmem_handle: rte_fastmem_hlookup() once, then halloc/hfree ---- */

/* Handle per mixed-size pool index; for one size only the size's index is set. */
static rte_fastmem_handle_t fmh_handles[PERF_MIX_POOLS];

static int
fmh_setup(size_t size)
{
	unsigned int i;
	int ret;

	if (size != PERF_MIXED)
		return rte_fastmem_hlookup(size, 0, SOCKET_ID_ANY,
				&fmh_handles[perf_pow2_idx(size)]);
	/* Alignment 8 as for fastmem above; sizes of one pool index share a class. */
	for (i = 0; i < PERF_MIX_POOLS; i++) {
		ret = rte_fastmem_hlookup((size_t)1 << (i + PERF_MIX_MIN_SHIFT), 8, SOCKET_ID_ANY,
				&fmh_handles[i]);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static inline void *
fmh_alloc(size_t size)
{
	return rte_fastmem_halloc(fmh_handles[perf_pow2_idx(size)], 0);
}

static inline void
fmh_free(void *obj, size_t size)
{
	rte_fastmem_hfree(fmh_handles[perf_pow2_idx(size)], obj);
}

static inline int
fmh_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	return rte_fastmem_halloc_bulk(fmh_handles[perf_pow2_idx(size)], objs, n, 0);
}

static inline void
fmh_free_bulk(void **objs, unsigned int n, size_t size)
{
	rte_fastmem_hfree_bulk(fmh_handles[perf_pow2_idx(size)], objs, n);
}

static const struct perf_ops fastmem_handle_ops = {
	.name = "fastmem_handle",
	.setup = fmh_setup,
	.teardown = fm_teardown,
	.alloc = fmh_alloc,
	.free = fmh_free,
	.alloc_bulk = fmh_alloc_bulk,
	.free_bulk = fmh_free_bulk,
	.footprint = fm_footprint,
};

/* ---- mempool: one rte_mempool of exactly the size, cache 512, get/put ---- */

/*
 * Pool per mixed-size pool index; for one size only the size's index is set. For
 * mixed_sizes there is one pool per power of two, each sized for the largest number of live
 * objects of its sizes the fixed sequence reaches (perf_mix_peak), as an application would
 * size them.
 */
static struct rte_mempool *mp_pools[PERF_MIX_POOLS];
static unsigned int perf_mix_peak[PERF_MIX_POOLS];

/*
 * What a pool needs beyond the objects a scenario keeps live: a cache holds up to 1.5 times
 * its size and a refill may take one more cache size, for each of @p lcores.
 */
static unsigned int
mp_headroom(unsigned int lcores)
{
	return lcores * (PERF_MP_CACHE * 3 / 2) + PERF_MP_CACHE;
}

static void
mp_teardown(void)
{
	unsigned int i;

	for (i = 0; i < PERF_MIX_POOLS; i++) {
		rte_mempool_free(mp_pools[i]);
		mp_pools[i] = NULL;
	}
}

static int
mp_create(unsigned int idx, size_t size, unsigned int n)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	if (snprintf(name, sizeof(name), "fmperf_%u_%zu", idx, size) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	mp_pools[idx] = rte_mempool_create(name, n, size, PERF_MP_CACHE, 0, NULL, NULL, NULL,
			NULL, SOCKET_ID_ANY, 0);
	if (mp_pools[idx] == NULL) {
		printf("mempool: cannot create %u objects of %zu B: %s\n", n, size,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static int
mp_setup(size_t size)
{
	unsigned int i;

	/*
	 * One size serves every scenario, the multi-lcore ones included: the caches of all the
	 * lcores, and the objects in flight in each pair's ring in cross_lcore, a ring's worth
	 * plus a burst on either side.
	 */
	if (size != PERF_MIXED)
		return mp_create(perf_pow2_idx(size), size, PERF_MP_OBJS +
				mp_headroom(rte_lcore_count()) + rte_lcore_count() / 2 *
				(PERF_XL_RING + 2 * PERF_XL_BURST));
	/* mixed_sizes runs on the main lcore only: its cache alone. */
	for (i = 0; i < PERF_MIX_POOLS; i++) {
		if (mp_create(i, (size_t)1 << (i + PERF_MIX_MIN_SHIFT),
				perf_mix_peak[i] + mp_headroom(1)) != 0) {
			mp_teardown();
			return -ENOMEM;
		}
	}
	return 0;
}

static inline void *
mp_alloc(size_t size)
{
	void *obj;

	if (unlikely(rte_mempool_get(mp_pools[perf_pow2_idx(size)], &obj) != 0))
		return NULL;
	return obj;
}

static inline void
mp_free(void *obj, size_t size)
{
	rte_mempool_put(mp_pools[perf_pow2_idx(size)], obj);
}

static inline int
mp_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	return rte_mempool_get_bulk(mp_pools[perf_pow2_idx(size)], objs, n);
}

static inline void
mp_free_bulk(void **objs, unsigned int n, size_t size)
{
	rte_mempool_put_bulk(mp_pools[perf_pow2_idx(size)], objs, n);
}

static void
mp_chunk_bytes(struct rte_mempool *mp, void *opaque, struct rte_mempool_memhdr *memhdr,
		unsigned int mem_idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(mem_idx);
	*(uint64_t *)opaque += memhdr->len;
}

/* The pools' total: their memory chunks and their headers (with the per-lcore caches). */
static int
mp_footprint(uint64_t *bytes)
{
	unsigned int i;

	*bytes = 0;
	for (i = 0; i < PERF_MIX_POOLS; i++) {
		if (mp_pools[i] == NULL)
			continue;
		rte_mempool_mem_iter(mp_pools[i], mp_chunk_bytes, bytes);
		*bytes += mp_pools[i]->mz->len;
	}
	return 1;
}

static const struct perf_ops mempool_ops = {
	.name = "mempool",
	.setup = mp_setup,
	.teardown = mp_teardown,
	.alloc = mp_alloc,
	.free = mp_free,
	.alloc_bulk = mp_alloc_bulk,
	.free_bulk = mp_free_bulk,
	.footprint = mp_footprint,
};

/* ---- rte_malloc: rte_malloc()/rte_free() ---- */

static inline void *
rm_alloc(size_t size)
{
	return rte_malloc(NULL, size, 0);
}

static inline void
rm_free(void *obj, size_t size)
{
	RTE_SET_USED(size);
	rte_free(obj);
}

static inline int
rm_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = rte_malloc(NULL, size, 0);
		if (unlikely(objs[i] == NULL)) {
			while (i-- > 0)
				rte_free(objs[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

static inline void
rm_free_bulk(void **objs, unsigned int n, size_t size)
{
	unsigned int i;

	RTE_SET_USED(size);
	for (i = 0; i < n; i++)
		rte_free(objs[i]);
}

/* Allocated bytes of the heaps (with element headers), a running counter. */
static int
rm_footprint(uint64_t *bytes)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;

	*bytes = 0;
	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			*bytes += st.heap_allocsz_bytes;
	}
	return 0;
}

static const struct perf_ops rte_malloc_ops = {
	.name = "rte_malloc",
	.setup = perf_noop_setup,
	.teardown = perf_noop_teardown,
	.alloc = rm_alloc,
	.free = rm_free,
	.alloc_bulk = rm_alloc_bulk,
	.free_bulk = rm_free_bulk,
	.footprint = rm_footprint,
};

/* ---- libc: malloc()/free() ---- */

static inline void *
lc_alloc(size_t size)
{
	return malloc(size);
}

static inline void
lc_free(void *obj, size_t size)
{
	RTE_SET_USED(size);
	free(obj);
}

static inline int
lc_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = malloc(size);
		if (unlikely(objs[i] == NULL)) {
			while (i-- > 0)
				free(objs[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

static inline void
lc_free_bulk(void **objs, unsigned int n, size_t size)
{
	unsigned int i;

	RTE_SET_USED(size);
	for (i = 0; i < n; i++)
		free(objs[i]);
}

/* Label of the libc row, and whether its footprint is read from the process's RSS. */
static const char *perf_libc_name = "libc";
static bool perf_libc_rss;
static char perf_libc_from[256];

/* Resident bytes of the process, from /proc/self/statm; 0 when unreadable. */
static uint64_t
perf_rss(void)
{
	uint64_t size, resident, bytes = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%" SCNu64 " %" SCNu64, &size, &resident) == 2)
		bytes = resident * (uint64_t)sysconf(_SC_PAGESIZE);
	fclose(f);
	return bytes;
}

/*
 * glibc's bytes in use (chunks with their headers, and mmapped chunks), a running counter:
 * its free chunks are not counted (the growth of its arenas would be, but they keep free
 * space from the scenarios before, which the working set reuses).
 * Another malloc (preloaded) does not feed mallinfo2(): then the growth of the process's
 * resident memory, also a running counter, which counts what the allocator touches (objects,
 * headers, metadata) but not what it reuses of memory it kept from before.
 */
static int
lc_footprint(uint64_t *bytes)
{
#if PERF_HAVE_MALLINFO2
	struct mallinfo2 mi;

	if (!perf_libc_rss) {
		mi = mallinfo2();
		*bytes = mi.uordblks + mi.hblkhd;
		return 0;
	}
#endif
	*bytes = perf_rss();
	return *bytes != 0 ? 0 : -ENOTSUP;
}

static const struct perf_ops libc_ops = {
	.name = "libc",
	.setup = perf_noop_setup,
	.teardown = perf_noop_teardown,
	.alloc = lc_alloc,
	.free = lc_free,
	.alloc_bulk = lc_alloc_bulk,
	.free_bulk = lc_free_bulk,
	.footprint = lc_footprint,
};

/* ---- baseline of mlcore: the same loop on a per-lcore buffer, no allocator ---- */

static alignas(RTE_CACHE_LINE_SIZE) uint8_t perf_buf[RTE_MAX_LCORE][PERF_ML_BULK][PERF_ML_SIZE];

static inline void *
bl_alloc(size_t size)
{
	RTE_SET_USED(size);
	return perf_buf[rte_lcore_id()][0];
}

static inline void
bl_free(void *obj, size_t size)
{
	RTE_SET_USED(obj);
	RTE_SET_USED(size);
}

static inline int
bl_alloc_bulk(void **objs, unsigned int n, size_t size)
{
	unsigned int i, lcore = rte_lcore_id();

	RTE_SET_USED(size);
	for (i = 0; i < n; i++)
		objs[i] = perf_buf[lcore][i];
	return 0;
}

static inline void
bl_free_bulk(void **objs, unsigned int n, size_t size)
{
	RTE_SET_USED(objs);
	RTE_SET_USED(n);
	RTE_SET_USED(size);
}

static const struct perf_ops baseline_ops = {
	.name = "baseline",
	.alloc = bl_alloc,
	.free = bl_free,
	.alloc_bulk = bl_alloc_bulk,
	.free_bulk = bl_free_bulk,
};

/* ---- timed loop templates, instantiated per allocator ---- */

/* cross_lcore: one ring between the allocating and the freeing lcore. */
struct perf_xl {
	struct rte_ring *ring;
	size_t size;
	unsigned int n;
	uint64_t tsc_overhead;
	RTE_ATOMIC(uint32_t) abort;
	uint64_t cycles[2];      /* alloc side, free side */
	int ret[2];
};

/* mixed_sizes: a fixed sequence of replacements in a working set of live objects. */
struct perf_mix {
	unsigned int n_ws;       /* live objects */
	uint32_t *slot;          /* per replacement: the slot to replace */
	uint16_t *size;          /* per replacement: the new object's size */
	uint16_t *init_size;     /* per slot: size of the object in the initial fill */
	void **ws;               /* live objects */
	uint16_t *ws_size;
	uint32_t *ws_tag;        /* first word written into each live object */
};

/* 1. hot: alloc then free one object. */
static __rte_always_inline int
tpl_hot(const struct perf_ops *o, size_t size, unsigned int iters, uint64_t *cycles)
{
	uint64_t t0 = rte_rdtsc();
	unsigned int i;
	void *p;

	for (i = 0; i < iters; i++) {
		p = o->alloc(size);
		if (unlikely(p == NULL))
			return -ENOMEM;
		perf_use(p);
		o->free(p, size);
	}
	*cycles = rte_rdtsc() - t0;
	return 0;
}

/* 2, 3. batch: allocate PERF_BATCH objects, free them in allocation or reverse order. */
static __rte_always_inline int
tpl_batch(const struct perf_ops *o, size_t size, unsigned int n_batches, bool lifo,
		uint64_t *alloc_cycles, uint64_t *free_cycles)
{
	void *objs[PERF_BATCH];
	uint64_t t0, t1, t2, ca = 0, cf = 0;
	unsigned int b, i;

	for (b = 0; b < n_batches; b++) {
		t0 = rte_rdtsc();
		for (i = 0; i < PERF_BATCH; i++) {
			objs[i] = o->alloc(size);
			perf_use(objs[i]);
		}
		t1 = rte_rdtsc();
		for (i = 0; i < PERF_BATCH; i++) {
			if (unlikely(objs[i] == NULL)) {
				for (i = 0; i < PERF_BATCH; i++)
					if (objs[i] != NULL)
						o->free(objs[i], size);
				return -ENOMEM;
			}
		}
		t2 = rte_rdtsc();
		if (lifo) {
			for (i = PERF_BATCH; i-- > 0; )
				o->free(objs[i], size);
		} else {
			for (i = 0; i < PERF_BATCH; i++)
				o->free(objs[i], size);
		}
		ca += t1 - t0;
		cf += rte_rdtsc() - t2;
	}
	*alloc_cycles = ca;
	*free_cycles = cf;
	return 0;
}

/* Write one word in every cache line of an object: the "little work" of mlcore. */
static inline void
perf_touch(void *p, size_t size, uint64_t v)
{
	size_t off;

	for (off = 0; off < size; off += RTE_CACHE_LINE_SIZE)
		*(volatile uint64_t *)RTE_PTR_ADD(p, off) = v;
}

/* 4, 5. mlcore: allocate, touch and free @p n objects, @p bulk at a time. */
static __rte_always_inline int
tpl_mlcore(const struct perf_ops *o, unsigned int n, unsigned int bulk, uint64_t *cycles)
{
	void *objs[PERF_ML_BULK];
	uint64_t t0 = rte_rdtsc();
	unsigned int i, j;
	void *p;

	for (i = 0; i < n; i += bulk) {
		if (bulk == 1) {
			p = o->alloc(PERF_ML_SIZE);
			if (unlikely(p == NULL))
				return -ENOMEM;
			perf_touch(p, PERF_ML_SIZE, i);
			perf_use(p);
			o->free(p, PERF_ML_SIZE);
		} else {
			if (unlikely(o->alloc_bulk(objs, bulk, PERF_ML_SIZE) != 0))
				return -ENOMEM;
			for (j = 0; j < bulk; j++)
				perf_touch(objs[j], PERF_ML_SIZE, i + j);
			perf_use(objs);
			o->free_bulk(objs, bulk, PERF_ML_SIZE);
		}
	}
	*cycles = rte_rdtsc() - t0;
	return 0;
}

/* 6. cross_lcore, allocating side: allocate bursts, pass them on through the ring. */
static __rte_always_inline int
tpl_xl_alloc(const struct perf_ops *o, struct perf_xl *x)
{
	void *objs[PERF_XL_BURST];
	uint64_t t0, acc = 0;
	unsigned int sent = 0, k, j, done;

	while (sent < x->n) {
		k = RTE_MIN((unsigned int)PERF_XL_BURST, x->n - sent);
		t0 = rte_rdtsc();
		for (j = 0; j < k; j++) {
			objs[j] = o->alloc(x->size);
			if (unlikely(objs[j] == NULL))
				break;
			perf_use(objs[j]);
		}
		acc += rte_rdtsc() - t0 - x->tsc_overhead;
		if (unlikely(j < k)) {
			while (j-- > 0)
				o->free(objs[j], x->size);
			rte_atomic_store_explicit(&x->abort, 1, rte_memory_order_release);
			return -ENOMEM;
		}
		/* The payload: a sequence number the freeing side checks. */
		for (j = 0; j < k; j++)
			*(uint64_t *)objs[j] = sent + j;
		for (done = 0; done < k; )
			done += rte_ring_sp_enqueue_burst(x->ring, &objs[done], k - done, NULL);
		sent += k;
	}
	x->cycles[0] = acc;
	return 0;
}

/* 6. cross_lcore, freeing side: take objects from the ring, check them, free them. */
static __rte_always_inline int
tpl_xl_free(const struct perf_ops *o, struct perf_xl *x)
{
	void *objs[PERF_XL_BURST];
	unsigned int got = 0, k, j;
	uint64_t t0, acc = 0;
	int ret = 0;

	while (got < x->n) {
		k = rte_ring_sc_dequeue_burst(x->ring, objs, PERF_XL_BURST, NULL);
		if (k == 0) {
			if (rte_atomic_load_explicit(&x->abort, rte_memory_order_acquire))
				return -ENOMEM;
			rte_pause();
			continue;
		}
		for (j = 0; j < k; j++)
			if (unlikely(*(uint64_t *)objs[j] != (uint64_t)got + j))
				ret = -EFAULT;
		t0 = rte_rdtsc();
		for (j = 0; j < k; j++)
			o->free(objs[j], x->size);
		acc += rte_rdtsc() - t0 - x->tsc_overhead;
		got += k;
	}
	x->cycles[1] = acc;
	return ret;
}

/* 7. mixed_sizes: replacements @p from to @p to - 1 of the sequence. */
static __rte_always_inline int
tpl_mixed(const struct perf_ops *o, struct perf_mix *m, unsigned int from, unsigned int to,
		uint64_t *cycles)
{
	uint64_t t0 = rte_rdtsc();
	unsigned int i, s;
	int ret = 0;
	void *p;

	for (i = from; i < to; i++) {
		s = m->slot[i];
		if (unlikely(*(uint32_t *)m->ws[s] != m->ws_tag[s]))
			ret = -EFAULT;
		o->free(m->ws[s], m->ws_size[s]);
		p = o->alloc_mixed != NULL ? o->alloc_mixed(m->size[i]) : o->alloc(m->size[i]);
		if (unlikely(p == NULL)) {
			m->ws[s] = NULL;
			return -ENOMEM;
		}
		*(uint32_t *)p = i;
		m->ws[s] = p;
		m->ws_size[s] = m->size[i];
		m->ws_tag[s] = i;
	}
	*cycles = rte_rdtsc() - t0;
	return ret;
}

/* The timed loops of one allocator, with its operations inlined. */
struct perf_loops {
	int (*hot)(size_t size, unsigned int iters, uint64_t *cycles);
	int (*batch)(size_t size, unsigned int n_batches, bool lifo, uint64_t *alloc_cycles,
			uint64_t *free_cycles);
	int (*mlcore)(unsigned int n, uint64_t *cycles);
	int (*mlcore_bulk)(unsigned int n, uint64_t *cycles);
	int (*xl_alloc)(struct perf_xl *x);
	int (*xl_free)(struct perf_xl *x);
	int (*mixed)(struct perf_mix *m, unsigned int from, unsigned int to, uint64_t *cycles);
};

/*
 * The timed loops are not aligned: where a loop falls in the lines the core fetches depends on
 * the code linked before it, which moved fastmem's hot pair between 4.9 and 5.6 cycles once
 * (PERFORMANCE.md). DPDK's checkpatches allows the alignment macros on struct and union types only.
 */
#define PERF_LOOPS(a) \
static int a##_hot(size_t size, unsigned int iters, uint64_t *cycles) \
{ return tpl_hot(&a##_ops, size, iters, cycles); } \
static int a##_batch(size_t size, unsigned int n_batches, bool lifo, \
		uint64_t *ca, uint64_t *cf) \
{ return tpl_batch(&a##_ops, size, n_batches, lifo, ca, cf); } \
static int a##_mlcore(unsigned int n, uint64_t *cycles) \
{ return tpl_mlcore(&a##_ops, n, 1, cycles); } \
static int a##_mlcore_bulk(unsigned int n, uint64_t *cycles) \
{ return tpl_mlcore(&a##_ops, n, PERF_ML_BULK, cycles); } \
static int a##_xl_alloc(struct perf_xl *x) \
{ return tpl_xl_alloc(&a##_ops, x); } \
static int a##_xl_free(struct perf_xl *x) \
{ return tpl_xl_free(&a##_ops, x); } \
static int a##_mixed(struct perf_mix *m, unsigned int from, unsigned int to, \
		uint64_t *c) \
{ return tpl_mixed(&a##_ops, m, from, to, c); }

#define PERF_LOOPS_ENTRY(a) { a##_hot, a##_batch, a##_mlcore, a##_mlcore_bulk, \
		a##_xl_alloc, a##_xl_free, a##_mixed }

struct perf_allocator {
	const struct perf_ops *ops;
	struct perf_loops loops;
};

PERF_LOOPS(fastmem)
PERF_LOOPS(fastmem_handle)
PERF_LOOPS(mempool)
PERF_LOOPS(rte_malloc)
PERF_LOOPS(libc)
PERF_LOOPS(baseline)

#define PERF_ALLOCATOR(a) { &a##_ops, PERF_LOOPS_ENTRY(a) }

/* The allocators compared, in table order; mempool is the reference of the ratios. */
static const struct perf_allocator perf_allocators[] = {
	PERF_ALLOCATOR(fastmem),
	PERF_ALLOCATOR(fastmem_handle),
	PERF_ALLOCATOR(mempool),
	PERF_ALLOCATOR(rte_malloc),
	PERF_ALLOCATOR(libc),
};
#define PERF_N_ALLOC RTE_DIM(perf_allocators)

static const struct perf_allocator perf_baseline = PERF_ALLOCATOR(baseline);

/* ---- results: tables and CSV ---- */

#define PERF_MAX_PARAMS 16

struct perf_table {
	const char *scenario;
	const char *title;
	const char *metric;
	unsigned int ref;        /* allocator the ratios are to */
	unsigned int n_params;
	char params[PERF_MAX_PARAMS][16];
	double val[PERF_N_ALLOC][PERF_MAX_PARAMS];
	bool have[PERF_N_ALLOC][PERF_MAX_PARAMS];
};

static FILE *perf_csv;
static uint64_t perf_hz;

/* Index of an allocator by name, PERF_N_ALLOC when there is none. */
static unsigned int
perf_alloc_idx(const char *name)
{
	unsigned int a;

	for (a = 0; a < PERF_N_ALLOC; a++)
		if (strcmp(perf_allocators[a].ops->name, name) == 0)
			return a;
	return PERF_N_ALLOC;
}

static unsigned int
perf_ref_idx(void)
{
	unsigned int a = perf_alloc_idx("mempool");

	return a < PERF_N_ALLOC ? a : 0;
}

/* Name of allocator a in the tables and the CSV. */
static const char *
perf_name(unsigned int a)
{
	const struct perf_ops *o = perf_allocators[a].ops;

	return o == &libc_ops ? perf_libc_name : o->name;
}

/* The allocators FASTMEM_PERF_ALLOCATORS names (all when it is unset). */
static bool perf_on[PERF_N_ALLOC];

static void
perf_select(void)
{
	const char *list = getenv("FASTMEM_PERF_ALLOCATORS");
	const char *name = getenv("FASTMEM_PERF_LIBC_NAME");
	unsigned int a;
	size_t len;
	const char *p;
	Dl_info dli;

	if (name != NULL && name[0] != '\0')
		perf_libc_name = name;
	/* Where malloc() comes from: glibc, or a preloaded allocator. */
	snprintf(perf_libc_from, sizeof(perf_libc_from), "unknown object");
	if (dladdr((void *)(uintptr_t)&malloc, &dli) != 0 && dli.dli_fname != NULL)
		snprintf(perf_libc_from, sizeof(perf_libc_from), "%s", dli.dli_fname);
	perf_libc_rss = !PERF_HAVE_MALLINFO2 || strstr(perf_libc_from, "/libc.so") == NULL;
	for (a = 0; a < PERF_N_ALLOC; a++) {
		const char *n = perf_allocators[a].ops->name;

		perf_on[a] = list == NULL || list[0] == '\0';
		len = strlen(n);
		for (p = list; p != NULL && !perf_on[a]; p = strchr(p, ',')) {
			if (*p == ',')
				p++;
			if (strncmp(p, n, len) == 0 && (p[len] == ',' || p[len] == '\0'))
				perf_on[a] = true;
		}
	}
}

/* Whether allocator a is measured in a table whose ratios are to allocator ref. */
static bool
perf_run(unsigned int a, unsigned int ref)
{
	return perf_on[a] || a == ref;
}

static void
perf_table_init(struct perf_table *t, const char *scenario, const char *title,
		const char *metric)
{
	memset(t, 0, sizeof(*t));
	t->scenario = scenario;
	t->title = title;
	t->metric = metric;
	t->ref = perf_ref_idx();
}

static void
perf_table_param(struct perf_table *t, const char *label, uint64_t v)
{
	if (label != NULL)
		snprintf(t->params[t->n_params], sizeof(t->params[0]), "%s", label);
	else
		snprintf(t->params[t->n_params], sizeof(t->params[0]), "%" PRIu64, v);
	t->n_params++;
}

static void
perf_table_set(struct perf_table *t, unsigned int a, unsigned int p, double v)
{
	t->val[a][p] = v;
	t->have[a][p] = true;
}

/* Keep the smaller of v and the value already set: the best of the rounds. */
static void
perf_table_min(struct perf_table *t, unsigned int a, unsigned int p, double v)
{
	if (!t->have[a][p] || v < t->val[a][p])
		perf_table_set(t, a, p, v);
}

/*
 * Print the table (allocators down, parameters across, each with its ratio to the table's
 * reference) and CSV rows; allocators without any value are left out.
 */
static void
perf_table_print(const struct perf_table *t, const char *extra_name, const double *extra)
{
	unsigned int a, p, ref = t->ref;
	bool any;
	char buf[32];

	printf("\n%s: %s\n", t->scenario, t->title);
	printf("%-16s", "");
	for (p = 0; p < t->n_params; p++)
		printf(" %16s", t->params[p]);
	printf("\n%-16s", "allocator");
	for (p = 0; p < t->n_params; p++)
		printf(" %9s %6s", "value", ref == perf_ref_idx() ? "/mp" : "/ref");
	printf("\n");
	for (a = 0; a < PERF_N_ALLOC; a++) {
		any = false;
		for (p = 0; p < t->n_params; p++)
			any |= t->have[a][p];
		if (!any)
			continue;
		printf("%-16s", perf_name(a));
		for (p = 0; p < t->n_params; p++) {
			if (!t->have[a][p]) {
				printf(" %9s %6s", "-", "-");
				continue;
			}
			if (t->have[ref][p] && t->val[ref][p] > 0)
				snprintf(buf, sizeof(buf), "%.3f", t->val[a][p] / t->val[ref][p]);
			else
				buf[0] = '\0';
			if (perf_csv != NULL)
				fprintf(perf_csv, "%s,%s,%s,%s,%.3f,%s\n", t->scenario,
						t->params[p], perf_name(a), t->metric,
						t->val[a][p], buf);
			if (buf[0] != '\0')
				snprintf(buf, sizeof(buf), "%.2f", t->val[a][p] / t->val[ref][p]);
			else
				snprintf(buf, sizeof(buf), "-");
			printf(" %9.1f %6s", t->val[a][p], buf);
		}
		printf("\n");
	}
	if (extra != NULL) {
		printf("%-16s", extra_name);
		for (p = 0; p < t->n_params; p++)
			printf(" %9.1f %6s", extra[p], "");
		printf("\n");
	}
	fflush(stdout);
}

/* ---- helpers ---- */

static uint64_t
perf_tsc_overhead(void)
{
	uint64_t t0, d, best = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		t0 = rte_rdtsc();
		d = rte_rdtsc() - t0;
		if (d < best)
			best = d;
	}
	return best;
}

/* Iterations for one repetition of @p div-th of a second, from a calibration run. */
static unsigned int
perf_iters(uint64_t cycles, unsigned int calib_iters, unsigned int div, unsigned int min,
		unsigned int max)
{
	uint64_t per = cycles / calib_iters + 1;
	uint64_t n = perf_hz / div / per;

	return (unsigned int)RTE_MAX(RTE_MIN(n, (uint64_t)max), (uint64_t)min);
}

/* Allocate objects one by one and in bulk, fill them, check them, free them. */
static int
perf_verify(const struct perf_allocator *al, size_t size)
{
	const struct perf_ops *o = al->ops;
	void *objs[PERF_BATCH];
	unsigned int i, j;
	int ret = 0;

	for (i = 0; i < PERF_BATCH; i++) {
		objs[i] = o->alloc(size);
		if (objs[i] == NULL) {
			printf("%s: allocation of %zu B failed\n", o->name, size);
			while (i-- > 0)
				o->free(objs[i], size);
			return -ENOMEM;
		}
		memset(objs[i], i & 0xff, size);
	}
	for (i = 0; i < PERF_BATCH && ret == 0; i++)
		for (j = 0; j < size; j++)
			if (((uint8_t *)objs[i])[j] != (i & 0xff)) {
				printf("%s: object %u of %zu B corrupted at byte %u\n", o->name,
						i, size, j);
				ret = -EFAULT;
				break;
			}
	for (i = 0; i < PERF_BATCH; i++)
		o->free(objs[i], size);
	if (ret != 0)
		return ret;
	if (o->alloc_bulk(objs, PERF_ML_BULK, size) != 0) {
		printf("%s: bulk allocation of %u x %zu B failed\n", o->name, PERF_ML_BULK, size);
		return -ENOMEM;
	}
	for (i = 0; i < PERF_ML_BULK; i++)
		memset(objs[i], 0x5a, size);
	o->free_bulk(objs, PERF_ML_BULK, size);
	return 0;
}

/* Run fn(arg) on lcore 0 (the main lcore) and the first n - 1 workers, together. */
struct perf_mt {
	unsigned int n;
	RTE_ATOMIC(uint32_t) ready;
	int (*fn)(struct perf_mt *mt, unsigned int idx);
	const struct perf_allocator *al;
	unsigned int iters;
	bool bulk;
	struct perf_xl *xl;
	uint64_t cycles[RTE_MAX_LCORE];
	int ret[RTE_MAX_LCORE];
};

struct perf_mt_arg {
	struct perf_mt *mt;
	unsigned int idx;
};

static int
perf_mt_entry(void *arg)
{
	struct perf_mt_arg *ma = arg;
	struct perf_mt *mt = ma->mt;

	rte_atomic_fetch_add_explicit(&mt->ready, 1, rte_memory_order_acq_rel);
	while (rte_atomic_load_explicit(&mt->ready, rte_memory_order_acquire) < mt->n)
		rte_pause();
	mt->ret[ma->idx] = mt->fn(mt, ma->idx);
	return 0;
}

static int
perf_mt_run(struct perf_mt *mt)
{
	static struct perf_mt_arg args[RTE_MAX_LCORE];
	unsigned int lcore, i = 1;
	int ret = 0;

	rte_atomic_store_explicit(&mt->ready, 0, rte_memory_order_relaxed);
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i >= mt->n)
			break;
		args[i].mt = mt;
		args[i].idx = i;
		if (rte_eal_remote_launch(perf_mt_entry, &args[i], lcore) != 0) {
			printf("cannot launch on lcore %u\n", lcore);
			return -EBUSY;
		}
		i++;
	}
	args[0].mt = mt;
	args[0].idx = 0;
	perf_mt_entry(&args[0]);
	rte_eal_mp_wait_lcore();
	for (i = 0; i < mt->n; i++)
		if (mt->ret[i] != 0)
			ret = mt->ret[i];
	return ret;
}

static int
perf_flush_one(struct perf_mt *mt, unsigned int idx)
{
	RTE_SET_USED(mt);
	RTE_SET_USED(idx);
	rte_fastmem_cache_flush();
	return 0;
}

/* Give every lcore's fastmem cache back, so that scenarios start from the same state. */
static void
perf_flush_all(void)
{
	static struct perf_mt mt;

	memset(&mt, 0, sizeof(mt));
	mt.n = rte_lcore_count();
	mt.fn = perf_flush_one;
	perf_mt_run(&mt);
}

static int
perf_setup(const struct perf_allocator *al, size_t size)
{
	int ret = al->ops->setup(size);

	if (ret != 0)
		printf("%s: setup for size %zu failed: %d\n", al->ops->name, size, ret);
	return ret;
}

/* ---- scenarios ---- */

/* One round of hot for allocator a: every size, PERF_ROUND_REPS repetitions each. */
static int
perf_hot_round(struct perf_table *t, unsigned int a)
{
	const struct perf_allocator *al = &perf_allocators[a];
	unsigned int s, r, iters;
	uint64_t c = 0, best;
	int ret = 0;

	for (s = 0; s < PERF_N_SIZES && ret == 0; s++) {
		size_t size = perf_sizes[s];

		ret = perf_setup(al, size);
		if (ret != 0)
			break;
		ret = perf_verify(al, size);
		if (ret == 0)
			ret = al->loops.hot(size, 1000, &c);
		iters = perf_iters(c, 1000, PERF_TARGET_DIV, 1000, 1u << 22);
		best = UINT64_MAX;
		for (r = 0; r < PERF_ROUND_REPS && ret == 0; r++) {
			ret = al->loops.hot(size, iters, &c);
			best = RTE_MIN(best, c);
		}
		if (ret == 0)
			perf_table_min(t, a, s, (double)best / iters);
		else
			printf("%s: hot %zu B failed: %d\n", perf_name(a), size, ret);
		al->ops->teardown();
	}
	return ret;
}

/* 1. hot */
static int
perf_hot(void)
{
	struct perf_table t;
	unsigned int a, s, round;
	int ret = 0;

	perf_table_init(&t, "hot", "alloc + free of one object, TSC cycles per pair",
			"cycles_per_op");
	for (s = 0; s < PERF_N_SIZES; s++)
		perf_table_param(&t, NULL, perf_sizes[s]);
	for (round = 0; round < PERF_ROUNDS && ret == 0; round++)
		for (a = 0; a < PERF_N_ALLOC && ret == 0; a++)
			if (perf_run(a, t.ref))
				ret = perf_hot_round(&t, a);
	if (ret == 0)
		perf_table_print(&t, NULL, NULL);
	return ret;
}

/* Cycles per object of @p nb batches that took @p cycles, less one TSC read per batch. */
static double
perf_batch_cycles(uint64_t cycles, unsigned int nb, uint64_t tsc_overhead)
{
	uint64_t over = (uint64_t)nb * tsc_overhead;

	return (double)(cycles > over ? cycles - over : 0) / ((double)nb * PERF_BATCH);
}

/* One round of a batch scenario for allocator a: every size, PERF_ROUND_REPS repetitions. */
static int
perf_batch_round(struct perf_table *ta, struct perf_table *tf, unsigned int a, bool lifo,
		uint64_t tsc_overhead)
{
	const struct perf_allocator *al = &perf_allocators[a];
	uint64_t ca = 0, cf = 0, best_a, best_f;
	unsigned int s, r, nb;
	int ret = 0;

	for (s = 0; s < PERF_N_SIZES && ret == 0; s++) {
		size_t size = perf_sizes[s];

		ret = perf_setup(al, size);
		if (ret != 0)
			break;
		ret = al->loops.batch(size, 8, lifo, &ca, &cf);
		nb = perf_iters(ca + cf, 8 * PERF_BATCH, PERF_TARGET_DIV, 1000,
				1u << 22) / PERF_BATCH + 1;
		best_a = best_f = UINT64_MAX;
		for (r = 0; r < PERF_ROUND_REPS && ret == 0; r++) {
			ret = al->loops.batch(size, nb, lifo, &ca, &cf);
			best_a = RTE_MIN(best_a, ca);
			best_f = RTE_MIN(best_f, cf);
		}
		if (ret == 0) {
			/* Each batch's two intervals include a read of the TSC each. */
			perf_table_min(ta, a, s, perf_batch_cycles(best_a, nb, tsc_overhead));
			perf_table_min(tf, a, s, perf_batch_cycles(best_f, nb, tsc_overhead));
		} else {
			printf("%s: batch %zu B failed: %d\n", perf_name(a), size, ret);
		}
		al->ops->teardown();
	}
	return ret;
}

/* 2, 3. batch_fifo_* and batch_lifo_* */
static int
perf_batch(bool lifo)
{
	struct perf_table ta, tf;
	unsigned int a, s, round;
	uint64_t tsc_overhead = perf_tsc_overhead();
	int ret = 0;

	perf_table_init(&ta, lifo ? "batch_lifo_alloc" : "batch_fifo_alloc",
			"allocate 256 objects, TSC cycles per allocation", "cycles_per_op");
	perf_table_init(&tf, lifo ? "batch_lifo_free" : "batch_fifo_free",
			lifo ? "free the 256 in reverse order, TSC cycles per free" :
			"free the 256 in allocation order, TSC cycles per free",
			"cycles_per_op");
	for (s = 0; s < PERF_N_SIZES; s++) {
		perf_table_param(&ta, NULL, perf_sizes[s]);
		perf_table_param(&tf, NULL, perf_sizes[s]);
	}
	for (round = 0; round < PERF_ROUNDS && ret == 0; round++)
		for (a = 0; a < PERF_N_ALLOC && ret == 0; a++)
			if (perf_run(a, ta.ref))
				ret = perf_batch_round(&ta, &tf, a, lifo, tsc_overhead);
	if (ret == 0) {
		perf_table_print(&ta, NULL, NULL);
		perf_table_print(&tf, NULL, NULL);
	}
	return ret;
}

static int
perf_ml_one(struct perf_mt *mt, unsigned int idx)
{
	const struct perf_loops *l = &mt->al->loops;

	return (mt->bulk ? l->mlcore_bulk : l->mlcore)(mt->iters, &mt->cycles[idx]);
}

/*
 * Mean cycles per object over the lcores of the best of reps runs, or of what *per_obj already
 * holds (the best of earlier rounds).
 */
static int
perf_ml_measure(struct perf_mt *mt, const struct perf_allocator *al, unsigned int n_lcores,
		bool bulk, unsigned int reps, double *per_obj)
{
	uint64_t target = perf_hz / PERF_MT_TARGET_DIV;
	uint64_t sum, t0, elapsed;
	unsigned int r, i, n;
	double best = *per_obj;
	int ret;

	mt->n = n_lcores;
	mt->fn = perf_ml_one;
	mt->al = al;
	mt->bulk = bulk;
	for (r = 0; r < reps; r++) {
		t0 = rte_rdtsc();
		ret = perf_mt_run(mt);
		elapsed = rte_rdtsc() - t0;
		if (ret != 0)
			return ret;
		sum = 0;
		for (i = 0; i < n_lcores; i++)
			sum += mt->cycles[i];
		best = RTE_MIN(best, (double)sum / n_lcores / mt->iters);
		/*
		 * The iterations come from a single-lcore calibration: where many lcores
		 * contend (a lock), shorten the next repetitions back to about the target.
		 */
		if (elapsed > 4 * target && mt->iters > 1024) {
			n = (unsigned int)(mt->iters * target / elapsed);
			mt->iters = RTE_ALIGN_CEIL(RTE_MAX(1024u, n), PERF_ML_BULK);
		}
	}
	*per_obj = best;
	return 0;
}

/*
 * 4, 5. mlcore and mlcore_bulk. The allocators are measured in PERF_ROUNDS rounds, each
 * allocator at each lcore count once a round, and each keeps its best: a machine busy for a
 * while (a shared virtual machine) then slows a round of every allocator, not all the runs of
 * one. The baseline is measured again before each allocator at each lcore count, and its
 * minimum is subtracted: the minimum over more runs is the best estimate of the loop without
 * allocation (and keeps machine noise from turning into negative costs).
 */
static int
perf_mlcore(bool bulk)
{
	static struct perf_mt mt;
	unsigned int counts[PERF_MAX_PARAMS], n_counts = 0, n, a, p, r, base_iters;
	unsigned int iters[PERF_N_ALLOC][PERF_MAX_PARAMS];
	double base[PERF_MAX_PARAMS], raw[PERF_N_ALLOC][PERF_MAX_PARAMS];
	unsigned int lcores = rte_lcore_count();
	unsigned int reps = (PERF_MT_REPS + PERF_ROUNDS - 1) / PERF_ROUNDS;
	bool set_up[PERF_N_ALLOC] = { false };
	struct perf_table t;
	uint64_t c = 0;
	int ret = 0;

	perf_table_init(&t, bulk ? "mlcore_bulk" : "mlcore", bulk ?
			"every lcore allocates 8 x 256 B in bulk, touches, frees in bulk; "
			"TSC cycles per object above the baseline, by lcore count" :
			"every lcore allocates 256 B, touches it, frees it; "
			"TSC cycles per object above the baseline, by lcore count",
			"cycles_per_op");
	for (n = 1; n < lcores && n_counts < PERF_MAX_PARAMS - 1; n *= 2)
		counts[n_counts++] = n;
	counts[n_counts++] = lcores;
	for (p = 0; p < n_counts; p++) {
		perf_table_param(&t, NULL, counts[p]);
		base[p] = 1e30;
		for (a = 0; a < PERF_N_ALLOC; a++)
			raw[a][p] = 1e30;
	}

	/* Iterations from single-lcore calibrations of the baseline and of each allocator. */
	memset(&mt, 0, sizeof(mt));
	ret = (bulk ? perf_baseline.loops.mlcore_bulk : perf_baseline.loops.mlcore)(1024, &c);
	base_iters = perf_iters(c, 1024, PERF_MT_TARGET_DIV, 1024, 1u << 22);
	base_iters = RTE_ALIGN_CEIL(base_iters, PERF_ML_BULK);
	for (a = 0; a < PERF_N_ALLOC && ret == 0; a++) {
		const struct perf_allocator *al = &perf_allocators[a];

		if (!perf_run(a, t.ref))
			continue;
		ret = perf_setup(al, PERF_ML_SIZE);
		if (ret != 0)
			break;
		set_up[a] = true;
		ret = (bulk ? al->loops.mlcore_bulk : al->loops.mlcore)(1024, &c);
		n = perf_iters(c, 1024, PERF_MT_TARGET_DIV, 1024, 1u << 22);
		for (p = 0; p < n_counts; p++)
			iters[a][p] = RTE_ALIGN_CEIL(n, PERF_ML_BULK);
	}
	for (r = 0; r < PERF_ROUNDS && ret == 0; r++) {
		for (a = 0; a < PERF_N_ALLOC && ret == 0; a++) {
			const struct perf_allocator *al = &perf_allocators[a];

			if (!set_up[a])
				continue;
			for (p = 0; p < n_counts && ret == 0; p++) {
				mt.iters = base_iters;
				ret = perf_ml_measure(&mt, &perf_baseline, counts[p], bulk, reps,
						&base[p]);
				if (ret != 0)
					break;
				mt.iters = iters[a][p];
				ret = perf_ml_measure(&mt, al, counts[p], bulk, reps, &raw[a][p]);
				/* Shortened where lcores contend: so for the next rounds. */
				iters[a][p] = mt.iters;
			}
			if (ret != 0)
				printf("%s: %s failed: %d\n", perf_name(a), t.scenario, ret);
		}
	}
	for (a = 0; a < PERF_N_ALLOC; a++) {
		if (!set_up[a])
			continue;
		perf_allocators[a].ops->teardown();
		perf_flush_all();
	}
	if (ret != 0)
		return ret;
	for (a = 0; a < PERF_N_ALLOC; a++)
		for (p = 0; p < n_counts && perf_run(a, t.ref); p++)
			perf_table_set(&t, a, p, raw[a][p] - base[p]);
	perf_table_print(&t, "(baseline)", base);
	return 0;
}

static int
perf_xl_side(struct perf_mt *mt, unsigned int idx)
{
	const struct perf_loops *l = &mt->al->loops;
	struct perf_xl *x = &mt->xl[idx / 2];

	return idx % 2 == 0 ? l->xl_alloc(x) : l->xl_free(x);
}

/*
 * 6. cross_lcore, by pairs of lcores: lcores 2k and 2k + 1 (in the order of perf_mt_run) are
 * a pair with a ring of their own. Per side, the mean over the pairs of the cycles per object;
 * the best of PERF_MT_REPS runs after a warm-up that sizes them to about 10 ms.
 */
static int
perf_cross_lcore(void)
{
	static struct perf_mt mt;
	static struct perf_xl xl[RTE_MAX_LCORE / 2];
	unsigned int counts[PERF_MAX_PARAMS], n_counts = 0, pairs = rte_lcore_count() / 2;
	struct perf_table ta, tf;
	double best[2], sum[2];
	unsigned int a, p, k, r, n;
	uint64_t t0, tsc_overhead;
	char name[RTE_RING_NAMESIZE];
	int ret = 0;

	perf_table_init(&ta, "cross_lcore_alloc",
			"in each pair of lcores, A allocates 256 B objects and passes them "
			"through a ring to B, which frees them; TSC cycles per object on "
			"the allocating side, by pairs of lcores", "cycles_per_op");
	perf_table_init(&tf, "cross_lcore_free",
			"the same, TSC cycles per object on the freeing side, by pairs of lcores",
			"cycles_per_op");
	if (pairs < 1) {
		printf("\ncross_lcore: skipped, needs 2 lcores\n");
		return 0;
	}
	for (k = 1; k < pairs && n_counts < PERF_MAX_PARAMS - 1; k *= 2)
		counts[n_counts++] = k;
	counts[n_counts++] = pairs;
	for (p = 0; p < n_counts; p++) {
		perf_table_param(&ta, NULL, counts[p]);
		perf_table_param(&tf, NULL, counts[p]);
	}

	memset(xl, 0, sizeof(xl));
	tsc_overhead = perf_tsc_overhead();
	for (k = 0; k < pairs; k++) {
		snprintf(name, sizeof(name), "fmperf_xl%u", k);
		xl[k].ring = rte_ring_create(name, PERF_XL_RING, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (xl[k].ring == NULL) {
			printf("cross_lcore: cannot create a ring: %s\n",
					rte_strerror(rte_errno));
			ret = -ENOMEM;
			goto out;
		}
		xl[k].size = PERF_ML_SIZE;
		xl[k].tsc_overhead = tsc_overhead;
	}
	memset(&mt, 0, sizeof(mt));
	mt.fn = perf_xl_side;
	mt.xl = xl;
	for (a = 0; a < PERF_N_ALLOC && ret == 0; a++) {
		const struct perf_allocator *al = &perf_allocators[a];

		if (!perf_run(a, ta.ref))
			continue;
		ret = perf_setup(al, PERF_ML_SIZE);
		if (ret != 0)
			break;
		mt.al = al;
		for (p = 0; p < n_counts && ret == 0; p++) {
			mt.n = 2 * counts[p];
			n = PERF_XL_OBJS_MIN;
			best[0] = best[1] = 1e30;
			for (r = 0; r <= PERF_MT_REPS && ret == 0; r++) {
				for (k = 0; k < counts[p]; k++) {
					xl[k].n = n;
					rte_atomic_store_explicit(&xl[k].abort, 0,
							rte_memory_order_relaxed);
				}
				t0 = rte_rdtsc();
				ret = perf_mt_run(&mt);
				if (r == 0) {
					n = perf_iters(rte_rdtsc() - t0, PERF_XL_OBJS_MIN, 100,
							PERF_XL_OBJS_MIN, PERF_XL_OBJS_MAX);
					continue;
				}
				sum[0] = sum[1] = 0;
				for (k = 0; k < counts[p]; k++) {
					sum[0] += (double)xl[k].cycles[0] / n;
					sum[1] += (double)xl[k].cycles[1] / n;
				}
				best[0] = RTE_MIN(best[0], sum[0] / counts[p]);
				best[1] = RTE_MIN(best[1], sum[1] / counts[p]);
			}
			if (ret == 0) {
				perf_table_set(&ta, a, p, best[0]);
				perf_table_set(&tf, a, p, best[1]);
			}
		}
		if (ret != 0)
			printf("%s: cross_lcore failed: %d\n", perf_name(a), ret);
		al->ops->teardown();
		perf_flush_all();
	}
	if (ret == 0) {
		perf_table_print(&ta, NULL, NULL);
		perf_table_print(&tf, NULL, NULL);
	}
out:
	for (k = 0; k < pairs; k++)
		rte_ring_free(xl[k].ring);
	return ret;
}

static uint64_t
perf_xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * A size between 16 B and 4 KiB: a power-of-two range chosen uniformly, then a size uniformly
 * inside it, so that every range holds about as many objects (small objects are frequent,
 * large ones hold most of the bytes).
 */
static uint16_t
perf_mix_size(uint64_t *s)
{
	unsigned int e = PERF_MIX_MIN_SHIFT +
		perf_xorshift(s) % (PERF_MIX_MAX_SHIFT - PERF_MIX_MIN_SHIFT);

	return (uint16_t)((1u << e) + perf_xorshift(s) % ((1u << e) + 1));
}

static void
perf_mix_free(struct perf_mix *m)
{
	free(m->slot);
	free(m->size);
	free(m->init_size);
	free(m->ws);
	free(m->ws_size);
	free(m->ws_tag);
	memset(m, 0, sizeof(*m));
}

/* Generate the sequence, and the peak of live objects of each pool's sizes. */
static int
perf_mix_init(struct perf_mix *m, unsigned int n_ws)
{
	unsigned int live[PERF_MIX_POOLS] = { 0 };
	uint64_t seed = PERF_MIX_SEED;
	unsigned int i, k;
	uint16_t *cur;

	memset(m, 0, sizeof(*m));
	m->n_ws = n_ws;
	m->slot = malloc(PERF_MIX_OPS * sizeof(*m->slot));
	m->size = malloc(PERF_MIX_OPS * sizeof(*m->size));
	m->init_size = malloc(n_ws * sizeof(*m->init_size));
	m->ws = calloc(n_ws, sizeof(*m->ws));
	m->ws_size = malloc(n_ws * sizeof(*m->ws_size));
	m->ws_tag = malloc(n_ws * sizeof(*m->ws_tag));
	cur = malloc(n_ws * sizeof(*cur));
	if (m->slot == NULL || m->size == NULL || m->init_size == NULL || m->ws == NULL ||
			m->ws_size == NULL || m->ws_tag == NULL || cur == NULL) {
		free(cur);
		perf_mix_free(m);
		return -ENOMEM;
	}
	/* Resident now, not while a footprint measured from the RSS runs. */
	memset(m->ws, 0, n_ws * sizeof(*m->ws));
	memset(m->ws_size, 0, n_ws * sizeof(*m->ws_size));
	memset(m->ws_tag, 0, n_ws * sizeof(*m->ws_tag));
	memset(perf_mix_peak, 0, sizeof(perf_mix_peak));
	for (i = 0; i < n_ws; i++) {
		m->init_size[i] = cur[i] = perf_mix_size(&seed);
		k = perf_pow2_idx(cur[i]);
		perf_mix_peak[k] = RTE_MAX(perf_mix_peak[k], ++live[k]);
	}
	for (i = 0; i < PERF_MIX_OPS; i++) {
		m->slot[i] = perf_xorshift(&seed) % n_ws;
		m->size[i] = perf_mix_size(&seed);
		live[perf_pow2_idx(cur[m->slot[i]])]--;
		cur[m->slot[i]] = m->size[i];
		k = perf_pow2_idx(m->size[i]);
		perf_mix_peak[k] = RTE_MAX(perf_mix_peak[k], ++live[k]);
	}
	free(cur);
	return 0;
}

/* Free the live objects of the working set. */
static void
perf_mix_release(const struct perf_allocator *al, struct perf_mix *m)
{
	unsigned int s;

	for (s = 0; s < m->n_ws; s++) {
		if (m->ws[s] != NULL)
			al->ops->free(m->ws[s], m->ws_size[s]);
		m->ws[s] = NULL;
	}
}

/*
 * Run allocator a on a working set: fill it, run reps timed chunks of replacements (the best
 * chunk in *best), then read the bytes requested and held. Returns 0, -EFAULT when an object
 * was corrupted, another negative errno on failure; *held is 0 when the allocator has no
 * footprint reading.
 */
static int
perf_mix_run(const struct perf_allocator *al, struct perf_mix *m, unsigned int reps,
		uint64_t *best, uint64_t *req, uint64_t *held, uint64_t *held_before)
{
	const struct perf_ops *o = al->ops;
	uint64_t c, before = 0, after;
	unsigned int s, r;
	int ret = 0, kind;

	*best = UINT64_MAX;
	*req = 0;
	*held = 0;
	kind = o->footprint(&before);
	*held_before = before;
	for (s = 0; s < m->n_ws; s++) {
		m->ws[s] = o->alloc_mixed != NULL ? o->alloc_mixed(m->init_size[s]) :
			o->alloc(m->init_size[s]);
		if (m->ws[s] == NULL) {
			printf("%s: mixed_sizes: allocation failed\n", o->name);
			return -ENOMEM;
		}
		m->ws_size[s] = m->init_size[s];
		m->ws_tag[s] = UINT32_MAX - s;
		*(uint32_t *)m->ws[s] = m->ws_tag[s];
	}
	for (r = 0; r < reps && ret == 0; r++) {
		ret = al->loops.mixed(m, r * PERF_MIX_CHUNK, (r + 1) * PERF_MIX_CHUNK, &c);
		*best = RTE_MIN(*best, c);
	}
	if (ret != 0)
		return ret;
	for (s = 0; s < m->n_ws; s++)
		*req += m->ws_size[s];
	if (kind >= 0 && o->footprint(&after) >= 0)
		*held = kind == 0 ? (after > before ? after - before : 0) : after;
	return 0;
}

/*
 * 7, 8. mixed_sizes and footprint: the small working set timed, then the large one for its
 * footprint only (one chunk of replacements; mempool is left out: pools for each power of two
 * sized to their peaks would not fit in the memory the benchmark runs with).
 */
static int
perf_mixed(void)
{
	static const unsigned int n_ws[2] = { PERF_MIX_WS, PERF_MIX_WS_LARGE };
	struct perf_table t, tfp;
	struct perf_mix m;
	struct rte_fastmem_stats fst;
	double req[2][PERF_N_ALLOC], held[2][PERF_N_ALLOC];
	uint64_t best, rq, hd, before, fm_before = 0, fm_backing = 0;
	unsigned int a, w, i, rounds;
	int ret = 0;

	perf_table_init(&t, "mixed_sizes", "working set of 8192 live objects of 16 B to 4 KiB "
			"(fixed seed), replaced at random; TSC cycles per free + alloc",
			"cycles_per_op");
	perf_table_param(&t, "16-4096", 0);
	perf_table_init(&tfp, "footprint", "bytes the allocator holds for the live working "
			"set of mixed_sizes / bytes requested, with 8192 and 360000 live objects",
			"footprint_ratio");
	perf_table_param(&tfp, "8192", 0);
	perf_table_param(&tfp, "360000", 0);
	memset(held, 0, sizeof(held));
	memset(req, 0, sizeof(req));
	for (w = 0; w < RTE_DIM(n_ws) && ret == 0; w++) {
		ret = perf_mix_init(&m, n_ws[w]);
		if (ret != 0) {
			printf("mixed_sizes: out of memory for the sequence\n");
			return ret;
		}
		/*
		 * The timed working set in PERF_ROUNDS rounds over the allocators, each keeping its
		 * best; the footprint is the first round's, after the whole sequence.
		 */
		rounds = w == 0 ? PERF_ROUNDS : 1;
		for (i = 0; i < rounds * PERF_N_ALLOC && ret == 0; i++) {
			const struct perf_allocator *al = &perf_allocators[i % PERF_N_ALLOC];
			const struct perf_ops *o = al->ops;

			a = i % PERF_N_ALLOC;
			if (!perf_run(a, t.ref))
				continue;
			if (w == 1 && o == &mempool_ops)
				continue;
			perf_flush_all();
			ret = perf_setup(al, PERF_MIXED);
			if (ret != 0)
				break;
			ret = perf_mix_run(al, &m, w == 0 ? PERF_REPS : 1, &best, &rq, &hd,
					&before);
			if (ret == 0 && w == 0)
				perf_table_min(&t, a, 0, (double)best / PERF_MIX_CHUNK);
			if (ret == 0 && i < PERF_N_ALLOC) {
				req[w][a] = rq;
				held[w][a] = hd;
				if (hd != 0)
					perf_table_set(&tfp, a, w, (double)hd / rq);
				if (o == &fastmem_ops && w == 0 && rte_fastmem_stats(&fst) == 0) {
					fm_before = before;
					fm_backing = fst.bytes_backing;
				}
			} else if (ret == -EFAULT) {
				printf("%s: mixed_sizes: object contents corrupted\n", o->name);
			} else if (ret != 0) {
				printf("%s: mixed_sizes failed: %d\n", o->name, ret);
			}
			perf_mix_release(al, &m);
			o->teardown();
		}
		perf_mix_free(&m);
	}
	if (ret != 0)
		return ret;
	perf_table_print(&t, NULL, NULL);
	perf_table_print(&tfp, NULL, NULL);
	printf("%-16s %13s %13s %13s %13s\n", "allocator", "requested MiB", "held MiB",
			"large: req.", "large: held");
	for (a = 0; a < PERF_N_ALLOC; a++)
		if (perf_run(a, t.ref))
			printf("%-16s %13.2f %13.2f %13.2f %13.2f\n", perf_name(a),
					req[0][a] / 1048576.0, held[0][a] / 1048576.0,
					req[1][a] / 1048576.0, held[1][a] / 1048576.0);
	printf("(held: fastmem, the pages and slabs of its size classes, free slots included; "
			"mempool, the pools; rte_malloc, heap bytes allocated, its free space not "
			"counted; %s, %s)\n", perf_libc_name,
			perf_libc_rss ? "growth of the process's resident memory (RSS, "
			"/proc/self/statm) while the working set is built: what the allocator "
			"touches, not what it reuses of memory kept from before" :
			"mallinfo2 bytes in use, free chunks not counted");
	if (perf_run(perf_alloc_idx("fastmem"), t.ref))
		printf("(fastmem: %.1f MiB in pages and slabs of size classes before the "
				"working set; %.1f MiB of memzones reserved in all)\n",
				fm_before / 1048576.0, fm_backing / 1048576.0);
	return 0;
}

/*
 * large: alloc + free of one object above the largest class, fastmem (a memzone per object,
 * kept idle when freed and reused by the next allocation) against rte_malloc and libc malloc
 * (mempool cannot hold such objects). One byte per 4 KiB page is written, so that libc's
 * fresh mmap() pays its page faults as an application's would; EAL's memory is faulted in
 * already. rte_free() zeroes what it frees: the (memset) row is what zeroing the size costs
 * alone.
 */
static void *
perf_large_alloc(unsigned int which, size_t size)
{
	switch (which) {
	case 0:
		return rte_fastmem_alloc(size, 0, 0);
	case 1:
		return rte_malloc(NULL, size, 0);
	default:
		return malloc(size);
	}
}

static void
perf_large_free(unsigned int which, void *p)
{
	switch (which) {
	case 0:
		rte_fastmem_free(p);
		break;
	case 1:
		rte_free(p);
		break;
	default:
		free(p);
	}
}

/* Cycles per alloc + touch + free pair (which < 3), or per memset of size (which 3). */
static int
perf_large_measure(unsigned int which, size_t size, double *cycles)
{
	unsigned int n = RTE_MAX(PERF_LARGE_BYTES / size, 4u), i, r;
	uint64_t t0, best = UINT64_MAX;
	size_t off;
	void *p, *buf = NULL;

	if (which == 3) {
		buf = rte_malloc(NULL, size, 0);
		if (buf == NULL)
			return -ENOMEM;
	}
	for (r = 0; r < PERF_LARGE_REPS; r++) {
		t0 = rte_rdtsc();
		for (i = 0; i < n; i++) {
			if (which == 3) {
				memset(buf, 0, size);
				perf_use(buf);
				continue;
			}
			p = perf_large_alloc(which, size);
			if (p == NULL) {
				printf("large: allocation of %zu B failed\n", size);
				return -ENOMEM;
			}
			for (off = 0; off < size; off += 4096)
				((volatile uint8_t *)p)[off] = 1;
			perf_large_free(which, p);
		}
		best = RTE_MIN(best, rte_rdtsc() - t0);
	}
	rte_free(buf);
	*cycles = (double)best / n;
	return 0;
}

static int
perf_large(void)
{
	static const char * const names[] = { "fastmem", "rte_malloc", "libc" };
	double v, zero[PERF_LARGE_N_SIZES];
	struct perf_table t;
	unsigned int a, k, s;
	int ret = 0;

	perf_table_init(&t, "large", "alloc + free of one large object (one byte written per "
			"4 KiB), TSC cycles per pair; \"/ref\" is the ratio to rte_malloc "
			"(mempool cannot hold such objects)", "cycles_per_op");
	t.ref = perf_alloc_idx("rte_malloc");
	if (t.ref >= PERF_N_ALLOC)
		t.ref = perf_ref_idx();
	for (s = 0; s < PERF_LARGE_N_SIZES; s++)
		perf_table_param(&t, NULL, perf_large_sizes[s]);
	for (k = 0; k < RTE_DIM(names) && ret == 0; k++) {
		a = perf_alloc_idx(names[k]);
		if (a >= PERF_N_ALLOC || !perf_run(a, t.ref))
			continue;
		for (s = 0; s < PERF_LARGE_N_SIZES && ret == 0; s++) {
			ret = perf_large_measure(k, perf_large_sizes[s], &v);
			if (ret == 0)
				perf_table_set(&t, a, s, v);
		}
	}
	for (s = 0; s < PERF_LARGE_N_SIZES && ret == 0; s++)
		ret = perf_large_measure(3, perf_large_sizes[s], &zero[s]);
	if (ret != 0)
		return ret;
	perf_table_print(&t, "(memset)", zero);
	a = perf_alloc_idx("fastmem");
	k = perf_alloc_idx("rte_malloc");
	for (s = 0; a < PERF_N_ALLOC && k < PERF_N_ALLOC && s < PERF_LARGE_N_SIZES &&
			t.have[a][s] && t.have[k][s]; s++)
		printf("large %zu MiB: fastmem / rte_malloc %.2f, zeroing / rte_malloc %.2f\n",
				perf_large_sizes[s] >> 20, t.val[a][s] / t.val[k][s],
				zero[s] / t.val[k][s]);
	return 0;
}

/* Whether FASTMEM_PERF_SCENARIOS (a comma-separated list) is unset or names the scenario. */
static bool
perf_want(const char *name)
{
	const char *list = getenv("FASTMEM_PERF_SCENARIOS");
	size_t len = strlen(name);
	const char *p;

	if (list == NULL || list[0] == '\0')
		return true;
	for (p = list; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	}
	return false;
}

static int
test_fastmem_perf(void)
{
	const char *csv = getenv("FASTMEM_PERF_CSV");
	uint64_t t0 = rte_get_timer_cycles();
	bool own_init = false;
	int ret;

	ret = rte_fastmem_init();
	if (ret == 0)
		own_init = true;
	else if (ret != -EBUSY) {
		printf("rte_fastmem_init failed: %d\n", ret);
		return TEST_FAILED;
	}
	perf_hz = rte_get_tsc_hz();
	perf_select();
	if (csv != NULL && csv[0] != '\0') {
		perf_csv = fopen(csv, "w");
		if (perf_csv == NULL) {
			printf("cannot write %s: %s\n", csv, strerror(errno));
			ret = -EIO;
			goto out;
		}
		fprintf(perf_csv, "scenario,param,allocator,metric,value,ratio\n");
	}
	printf("fastmem_perf: TSC %.3f GHz, %u lcores, %u sockets\n", perf_hz / 1e9,
			rte_lcore_count(), rte_socket_count());
	printf("Row %s: malloc() from %s\n", perf_libc_name, perf_libc_from);
	printf("Values are TSC cycles per operation, the best of repetitions made in %d rounds "
			"over the allocators; \"/mp\" is the ratio to mempool.\n", PERF_ROUNDS);
	/* Bring the core to its working frequency before the first measurement. */
	while (rte_get_timer_cycles() - t0 < rte_get_timer_hz() / 5)
		perf_use(NULL);

	if (perf_want("hot"))
		ret = perf_hot();
	if (ret == 0 && perf_want("batch"))
		ret = perf_batch(false);
	if (ret == 0 && perf_want("batch"))
		ret = perf_batch(true);
	if (ret == 0 && perf_want("mlcore"))
		ret = perf_mlcore(false);
	if (ret == 0 && perf_want("mlcore_bulk"))
		ret = perf_mlcore(true);
	if (ret == 0 && perf_want("cross_lcore"))
		ret = perf_cross_lcore();
	if (ret == 0 && perf_want("mixed_sizes"))
		ret = perf_mixed();
	if (ret == 0 && perf_want("large"))
		ret = perf_large();
out:
	if (perf_csv != NULL) {
		if (fclose(perf_csv) != 0 && ret == 0) {
			printf("cannot write %s\n", csv);
			ret = -EIO;
		}
		perf_csv = NULL;
	}
	perf_flush_all();
	if (own_init)
		rte_fastmem_deinit();
	printf("\nfastmem_perf: %.1f s\n",
			(double)(rte_get_timer_cycles() - t0) / rte_get_timer_hz());
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_PERF_TEST(fastmem_perf_autotest, test_fastmem_perf);
