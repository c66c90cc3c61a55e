/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#ifndef RTE_FASTMEM_H
#define RTE_FASTMEM_H

/**
 * @file
 * RTE fastmem: a fast general-purpose allocator for small objects.
 *
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * fastmem serves objects of 1 byte to rte_fastmem_max_size() bytes from IOVA-contiguous,
 * NUMA-local memory (usable for DMA), grows on demand and costs about what an rte_mempool
 * costs on the hot path. Objects above the largest size class (RTE_FASTMEM_MAX_OBJ_SIZE,
 * 1 MiB) are large objects: each is a memzone of its own, IOVA-contiguous within each
 * 2 MiB-aligned 2 MiB chunk; when one is freed its memzone is kept for reuse by the next large
 * allocation of a fitting size, up to 128 MiB of such idle memzones per socket, and given back
 * to EAL beyond that, by rte_fastmem_trim() and by rte_fastmem_deinit(), and when EAL refuses
 * a memzone fastmem needs. Backing memory comes from EAL memzones, carved into 2 MiB slabs
 * that move freely between size classes (four per power of two, finer below 256 B); slabs of
 * the classes up to 8 KiB are shared by classes in 64 KiB pages. Each socket has one bin per
 * class; each thread has a LIFO cache per (socket, class), bounded by count and bytes, that
 * serves allocations and frees without locks.
 *
 * There is one allocator per process group: the primary process calls rte_fastmem_init();
 * secondary processes attach to it on their first call. Any object may be freed from any
 * lcore, non-EAL thread or process.
 *
 * The allocation functions that return a new object are marked __rte_malloc, and those that are not
 * inline (rte_fastmem_realloc() too) __rte_dealloc(rte_fastmem_dealloc, 1), so that GCC warns when
 * free() is called on their objects. GCC's malloc attribute with a deallocator turns inline
 * allocation functions into noinline ones, and it ignores a deallocator that is inline: the
 * deallocator is rte_fastmem_dealloc(), the out-of-line free that the inline rte_fastmem_free()
 * calls on a miss.
 *
 * Errors are reported as in the rest of DPDK: functions returning a pointer return NULL and set
 * rte_errno; functions returning int return a negative errno value and set rte_errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_debug.h>
#include <rte_memcpy.h>
#include <rte_memory.h>
#include <rte_vect.h>

#include "rte_fastmem_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @internal
 * The deallocator attribute of the allocation functions that are not inline. It names the
 * experimental rte_fastmem_dealloc(), which an application that does not allow experimental
 * APIs must not name: there it is empty (the inline functions' bodies are compiled out as well).
 */
#ifdef ALLOW_EXPERIMENTAL_API
#define __rte_fastmem_dealloc __rte_dealloc(rte_fastmem_dealloc, 1)
#else
#define __rte_fastmem_dealloc
#endif

/** Flag for allocation functions: return zeroed memory. */
#define RTE_FASTMEM_F_ZERO RTE_BIT32(0)

/**
 * Opaque handle: a pre-resolved (size class, socket) pair, from rte_fastmem_hlookup().
 * A handle is valid in every thread and process of the allocator until rte_fastmem_deinit().
 */
typedef uint32_t rte_fastmem_handle_t;

/**
 * Allocator-wide statistics. Large objects (above the largest size class,
 * RTE_FASTMEM_MAX_OBJ_SIZE) count in the object totals and in bytes_in_use, and apart in
 * large_in_use and bytes_large; the memzones of freed ones kept for reuse in large_idle and
 * bytes_large_idle. Neither are backing memory.
 */
struct rte_fastmem_stats {
	uint64_t bytes_backing; /**< Bytes of the slab memzones reserved, all sockets. */
	/**
	 * Bytes of memzones given back to EAL since init, all sockets: by rte_fastmem_trim()
	 * (slab memzones and the idle memzones of large objects), by allocations that EAL
	 * refused a memzone (idle memzones of large objects) and by bulk allocations that
	 * could not be met (the slab memzones they reserved; the memzones a bulk allocation of
	 * large objects reserved were never counted anywhere and are not counted here).
	 */
	uint64_t bytes_trimmed;
	/**
	 * Bytes of live objects, counted at their class size, large objects at the length of
	 * their memzone (header and alignment included).
	 */
	uint64_t bytes_in_use;
	uint64_t alloc_total;   /**< Objects allocated, large ones included. */
	uint64_t free_total;    /**< Objects freed, large ones included. */
	uint64_t alloc_nomem;   /**< Objects that could not be allocated for lack of memory. */
	unsigned int n_classes; /**< Number of size classes. */
	uint64_t large_in_use;  /**< Live large objects (one memzone each). */
	uint64_t bytes_large;   /**< Bytes of the memzones of live large objects. */
	/**
	 * Idle memzones: those of freed large objects, kept for reuse by large allocations of
	 * a fitting size until rte_fastmem_trim() or rte_fastmem_deinit() (at most 128 MiB of
	 * them per socket).
	 */
	uint64_t large_idle;
	/** Bytes of the idle memzones of large objects: memory fastmem holds, not in use. */
	uint64_t bytes_large_idle;
};

/** Statistics of one size class, all sockets. */
struct rte_fastmem_class_stats {
	size_t class_size;           /**< Object size of the class. */
	uint64_t in_use;             /**< Live objects. */
	uint64_t alloc_cache_hits;   /**< Objects allocated from a thread cache. */
	uint64_t alloc_cache_misses; /**< Objects allocated through the cache miss path. */
	uint64_t alloc_nomem;        /**< Objects that could not be allocated. */
	uint64_t free_cache_hits;    /**< Objects freed into a thread cache. */
	uint64_t free_cache_misses;  /**< Objects freed through the cache miss path. */
	/**
	 * Spans taken by the class: 64 KiB pages of shared slabs for classes up to 8 KiB,
	 * whole 2 MiB slabs for larger classes.
	 */
	uint64_t slab_acquires;
	uint64_t slab_releases;      /**< Empty spans given back. */
	uint32_t slabs_partial;      /**< Spans of the class with free objects. */
	uint32_t slabs_full;         /**< Spans of the class without free objects. */
	/** Bytes of the spans of the class: its live, cached and free objects and slack. */
	uint64_t bytes_held;
};

/** Statistics of one lcore, all classes. */
struct rte_fastmem_lcore_stats {
	uint64_t alloc_cache_hits;   /**< Objects allocated from the lcore's caches. */
	uint64_t alloc_cache_misses; /**< Objects allocated through the miss path. */
	uint64_t alloc_nomem;        /**< Objects that could not be allocated. */
	uint64_t free_cache_hits;    /**< Objects freed into the lcore's caches. */
	uint64_t free_cache_misses;  /**< Objects freed through the miss path. */
};

/** Statistics of one lcore for one size class. */
struct rte_fastmem_lcore_class_stats {
	size_t class_size;           /**< Object size of the class. */
	uint64_t alloc_cache_hits;   /**< Objects allocated from the lcore's cache. */
	uint64_t alloc_cache_misses; /**< Objects allocated through the miss path. */
	uint64_t alloc_nomem;        /**< Objects that could not be allocated. */
	uint64_t free_cache_hits;    /**< Objects freed into the lcore's cache. */
	uint64_t free_cache_misses;  /**< Objects freed through the miss path. */
};

/**
 * Initialize the allocator. Reserves its shared state; backing memory is reserved lazily, or
 * up front with rte_fastmem_reserve(). Not thread-safe; call from the primary process after
 * rte_eal_init().
 *
 * @return
 *   0 on success, or a negative errno value (rte_errno is set):
 *   - -EBUSY: already initialized.
 *   - -E_RTE_SECONDARY: called in a secondary process (secondaries attach automatically).
 *   - -ENOMEM: the shared state could not be reserved.
 */
__rte_experimental
int rte_fastmem_init(void);

/**
 * Tear the allocator down and give all its memory back to EAL, but for the threads' cache
 * blocks, which they keep (emptied) for a later init. Objects still live are lost (their
 * number is logged per class). In a secondary process, flushes that process's caches and
 * detaches only. Not thread-safe: no other thread may use fastmem during or after the call.
 * Call it before rte_eal_cleanup(), in every process: threads that used fastmem may then exit
 * after rte_eal_cleanup() without touching the DPDK memory it unmapped.
 */
__rte_experimental
void rte_fastmem_deinit(void);

/**
 * Reserve backing memory up front, up to a target total: after the call the socket holds at
 * least @p size bytes of backing memory. Only the memzones missing to reach @p size are
 * reserved (whole 2 MiB slabs); a socket that already holds @p size bytes or more gets
 * nothing and the call succeeds. Repeated calls therefore grow the reservation monotonically:
 * reserve(64 MiB) then reserve(96 MiB) leaves 96 MiB, not 160 MiB; memory taken by growth on
 * demand counts towards the target. Thread-safe.
 *
 * @param size
 *   Bytes of backing memory the socket is to hold in total.
 * @param socket_id
 *   NUMA socket, or SOCKET_ID_ANY for the calling thread's socket.
 * @return
 *   0 on success, or a negative errno value (rte_errno is set):
 *   - -EINVAL: bad socket or size 0.
 *   - -ENOMEM: not enough memory, or the missing amount does not fit under the socket's
 *     limit (nothing is reserved then); when EAL runs out of memory midway, the memzones
 *     reserved before the failure stay as backing memory, but only a successful call raises
 *     what rte_fastmem_trim() keeps.
 *   - -ENODEV: the allocator is not initialized.
 */
__rte_experimental
int rte_fastmem_reserve(size_t size, int socket_id);

/**
 * Limit the backing memory of a socket. Growth beyond the limit fails with ENOMEM; memory
 * already reserved keeps serving, also when the new limit is below it. The default is no
 * limit (SIZE_MAX). Large objects are not backing memory and are not limited, nor are the
 * idle memzones kept for them (at most 128 MiB per socket, see rte_fastmem_trim()).
 * Thread-safe.
 *
 * @param socket_id
 *   NUMA socket, or SOCKET_ID_ANY for every socket.
 * @param max_bytes
 *   Maximum backing bytes.
 * @return
 *   0 on success, or -EINVAL (bad socket) or -ENODEV (not initialized); rte_errno is set.
 */
__rte_experimental
int rte_fastmem_set_limit(int socket_id, size_t max_bytes);

/**
 * Get the backing-memory limit of a socket.
 *
 * @param socket_id
 *   NUMA socket, or SOCKET_ID_ANY for the calling thread's socket.
 * @return
 *   The limit in bytes (SIZE_MAX when unlimited), or 0 with rte_errno set to EINVAL (bad
 *   socket) or ENODEV (not initialized). A limit of 0 is valid too (rte_fastmem_set_limit()):
 *   a caller that sets one tells it from an error by setting rte_errno to 0 before the call.
 */
__rte_experimental
size_t rte_fastmem_get_limit(int socket_id);

/**
 * Give backing memory back to EAL: drain the bins' depots into their slabs, then free every
 * memzone whose slabs are all free, newest first, as long as the socket keeps what
 * rte_fastmem_reserve() asked for; and free every idle memzone kept for large objects (the
 * memzones of freed large objects, up to 128 MiB per socket). The memory is then available
 * to rte_malloc(), mempools and memzones, in this and other processes.
 *
 * Objects in thread caches keep their slabs in use: trim never touches a cache. To give back
 * everything that is free, call rte_fastmem_cache_flush() on every thread that used the
 * allocator first (the calling thread's cache is not flushed either). Memzones with a live
 * object stay. Thread-safe; it takes the bin locks in turn and waits for a reservation in
 * progress, so it belongs on a control thread, not on the data path.
 *
 * @param socket_id
 *   NUMA socket, or SOCKET_ID_ANY for every socket.
 * @return
 *   The number of bytes given back (0 when there was nothing to give back), saturated at
 *   INT_MAX (rte_fastmem_stats::bytes_trimmed, which counts what trims and a few other
 *   paths gave back since init, grows by the exact amount), or a negative errno value
 *   (rte_errno is set): -EINVAL (bad socket) or -ENODEV (not initialized).
 */
__rte_experimental
int rte_fastmem_trim(int socket_id);

/**
 * @return
 *   The largest size the allocation functions accept: 2^63 with a 64-bit size_t (larger sizes
 *   fail with E2BIG, as no memzone could ever hold them). Sizes above RTE_FASTMEM_MAX_OBJ_SIZE
 *   (the largest size class, 1 MiB) are large objects, one memzone each (reused from a freed
 *   large object when one fits), as far as EAL has the memory (ENOMEM otherwise).
 */
__rte_experimental
size_t rte_fastmem_max_size(void);

/**
 * Free an object: rte_fastmem_free() as a library function, never inline. It is the
 * deallocator that the allocation functions name in their __rte_dealloc attribute (GCC ignores
 * an inline one), so that the compiler warns when free() is called on a fastmem object, and
 * the miss path of rte_fastmem_free() and rte_fastmem_free_bulk(). Applications call
 * rte_fastmem_free(), whose hit path is inline; this function is for where a function is
 * needed rather than a call, e.g. a free callback of type void (*)(void *). It accepts what
 * rte_fastmem_free() accepts and does the same. Thread-safe, lock-free on a cache hit.
 *
 * @param ptr
 *   Object from any fastmem allocation function, or NULL (no-op).
 */
__rte_experimental
void rte_fastmem_dealloc(void *ptr);

/**
 * Free an object. Any object may be freed from any lcore, non-EAL thread or process.
 * Freeing twice, or freeing a pointer into fastmem's memory that is not an object's start, is
 * undefined behaviour. A pointer into memory outside fastmem's memzones is logged and
 * ignored, provided the 2 MiB-aligned block it lies in is readable (as all DPDK memory is).
 * Debug mode panics on all of these.
 * Thread-safe, lock-free on a cache hit: the hit puts the object into the calling thread's
 * cache inline; everything else (and, in checked builds, every object) goes to
 * rte_fastmem_dealloc().
 *
 * @param ptr
 *   Object from any fastmem allocation function, or NULL (no-op).
 */
__rte_experimental
static inline void
rte_fastmem_free(void *ptr);

/**
 * Allocate an object on the calling thread's socket, falling back to the other sockets
 * (threads without a socket use the main lcore's socket first). Thread-safe, lock-free on
 * a cache hit.
 *
 * @param size
 *   Object size in bytes, 1 to rte_fastmem_max_size(). Above RTE_FASTMEM_MAX_OBJ_SIZE (the
 *   largest size class) the object is a large object, a memzone of its own: a new one, or
 *   the smallest memzone of a freed large object on the socket that holds it and that it
 *   needs more than half of.
 * @param align
 *   Alignment: 0 for RTE_CACHE_LINE_SIZE, otherwise a power of two up to
 *   RTE_FASTMEM_MAX_OBJ_SIZE (1 MiB), for any size. Honoured by placement: a small object is
 *   served from the smallest class that holds its size rounded up to the alignment, whose
 *   objects are aligned to it; a large object starts max(RTE_CACHE_LINE_SIZE, align) bytes
 *   into its 2 MiB-aligned memzone.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   The object, or NULL with rte_errno set:
 *   - EINVAL: size 0, alignment not a power of two, unknown flag.
 *   - E2BIG: size larger than rte_fastmem_max_size() (no memzone could hold it), or
 *     alignment larger than RTE_FASTMEM_MAX_OBJ_SIZE.
 *   - ENOMEM: out of memory or over the limit on every socket; for a large object, EAL
 *     could not reserve its memzone (or, with IOVA as PA, a 2 MiB chunk of it was not
 *     IOVA-contiguous) on any socket it may use.
 *   - ENODEV: the allocator is not initialized.
 */
__rte_experimental
static inline void *
rte_fastmem_alloc(size_t size, size_t align, unsigned int flags)
	__rte_malloc;

/**
 * Allocate an object on a given socket. An explicit socket never falls back to another one;
 * SOCKET_ID_ANY behaves as rte_fastmem_alloc(). Thread-safe.
 *
 * @param size
 *   Object size in bytes, 1 to rte_fastmem_max_size().
 * @param align
 *   0 for RTE_CACHE_LINE_SIZE, otherwise a power of two up to RTE_FASTMEM_MAX_OBJ_SIZE.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @param socket_id
 *   NUMA socket or SOCKET_ID_ANY.
 * @return
 *   The object, or NULL with rte_errno set as for rte_fastmem_alloc(), and EINVAL for a bad
 *   socket.
 */
__rte_experimental
void *rte_fastmem_alloc_socket(size_t size, size_t align, unsigned int flags, int socket_id)
	__rte_malloc __rte_fastmem_dealloc;

/**
 * Resize an object. realloc(NULL, size) is rte_fastmem_alloc(size, align, 0); a size of 0
 * frees @p ptr and returns NULL. When the new size and alignment map to the object's class,
 * the same pointer is returned; so it is for a large object whose new size is still above the
 * largest class (RTE_FASTMEM_MAX_OBJ_SIZE), when its memzone holds the new size and needs more
 * than half for it. Otherwise a new object (small or large) is allocated on the
 * old object's socket, falling back to the other sockets as rte_fastmem_alloc() does, the
 * contents are copied (up to the smaller size) and the old object is freed. When no new object
 * can be had, an object that holds the new size at the alignment where it is (a shrink, or a
 * large object's growth within its memzone) is kept: it returns @p ptr, rte_errno unchanged.
 *
 * @param ptr
 *   Object or NULL.
 * @param size
 *   New size in bytes.
 * @param align
 *   0 for RTE_CACHE_LINE_SIZE, otherwise a power of two up to RTE_FASTMEM_MAX_OBJ_SIZE.
 * @return
 *   The object; NULL for a size of 0 and an object @p ptr, freed (rte_errno is not set); or
 *   NULL with rte_errno set as for rte_fastmem_alloc() (EINVAL for @p ptr NULL and a size of
 *   0), and EINVAL when @p ptr is not an object fastmem handed out (debug mode panics then): on
 *   such a failure @p ptr is untouched and still valid.
 */
__rte_experimental
void *rte_fastmem_realloc(void *ptr, size_t size, size_t align)
	__rte_fastmem_dealloc;

/**
 * Allocate @p n objects of one size, all or nothing. Thread-safe.
 *
 * @param ptrs
 *   Array receiving the objects; left exactly as it was on failure.
 * @param n
 *   Number of objects; 0 does nothing and succeeds.
 * @param size
 *   Object size, as for rte_fastmem_alloc().
 * @param align
 *   Alignment, as for rte_fastmem_alloc().
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   0 on success, or a negative errno value as for rte_fastmem_alloc() (rte_errno is set);
 *   -EINVAL also for a NULL @p ptrs (with @p n above 0).
 */
__rte_experimental
static inline int
rte_fastmem_alloc_bulk(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags);

/**
 * Allocate @p n objects of one size on a given socket, all or nothing, as
 * rte_fastmem_alloc_socket() does for one object. Thread-safe.
 *
 * @param ptrs
 *   Array receiving the objects; left exactly as it was on failure.
 * @param n
 *   Number of objects; 0 does nothing and succeeds.
 * @param size
 *   Object size.
 * @param align
 *   Alignment.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @param socket_id
 *   NUMA socket or SOCKET_ID_ANY.
 * @return
 *   0 on success, or a negative errno value as for rte_fastmem_alloc_bulk() (rte_errno is
 *   set); -EINVAL also for a bad socket.
 */
__rte_experimental
int rte_fastmem_alloc_bulk_socket(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags, int socket_id);

/**
 * Free @p n objects of any classes and sockets; NULL entries are skipped. Thread-safe.
 *
 * @param ptrs
 *   Array of objects (may be NULL when @p n is 0).
 * @param n
 *   Number of entries.
 */
__rte_experimental
static inline void
rte_fastmem_free_bulk(void **ptrs, unsigned int n);

/**
 * Resolve (size, align, socket) to a handle once, so that rte_fastmem_halloc() and
 * rte_fastmem_hfree() skip the per-call checks of the arguments and the size class lookup
 * (rte_fastmem_hfree() still reads the object's page key, to send an object of another
 * socket or class to its own cache). A handle works on every lcore, non-EAL
 * thread and secondary process. Thread-safe.
 *
 * @param size
 *   Object size, as for rte_fastmem_alloc().
 * @param align
 *   Alignment, as for rte_fastmem_alloc().
 * @param socket_id
 *   NUMA socket, or SOCKET_ID_ANY for the calling thread's socket.
 * @param handle
 *   Receives the handle.
 * @return
 *   0 on success, or a negative errno value (rte_errno is set): -EINVAL (bad argument,
 *   alignment not a power of two, NULL @p handle), -E2BIG (size or alignment larger than
 *   RTE_FASTMEM_MAX_OBJ_SIZE: handles serve the size classes only, not large objects),
 *   -ENODEV (not initialized).
 */
__rte_experimental
int rte_fastmem_hlookup(size_t size, size_t align, int socket_id,
		rte_fastmem_handle_t *handle);

/**
 * Allocate an object through a handle. Thread-safe, lock-free on a cache hit. A handle names
 * one socket: when that socket cannot serve, the call fails with ENOMEM rather than fall back
 * to another socket, as rte_fastmem_alloc_socket() with an explicit socket.
 *
 * @param handle
 *   Handle from rte_fastmem_hlookup().
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO (zeroes the whole class size).
 * @return
 *   The object, or NULL with rte_errno set: EINVAL (bad handle or flag), ENOMEM, ENODEV.
 */
__rte_experimental
static inline void *
rte_fastmem_halloc(rte_fastmem_handle_t handle, unsigned int flags)
	__rte_malloc;

/**
 * Allocate @p n objects through a handle, all or nothing, on the handle's socket (see
 * rte_fastmem_halloc()). Thread-safe.
 *
 * @param handle
 *   Handle from rte_fastmem_hlookup().
 * @param ptrs
 *   Array receiving the objects; left exactly as it was on failure.
 * @param n
 *   Number of objects; 0 does nothing and succeeds.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   0 on success, or a negative errno value (rte_errno is set): -EINVAL (bad handle or flag,
 *   NULL @p ptrs with @p n above 0), -ENOMEM, -ENODEV (not initialized).
 */
__rte_experimental
static inline int
rte_fastmem_halloc_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n,
		unsigned int flags);

/**
 * Free an object through a handle: @p ptr must be an object of the handle's size class (any
 * object allocated with the same size class qualifies, however it was allocated). An object
 * that an allocation with SOCKET_ID_ANY placed on another socket than the handle's is fine:
 * like rte_fastmem_free(), the object goes to the cache of its own slab's socket and class.
 * Thread-safe.
 *
 * @param handle
 *   Handle from rte_fastmem_hlookup().
 * @param ptr
 *   Object, or NULL (no-op).
 */
__rte_experimental
static inline void
rte_fastmem_hfree(rte_fastmem_handle_t handle, void *ptr);

/**
 * Free @p n objects through a handle; NULL entries are skipped. Thread-safe.
 *
 * @param handle
 *   Handle from rte_fastmem_hlookup().
 * @param ptrs
 *   Objects of the handle's class (of any socket, as for rte_fastmem_hfree()).
 * @param n
 *   Number of entries.
 */
__rte_experimental
static inline void
rte_fastmem_hfree_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n);

/**
 * Translate the address of any byte inside a live object to its IO address, in O(1). A large
 * object is IOVA-contiguous within each 2 MiB-aligned 2 MiB chunk only: with IOVA as PA, a
 * device needs the IO address of every chunk.
 *
 * @param ptr
 *   Address inside a live fastmem object.
 * @return
 *   The IO address, or RTE_BAD_IOVA for NULL, when the allocator is not initialized, for
 *   a freed large object (also while its memzone is kept for reuse), and for an address in
 *   no large object's memzone nor in a page in service (a free page or slab; foreign
 *   memory, provided the 2 MiB-aligned block it lies in is readable, as all DPDK memory is:
 *   its start is read as a slab header), on which debug mode panics instead. Large objects
 *   are recognized by their 2 MiB chunks: an address past the end of a large object's
 *   memzone, in its last chunk (memory EAL may have given to someone else), gets the IO
 *   address of that memory as if it were the object's.
 */
__rte_experimental
rte_iova_t rte_fastmem_virt2iova(const void *ptr);

/**
 * Return the calling thread's cached objects to the bins, so that empty slabs can go back to
 * the free-slab pools. Safe from any thread; never touches another thread's cache; a no-op
 * when there is nothing to flush.
 */
__rte_experimental
void rte_fastmem_cache_flush(void);

/**
 * List the size classes: every multiple of 8 B up to 64 B, of 16 B up to 256 B, then four per
 * power of two up to 1 MiB (320, 384, 448, 512, 640, ...).
 *
 * @param sizes
 *   NULL, or an array of at least the returned number of entries, receiving the class sizes
 *   in increasing order.
 * @return
 *   Number of size classes (68).
 */
__rte_experimental
unsigned int rte_fastmem_classes(size_t *sizes);

/**
 * Read allocator-wide statistics. Exact when no other thread is allocating.
 *
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (NULL @p stats) or -ENODEV (not initialized); rte_errno is set.
 */
__rte_experimental
int rte_fastmem_stats(struct rte_fastmem_stats *stats);

/**
 * Read the statistics of one size class, summed over all sockets.
 *
 * @param class_size
 *   A size listed by rte_fastmem_classes().
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (not a class size, NULL @p stats) or -ENODEV; rte_errno is set.
 */
__rte_experimental
int rte_fastmem_stats_class(size_t class_size, struct rte_fastmem_class_stats *stats);

/**
 * Read the statistics of one lcore of the calling process, all classes: the counters of the
 * cache blocks of its live threads. A thread's lcore id is the one it had when it got its
 * cache block (a thread that gave the id up with rte_thread_unregister() still counts for it,
 * beside the thread that took the id next). Threads without an lcore id are reported by
 * rte_fastmem_stats_shared(). The operations of an lcore thread that works uncached (no cache
 * block could be had: the registry of blocks is full, or the DPDK heap could not give one) are
 * counted by rte_fastmem_stats() and rte_fastmem_stats_class() only.
 *
 * @param lcore_id
 *   Lcore id, below RTE_MAX_LCORE. An lcore that never allocated has all counters 0.
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (bad lcore id, NULL @p stats) or -ENODEV; rte_errno is set.
 */
__rte_experimental
int rte_fastmem_stats_lcore(unsigned int lcore_id, struct rte_fastmem_lcore_stats *stats);

/**
 * Read the statistics of one lcore of the calling process for one size class.
 *
 * @param lcore_id
 *   Lcore id, below RTE_MAX_LCORE.
 * @param class_size
 *   A size listed by rte_fastmem_classes().
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (bad lcore id or class size, NULL @p stats) or -ENODEV; rte_errno is set.
 */
__rte_experimental
int rte_fastmem_stats_lcore_class(unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Read the statistics of the threads that have no lcore id (rte_lcore_id() is LCORE_ID_ANY:
 * non-EAL threads not registered with EAL), of every process, all classes: the counters no
 * rte_fastmem_stats_lcore() call reports. They include
 * - the caches of such threads that are in service,
 * - the counters of such threads that have exited (their cache blocks parked) or whose
 *   process is gone (their blocks reclaimed),
 * - the operations of such threads that work uncached (no cache block could be had).
 * A thread's lcore id is the one it had when it got its cache block, at its first allocation
 * or free. The sum of the counters of every lcore and these is the allocator's total only as
 * long as no thread with an lcore id exited, was detached or worked uncached: the counters of
 * retired lcore caches, and the operations of uncached lcore threads, are counted by
 * rte_fastmem_stats() and rte_fastmem_stats_class() only. Exact when no
 * other thread is allocating; rte_fastmem_stats_reset() zeroes them.
 *
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (NULL @p stats) or -ENODEV (not initialized); rte_errno is set.
 */
__rte_experimental
int rte_fastmem_stats_shared(struct rte_fastmem_lcore_stats *stats);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Read the statistics of the threads that have no lcore id, of every process, for one size
 * class: what rte_fastmem_stats_shared() counts, for that class only.
 *
 * @param class_size
 *   A size listed by rte_fastmem_classes().
 * @param stats
 *   Receives the statistics.
 * @return
 *   0, or -EINVAL (not a class size, NULL @p stats) or -ENODEV (not initialized); rte_errno
 *   is set.
 */
__rte_experimental
int rte_fastmem_stats_shared_class(size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats);

/**
 * Reset the counters of operations: the object totals, cache hits and misses, alloc_nomem and the
 * span acquires and releases. What describes the current state is kept: objects and bytes in use,
 * spans, backing, large and idle memzones, and bytes_trimmed (counted since init). Call it when no
 * other thread is allocating: an operation that runs during the reset may be counted before it or
 * after it. The threads' caches are not disturbed: each keeps its counts, and the reset moves the
 * base the statistics read them from.
 */
__rte_experimental
void rte_fastmem_stats_reset(void);

/*
 * Inline fast paths. A hit takes an object from, or puts one into, the calling thread's cache:
 * one thread-local load, one indexed cache, no lock and no atomic. Everything else (first use
 * by a thread, empty or full cache, bad arguments, uninitialized allocator) goes to the
 * library's miss path, which also validates the arguments.
 */

/**
 * @internal
 * The calling thread's cache on its own socket for an allocation of (size, align, flags), or
 * NULL when the miss path must take the call.
 */
static inline struct rte_fastmem_cache *
__rte_fastmem_local_cache(size_t size, size_t align, unsigned int flags)
{
	struct rte_fastmem_cache *local = RTE_PER_LCORE(rte_fastmem_tls).local;
	size_t a = align != 0 ? align : RTE_CACHE_LINE_SIZE;
	/* size - 1 and a - 1 are below the largest class (a power of 2) exactly when m is. */
	size_t m = (size - 1) | (a - 1);

	if (unlikely(m >= RTE_FASTMEM_MAX_OBJ_SIZE ||
			((a & (a - 1)) | (flags & ~RTE_FASTMEM_F_ZERO)) != 0))
		return NULL;
	/* The size rounded up to a multiple of the alignment maps to a class aligned to it. */
	return &local[__rte_fastmem_size_class(m + 1)];
}

/**
 * @internal
 * The index of the cache a handle names in a cache block: a handle is the index plus
 * RTE_FASTMEM_HANDLE_MAGIC << 16 (any index for a handle rte_fastmem_hlookup() never returned).
 */
static inline uint32_t
__rte_fastmem_handle_index(rte_fastmem_handle_t handle)
{
	return handle - ((uint32_t)RTE_FASTMEM_HANDLE_MAGIC << 16);
}

/**
 * @internal
 * The cache a handle names in the calling thread's block, or NULL. The compiler is kept from
 * seeing how the pointer was computed (an empty asm statement that may change it), so that it
 * addresses the cache's slots from it: GCC 12 otherwise computed every slot's address anew
 * from the handle's index, with a second multiplication (about 0.8 cycles of an allocation
 * and free pair).
 */
static inline struct rte_fastmem_cache *
__rte_fastmem_handle_cache(rte_fastmem_handle_t handle)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;
	uint32_t idx = __rte_fastmem_handle_index(handle);
	struct rte_fastmem_cache *c;

	if (unlikely(idx >= blk->n_caches))
		return NULL;
	c = &blk->caches[idx];
#ifndef RTE_TOOLCHAIN_MSVC
	__asm__("" : "+r"(c));
#endif
	return c;
}

/**
 * @internal
 * The key of the page ptr lies in, in the header of its slab: the key of the caches its objects
 * go to, for a page in service (see RTE_FASTMEM_SLAB_KEY).
 */
static inline uint64_t
__rte_fastmem_slab_key(const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;

	return ((const uint64_t *)(p & ~(RTE_FASTMEM_SLAB_SIZE - 1)))
		[(p >> RTE_FASTMEM_PAGE_SHIFT) & (RTE_FASTMEM_SLAB_PAGES - 1)];
}

/**
 * @internal
 * Find in *c the cache among the calling thread's own socket's caches (local) that a page key
 * names; returns false for a word that is not the key of one of them. A word passes if its low
 * 32 bits are the key constant's, and if the eight bytes where a cache keeps its key, at the
 * offset from local that the word's top bits give (which the thread's block can be read at,
 * whatever the word), are this word (read from the header line the caller reads anyway). The
 * key of another socket's cache, a foreign word, and an offset that is not the start of a cache
 * are refused: no word of a block but a key holds the constant (a top word's length is below
 * its low 9 bits, a pointer is even), nor do eight bytes straddling two words. Those bytes are
 * read through memcpy(), as they may be anything until they pass.
 *
 * Both tests are marked unlikely() so that the compiler lays every caller's hit path out as
 * the straight line: without, GCC 12 put the free's hit path after the miss path's call in
 * the benchmark's loop of allocation and free pairs (with the class lookup's, see
 * __rte_fastmem_size_class(), 4.0 cycles a pair against 2.8).
 *
 * (An offset that needs no bound, in place of one checked against the size of the block's
 * caches, which the free loaded: 0.2 cycles of a free, measured. A mask loaded from the block,
 * for the caches of every socket, cost a mixed workload 0.5 cycles: a load on the address's
 * path.)
 */
static inline bool
__rte_fastmem_key_cache(struct rte_fastmem_cache *local, uint64_t key,
		struct rte_fastmem_cache **c)
{
	uintptr_t a = (uintptr_t)local + (key >> RTE_FASTMEM_KEY_OFF_SHIFT);
	uint64_t k;

	if (unlikely((uint32_t)key != (uint32_t)RTE_FASTMEM_SLAB_KEY))
		return false;
	memcpy(&k, (const void *)(a + offsetof(struct rte_fastmem_cache, key)), sizeof(k));
	if (unlikely(k != key))
		return false;
	*c = (struct rte_fastmem_cache *)a;
	return true;
}

/**
 * @internal
 * Copy n object pointers between a cache and an array, with wide moves: rte_memcpy() when n is
 * a compile-time constant, else four pointers at a time, loaded before they are stored. (A
 * plain copy loop became a call to memmove() for a constant n; rte_memcpy() of a variable n
 * from or into a small array trips -Warray-bounds in the caller with GCC 12; memcpy() of a
 * constant n interleaved loads and stores and made a loop of bulk calls three times slower; two
 * pointers at a time cost a variable n 1.8 cycles per object against 1.1.)
 */
static inline void
__rte_fastmem_copy(void **__rte_restrict dst, void * const *__rte_restrict src, unsigned int n)
{
	rte_v128u64_t x, y;
	unsigned int i;

	if (__rte_constant(n)) {
		rte_memcpy(dst, src, n * sizeof(*dst));
		return;
	}
	for (i = 0; i + 4 <= n; i += 4) {
		memcpy(&x, &src[i], sizeof(x));
		memcpy(&y, &src[i + 2], sizeof(y));
		memcpy(&dst[i], &x, sizeof(x));
		memcpy(&dst[i + 2], &y, sizeof(y));
	}
	if (i + 2 <= n) {
		memcpy(&x, &src[i], sizeof(x));
		memcpy(&dst[i], &x, sizeof(x));
		i += 2;
	}
	if (i < n)
		dst[i] = src[i];
}

/**
 * @internal
 * Pop n objects (n at most the cache's length) from a cache into ptrs; size is the requested
 * object size, zeroed when flags has RTE_FASTMEM_F_ZERO. The top n go out in stack order (the
 * most recently cached last): a forward copy with wide moves (one move for one object), which
 * reads the cache in the order and width a bulk free wrote it.
 */
static inline void
__rte_fastmem_cache_pop(struct rte_fastmem_cache *c, void **__rte_restrict ptrs, unsigned int n,
		size_t size, unsigned int flags)
{
	uint64_t top = c->top;
	unsigned int i;

	__rte_fastmem_copy(ptrs, &c->objs[__rte_fastmem_top_len(top) - n], n);
	c->top = top - n;
#ifdef RTE_FASTMEM_CHECKED
	for (i = 0; i < n; i++)
		rte_fastmem_check_alloc(ptrs[i], size);
#endif
	if (flags & RTE_FASTMEM_F_ZERO)
		for (i = 0; i < n; i++)
			memset(ptrs[i], 0, size);
}

/**
 * @internal
 * Put ptrs[0], ptrs[1], ... into cache c (room for the n >= 1 objects checked by the caller)
 * as long as they are objects of pages with the key of c; ptrs[0] is such an object (checked
 * by the caller). Returns how many went in: n, or the index of the first NULL entry or object
 * of another cache.
 *
 * The usual bulk is objects of one page: one pass ORs together how each pointer differs from
 * the first, two pointers at a time (a 128-bit vector: written as a plain loop, the compiler
 * kept the pointers in scalar registers and spilled them), then a straight copy as mempool's.
 * A NULL entry differs from any object above the page bits. Objects of several pages take a
 * second pass that reads the key of each.
 */
static inline unsigned int
__rte_fastmem_cache_put_run(struct rte_fastmem_cache *c, void * const *__rte_restrict ptrs,
		unsigned int n, uint64_t key)
{
	uint64_t t = c->top;
	void **__rte_restrict top = &c->objs[__rte_fastmem_top_len(t)];
	uintptr_t p0 = (uintptr_t)ptrs[0], diff = 0;
	rte_v128u64_t v0 = { p0, p0 }, acc = { 0, 0 }, x;
	unsigned int i;

	for (i = 0; i + 2 <= n; i += 2) {
		memcpy(&x, &ptrs[i], sizeof(x));
		acc |= x ^ v0;
	}
	if (i < n)
		diff = (uintptr_t)ptrs[i] ^ p0;
	diff |= acc[0] | acc[1];
	if (likely(diff >> RTE_FASTMEM_PAGE_SHIFT == 0)) {
		__rte_fastmem_copy(top, ptrs, n);
		i = n;
	} else {
		for (i = 0; i < n; i++) {
			if (ptrs[i] == NULL || __rte_fastmem_slab_key(ptrs[i]) != key)
				break;
			top[i] = ptrs[i];
		}
	}
	c->top = t + i * RTE_FASTMEM_CACHE_FREE_ONE;
	return i;
}

/**
 * @internal
 * Put one object into cache c if it has room. Returns 0, or -1 when it is full.
 */
static inline int
__rte_fastmem_cache_put_one(struct rte_fastmem_cache *c, void *ptr)
{
	uint64_t top = c->top;
	uint32_t len = __rte_fastmem_top_len(top);

	if (unlikely(len >= c->cap))
		return -1;
	c->objs[len] = ptr;
	c->top = top + RTE_FASTMEM_CACHE_FREE_ONE;
	return 0;
}

/**
 * @internal
 * Put one object of the calling thread's socket into the thread's cache for its slab's class.
 * Returns 0, or -1 when the miss path must take it (an object of another socket too). The
 * free functions share this.
 */
static inline int
__rte_fastmem_cache_push(void *ptr)
{
	struct rte_fastmem_cache *c;

	if (unlikely(!__rte_fastmem_key_cache(RTE_PER_LCORE(rte_fastmem_tls).local,
			__rte_fastmem_slab_key(ptr), &c)))
		return -1;
	return __rte_fastmem_cache_put_one(c, ptr);
}

/**
 * @internal
 * The start of rte_fastmem_free_bulk(): ptrs[0], ptrs[1], ... into the calling thread's cache
 * of the first object's class and socket, as long as they are objects of that cache. Returns
 * how many went in (0 when the first is NULL, not in the cache's hit path, of another socket
 * than the thread's, or when there is no room for all n).
 *
 * The cache the last bulk free used is tried first: its address does not depend on the key
 * of the first object, which the cache's own key then confirms (a predicted branch), so the
 * copy into the cache does not wait for the key.
 */
static inline unsigned int
__rte_fastmem_cache_push_run(void **ptrs, unsigned int n)
{
#ifdef RTE_FASTMEM_CHECKED
	RTE_SET_USED(ptrs);
	RTE_SET_USED(n);
	return 0; /* every object through rte_fastmem_free() and its checks */
#else
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;
	struct rte_fastmem_cache *c;
	uint64_t key;

	/*
	 * A thread without caches goes straight to the objects one by one. (The test is also
	 * cheaper than its absence: without it, GCC 12 compiled mlcore_bulk's loop so that it
	 * cost 0.5 cycles more per object, measured.)
	 */
	if (unlikely(blk->n_caches == 0 || n == 0 || ptrs[0] == NULL))
		return 0;
	key = __rte_fastmem_slab_key(ptrs[0]);
	c = blk->hint;
	if (unlikely(key != c->key)) {
		if (unlikely(!__rte_fastmem_key_cache(RTE_PER_LCORE(rte_fastmem_tls).local, key,
				&c)))
			return 0;
		blk->hint = c;
	}
	if (unlikely(n > c->cap - __rte_fastmem_cache_len(c)))
		return 0;
	return __rte_fastmem_cache_put_run(c, ptrs, n, key);
#endif
}

static inline void *
rte_fastmem_alloc(size_t size, size_t align, unsigned int flags)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_local_cache(size, align, flags);
	void *obj;

	if (unlikely(c == NULL || __rte_fastmem_cache_len(c) == 0))
		return rte_fastmem_alloc_socket(size, align, flags, SOCKET_ID_ANY);
	__rte_fastmem_cache_pop(c, &obj, 1, size, flags);
	return obj;
#else
	RTE_SET_USED(size);
	RTE_SET_USED(align);
	RTE_SET_USED(flags);
	RTE_VERIFY(false);
#endif
}

static inline void
rte_fastmem_free(void *ptr)
{
#ifdef ALLOW_EXPERIMENTAL_API
#ifdef RTE_FASTMEM_CHECKED
	rte_fastmem_dealloc(ptr); /* every object through the library's checks */
#else
	if (ptr != NULL && unlikely(__rte_fastmem_cache_push(ptr) < 0))
		rte_fastmem_dealloc(ptr);
#endif
#else
	RTE_SET_USED(ptr);
	RTE_VERIFY(false);
#endif
}

static inline int
rte_fastmem_alloc_bulk(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_local_cache(size, align, flags);

	/*
	 * A length below n also stands for n > RTE_FASTMEM_CACHE_SLOTS: a cache holds no more.
	 * n == 0 goes to the miss path too, which writes no cache (the caches of a thread without
	 * a block are shared zeroes).
	 */
	if (unlikely(c == NULL || n - 1 >= __rte_fastmem_cache_len(c) || ptrs == NULL))
		return rte_fastmem_alloc_bulk_socket(ptrs, n, size, align, flags, SOCKET_ID_ANY);
	__rte_fastmem_cache_pop(c, ptrs, n, size, flags);
	return 0;
#else
	RTE_SET_USED(ptrs);
	RTE_SET_USED(n);
	RTE_SET_USED(size);
	RTE_SET_USED(align);
	RTE_SET_USED(flags);
	RTE_VERIFY(false);
#endif
}

static inline void
rte_fastmem_free_bulk(void **ptrs, unsigned int n)
{
#ifdef ALLOW_EXPERIMENTAL_API
	unsigned int i;

	if (unlikely(ptrs == NULL))
		return;
	for (i = __rte_fastmem_cache_push_run(ptrs, n); i < n; i++)
		rte_fastmem_free(ptrs[i]);
#else
	RTE_SET_USED(ptrs);
	RTE_SET_USED(n);
	RTE_VERIFY(false);
#endif
}

static inline void *
rte_fastmem_halloc(rte_fastmem_handle_t handle, unsigned int flags)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_handle_cache(handle);
	void *obj;

	if (unlikely(c == NULL || __rte_fastmem_cache_len(c) == 0 ||
			(flags & ~RTE_FASTMEM_F_ZERO) != 0))
		return rte_fastmem_halloc_slow(handle, flags);
	__rte_fastmem_cache_pop(c, &obj, 1, c->obj_size, flags);
	return obj;
#else
	RTE_SET_USED(handle);
	RTE_SET_USED(flags);
	RTE_VERIFY(false);
#endif
}

static inline int
rte_fastmem_halloc_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n,
		unsigned int flags)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_handle_cache(handle);

	if (unlikely(c == NULL || __rte_fastmem_cache_len(c) < n || ptrs == NULL ||
			(flags & ~RTE_FASTMEM_F_ZERO) != 0))
		return rte_fastmem_halloc_bulk_slow(handle, ptrs, n, flags);
	__rte_fastmem_cache_pop(c, ptrs, n, c->obj_size, flags);
	return 0;
#else
	RTE_SET_USED(handle);
	RTE_SET_USED(ptrs);
	RTE_SET_USED(n);
	RTE_SET_USED(flags);
	RTE_VERIFY(false);
#endif
}

static inline void
rte_fastmem_hfree(rte_fastmem_handle_t handle, void *ptr)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_handle_cache(handle);

#ifdef RTE_FASTMEM_CHECKED
	/* UINT32_MAX is no handle to the check: a bogus handle of that index is another one. */
	if (ptr != NULL)
		rte_fastmem_check_free(ptr, RTE_MIN(__rte_fastmem_handle_index(handle),
				UINT32_MAX - 1));
#endif
	/*
	 * Into the handle's cache only when the object's slab names it (the cache's own key, on
	 * the line the push writes): the object may be of another socket (or class). The miss
	 * path frees it by its slab.
	 */
	if (unlikely(c == NULL || ptr == NULL || __rte_fastmem_slab_key(ptr) != c->key ||
			__rte_fastmem_cache_put_one(c, ptr) < 0))
		rte_fastmem_hfree_slow(handle, ptr);
#else
	RTE_SET_USED(handle);
	RTE_SET_USED(ptr);
	RTE_VERIFY(false);
#endif
}

static inline void
rte_fastmem_hfree_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n)
{
#ifdef ALLOW_EXPERIMENTAL_API
	struct rte_fastmem_cache *c = __rte_fastmem_handle_cache(handle);
	uint64_t key = __rte_fastmem_cache_key(__rte_fastmem_handle_index(handle));
	unsigned int i = 0;

#ifdef RTE_FASTMEM_CHECKED
	c = NULL; /* every object through rte_fastmem_hfree() and its checks */
#endif
	if (unlikely(ptrs == NULL))
		return;
	/*
	 * The handle's class and socket, room for all: one run straight into the cache. (The key
	 * computed from the handle, not read from the cache as hfree() does: a loop of bulk calls
	 * of 8 objects, 1.1 to 1.3 cycles per object against 0.9 to 1.0.)
	 */
	if (likely(c != NULL && n - 1 < c->cap - __rte_fastmem_cache_len(c) && ptrs[0] != NULL &&
			__rte_fastmem_slab_key(ptrs[0]) == key)) {
		i = __rte_fastmem_cache_put_run(c, ptrs, n, key);
		if (likely(i == n))
			return;
	}
	/* From a NULL entry or an object of another cache on, one by one. */
	for (; i < n; i++)
		if (ptrs[i] != NULL)
			rte_fastmem_hfree(handle, ptrs[i]);
#else
	RTE_SET_USED(handle);
	RTE_SET_USED(ptrs);
	RTE_SET_USED(n);
	RTE_VERIFY(false);
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* RTE_FASTMEM_H */
