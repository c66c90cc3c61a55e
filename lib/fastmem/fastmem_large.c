/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Large objects: sizes above the largest class (RTE_FASTMEM_MAX_OBJ_SIZE). Each is one EAL
 * memzone, 2 MiB-aligned, reserved for the object and given back to EAL when it is freed. The
 * memzone starts with a header (struct fastmem_large); the object follows at max(cache line,
 * alignment), at most 1 MiB in, so that the object's address masked to 2 MiB is the header:
 * the inline free reads the header's first word, finds no slab key there and sends the object
 * to the miss path, which frees it here.
 *
 * A memzone is asked to be contiguous in virtual memory only (with IOVA as PA, physically
 * contiguous memory larger than a page is rare on a machine that has been up for a while).
 * Every 2 MiB chunk of it must be IOVA-contiguous, as a slab must: its IO address is looked up
 * once and kept in the page map, a two-level table indexed by (address >> 21) in the shared
 * state, so that virt2iova of any byte of a large object, also past its first chunk (where
 * masking finds object data, not a header), is O(1) and lock-free, in every process. Leaves of
 * the map come from rte_zmalloc() when first needed and stay until deinit.
 *
 * Large allocations and frees cost an EAL memzone reservation each; they take large_lock only
 * to link the object and fill in its page map entries, after EAL is done.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "fastmem_private.h"

#define MAP_LEAF_ENTRIES (UINT64_C(1) << FASTMEM_MAP_LEAF_BITS)

/* The first word of a large object's header must never pass for a slab key plus an index. */
static_assert(FASTMEM_LARGE_KEY - RTE_FASTMEM_SLAB_KEY >=
		(uint64_t)RTE_MAX_NUMA_NODES * FASTMEM_N_CLASSES,
		"large key in the slab key range");
static_assert(sizeof(struct fastmem_large) <= RTE_CACHE_LINE_SIZE, "large header too big");

/* A page map entry: the IO address of a large object's chunk plus one, 0 for none. */
typedef RTE_ATOMIC(uint64_t) map_entry_t;

/* The page map entry of the chunk at addr, or NULL when its leaf does not exist yet. */
static map_entry_t *
map_entry(struct fastmem_state *st, uintptr_t addr)
{
	uint64_t chunk = (uint64_t)addr >> RTE_FASTMEM_SLAB_SHIFT;
	uint64_t *leaf;

	if ((uint64_t)addr >> FASTMEM_MAP_BITS != 0)
		return NULL;
	leaf = rte_atomic_load_explicit(&st->large_map[chunk >> FASTMEM_MAP_LEAF_BITS],
			rte_memory_order_acquire);
	if (leaf == NULL)
		return NULL;
	return (map_entry_t *)&leaf[chunk & (MAP_LEAF_ENTRIES - 1)];
}

/*
 * Make sure the leaves for [addr, addr + len) exist. large_lock held (leaves are allocated
 * under it: at most one per 32 GiB of address space, so rarely). Returns 0 or -ENOMEM.
 */
static int
map_prepare(struct fastmem_state *st, uintptr_t addr, uint64_t len)
{
	uint64_t first = (uint64_t)addr >> (RTE_FASTMEM_SLAB_SHIFT + FASTMEM_MAP_LEAF_BITS);
	uint64_t last = (uint64_t)(addr + len - 1) >> (RTE_FASTMEM_SLAB_SHIFT +
			FASTMEM_MAP_LEAF_BITS);
	uint64_t *leaf, i;

	if ((uint64_t)(addr + len - 1) >> FASTMEM_MAP_BITS != 0) {
		FASTMEM_LOG(ERR, "large object at %p: address beyond %u bits", (void *)addr,
				FASTMEM_MAP_BITS);
		return -ENOMEM;
	}
	for (i = first; i <= last; i++) {
		if (rte_atomic_load_explicit(&st->large_map[i], rte_memory_order_relaxed) != NULL)
			continue;
		leaf = rte_zmalloc("fastmem_large_map", MAP_LEAF_ENTRIES * sizeof(uint64_t),
				RTE_CACHE_LINE_SIZE);
		if (leaf == NULL)
			return -ENOMEM;
		rte_atomic_store_explicit(&st->large_map[i], leaf, rte_memory_order_release);
	}
	return 0;
}

/* Fill in (iovas != NULL) or clear the page map entries of a memzone. large_lock held. */
static void
map_set(struct fastmem_state *st, const struct rte_memzone *mz, const rte_iova_t *iovas)
{
	uint64_t off, k;

	for (off = 0, k = 0; off < mz->len; off += FASTMEM_SLAB_SIZE, k++)
		rte_atomic_store_explicit(map_entry(st, (uintptr_t)mz->addr + off),
				iovas != NULL ? iovas[k] + 1 : 0, rte_memory_order_relaxed);
}

/* Offset of a large object in its memzone, for an alignment of at most 1 MiB. */
static inline uint32_t
large_obj_off(size_t align)
{
	return RTE_MAX(align, (size_t)RTE_CACHE_LINE_SIZE);
}

size_t
fastmem_large_usable(const struct fastmem_large *l)
{
	return l->mz->len - l->obj_off;
}

/*
 * Whether an object of size bytes at offset obj_off belongs in a memzone of mz_len bytes: it
 * fits, and needs more than half of what the memzone holds from that offset (a memzone twice
 * too large is not worth keeping busy).
 */
bool
fastmem_large_fits(uint64_t mz_len, uint32_t obj_off, size_t size)
{
	uint64_t usable = mz_len > obj_off ? mz_len - obj_off : 0;

	return size <= usable && size > usable / 2;
}

/*
 * Allocate a large object of size bytes on socket index sidx, aligned to align (a power of two
 * of at most RTE_FASTMEM_MAX_OBJ_SIZE, checked by the caller). NULL with rte_errno ENOMEM when
 * EAL has no such memzone, or no IOVA-contiguous 2 MiB chunks. Not counted as a failure here:
 * the caller may try other sockets.
 */
void *
fastmem_large_alloc(size_t size, size_t align, unsigned int sidx)
{
	struct fastmem_state *st = fastmem_state;
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct fastmem_large *l;
	uint32_t off = large_obj_off(align);
	uint64_t n_chunks, k, seq;
	rte_iova_t *iovas = NULL;
	uint64_t len;

	RTE_BUILD_BUG_ON(RTE_FASTMEM_MAX_OBJ_SIZE + RTE_CACHE_LINE_SIZE > FASTMEM_SLAB_SIZE);
	seq = rte_atomic_fetch_add_explicit(&st->large_seq, 1, rte_memory_order_relaxed);
	snprintf(name, sizeof(name), "fastmem_L%" PRIu64, seq);
	mz = rte_memzone_reserve_aligned(name, off + size, st->sockets[sidx].socket_id, 0,
			FASTMEM_SLAB_SIZE);
	if (mz == NULL) {
		FASTMEM_LOG(DEBUG, "socket %d: no memzone of %zu bytes for a large object: %s",
				st->sockets[sidx].socket_id, off + size, rte_strerror(rte_errno));
		rte_errno = ENOMEM;
		return NULL;
	}
	/* Every chunk IOVA-contiguous, its IO address kept for the page map. */
	n_chunks = RTE_ALIGN_CEIL(mz->len, FASTMEM_SLAB_SIZE) / FASTMEM_SLAB_SIZE;
	iovas = malloc(n_chunks * sizeof(*iovas));
	if (iovas == NULL)
		goto fail;
	for (k = 0; k < n_chunks; k++) {
		len = RTE_MIN(FASTMEM_SLAB_SIZE, mz->len - k * FASTMEM_SLAB_SIZE);
		iovas[k] = fastmem_zone_iova(RTE_PTR_ADD(mz->addr, k * FASTMEM_SLAB_SIZE), len);
		if (iovas[k] == RTE_BAD_IOVA) {
			FASTMEM_LOG(ERR, "large object of %zu bytes: 2 MiB chunk %" PRIu64
					" not IOVA-contiguous (IOVA as PA needs hugepages of 2 MiB "
					"or more)", size, k);
			goto fail;
		}
	}
	l = mz->addr;
	memset(l, 0, sizeof(*l));
	l->key = FASTMEM_LARGE_KEY;
	l->magic = FASTMEM_LARGE_MAGIC;
	l->mz = mz;
	l->size = size;
	l->obj_off = off;
	l->socket_idx = sidx;
	rte_spinlock_lock(&st->large_lock);
	if (map_prepare(st, (uintptr_t)mz->addr, mz->len) < 0) {
		rte_spinlock_unlock(&st->large_lock);
		goto fail;
	}
	map_set(st, mz, iovas);
	l->next = st->large;
	if (st->large != NULL)
		st->large->prev = l;
	st->large = l;
	st->large_stats.in_use++;
	st->large_stats.bytes += mz->len;
	st->large_stats.alloc++;
	rte_spinlock_unlock(&st->large_lock);
	free(iovas);
	return RTE_PTR_ADD(l, off);
fail:
	free(iovas);
	rte_memzone_free(mz);
	rte_errno = ENOMEM;
	return NULL;
}

/*
 * Unlink a large object and give its memzone back to EAL. undo: the object was never handed
 * out (a bulk call that could not get all its objects): its allocation is not counted.
 */
void
fastmem_large_free(struct fastmem_large *l, bool undo)
{
	struct fastmem_state *st = fastmem_state;
	const struct rte_memzone *mz = l->mz;

	rte_spinlock_lock(&st->large_lock);
	map_set(st, mz, NULL);
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		st->large = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	st->large_stats.in_use--;
	st->large_stats.bytes -= mz->len;
	if (undo)
		st->large_stats.alloc--;
	else
		st->large_stats.free++;
	rte_spinlock_unlock(&st->large_lock);
	l->magic = 0;
	l->key = 0;
	fastmem_check_zone_free(mz->addr, mz->len);
	rte_memzone_free(mz);
}

/*
 * The header of the large object that starts at ptr, or NULL. Reads no memory of a pointer
 * that lies in no large object's memzone: the page map is looked at first.
 */
struct fastmem_large *
fastmem_large_of(const void *ptr)
{
	map_entry_t *e;
	struct fastmem_large *l;

	if (fastmem_state == NULL)
		return NULL;
	e = map_entry(fastmem_state, (uintptr_t)ptr);
	if (e == NULL || rte_atomic_load_explicit(e, rte_memory_order_relaxed) == 0)
		return NULL;
	l = (struct fastmem_large *)((uintptr_t)ptr & ~(FASTMEM_SLAB_SIZE - 1));
	if (l->key != FASTMEM_LARGE_KEY || l->magic != FASTMEM_LARGE_MAGIC ||
			RTE_PTR_ADD(l, l->obj_off) != ptr)
		return NULL;
	return l;
}

/* IO address of any byte of a large object, or RTE_BAD_IOVA when ptr lies in none. */
rte_iova_t
fastmem_large_iova(const void *ptr)
{
	map_entry_t *e = map_entry(fastmem_state, (uintptr_t)ptr);
	uint64_t v;

	if (e == NULL)
		return RTE_BAD_IOVA;
	v = rte_atomic_load_explicit(e, rte_memory_order_relaxed);
	if (v == 0)
		return RTE_BAD_IOVA;
	return v - 1 + ((uintptr_t)ptr & (FASTMEM_SLAB_SIZE - 1));
}

/* Count n large objects that no socket could hold. */
void
fastmem_large_count_nomem(unsigned int n)
{
	rte_spinlock_lock(&fastmem_state->large_lock);
	fastmem_state->large_stats.nomem += n;
	rte_spinlock_unlock(&fastmem_state->large_lock);
}

void
fastmem_large_stats_read(struct fastmem_large_stats *ls)
{
	rte_spinlock_lock(&fastmem_state->large_lock);
	*ls = fastmem_state->large_stats;
	rte_spinlock_unlock(&fastmem_state->large_lock);
}

/* Zero the counters, not the live objects and their bytes (state). */
void
fastmem_large_stats_reset(void)
{
	struct fastmem_large_stats *ls = &fastmem_state->large_stats;

	rte_spinlock_lock(&fastmem_state->large_lock);
	ls->alloc = 0;
	ls->free = 0;
	ls->nomem = 0;
	rte_spinlock_unlock(&fastmem_state->large_lock);
}

/* Deinit: give every live large object back to EAL, then the page map's leaves. */
void
fastmem_large_free_all(struct fastmem_state *st)
{
	const struct rte_memzone *mz;
	uint64_t n = 0, bytes = 0;
	unsigned int i;

	while (st->large != NULL) {
		mz = st->large->mz;
		st->large = st->large->next;
		n++;
		bytes += mz->len;
		fastmem_check_zone_free(mz->addr, mz->len);
		rte_memzone_free(mz);
	}
	if (n != 0)
		FASTMEM_LOG(WARNING, "deinit: %" PRIu64 " large object(s) of %" PRIu64
				" bytes in all still live", n, bytes);
	for (i = 0; i < RTE_DIM(st->large_map); i++) {
		rte_free(rte_atomic_load_explicit(&st->large_map[i], rte_memory_order_relaxed));
		rte_atomic_store_explicit(&st->large_map[i], NULL, rte_memory_order_relaxed);
	}
}
