/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#ifndef RTE_FASTMEM_CORE_H
#define RTE_FASTMEM_CORE_H

/**
 * @file
 * RTE fastmem: internal definitions shared by the inline fast path of rte_fastmem.h and the
 * library. Applications must not use anything in this file directly, as it may change without
 * notice, but for RTE_FASTMEM_MAX_OBJ_SIZE (the largest size class, which rte_fastmem.h names
 * as a bound of sizes and alignments) and RTE_FASTMEM_NUM_CLASSES (the length of the array
 * rte_fastmem_classes() fills, at most).
 *
 * Every thread that allocates gets one cache block: one bounded LIFO cache per
 * (socket, size class). The thread finds its block, and the caches of its own socket in it,
 * through one thread-local variable, and a cache by indexing, so the hit path has no lock, no
 * atomic and no lookup.
 */

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_per_lcore.h>

#ifdef __cplusplus
extern "C" {
#endif

/** log2 of the slab size: slabs are 2 MiB and 2 MiB-aligned. */
#define RTE_FASTMEM_SLAB_SHIFT 21
/** Slab size in bytes. */
#define RTE_FASTMEM_SLAB_SIZE (UINT64_C(1) << RTE_FASTMEM_SLAB_SHIFT)
/** log2 of the page size: slabs of small classes are shared by classes in 64 KiB pages. */
#define RTE_FASTMEM_PAGE_SHIFT 16
/** Pages in a slab. */
#define RTE_FASTMEM_SLAB_PAGES (1u << (RTE_FASTMEM_SLAB_SHIFT - RTE_FASTMEM_PAGE_SHIFT))
/** Smallest size class (8 bytes). */
#define RTE_FASTMEM_MIN_OBJ_SIZE 8
/** Size classes up to 256 B: 8 B steps to 64 B, then 16 B steps. */
#define RTE_FASTMEM_NUM_FINE_CLASSES 20
/** Size classes per power of two above 256 B. */
#define RTE_FASTMEM_CLASSES_PER_POW2 4
/** log2 of the largest size class (1 MiB). */
#define RTE_FASTMEM_MAX_SHIFT 20
/** Number of size classes. */
#define RTE_FASTMEM_NUM_CLASSES (RTE_FASTMEM_NUM_FINE_CLASSES + \
	RTE_FASTMEM_CLASSES_PER_POW2 * (RTE_FASTMEM_MAX_SHIFT - 8))
/** Largest size served by a size class. */
#define RTE_FASTMEM_MAX_OBJ_SIZE (UINT64_C(1) << RTE_FASTMEM_MAX_SHIFT)
/** Object slots in one per-thread cache (the cache is 49 cache lines: a header and the slots). */
#define RTE_FASTMEM_CACHE_SLOTS 384
/** High 16 bits of every valid handle. */
#define RTE_FASTMEM_HANDLE_MAGIC 0xFA57u
/**
 * @internal
 * The header of a slab in service starts with one 64-bit key per page, the key of the cache its
 * objects go to (the key field of every thread's cache of that socket and class): this value
 * in its low RTE_FASTMEM_KEY_SOCKET_SHIFT bits, the socket's index above them, and in its top
 * bits, from RTE_FASTMEM_KEY_OFF_SHIFT, the cache's offset among its socket's caches. Free
 * pages, free slabs and memory that is not a slab hold another value there (almost surely: the
 * key holds an arbitrary constant), so the inline free rejects a foreign pointer with the check
 * that finds the cache: the word must hold the constant in its low 32 bits, and the cache at
 * that offset among the thread's own socket's caches must hold this key.
 */
#define RTE_FASTMEM_SLAB_KEY UINT64_C(0xc4e5fa57a1)
/** @internal Where a page key holds the socket's index (6 bits). */
#define RTE_FASTMEM_KEY_SOCKET_SHIFT 40
/** @internal Where a page key holds the cache's offset among its socket's caches (the rest). */
#define RTE_FASTMEM_KEY_OFF_SHIFT 46

/**
 * @internal
 * Size classes up to 4 KiB, by (size + 7) / 8 (the classes __rte_fastmem_class_size() gives:
 * the smallest class size at least 8 * index).
 */
static const uint8_t __rte_fastmem_fine_class[513] = {
	0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 11,
	11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19,
	19, 20, 20, 20, 20, 20, 20, 20, 20, 21, 21, 21, 21, 21, 21, 21,
	21, 22, 22, 22, 22, 22, 22, 22, 22, 23, 23, 23, 23, 23, 23, 23,
	23, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24,
	24, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,
	25, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 26,
	26, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
	27, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	28, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29,
	29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29,
	29, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
	30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
	30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
	31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
	31, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
	32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
	32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
	32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
	32, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
	33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
	33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
	33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33,
	33, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34,
	34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34,
	34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34,
	34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34,
	34, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35,
	35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35,
	35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35,
	35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35, 35,
	35,
};

/**
 * @internal
 * Map an object size, already rounded up to a multiple of its alignment, to its size class in
 * O(1): a table up to 4 KiB, four classes per power of two above, found with one clz. A class
 * size is a multiple of every power of two the size is a multiple of, up to the class's own
 * lowest set bit: the class of a size rounded up to its alignment is aligned. This and
 * __rte_fastmem_class_size() are the one place that defines the size classes.
 *
 * (Measured: with the table only up to 256 B, sizes spread on both sides of 256 B mispredicted
 * the branch and cost a mixed workload 2.7 cycles an operation; a branch-free form, both
 * lookups and a select, cost the hit path of one size 0.7 cycles.)
 *
 * @param n
 *   Size in bytes, 1 to RTE_FASTMEM_MAX_OBJ_SIZE.
 * @return
 *   Class index, 0 to RTE_FASTMEM_NUM_CLASSES - 1.
 */
static inline unsigned int
__rte_fastmem_size_class(uint64_t n)
{
	unsigned int e;

	/* likely(): a loop of allocations of small sizes then runs straight through. */
	if (likely(n <= 4096))
		return __rte_fastmem_fine_class[(n + 7) >> 3];
	e = 63 - rte_clz64(n - 1); /* 2^e < n <= 2^(e + 1), e >= 12 */
	return RTE_FASTMEM_NUM_FINE_CLASSES - RTE_FASTMEM_CLASSES_PER_POW2 +
		RTE_FASTMEM_CLASSES_PER_POW2 * (e - 8) + (unsigned int)((n - 1) >> (e - 2));
}

/**
 * @internal
 * Object size of a size class.
 */
static inline size_t
__rte_fastmem_class_size(unsigned int cls)
{
	unsigned int k;

	if (cls < 8)
		return 8 * (cls + 1);
	if (cls < RTE_FASTMEM_NUM_FINE_CLASSES)
		return 16 * (cls - 3);
	k = cls - RTE_FASTMEM_NUM_FINE_CLASSES;
	return (size_t)(5 + k % RTE_FASTMEM_CLASSES_PER_POW2) <<
		(6 + k / RTE_FASTMEM_CLASSES_PER_POW2);
}

/** @internal Low bits of a cache's top word that hold its length (up to 384: 9 bits). */
#define RTE_FASTMEM_CACHE_LEN_BITS 9
/** @internal What a free adds to a cache's top word: one object, one free counted. */
#define RTE_FASTMEM_CACHE_FREE_ONE (1 + (UINT64_C(1) << RTE_FASTMEM_CACHE_LEN_BITS))

/**
 * @internal
 * One bounded LIFO cache of objects of one (socket, size class), owned by one thread.
 * Written by its owner only (by the library when no thread owns it). The header line holds
 * what the hit paths read and write: the top word, the capacity and the key. The top word is
 * the stack length in its low RTE_FASTMEM_CACHE_LEN_BITS bits and, above them, the objects the
 * inline functions freed into the cache since its last miss: a free adds
 * RTE_FASTMEM_CACHE_FREE_ONE, an allocation of n subtracts n, one store each and no counter of
 * their own. The library derives the hit counters from it (the count wraps after 2^55 frees
 * without a miss, a year at a billion a second). A cache is 49 cache lines, an odd number: the
 * headers of a block's caches fall in different sets of the L1 data cache (with caches of 2 KiB
 * they fell in two, and a workload of many classes missed in L1 on them).
 */
struct rte_fastmem_cache {
	uint64_t top;            /**< Stack length, and inline frees above it. */
	uint32_t cap;            /**< Capacity; 0 while the allocator is not usable. */
	uint32_t obj_size;       /**< Class size in bytes (zeroed by a handle's allocation). */
	/** The key of the cache's pages: __rte_fastmem_cache_key() of its index. */
	uint64_t key;
	/** Cached objects, top at the length minus 1. */
	alignas(RTE_CACHE_LINE_SIZE) void *objs[RTE_FASTMEM_CACHE_SLOTS];
};

/**
 * @internal
 * The stack length in a cache's top word.
 */
static inline uint32_t
__rte_fastmem_top_len(uint64_t top)
{
	return (uint32_t)top & ((1u << RTE_FASTMEM_CACHE_LEN_BITS) - 1);
}

/**
 * @internal
 * The number of objects in a cache.
 */
static inline uint32_t
__rte_fastmem_cache_len(const struct rte_fastmem_cache *c)
{
	return __rte_fastmem_top_len(c->top);
}

/**
 * @internal
 * A thread's cache block as the inline functions see it: one cache per (socket, class), those
 * of a socket in class order. Its layout is the same in every thread and process, so that a
 * handle names a cache by its index. The library keeps its own bookkeeping of the block
 * elsewhere, after caches[] (and the block is readable as far as any page key's offset and a
 * cache past the start of any socket's caches, with no word there the key of a cache but the
 * caches' key fields).
 */
struct rte_fastmem_block {
	uint32_t n_caches;               /**< Number of caches: sockets x classes. */
	/**
	 * The cache the last rte_fastmem_free_bulk() went to, tried first by the next one: a
	 * cache address that does not wait for the object's key, so that the copy into it and
	 * the key check overlap. One of caches[] (in the block of a thread without caches, a
	 * cache of capacity 0).
	 */
	struct rte_fastmem_cache *hint;
	struct rte_fastmem_cache caches[]; /**< n_caches caches, from the next cache line. */
};

/**
 * @internal
 * The page key of the cache of index idx in a cache block (see RTE_FASTMEM_SLAB_KEY): the inline
 * free finds a cache of its thread's socket from the thread-local pointer to those caches with
 * one shift and one addition.
 */
static inline uint64_t
__rte_fastmem_cache_key(uint32_t idx)
{
	return RTE_FASTMEM_SLAB_KEY |
		((uint64_t)(idx / RTE_FASTMEM_NUM_CLASSES) << RTE_FASTMEM_KEY_SOCKET_SHIFT) |
		((uint64_t)(idx % RTE_FASTMEM_NUM_CLASSES) * sizeof(struct rte_fastmem_cache)) <<
		RTE_FASTMEM_KEY_OFF_SHIFT;
}

/**
 * @internal
 * What the inline functions read through the calling thread's one thread-local variable: its
 * block, and the caches of its own socket in that block, which the allocation and free
 * functions address without a load from the block.
 */
struct rte_fastmem_tls {
	/**
	 * The caches of the thread's socket. For a thread without a block (yet), zeroes that
	 * stand for caches of length 0 and capacity 0, far enough for any page key's offset,
	 * on which every inline path misses.
	 */
	struct rte_fastmem_cache *local;
	struct rte_fastmem_block *blk; /**< The thread's block, or one without caches. */
};

/*
 * Checked builds: with RTE_LIBRTE_FASTMEM_DEBUG defined (debug mode) or with AddressSanitizer,
 * every object handed out and every object freed goes through the library's check functions,
 * also on the inline hit paths. Production builds compile these calls out. AddressSanitizer is
 * recognized as DPDK does (RTE_MALLOC_ASAN, set by a DPDK build with ASan) and as the compiler
 * announces it (GCC's __SANITIZE_ADDRESS__, clang's __has_feature), so that an application
 * built with ASan checks as the library does. The check functions are experimental: an
 * application that does not allow experimental APIs has no inline paths to check, and must not
 * name them.
 */
#ifdef ALLOW_EXPERIMENTAL_API
#if defined(RTE_LIBRTE_FASTMEM_DEBUG) || defined(RTE_MALLOC_ASAN) || \
	defined(__SANITIZE_ADDRESS__)
#define RTE_FASTMEM_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTE_FASTMEM_CHECKED 1
#endif
#endif
#endif

/**
 * @internal
 * Check an object about to be handed out (debug mode: it must be free and unmodified since
 * its free) and make its first size bytes usable (AddressSanitizer). No-op in production builds.
 */
__rte_experimental
void rte_fastmem_check_alloc(void *obj, size_t size);

/**
 * @internal
 * Check an object being freed (debug mode: it must be a live object, of the class of cache
 * cache_idx (of any socket) unless that is UINT32_MAX, with its canary intact; panics otherwise)
 * and poison it. No-op in production builds.
 */
__rte_experimental
void rte_fastmem_check_free(void *obj, uint32_t cache_idx);

/**
 * @internal
 * The calling thread's cache block and own socket's caches; until its first allocation, a
 * block without caches and zeroes (see struct rte_fastmem_tls), on which every inline path
 * misses.
 */
RTE_DECLARE_PER_LCORE(struct rte_fastmem_tls, rte_fastmem_tls);

/** @internal Miss path of rte_fastmem_halloc(). */
__rte_experimental
void *rte_fastmem_halloc_slow(uint32_t handle, unsigned int flags);

/** @internal Miss path of rte_fastmem_halloc_bulk(). */
__rte_experimental
int rte_fastmem_halloc_bulk_slow(uint32_t handle, void **ptrs, unsigned int n,
		unsigned int flags);

/** @internal Miss path of rte_fastmem_hfree(). */
__rte_experimental
void rte_fastmem_hfree_slow(uint32_t handle, void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* RTE_FASTMEM_CORE_H */
