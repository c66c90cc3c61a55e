/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#ifndef FASTMEM_PRIVATE_H
#define FASTMEM_PRIVATE_H

/*
 * Internal types of the fastmem library, one layer per source file:
 *
 *   fastmem_zone.c   backing memzones: reservation, limits, carving into slabs
 *   fastmem_slab.c   slabs: headers, objects in and out, the per-socket free-slab pool
 *   fastmem_bin.c    per-socket bins, one per class: partial/full slabs and a depot
 *   fastmem_cache.c  per-thread cache blocks and the miss paths of the inline fast path
 *   fastmem_large.c  objects above the largest class: one memzone each, kept for reuse when
 *                    freed (up to a bound), and their page map
 *   fastmem_stats.c  statistics
 *   fastmem.c        init/deinit/attach and the public functions built on the layers
 *
 * All state shared between lcores and processes lives in one memzone (struct fastmem_state)
 * and in the backing memzones; pointers in it are valid in every process because DPDK maps
 * memzones at the same address everywhere.
 */

#include <stdalign.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_seqcount.h>
#include <rte_spinlock.h>
#include <rte_stdatomic.h>

#include "rte_fastmem.h"

extern int fastmem_logtype;
#define RTE_LOGTYPE_FASTMEM fastmem_logtype
#define FASTMEM_LOG(level, ...) RTE_LOG_LINE(level, FASTMEM, __VA_ARGS__)

#define FASTMEM_STATE_MZ "fastmem_state"
/* "fastmem4": the digit changes with the layout of the shared state and blocks (4: span ages) */
#define FASTMEM_STATE_MAGIC UINT64_C(0x666173746d656d34)
#define FASTMEM_SLAB_MAGIC UINT64_C(0x66617374736c6162)   /* "fastslab" */
#define FASTMEM_ZONE_SIZE (UINT64_C(128) << 20)  /* default memzone size */
#define FASTMEM_DEPOT_SLOTS 1024                 /* objects a bin's depot can hold */
#define FASTMEM_MAX_BLOCKS 1024                  /* cache blocks of all processes */
#define FASTMEM_CACHE_BYTES (UINT64_C(1) << 20)   /* bytes a cache holds above 2.5 KiB classes */
/* Bytes the cache offsets of page keys span: the inline free reads that far from local caches */
#define FASTMEM_KEY_SPAN (UINT64_C(1) << (64 - RTE_FASTMEM_KEY_OFF_SHIFT))

#define FASTMEM_N_CLASSES RTE_FASTMEM_NUM_CLASSES
#define FASTMEM_SLAB_SIZE RTE_FASTMEM_SLAB_SIZE
#define FASTMEM_MAX_ZONES 4096                   /* memzones of all sockets */
#define FASTMEM_GROW_RETRY_MS 250                /* no growth on demand after EAL said no */
#define FASTMEM_BLOCK_RETRY_MS 1000              /* uncached after a thread got no block */
#define FASTMEM_GROW_WAIT_US 20                  /* first sleep while another thread reserves */
#define FASTMEM_GROW_WAIT_MAX_US 1000            /* longest sleep between two looks */

/*
 * Large objects (fastmem_large.c): sizes above the largest class, each in its own memzone,
 * up to FASTMEM_LARGE_MAX_SIZE (rte_fastmem_max_size()). Larger sizes than that could never
 * be reserved (with the header, they would not even fit in a size_t): E2BIG. The page map
 * gives the IO address of every 2 MiB chunk of a large object: FASTMEM_MAP_TOP_BITS +
 * FASTMEM_MAP_LEAF_BITS + RTE_FASTMEM_SLAB_SHIFT bits cover a 48-bit address space.
 */
#define FASTMEM_LARGE_KEY UINT64_C(0x666173746c617267)    /* "fastlarg" */
#define FASTMEM_LARGE_MAGIC UINT64_C(0x6c617267656f626a)  /* "largeobj" */
#define FASTMEM_LARGE_IDLE_MAGIC UINT64_C(0x6c61726769646c65) /* "largidle": kept, not live */
/*
 * Bytes of idle large memzones (those of freed large objects, kept for reuse) a socket holds
 * at most: one default backing memzone's worth, 128 MiB. One freed 64 MiB object is kept (two
 * are not: each memzone is a header's cache line more than 64 MiB); more go back to EAL, the
 * oldest idle ones first (fastmem_large.c).
 */
#define FASTMEM_LARGE_KEEP FASTMEM_ZONE_SIZE
#define FASTMEM_LARGE_MAX_SIZE ((SIZE_MAX >> 1) + 1)
#define FASTMEM_MAP_TOP_BITS 13
#define FASTMEM_MAP_LEAF_BITS 14
#define FASTMEM_MAP_BITS (FASTMEM_MAP_TOP_BITS + FASTMEM_MAP_LEAF_BITS + RTE_FASTMEM_SLAB_SHIFT)

/*
 * Debug mode keeps one 32-bit word per object in its slab, after the header, and fills freed
 * objects with a poison byte, as Linux slab debugging does.
 */
#ifdef RTE_LIBRTE_FASTMEM_DEBUG
#define FASTMEM_DEBUG_META_SIZE sizeof(uint32_t)
#else
#define FASTMEM_DEBUG_META_SIZE 0
#endif
#define FASTMEM_POISON_BYTE 0x6b

/*
 * AddressSanitizer: which bytes of fastmem memory the application may touch. GCC announces
 * ASan with __SANITIZE_ADDRESS__, clang with __has_feature.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FASTMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FASTMEM_ASAN 1
#endif
#endif
#ifdef FASTMEM_ASAN
#include <sanitizer/asan_interface.h>
#define FASTMEM_ASAN_POISON(p, n) __asan_poison_memory_region(p, n)
#define FASTMEM_ASAN_UNPOISON(p, n) __asan_unpoison_memory_region(p, n)
#else
#define FASTMEM_ASAN_POISON(p, n) do { RTE_SET_USED(p); RTE_SET_USED(n); } while (0)
#define FASTMEM_ASAN_UNPOISON(p, n) do { RTE_SET_USED(p); RTE_SET_USED(n); } while (0)
#endif

/* Checks at the API boundary, compiled in checked builds only (see rte_fastmem_core.h). */
#ifdef RTE_FASTMEM_CHECKED
#define FASTMEM_CHECK_ALLOC(obj, size) rte_fastmem_check_alloc(obj, size)
#define FASTMEM_CHECK_FREE(obj, idx) rte_fastmem_check_free(obj, idx)
#define FASTMEM_CHECK_RESIZE(obj, size) fastmem_check_resize(obj, size)
#else
#define FASTMEM_CHECK_ALLOC(obj, size) do { } while (0)
#define FASTMEM_CHECK_FREE(obj, idx) do { } while (0)
#define FASTMEM_CHECK_RESIZE(obj, size) do { } while (0)
#endif

/* Slabs of classes up to FASTMEM_PAGED_MAX bytes are shared by classes, in pages. */
#define FASTMEM_PAGE_SHIFT RTE_FASTMEM_PAGE_SHIFT
#define FASTMEM_PAGE_SIZE (UINT32_C(1) << FASTMEM_PAGE_SHIFT)
#define FASTMEM_SLAB_PAGES RTE_FASTMEM_SLAB_PAGES
#define FASTMEM_PAGED_MAX 8192
#define FASTMEM_ALL_PAGES UINT32_MAX

static inline bool
fastmem_class_paged(unsigned int cls)
{
	RTE_BUILD_BUG_ON(FASTMEM_SLAB_PAGES != 32); /* a slab's free pages: one uint32_t */
	return __rte_fastmem_class_size(cls) <= FASTMEM_PAGED_MAX;
}

/*
 * Class table, with __rte_fastmem_size_class() and __rte_fastmem_class_size(): how many objects a
 * thread caches per class, how many move per miss, how many a bin's depot keeps.
 */
/* Bytes of one span of a class: a page, or a whole slab. */
static inline uint64_t
fastmem_class_span_size(unsigned int cls)
{
	return fastmem_class_paged(cls) ? FASTMEM_PAGE_SIZE : FASTMEM_SLAB_SIZE;
}

static inline uint32_t
fastmem_class_cache_cap(unsigned int cls)
{
	uint64_t n = FASTMEM_CACHE_BYTES / __rte_fastmem_class_size(cls);

	return RTE_MAX(RTE_MIN(n, (uint64_t)RTE_FASTMEM_CACHE_SLOTS), UINT64_C(2));
}

/*
 * Objects a refill takes and a flush gives: half a cache. The pipeline pattern (one lcore
 * allocates, another frees) meets at the bin lock every 192 objects of the classes up to
 * 2.5 KiB, and a thread that allocates a burst of up to a cache's capacity of a class and then
 * frees them all settles where neither the allocations nor the frees miss.
 */
static inline uint32_t
fastmem_class_batch(unsigned int cls)
{
	return fastmem_class_cache_cap(cls) / 2;
}

static inline uint32_t
fastmem_class_depot_max(unsigned int cls)
{
	return RTE_MIN(4 * fastmem_class_cache_cap(cls), (uint32_t)FASTMEM_DEPOT_SLOTS);
}

/*
 * Object counters, of a cache (fastmem_cache_counters()), and of a bin for uncached threads and
 * retired cache blocks.
 */
struct fastmem_counters {
	uint64_t alloc_hits;     /* objects allocated from a cache */
	uint64_t free_hits;      /* objects freed into a cache */
	uint64_t alloc_misses;   /* objects allocated through the miss path */
	uint64_t free_misses;    /* objects freed through the miss path */
	uint64_t alloc_nomem;    /* objects that could not be allocated */
};

static inline void
fastmem_counters_add(struct fastmem_counters *to,
		const struct fastmem_counters *add)
{
	to->alloc_hits += add->alloc_hits;
	to->free_hits += add->free_hits;
	to->alloc_misses += add->alloc_misses;
	to->free_misses += add->free_misses;
	to->alloc_nomem += add->alloc_nomem;
}

/*
 * Doubly linked lists through next and prev fields of the nodes, with a head pointer: the bins'
 * partial spans, each memzone's paged slabs with free pages and the large memzones, live and
 * idle. Push links a node in front; del unlinks it from anywhere and clears its links.
 */
#define FASTMEM_LIST_PUSH(head, node) do { \
	(node)->prev = NULL; \
	(node)->next = *(head); \
	if (*(head) != NULL) \
		(*(head))->prev = (node); \
	*(head) = (node); \
} while (0)

#define FASTMEM_LIST_DEL(head, node) do { \
	if ((node)->prev != NULL) \
		(node)->prev->next = (node)->next; \
	else \
		*(head) = (node)->next; \
	if ((node)->next != NULL) \
		(node)->next->prev = (node)->prev; \
	(node)->next = NULL; \
	(node)->prev = NULL; \
} while (0)

enum fastmem_slab_kind {
	FASTMEM_SLAB_FREE,      /* in the socket's free-slab pool */
	FASTMEM_SLAB_PAGED,     /* 64 KiB pages of any classes */
	FASTMEM_SLAB_WHOLE,     /* one span of one class, described by pages[0] */
};

enum fastmem_page_state {
	FASTMEM_PAGE_FREE,      /* no class */
	FASTMEM_PAGE_PARTIAL,   /* in its bin's list, with free objects */
	FASTMEM_PAGE_PARTIAL_NEW, /* the same, in the list of spans of the newest memzone */
	FASTMEM_PAGE_FULL,      /* every object out */
};

/*
 * A span of a slab that serves one class: one 64 KiB page (classes up to FASTMEM_PAGED_MAX) or
 * the whole slab. Its descriptor sits in the slab header, one cache line, written under the
 * bin lock. Objects are carved lazily: those never handed out are counted by a bump index,
 * freed ones are linked through their first word, so there is no per-object metadata.
 */
struct fastmem_page {
	struct fastmem_page *next;      /* bin's partial list */
	struct fastmem_page *prev;
	void *free_list;        /* freed objects, linked through their first word */
	uint32_t n_used;        /* objects out of the span */
	uint32_t bump;          /* objects from index bump on were never handed out */
	uint32_t n_total;       /* objects the span holds in its class */
	uint32_t obj_size;
	uint32_t first_off;     /* offset of the first object from the slab start */
	uint32_t meta_off;      /* debug mode: offset of the per-object words */
	uint32_t cls;
	uint32_t cache_idx;     /* cache its objects go to, UINT32_MAX when free */
	uint16_t state;         /* enum fastmem_page_state */
	uint8_t head;           /* index of the descriptor of the span the page is in */
	uint8_t n_pages;        /* pages of the span: 1 or FASTMEM_SLAB_PAGES */
};

/*
 * Header at the start of every 2 MiB slab. The keys are read by every free (the inline one
 * reads the key of the object's page); pages[] describe the spans.
 */
struct fastmem_slab {
	uint64_t keys[FASTMEM_SLAB_PAGES]; /* must stay first: __rte_fastmem_slab_key() */
	uint64_t magic;
	rte_iova_t iova;        /* IO address of the slab's first byte */
	uint32_t socket_idx;
	uint32_t kind;          /* enum fastmem_slab_kind */
	uint32_t free_pages;    /* paged slab: bit i set when page i is free */
	uint32_t zone_seq;      /* sequence number of its memzone */
	struct fastmem_slab *next; /* pool list, or the socket's list of paged slabs */
	struct fastmem_slab *prev;
	alignas(RTE_CACHE_LINE_SIZE) struct fastmem_page pages[FASTMEM_SLAB_PAGES];
};

/* One bin: the slabs of one class on one socket, and a depot of whole batches of objects. */
struct fastmem_bin {
	alignas(RTE_CACHE_LINE_SIZE) rte_spinlock_t lock;
	uint32_t cls;
	uint32_t socket_idx;
	struct fastmem_page *partial;   /* doubly linked list of partial spans */
	/* those that were in the socket's newest memzone when they became partial: used last */
	struct fastmem_page *partial_new;
	uint32_t n_partial;
	uint32_t n_full;
	uint64_t n_out;                 /* objects out of slabs: live, cached or in the depot */
	uint64_t slab_acquires;         /* spans (pages or slabs) taken */
	uint64_t slab_releases;         /* spans given back */
	/*
	 * Counters of objects that are counted by no cache in service: operations of uncached
	 * threads, and the counters of retired cache blocks. Those of threads with an lcore id
	 * and those of threads without one (rte_fastmem_stats_shared()) apart.
	 */
	struct fastmem_counters direct;
	struct fastmem_counters shared;
	uint32_t depot_len;
	uint32_t depot_max;
	void *depot[FASTMEM_DEPOT_SLOTS];
};

/*
 * The free slabs and the paged slabs with free pages of one memzone, in its socket's pool. The
 * pool keeps one entry per memzone, sorted by address, so that the memzone of a slab is found
 * by a binary search, and serves slabs and pages of the oldest memzone first: after a peak the
 * newest memzones drain and can be given back to EAL (fastmem_zone.c). Guarded by the socket's
 * pool lock.
 */
struct fastmem_pool_zone {
	uintptr_t start;
	uintptr_t end;
	struct fastmem_slab *free;      /* free slabs, linked through next */
	struct fastmem_slab *paged;     /* paged slabs with free pages, doubly linked */
	uint32_t seq;                   /* the memzone's sequence number: lower is older */
	uint32_t n_slabs;               /* usable slabs of the memzone */
	uint32_t n_free;                /* those in the pool: all of them when it is idle */
	uint32_t n_paged;               /* paged slabs with free pages */
};

#define FASTMEM_POOL_NONE UINT32_MAX

/* Per-socket state: backing memory, the free-slab pool, the bins. */
struct fastmem_socket {
	alignas(RTE_CACHE_LINE_SIZE) rte_spinlock_t pool_lock;
	RTE_ATOMIC(uint32_t) n_pool;    /* free slabs; written under pool_lock */
	uint32_t n_pool_zones;          /* entries of pool_zones */
	uint32_t pool_oldest;           /* oldest entry with free slabs, or FASTMEM_POOL_NONE */
	uint32_t page_oldest;           /* oldest entry with free slabs or pages, or NONE */
	RTE_ATOMIC(uint32_t) newest_seq; /* sequence number of the newest entry */
	int socket_id;
	/*
	 * Serializes reservations. Held across EAL calls that can take long: never spun on, see
	 * fastmem_zone_grow().
	 */
	alignas(RTE_CACHE_LINE_SIZE) rte_spinlock_t grow_lock;
	uint32_t n_zones;               /* memzones held */
	RTE_ATOMIC(uint32_t) zone_seq;  /* memzones ever reserved; names fastmem_<socket>_<seq> */
	uint32_t idx;
	RTE_ATOMIC(uint64_t) bytes_backing; /* written under grow_lock */
	RTE_ATOMIC(uint64_t) limit;
	RTE_ATOMIC(uint64_t) grow_fail_tsc; /* when EAL last refused growth on demand, or 0 */
	RTE_ATOMIC(uint64_t) reserved;  /* rte_fastmem_reserve() target; written under grow_lock */
	/* given back to EAL by trims and failed bulk calls before deinit; atomic adds */
	RTE_ATOMIC(uint64_t) bytes_released;
	/*
	 * Memzones of freed large objects kept for reuse, newest first (linked through their
	 * headers), their number and bytes: under the state's large_lock (fastmem_large.c).
	 */
	struct fastmem_large *large_idle;
	uint64_t large_idle_n;
	uint64_t large_idle_bytes;
	struct fastmem_bin bins[FASTMEM_N_CLASSES];
	struct fastmem_pool_zone pool_zones[FASTMEM_MAX_ZONES]; /* under pool_lock */
};

/*
 * Header at the start of the memzone of a large object, one cache line. The first word is not
 * a slab key, so the inline free sends the object to the miss path; the object starts at
 * obj_off, within the first 2 MiB, so that masking the object's address finds the header.
 * The memzone of a freed object kept for reuse keeps its header, with another magic and the
 * size and offset of the object freed last.
 */
struct fastmem_large {
	uint64_t key;           /* must stay first: FASTMEM_LARGE_KEY */
	uint64_t magic;         /* FASTMEM_LARGE_MAGIC, or FASTMEM_LARGE_IDLE_MAGIC when kept */
	const struct rte_memzone *mz;
	/* list of live large objects, or the socket's idle list: under large_lock */
	struct fastmem_large *next;
	struct fastmem_large *prev;
	uint64_t size;          /* requested size */
	uint32_t obj_off;       /* offset of the object: max(cache line, alignment) */
	uint32_t socket_idx;
	uint32_t live;          /* debug mode: live or freed, as an object's state word */
	/*
	 * the memzone was idle before this object, its object at this offset (else 0): undo
	 * keeps it idle with that offset, by which a second free of that object is recognized
	 */
	uint32_t reused;
};

/* Counters of large objects, under large_lock. */
struct fastmem_large_stats {
	uint64_t in_use;        /* live large objects */
	uint64_t bytes;         /* bytes of their memzones */
	uint64_t alloc;         /* large objects allocated */
	uint64_t free;          /* large objects freed */
	uint64_t nomem;         /* large objects that could not be allocated */
	uint64_t idle;          /* idle memzones kept, all sockets (read: summed per socket) */
	uint64_t bytes_idle;    /* their bytes */
};

/* A backing memzone: its address range, name sequence number, socket and usable slabs. */
struct fastmem_zone {
	uintptr_t start;
	uintptr_t end;
	uint32_t seq;
	uint32_t sidx;
	uint32_t n_slabs;               /* IOVA-contiguous slabs carved from it */
};

/*
 * The process a registered cache block belongs to: its pid, its start time and its pid
 * namespace, so that a reused pid is not taken for the process that is gone (fastmem_cache.c).
 */
struct fastmem_owner {
	/*
	 * Clock ticks after boot: /proc/<pid>/stat field 22, less the boot time offset of the
	 * time namespace it was read from; 0: unknown.
	 */
	uint64_t start;
	uint64_t pidns;         /* inode of /proc/<pid>/ns/pid, 0 when unknown */
	int32_t pid;
	uint32_t reserved;
};

/*
 * The library's bookkeeping of a cache block, in DPDK memory right after the public
 * struct rte_fastmem_block and its caches, in the same allocation: what the registry and the
 * statistics of every process need and the inline functions do not read. Written by the owner
 * thread when it takes the block, and under the registry lock. The block itself starts on a
 * page boundary (FASTMEM_BLOCK_ALIGN), so that where its caches fall relative to the slab
 * headers (2 MiB-aligned, which the free path reads next to the cache it writes) is the same in
 * every run: measured, a block 64 bytes off a page boundary cost the hot path 1 to 1.5 cycles.
 */
struct fastmem_block_hdr {
	alignas(RTE_CACHE_LINE_SIZE) uint32_t lcore_id; /* owner's lcore id, or LCORE_ID_ANY */
	uint32_t reg_idx;       /* slot in the block registry, UINT32_MAX when none */
	uint32_t socket_idx;    /* index of the owner's socket, whose caches it uses locally */
};

/*
 * The library's counters of one cache, after the block header, one per cache. The inline hits
 * count only the frees, in the cache's top word; at each miss the owner folds that count into
 * cnt, with the allocations it implies (len0 is the length at the last fold), inside the
 * sequence count, so that a reader in another thread sees the word and the counters
 * consistent: the hit counters it derives never go down. The owner writes sc, len0 and cnt;
 * a reset, from any thread, writes only base, the counts the statistics start from.
 */
struct fastmem_cache_rec {
	alignas(RTE_CACHE_LINE_SIZE) rte_seqcount_t sc;
	uint32_t len0;          /* the cache's length at the last fold */
	struct fastmem_counters cnt; /* folded hits and the miss paths' counts */
	struct fastmem_counters base; /* the counts at the last reset */
};

#define FASTMEM_BLOCK_ALIGN 4096

static inline struct fastmem_block_hdr *
fastmem_block_hdr(const struct rte_fastmem_block *blk)
{
	return (struct fastmem_block_hdr *)(uintptr_t)&blk->caches[blk->n_caches];
}

/* The library's counters of cache i of a block. */
static inline struct fastmem_cache_rec *
fastmem_cache_rec(const struct rte_fastmem_block *blk, unsigned int i)
{
	return (struct fastmem_cache_rec *)(fastmem_block_hdr(blk) + 1) + i;
}

/*
 * Bytes of a block with n_caches caches (at least one socket's), header and counters included,
 * and as far as the inline free may read from the caches of any socket (struct
 * rte_fastmem_block).
 */
static inline size_t
fastmem_block_size(unsigned int n_caches)
{
	RTE_BUILD_BUG_ON(sizeof(struct fastmem_block_hdr) != RTE_CACHE_LINE_SIZE);
	RTE_BUILD_BUG_ON(sizeof(struct fastmem_cache_rec) != 2 * RTE_CACHE_LINE_SIZE);
	/* The length must not carry into the count of frees above it. */
	RTE_BUILD_BUG_ON(RTE_FASTMEM_CACHE_SLOTS >= 1u << RTE_FASTMEM_CACHE_LEN_BITS);
	RTE_BUILD_BUG_ON(offsetof(struct rte_fastmem_block, caches) != RTE_CACHE_LINE_SIZE);
	/* A socket's caches within the page keys' offsets, socket indexes within their bits. */
	RTE_BUILD_BUG_ON(FASTMEM_N_CLASSES * sizeof(struct rte_fastmem_cache) > FASTMEM_KEY_SPAN);
	RTE_BUILD_BUG_ON(RTE_MAX_NUMA_NODES >
			1 << (RTE_FASTMEM_KEY_OFF_SHIFT - RTE_FASTMEM_KEY_SOCKET_SHIFT));
	RTE_BUILD_BUG_ON(RTE_FASTMEM_SLAB_KEY >> RTE_FASTMEM_KEY_SOCKET_SHIFT != 0);
	/* No top word holds the key's low 32 bits: the length is below their low 9 bits. */
	RTE_BUILD_BUG_ON((RTE_FASTMEM_SLAB_KEY & ((1u << RTE_FASTMEM_CACHE_LEN_BITS) - 1)) <=
			RTE_FASTMEM_CACHE_SLOTS);
	RTE_BUILD_BUG_ON(sizeof(struct rte_fastmem_cache) !=
			(RTE_FASTMEM_CACHE_SLOTS + 8) * sizeof(void *));
	return RTE_MAX(sizeof(struct fastmem_block_hdr) + sizeof(struct rte_fastmem_block) +
			(size_t)n_caches * (sizeof(struct rte_fastmem_cache) +
			sizeof(struct fastmem_cache_rec)),
		sizeof(struct rte_fastmem_block) +
			(size_t)(n_caches - FASTMEM_N_CLASSES) * sizeof(struct rte_fastmem_cache) +
			FASTMEM_KEY_SPAN + sizeof(struct rte_fastmem_cache));
}

/* The allocator's shared state, in the memzone FASTMEM_STATE_MZ. */
struct fastmem_state {
	RTE_ATOMIC(uint64_t) magic;     /* set last by init: the state is complete */
	uint32_t n_sockets;
	uint32_t n_caches;
	uint64_t zone_size;
	int8_t socket_idx[RTE_MAX_NUMA_NODES];  /* socket id -> index, -1 when absent */
	/*
	 * Guards blocks[] and owners[]. On a line of its own: statistics take it once per
	 * (socket, class), and every miss reads the read-mostly fields above.
	 */
	alignas(RTE_CACHE_LINE_SIZE) rte_spinlock_t reg_lock;
	/* every cache block of every process, in service or parked (cap 0) */
	struct rte_fastmem_block *blocks[FASTMEM_MAX_BLOCKS];
	struct fastmem_owner owners[FASTMEM_MAX_BLOCKS];      /* the process of each block */
	rte_spinlock_t zone_lock;
	uint32_t n_zones;
	struct fastmem_zone zones[FASTMEM_MAX_ZONES]; /* memzones held, all sockets */
	/*
	 * Large objects: the lock guards their list, their counters, the sockets' idle lists and
	 * the page map's writes. The page map is read without the lock: a leaf is published with
	 * a release store and never freed before deinit; an entry is a chunk's IO address plus 1
	 * (with FASTMEM_MAP_IDLE set while the memzone is kept idle), 0 for none.
	 */
	rte_spinlock_t large_lock;
	RTE_ATOMIC(uint64_t) large_seq; /* large memzones ever reserved; names fastmem_L<seq> */
	struct fastmem_large *large;    /* live large objects */
	struct fastmem_large_stats large_stats;
	RTE_ATOMIC(uint64_t *) large_map[1u << FASTMEM_MAP_TOP_BITS];
	struct fastmem_socket sockets[];
};

/* The shared state as seen by this process; NULL when not initialized or not attached. */
extern struct fastmem_state *fastmem_state;

/* Header bytes at the start of every slab (debug mode adds its per-object words after them). */
#define FASTMEM_SLAB_HDR_SIZE RTE_ALIGN_CEIL(sizeof(struct fastmem_slab), RTE_CACHE_LINE_SIZE)

/*
 * The first word of a free object links it into its slab's free list or a chain. Taking the
 * object off (fastmem_link_get()) gives debug mode's poison back to the word, so that the check
 * when the object is handed out covers it too.
 */
static inline void *
fastmem_link_get(void *obj)
{
	void *next;

	FASTMEM_ASAN_UNPOISON(obj, sizeof(void *));
	next = *(void **)obj;
	if (FASTMEM_DEBUG_META_SIZE != 0)
		memset(obj, FASTMEM_POISON_BYTE, sizeof(void *));
	FASTMEM_ASAN_POISON(obj, sizeof(void *));
	return next;
}

static inline void
fastmem_link_set(void *obj, void *next)
{
	FASTMEM_ASAN_UNPOISON(obj, sizeof(void *));
	*(void **)obj = next;
	FASTMEM_ASAN_POISON(obj, sizeof(void *));
}

static inline struct fastmem_slab *
fastmem_slab_of(const void *ptr)
{
	return (struct fastmem_slab *)((uintptr_t)ptr & ~(FASTMEM_SLAB_SIZE - 1));
}

/* The descriptor of the span ptr lies in; ptr must lie in a slab (check the slab first). */
static inline struct fastmem_page *
fastmem_page_of(const void *ptr)
{
	struct fastmem_slab *slab = fastmem_slab_of(ptr);
	unsigned int p = ((uintptr_t)ptr >> FASTMEM_PAGE_SHIFT) & (FASTMEM_SLAB_PAGES - 1);

	return &slab->pages[slab->pages[p].head & (FASTMEM_SLAB_PAGES - 1)];
}

static inline uint64_t
fastmem_load64(RTE_ATOMIC(uint64_t) const *p)
{
	return rte_atomic_load_explicit(p, rte_memory_order_relaxed);
}

static inline uint32_t
fastmem_load32(RTE_ATOMIC(uint32_t) const *p)
{
	return rte_atomic_load_explicit(p, rte_memory_order_relaxed);
}

static inline struct fastmem_bin *
fastmem_bin_of(unsigned int sidx, unsigned int cls)
{
	return &fastmem_state->sockets[sidx].bins[cls];
}

/* fastmem.c */
int fastmem_config_read_lock(void);
void fastmem_config_read_unlock(void);
int fastmem_attach(void);
int fastmem_socket_index(int socket_id, bool any_ok);
int fastmem_local_socket_id(void);

/* fastmem_zone.c */
int fastmem_zone_grow(struct fastmem_socket *s, uint64_t min_bytes, bool exact);
uint64_t fastmem_zone_release(struct fastmem_socket *s, uint32_t since_seq);
struct fastmem_pool_zone *fastmem_zone_pool_of(struct fastmem_socket *s, const void *slab);
struct fastmem_pool_zone *fastmem_zone_pool_oldest(struct fastmem_socket *s);
struct fastmem_pool_zone *fastmem_zone_pool_oldest_page(struct fastmem_socket *s);
void fastmem_zone_pool_update(struct fastmem_socket *s, struct fastmem_pool_zone *pz);
void fastmem_zone_free_all(struct fastmem_state *st, struct fastmem_socket *s);
bool fastmem_zone_contains(struct fastmem_state *st, const void *ptr);
rte_iova_t fastmem_zone_iova(void *addr, uint64_t len);

/* fastmem_large.c */
void *fastmem_large_alloc(size_t size, size_t align, unsigned int sidx, unsigned int n_count);
void fastmem_large_free(struct fastmem_large *l, bool undo);
struct fastmem_large *fastmem_large_of(const void *ptr);
struct fastmem_large *fastmem_large_idle_of(const void *ptr);
bool fastmem_large_mapped(const void *ptr);
rte_iova_t fastmem_large_iova(const void *ptr);
size_t fastmem_large_usable(const struct fastmem_large *l);
bool fastmem_large_fits(uint64_t mz_len, uint32_t obj_off, size_t size);
uint64_t fastmem_large_trim(unsigned int sidx);
bool fastmem_large_trim_refused(unsigned int sidx, uint64_t len, int err);
void fastmem_large_count_nomem(unsigned int n);
void fastmem_large_stats_read(struct fastmem_large_stats *ls);
void fastmem_large_idle_read(unsigned int sidx, uint64_t *n, uint64_t *bytes);
void fastmem_large_stats_reset(void);
void fastmem_large_free_all(struct fastmem_state *st);

/* Where a pointer lies in fastmem's backing memory (fastmem_page_object()). */
enum fastmem_obj_where {
	FASTMEM_OBJ_AT,         /* the start of an object slot of a span in service */
	FASTMEM_OBJ_FOREIGN,    /* in no backing memzone */
	FASTMEM_OBJ_FREE_SLAB,  /* in a free slab */
	FASTMEM_OBJ_FREE_PAGE,  /* in a free page */
	FASTMEM_OBJ_HEADER,     /* in a slab header */
	FASTMEM_OBJ_INSIDE,     /* inside an object slot */
	FASTMEM_OBJ_SLACK,      /* in the span, outside its object slots (its color, its end) */
	FASTMEM_OBJ_UNUSED,     /* an object slot never handed out */
};

/* fastmem_debug.c */
void fastmem_check_foreign(const void *ptr, const char *what, enum fastmem_obj_where where);
void fastmem_check_page_assign(struct fastmem_page *pg);
void fastmem_check_zone_free(void *addr, size_t len);
void fastmem_check_large_keep(struct fastmem_large *l);
void fastmem_check_large_reuse(struct fastmem_large *l);
void fastmem_check_resize(void *obj, size_t size);

/* fastmem_slab.c */
void fastmem_slab_format(struct fastmem_slab *slab, rte_iova_t iova, uint32_t zone_seq);
struct fastmem_page *fastmem_slab_page_get(struct fastmem_socket *s, unsigned int cls);
void fastmem_slab_page_put(struct fastmem_socket *s, struct fastmem_page *pg);
unsigned int fastmem_page_take(struct fastmem_page *pg, void **objs, unsigned int n);
void fastmem_page_give(struct fastmem_page *pg, void *obj);
struct fastmem_slab *fastmem_slab_pool_get(struct fastmem_socket *s);
void fastmem_slab_pool_put(struct fastmem_socket *s, struct fastmem_slab *slab);
struct fastmem_page *fastmem_page_valid(const void *ptr);
enum fastmem_obj_where fastmem_page_object(const void *ptr, struct fastmem_page **pg,
		uint32_t *idx);
enum fastmem_obj_where fastmem_page_slot(const struct fastmem_page *pg, const void *ptr,
		uint32_t *idx);

/* fastmem_bin.c */
void fastmem_bin_init(struct fastmem_bin *bin, unsigned int sidx, unsigned int cls);
unsigned int fastmem_bin_get(unsigned int sidx, unsigned int cls, void **objs, unsigned int n);
void fastmem_bin_put(unsigned int sidx, unsigned int cls, void * const *objs, unsigned int n,
		bool to_slabs);
void fastmem_bin_reclaim(unsigned int sidx);
void fastmem_bin_count(unsigned int sidx, unsigned int cls,
		const struct fastmem_counters *add, bool shared);

/* fastmem_cache.c */
void *fastmem_cache_get(unsigned int sidx, unsigned int cls);
void fastmem_cache_put(unsigned int sidx, unsigned int cls, void *obj);
int fastmem_cache_push_any(void *ptr);
void fastmem_cache_count_nomem(unsigned int sidx, unsigned int cls, unsigned int n);
void fastmem_cache_follow_socket(unsigned int sidx);
int fastmem_cache_get_bulk(unsigned int sidx, unsigned int cls, void **ptrs, unsigned int n);
void fastmem_cache_arm(void);
void fastmem_cache_register_all(void);
void fastmem_cache_detach_all(bool flush);
void fastmem_cache_lcore_counters(unsigned int lcore_id, int cls, struct fastmem_counters *cnt);
uint32_t fastmem_cache_counters(const struct rte_fastmem_block *blk, unsigned int i,
		struct fastmem_counters *cnt);
void fastmem_cache_counters_reset(struct rte_fastmem_block *blk, unsigned int i);

/* fastmem_stats.c */
struct fastmem_socket_class_stats {
	uint64_t in_use;
	uint64_t cached;        /* objects in thread caches */
	uint64_t depot;         /* objects in the bin's depot */
	uint64_t slab_acquires;
	uint64_t slab_releases;
	uint32_t slabs_partial;
	uint32_t slabs_full;
	uint64_t bytes_held;    /* bytes of the spans of the class */
	struct fastmem_counters cnt;
};
void fastmem_stats_socket_class(unsigned int sidx, unsigned int cls,
		struct fastmem_socket_class_stats *ss);
uint64_t fastmem_stats_class_in_use(unsigned int sidx, unsigned int cls);

#endif /* FASTMEM_PRIVATE_H */
