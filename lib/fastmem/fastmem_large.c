/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Large objects: sizes above the largest class (RTE_FASTMEM_MAX_OBJ_SIZE). Each is one EAL
 * memzone, 2 MiB-aligned. The memzone starts with a header (struct fastmem_large); the object
 * follows at max(cache line, alignment), at most 1 MiB in, so that the object's address masked
 * to 2 MiB is the header: the inline free reads the header's first word, finds no slab key
 * there and sends the object to the miss path, which frees it here.
 *
 * A memzone is asked to be contiguous in virtual memory only (with IOVA as PA, physically
 * contiguous memory larger than a page is rare on a machine that has been up for a while).
 * Every 2 MiB chunk of it must be IOVA-contiguous, as a slab must: its IO address is looked up
 * once and kept in the page map, a two-level table indexed by (address >> 21) in the shared
 * state, so that virt2iova of any byte of a large object, also past its first chunk (where
 * masking finds object data, not a header), is O(1) and lock-free, in every process. Leaves of
 * the map come from rte_zmalloc() when first needed and stay until deinit.
 *
 * Freed memzones are kept for reuse: giving a memzone back to EAL and reserving one again
 * costs what rte_free() and rte_malloc() cost (EAL zeroes what is freed), ten times what the
 * allocators that keep freed memory cost. A freed object's memzone goes to its socket's idle
 * list, newest first, with its header marked idle and its page map entries kept with
 * FASTMEM_MAP_IDLE set: virt2iova of a freed object is RTE_BAD_IOVA, a second free finds no
 * live object, and reuse needs no IO address lookup. A socket keeps at most FASTMEM_LARGE_KEEP
 * bytes idle (128 MiB: one 64 MiB object): to keep a freed memzone, the oldest idle ones are
 * given back to EAL until it fits; a memzone larger than the bound is given back at once. An
 * allocation takes the smallest idle memzone of its socket that fits (fastmem_large_fits():
 * it holds the object and the object needs more than half of it, as for realloc in place)
 * before it reserves a new one. rte_fastmem_trim() and deinit give the idle memzones back.
 * Idle memzones are not backing memory: as live large objects, they do not count against a
 * socket's limit (rte_fastmem_set_limit()); the bound is what limits them.
 *
 * A large free takes large_lock once, to unlink the object and its page map entries; an
 * allocation takes it once to reuse an idle memzone, and once more to link a new one when none
 * fits. EAL calls (reservations, frees) run outside it.
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

/*
 * The first words of a large object's header, where the inline free reads a page key (the
 * second for an object at 64 KiB), must never pass for the key of a cache: the free refuses a
 * word without the key constant in its low 32 bits.
 */
static_assert((uint32_t)FASTMEM_LARGE_KEY != (uint32_t)RTE_FASTMEM_SLAB_KEY,
		"large key with the slab key's constant");
static_assert((uint32_t)FASTMEM_LARGE_MAGIC != (uint32_t)RTE_FASTMEM_SLAB_KEY &&
		(uint32_t)FASTMEM_LARGE_IDLE_MAGIC != (uint32_t)RTE_FASTMEM_SLAB_KEY,
		"large magic with the slab key's constant");
static_assert(sizeof(struct fastmem_large) <= RTE_CACHE_LINE_SIZE, "large header too big");

/*
 * A page map entry: the IO address of a large object's chunk plus one, 0 for none, with
 * FASTMEM_MAP_IDLE set while the memzone is idle, and FASTMEM_MAP_HEAD in the entry of a
 * memzone's first chunk, the one that holds its header and its object's start (IO addresses
 * are below 2^62: physical addresses and user-space virtual addresses are). Only a pointer into
 * a first chunk has its header at its 2 MiB boundary; in the others, object data lies there.
 */
typedef RTE_ATOMIC(uint64_t) map_entry_t;
#define FASTMEM_MAP_IDLE RTE_BIT64(63)
#define FASTMEM_MAP_HEAD RTE_BIT64(62)

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
 * Make sure the leaves for [addr, addr + len) exist. Called without large_lock, as
 * rte_zmalloc() may wait for another process: a missing leaf is allocated, then installed with
 * a compare-and-swap, and the thread that loses the race frees its copy. Leaves are rarely
 * needed (one per 32 GiB of address space) and stay until deinit. Returns 0 or -ENOMEM.
 */
static int
map_prepare(struct fastmem_state *st, uintptr_t addr, uint64_t len)
{
	uint64_t first = (uint64_t)addr >> (RTE_FASTMEM_SLAB_SHIFT + FASTMEM_MAP_LEAF_BITS);
	uint64_t last = (uint64_t)(addr + len - 1) >> (RTE_FASTMEM_SLAB_SHIFT +
			FASTMEM_MAP_LEAF_BITS);
	uint64_t *leaf, *none, i;

	if ((uint64_t)(addr + len - 1) >> FASTMEM_MAP_BITS != 0) {
		FASTMEM_LOG(ERR, "large object at %p: address beyond %u bits", (void *)addr,
				FASTMEM_MAP_BITS);
		return -ENOMEM;
	}
	for (i = first; i <= last; i++) {
		if (rte_atomic_load_explicit(&st->large_map[i], rte_memory_order_acquire) != NULL)
			continue;
		leaf = rte_zmalloc("fastmem_large_map", MAP_LEAF_ENTRIES * sizeof(uint64_t),
				RTE_CACHE_LINE_SIZE);
		if (leaf == NULL)
			return -ENOMEM;
		none = NULL;
		if (!rte_atomic_compare_exchange_strong_explicit(&st->large_map[i], &none, leaf,
				rte_memory_order_release, rte_memory_order_acquire))
			rte_free(leaf);
	}
	return 0;
}

/* Fill in (iovas != NULL) or clear the page map entries of a memzone. large_lock held. */
static void
map_set(struct fastmem_state *st, const struct rte_memzone *mz, const rte_iova_t *iovas)
{
	uint64_t off, k, v;

	for (off = 0, k = 0; off < mz->len; off += FASTMEM_SLAB_SIZE, k++) {
		v = iovas == NULL ? 0 : (iovas[k] + 1) | (k == 0 ? FASTMEM_MAP_HEAD : 0);
		rte_atomic_store_explicit(map_entry(st, (uintptr_t)mz->addr + off), v,
				rte_memory_order_relaxed);
	}
}

/* Mark the page map entries of a memzone idle or live again, keeping the IO addresses. */
static void
map_mark(struct fastmem_state *st, const struct rte_memzone *mz, bool idle)
{
	map_entry_t *e;
	uint64_t off, v;

	for (off = 0; off < mz->len; off += FASTMEM_SLAB_SIZE) {
		e = map_entry(st, (uintptr_t)mz->addr + off);
		v = rte_atomic_load_explicit(e, rte_memory_order_relaxed);
		v = idle ? v | FASTMEM_MAP_IDLE : v & ~FASTMEM_MAP_IDLE;
		rte_atomic_store_explicit(e, v, rte_memory_order_relaxed);
	}
}

/* The page map entry of the chunk ptr lies in, 0 when it lies in no large memzone. */
static uint64_t
map_get(const void *ptr)
{
	map_entry_t *e;

	if (fastmem_state == NULL)
		return 0;
	e = map_entry(fastmem_state, (uintptr_t)ptr);
	return e != NULL ? rte_atomic_load_explicit(e, rte_memory_order_relaxed) : 0;
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
 * too large is not worth keeping busy). realloc keeps an object in place by this rule, and an
 * allocation takes an idle memzone by it.
 */
bool
fastmem_large_fits(uint64_t mz_len, uint32_t obj_off, size_t size)
{
	uint64_t usable = mz_len > obj_off ? mz_len - obj_off : 0;

	return size <= usable && size > usable / 2;
}

/*
 * Write the header of a live large object of size bytes at offset off into its memzone. The
 * page keys the inline free reads (the first word of every 64 KiB page, at the slab header's
 * place) are zeroed up to the object: a reused memzone holds old object data there, which must
 * not pass for a slab key.
 */
static void
large_header_write(struct fastmem_large *l, const struct rte_memzone *mz, size_t size,
		uint32_t off, unsigned int sidx)
{
	RTE_BUILD_BUG_ON(FASTMEM_SLAB_PAGES * sizeof(uint64_t) < sizeof(*l));
	memset(l, 0, RTE_MIN((size_t)off, FASTMEM_SLAB_PAGES * sizeof(uint64_t)));
	l->key = FASTMEM_LARGE_KEY;
	l->magic = FASTMEM_LARGE_MAGIC;
	l->mz = mz;
	l->size = size;
	l->obj_off = off;
	l->socket_idx = sidx;
}

/* Give a large object's memzone back to EAL (which zeroes it). */
static void
large_release(const struct rte_memzone *mz)
{
	fastmem_check_zone_free(mz->addr, mz->len);
	rte_memzone_free(mz);
}

/* Give back a chain of memzones, linked through their headers' next. large_lock not held. */
static void
large_release_chain(struct fastmem_large *l)
{
	struct fastmem_large *next;

	for (; l != NULL; l = next) {
		next = l->next;
		l->magic = 0;
		l->key = 0;
		large_release(l->mz);
	}
}

/* Unlink a memzone from the idle list of socket s. large_lock held. */
static void
large_idle_unlink(struct fastmem_socket *s, struct fastmem_large *l)
{
	FASTMEM_LIST_DEL(&s->large_idle, l);
	s->large_idle_n--;
	s->large_idle_bytes -= l->mz->len;
}

/*
 * Link a large object, its header written, into the list of live ones, and count n_count
 * allocations (see fastmem_large_alloc()). large_lock held.
 */
static void
large_live_link(struct fastmem_state *st, struct fastmem_large *l, unsigned int n_count)
{
	FASTMEM_LIST_PUSH(&st->large, l);
	st->large_stats.in_use++;
	st->large_stats.bytes += l->mz->len;
	st->large_stats.alloc += n_count;
}

/*
 * A large object of size bytes at offset off in the smallest idle memzone of socket index sidx
 * that it fits (fastmem_large_fits()), live, or NULL when there is none. Its IO addresses are
 * still in the page map: no EAL call at all. All under large_lock, the checks of checked
 * builds too: a failed check (a panic) leaves the memzone idle, where deinit finds it.
 */
static void *
large_reuse(struct fastmem_state *st, unsigned int sidx, size_t size, uint32_t off,
		unsigned int n_count)
{
	struct fastmem_socket *s = &st->sockets[sidx];
	struct fastmem_large *l, *best = NULL;

	rte_spinlock_lock(&st->large_lock);
	for (l = s->large_idle; l != NULL; l = l->next)
		if (fastmem_large_fits(l->mz->len, off, size) &&
				(best == NULL || l->mz->len < best->mz->len))
			best = l;
	if (best != NULL) {
		uint32_t idle_off = best->obj_off;

		fastmem_check_large_reuse(best);
		large_idle_unlink(s, best);
		large_header_write(best, best->mz, size, off, sidx);
		best->reused = idle_off;
		map_mark(st, best->mz, false);
		large_live_link(st, best, n_count);
	}
	rte_spinlock_unlock(&st->large_lock);
	return best != NULL ? RTE_PTR_ADD(best, off) : NULL;
}

/*
 * Allocate a large object of size bytes on socket index sidx, aligned to align (a power of two
 * of at most RTE_FASTMEM_MAX_OBJ_SIZE, checked by the caller): in an idle memzone of the socket
 * that fits, else in a new one; when EAL refuses that, the socket's idle memzones go back to it
 * and the reservation is tried once more. NULL with rte_errno ENOMEM when EAL has no such
 * memzone, or no IOVA-contiguous 2 MiB chunks.
 *
 * A call counts its objects as allocated once it has them all, as it may give them back or try
 * other sockets until then: the last object of the call, when linked, counts n_count
 * allocations (the call's number of objects; 0 for the others). Failures are the caller's to
 * count (fastmem_large_count_nomem()).
 */
void *
fastmem_large_alloc(size_t size, size_t align, unsigned int sidx, unsigned int n_count)
{
	struct fastmem_state *st = fastmem_state;
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct fastmem_large *l;
	uint32_t off = large_obj_off(align);
	uint64_t n_chunks, k, seq;
	rte_iova_t *iovas = NULL;
	uint64_t len;
	void *obj;

	RTE_BUILD_BUG_ON(RTE_FASTMEM_MAX_OBJ_SIZE + RTE_CACHE_LINE_SIZE > FASTMEM_SLAB_SIZE);
	obj = large_reuse(st, sidx, size, off, n_count);
	if (obj != NULL)
		return obj;
	seq = rte_atomic_fetch_add_explicit(&st->large_seq, 1, rte_memory_order_relaxed);
	snprintf(name, sizeof(name), "fastmem_L%" PRIu64, seq);
	mz = rte_memzone_reserve_aligned(name, off + size, st->sockets[sidx].socket_id, 0,
			FASTMEM_SLAB_SIZE);
	if (mz == NULL && fastmem_large_trim_refused(sidx, off + size, rte_errno))
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
	if (map_prepare(st, (uintptr_t)mz->addr, mz->len) < 0)
		goto fail;
	l = mz->addr;
	large_header_write(l, mz, size, off, sidx);
	rte_spinlock_lock(&st->large_lock);
	map_set(st, mz, iovas);
	large_live_link(st, l, n_count);
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
 * Unlink the oldest memzones from the idle list of socket s until it holds at most keep bytes,
 * their page map entries cleared. Returns them chained through next, for large_release_chain()
 * once large_lock is released. large_lock held (or deinit).
 */
static struct fastmem_large *
large_evict(struct fastmem_state *st, struct fastmem_socket *s, uint64_t keep)
{
	struct fastmem_large *l, *prev, *chain = NULL;

	if (s->large_idle == NULL || s->large_idle_bytes <= keep)
		return NULL;
	for (l = s->large_idle; l->next != NULL; l = l->next)
		;
	for (; l != NULL && s->large_idle_bytes > keep; l = prev) {
		prev = l->prev;
		large_idle_unlink(s, l);
		map_set(st, l->mz, NULL);
		l->next = chain;
		chain = l;
	}
	return chain;
}

/*
 * Unlink a large object and keep its memzone idle for reuse, or give it back to EAL when it is
 * larger than FASTMEM_LARGE_KEEP. undo: the object was never handed out (a bulk call that
 * could not get all its objects, which counts none of them): its memzone goes back to where it
 * came from, the idle list or EAL, so that a failed bulk call leaves the memory as it found it.
 */
void
fastmem_large_free(struct fastmem_large *l, bool undo)
{
	struct fastmem_state *st = fastmem_state;
	struct fastmem_socket *s = &st->sockets[l->socket_idx];
	const struct rte_memzone *mz = l->mz;
	struct fastmem_large *evicted = NULL;
	bool keep = undo ? l->reused != 0 : mz->len <= FASTMEM_LARGE_KEEP;

	/* An undone reuse: the idle memzone's header as it was, object offset included. */
	if (undo && keep)
		l->obj_off = l->reused;
	if (keep)
		fastmem_check_large_keep(l);
	rte_spinlock_lock(&st->large_lock);
	FASTMEM_LIST_DEL(&st->large, l);
	st->large_stats.in_use--;
	st->large_stats.bytes -= mz->len;
	if (!undo)
		st->large_stats.free++;
	if (keep) {
		evicted = large_evict(st, s, FASTMEM_LARGE_KEEP - mz->len);
		l->magic = FASTMEM_LARGE_IDLE_MAGIC;
		map_mark(st, mz, true);
		FASTMEM_LIST_PUSH(&s->large_idle, l);
		s->large_idle_n++;
		s->large_idle_bytes += mz->len;
	} else {
		map_set(st, mz, NULL);
	}
	rte_spinlock_unlock(&st->large_lock);
	if (!keep) {
		l->next = NULL;
		large_release_chain(l);
	}
	large_release_chain(evicted);
}

/*
 * Give every idle memzone of socket index sidx back to EAL; they count as trimmed. Returns
 * their bytes.
 */
uint64_t
fastmem_large_trim(unsigned int sidx)
{
	struct fastmem_state *st = fastmem_state;
	struct fastmem_socket *s = &st->sockets[sidx];
	struct fastmem_large *chain;
	uint64_t bytes;

	rte_spinlock_lock(&st->large_lock);
	bytes = s->large_idle_bytes;
	chain = large_evict(st, s, 0);
	rte_spinlock_unlock(&st->large_lock);
	large_release_chain(chain);
	if (bytes != 0) {
		rte_atomic_fetch_add_explicit(&s->bytes_released, bytes,
				rte_memory_order_relaxed);
		/* EAL has room again: growth on demand need not wait for the retry delay. */
		rte_atomic_store_explicit(&s->grow_fail_tsc, 0, rte_memory_order_relaxed);
		FASTMEM_LOG(DEBUG, "socket %d: %" PRIu64 " bytes of idle large memzones given "
				"back to EAL", s->socket_id, bytes);
	}
	return bytes;
}

/*
 * After EAL refused a reservation of len bytes on socket index sidx with error err: give idle
 * memzones back to EAL when that can make room for it. For ENOMEM, the socket's own, when
 * their bytes and the free bytes of EAL's heap of the socket hold len (a request too large for
 * that keeps them). For ENOSPC (no memzone slot left, and EAL's memzone table is one for all
 * sockets) any memzone does: the socket's own, or when it has none, those of the first other
 * socket that has some. Not for other errors. Returns whether any went back, for the caller to
 * try the reservation again.
 */
bool
fastmem_large_trim_refused(unsigned int sidx, uint64_t len, int err)
{
	struct fastmem_state *st = fastmem_state;
	struct rte_malloc_socket_stats ms;
	uint64_t idle;
	unsigned int i;

	if (err == ENOSPC) {
		for (i = 0; i < st->n_sockets; i++)
			if (fastmem_large_trim((sidx + i) % st->n_sockets) != 0)
				return true;
		return false;
	}
	if (err != ENOMEM)
		return false;
	rte_spinlock_lock(&st->large_lock);
	idle = st->sockets[sidx].large_idle_bytes;
	rte_spinlock_unlock(&st->large_lock);
	if (idle == 0 || rte_malloc_get_socket_stats(st->sockets[sidx].socket_id, &ms) < 0 ||
			len > ms.heap_freesz_bytes + idle)
		return false;
	return fastmem_large_trim(sidx) != 0;
}

/*
 * The header at ptr's 2 MiB boundary, a first chunk's, if it holds magic and names an object
 * that starts at ptr; else NULL.
 */
static struct fastmem_large *
large_header_of(const void *ptr, uint64_t magic)
{
	struct fastmem_large *l = (struct fastmem_large *)((uintptr_t)ptr &
			~(FASTMEM_SLAB_SIZE - 1));

	if (l->key != FASTMEM_LARGE_KEY || l->magic != magic || RTE_PTR_ADD(l, l->obj_off) != ptr)
		return NULL;
	return l;
}

/*
 * The header of the large object that starts at ptr, or NULL. Reads no memory of a pointer
 * that lies in no live large object's memzone, nor past a memzone's first chunk, where object
 * data lies at the 2 MiB boundary: the page map is looked at first.
 */
struct fastmem_large *
fastmem_large_of(const void *ptr)
{
	uint64_t v = map_get(ptr);

	if ((v & (FASTMEM_MAP_HEAD | FASTMEM_MAP_IDLE)) != FASTMEM_MAP_HEAD)
		return NULL;
	return large_header_of(ptr, FASTMEM_LARGE_MAGIC);
}

/*
 * The header of the idle memzone whose object freed last started at ptr, or NULL. Looked at
 * under large_lock, which an idle memzone's release takes to clear its page map entries before
 * the memzone goes back to EAL: a free of a freed object racing with that release (a double
 * free) reads no memory given back.
 */
struct fastmem_large *
fastmem_large_idle_of(const void *ptr)
{
	struct fastmem_large *l = NULL;
	uint64_t v;

	if (fastmem_state == NULL)
		return NULL;
	rte_spinlock_lock(&fastmem_state->large_lock);
	v = map_get(ptr);
	if ((v & (FASTMEM_MAP_HEAD | FASTMEM_MAP_IDLE)) == (FASTMEM_MAP_HEAD | FASTMEM_MAP_IDLE))
		l = large_header_of(ptr, FASTMEM_LARGE_IDLE_MAGIC);
	rte_spinlock_unlock(&fastmem_state->large_lock);
	return l;
}

/*
 * Whether ptr lies in the memzone of a large object, live or idle: no slab header is to be
 * looked for at its 2 MiB boundary, which holds a large header or object data.
 */
bool
fastmem_large_mapped(const void *ptr)
{
	return map_get(ptr) != 0;
}

/* IO address of any byte of a live large object, or RTE_BAD_IOVA when ptr lies in none. */
rte_iova_t
fastmem_large_iova(const void *ptr)
{
	uint64_t v = map_get(ptr);

	if (v == 0 || (v & FASTMEM_MAP_IDLE))
		return RTE_BAD_IOVA;
	return (v & ~FASTMEM_MAP_HEAD) - 1 + ((uintptr_t)ptr & (FASTMEM_SLAB_SIZE - 1));
}

/*
 * Count large objects that no socket could hold. (Allocations count when a call's last object
 * is linked: a bulk call that gives back the objects it got has nothing to take back from the
 * counters, which a reset may have zeroed meanwhile.)
 */
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
	struct fastmem_state *st = fastmem_state;
	unsigned int sidx;

	rte_spinlock_lock(&st->large_lock);
	*ls = st->large_stats;
	ls->idle = 0;
	ls->bytes_idle = 0;
	for (sidx = 0; sidx < st->n_sockets; sidx++) {
		ls->idle += st->sockets[sidx].large_idle_n;
		ls->bytes_idle += st->sockets[sidx].large_idle_bytes;
	}
	rte_spinlock_unlock(&st->large_lock);
}

/* The idle memzones of socket index sidx: their number and bytes. */
void
fastmem_large_idle_read(unsigned int sidx, uint64_t *n, uint64_t *bytes)
{
	struct fastmem_state *st = fastmem_state;

	rte_spinlock_lock(&st->large_lock);
	*n = st->sockets[sidx].large_idle_n;
	*bytes = st->sockets[sidx].large_idle_bytes;
	rte_spinlock_unlock(&st->large_lock);
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

/*
 * Deinit: give every live large object and every idle memzone back to EAL, then the page
 * map's leaves.
 */
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
		large_release(mz);
	}
	if (n != 0)
		FASTMEM_LOG(WARNING, "deinit: %" PRIu64 " large object(s) of %" PRIu64
				" bytes in all still live", n, bytes);
	for (i = 0; i < st->n_sockets; i++)
		large_release_chain(large_evict(st, &st->sockets[i], 0));
	for (i = 0; i < RTE_DIM(st->large_map); i++) {
		rte_free(rte_atomic_load_explicit(&st->large_map[i], rte_memory_order_relaxed));
		rte_atomic_store_explicit(&st->large_map[i], NULL, rte_memory_order_relaxed);
	}
}
