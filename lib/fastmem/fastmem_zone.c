/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Backing memory: memzones of FASTMEM_ZONE_SIZE (128 MiB), 2 MiB-aligned, carved into slabs
 * that go to the socket's free-slab pool.
 *
 * IO contiguity comes from the slab, not from the memzone. A memzone is only asked to be
 * contiguous in virtual memory: on a machine that has been up for a while, physically
 * adjacent hugepages are rare, and IOVA-contiguous memzones larger than one page cannot be had
 * with IOVA as PA. A 2 MiB-aligned 2 MiB range of memory backed by 2 MiB or 1 GiB pages lies in
 * one page, so it is IOVA-contiguous whatever the memzone around it; with IOVA as VA every
 * range is. When a slab is carved its IO address is looked up and its contiguity checked page
 * by page; a slab that is not contiguous (pages smaller than 2 MiB with IOVA as PA) is never
 * put in the pool, and a memzone without a single contiguous slab is given back with an error
 * in the log. virt2iova of an object is its slab's IO address plus the offset: O(1).
 *
 * Reservations are serialized per socket by grow_lock, which no alloc or free path holds otherwise
 * (but the undo of a failed bulk allocation that reserved memory). A reservation can take long (EAL
 * may fault in and zero the memory, and talk to secondary processes), so no thread spins on that
 * lock: a thread that finds it taken sleeps until the reservation is done or the pool has slabs
 * again. When EAL refuses growth on demand, the socket does not ask again for
 * FASTMEM_GROW_RETRY_MS, so that an exhausted socket costs allocations (and the fallback to other
 * sockets) no repeated EAL calls.
 *
 * Memory goes back to EAL a memzone at a time, when all its slabs are in the pool: on
 * rte_fastmem_trim(), and when a bulk allocation that could not be met undoes its growth (the
 * memzones reserved during the call; in a race, another thread's new memzone may be among them, and
 * that thread then reserves again). The socket always keeps what rte_fastmem_reserve() asked for.
 * The pool serves the slabs of the oldest memzone first, so that after a peak the newest memzones
 * are the ones that drain.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memzone.h>

#include "fastmem_private.h"

static void
zone_name(char *name, size_t len, int socket_id, uint32_t seq)
{
	snprintf(name, len, "fastmem_%d_%u", socket_id, seq);
}

/*
 * Remember a memzone of socket s, for release, deinit and the checks of debug mode, before
 * any of its slabs is handed out. Returns 0 or -ENOSPC. The table is shared by the sockets,
 * and an entry moves when another is forgotten: it is found again by zone_find().
 */
static int
zone_track(struct fastmem_socket *s, void *addr, uint64_t len, uint32_t seq)
{
	struct fastmem_state *st = fastmem_state;
	struct fastmem_zone *z;
	int ret = -ENOSPC;

	rte_spinlock_lock(&st->zone_lock);
	if (st->n_zones < FASTMEM_MAX_ZONES) {
		ret = 0;
		z = &st->zones[st->n_zones++];
		z->start = (uintptr_t)addr;
		z->end = (uintptr_t)addr + len;
		z->seq = seq;
		z->sidx = s->idx;
		z->n_slabs = 0;
		s->n_zones++;
	}
	rte_spinlock_unlock(&st->zone_lock);
	return ret;
}

/* The entry of memzone seq of socket s in the memzone table, or n_zones. zone_lock held. */
static uint32_t
zone_find(const struct fastmem_state *st, const struct fastmem_socket *s, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < st->n_zones; i++)
		if (st->zones[i].sidx == s->idx && st->zones[i].seq == seq)
			break;
	return i;
}

/* Forget entry i of the memzone table. zone_lock held. */
static void
zone_untrack(struct fastmem_state *st, struct fastmem_socket *s, uint32_t i)
{
	st->zones[i] = st->zones[--st->n_zones];
	s->n_zones--;
}

/*
 * Whether ptr lies in one of fastmem's memzones. Linear in the number of memzones. The caller
 * holds zone_lock, under which a memzone is untracked before it is given back to EAL: the
 * memory of one found stays mapped until the lock is released.
 */
bool
fastmem_zone_contains(struct fastmem_state *st, const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	bool found = false;
	uint32_t i;

	for (i = 0; i < st->n_zones && !found; i++)
		found = p >= st->zones[i].start && p < st->zones[i].end;
	return found;
}

/*
 * IO address of [addr, addr + len) if it is IOVA-contiguous, else RTE_BAD_IOVA. Walks the
 * memsegs (pages) under it: one for a 2 MiB slab on 2 MiB or 1 GiB pages, 512 on 4 KiB pages.
 * Slabs (len 2 MiB) and the 2 MiB chunks of large objects (fastmem_large.c, len up to 2 MiB:
 * the last chunk may end early, and the pages after a memzone's end need not be allocated)
 * are checked with it. With IOVA as VA there is nothing to walk (512 lookups per chunk
 * on 4 KiB pages otherwise).
 */
rte_iova_t
fastmem_zone_iova(void *addr, uint64_t len)
{
	const struct rte_memseg *ms;
	rte_iova_t first = RTE_BAD_IOVA, iova;
	uint64_t off = 0;
	void *p;

	/* With IOVA as VA, every byte of DPDK memory is its own IO address: no walk. */
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		return (rte_iova_t)(uintptr_t)addr;
	while (off < len) {
		p = RTE_PTR_ADD(addr, off);
		ms = rte_mem_virt2memseg(p, NULL);
		if (ms == NULL || ms->iova == RTE_BAD_IOVA)
			return RTE_BAD_IOVA;
		iova = ms->iova + RTE_PTR_DIFF(p, ms->addr);
		if (off == 0)
			first = iova;
		else if (iova != first + off)
			return RTE_BAD_IOVA;
		off += ms->len - RTE_PTR_DIFF(p, ms->addr);
	}
	return first;
}

/*
 * The free-slab pool of a socket: one entry per memzone (struct fastmem_pool_zone), sorted by
 * address, each with its own list of free slabs. Slabs are served from the oldest memzone
 * (lowest sequence number) that has free ones, so that after a peak the newest memzones drain
 * and can be given back to EAL. All of it under the socket's pool lock.
 */

/* Index of the first pool entry of socket s that starts above addr. */
static uint32_t
pool_zone_upper(const struct fastmem_socket *s, uintptr_t addr)
{
	uint32_t lo = 0, hi = s->n_pool_zones, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->pool_zones[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The pool entry of the memzone holding slab, or NULL. O(log(memzones)). */
struct fastmem_pool_zone *
fastmem_zone_pool_of(struct fastmem_socket *s, const void *slab)
{
	uint32_t i = pool_zone_upper(s, (uintptr_t)slab);
	struct fastmem_pool_zone *pz;

	if (i == 0)
		return NULL;
	pz = &s->pool_zones[i - 1];
	return (uintptr_t)slab < pz->end ? pz : NULL;
}

/*
 * Look for the oldest pool entries with free slabs, and with free slabs or pages. O(memzones):
 * when one of them runs dry.
 */
static void
pool_oldest_scan(struct fastmem_socket *s)
{
	uint32_t i, slabs = FASTMEM_POOL_NONE, pages = FASTMEM_POOL_NONE, newest = 0;
	const struct fastmem_pool_zone *pz;

	for (i = 0; i < s->n_pool_zones; i++) {
		pz = &s->pool_zones[i];
		newest = RTE_MAX(newest, pz->seq);
		if (pz->n_free > 0 && (slabs == FASTMEM_POOL_NONE ||
				pz->seq < s->pool_zones[slabs].seq))
			slabs = i;
		if (pz->n_free + pz->n_paged > 0 && (pages == FASTMEM_POOL_NONE ||
				pz->seq < s->pool_zones[pages].seq))
			pages = i;
	}
	s->pool_oldest = slabs;
	s->page_oldest = pages;
	rte_atomic_store_explicit(&s->newest_seq, newest, rte_memory_order_relaxed);
}

/* The oldest memzone with free slabs, or NULL when the pool is empty. */
struct fastmem_pool_zone *
fastmem_zone_pool_oldest(struct fastmem_socket *s)
{
	return s->pool_oldest == FASTMEM_POOL_NONE ? NULL : &s->pool_zones[s->pool_oldest];
}

/* The oldest memzone with a free page (of a paged slab, or in a free slab), or NULL. */
struct fastmem_pool_zone *
fastmem_zone_pool_oldest_page(struct fastmem_socket *s)
{
	return s->page_oldest == FASTMEM_POOL_NONE ? NULL : &s->pool_zones[s->page_oldest];
}

/* Whether entry i with n things to offer becomes or stops being the oldest in *oldest. */
static bool
pool_oldest_stale(struct fastmem_socket *s, uint32_t *oldest, uint32_t i, uint32_t n)
{
	if (n == 0)
		return *oldest == i;
	if (*oldest == FASTMEM_POOL_NONE || s->pool_zones[i].seq < s->pool_zones[*oldest].seq)
		*oldest = i;
	return false;
}

/* After a slab or page went into or out of entry pz: which entries are the oldest. */
void
fastmem_zone_pool_update(struct fastmem_socket *s, struct fastmem_pool_zone *pz)
{
	uint32_t i = pz - s->pool_zones;
	bool scan;

	scan = pool_oldest_stale(s, &s->pool_oldest, i, pz->n_free);
	scan |= pool_oldest_stale(s, &s->page_oldest, i, pz->n_free + pz->n_paged);
	if (scan)
		pool_oldest_scan(s);
}

/* A pool entry for a new memzone, without slabs yet. grow_lock held. */
static void
pool_zone_add(struct fastmem_socket *s, uintptr_t start, uint64_t len, uint32_t seq)
{
	struct fastmem_pool_zone *pz;
	uint32_t i;

	rte_spinlock_lock(&s->pool_lock);
	/* zone_track() admits at most FASTMEM_MAX_ZONES memzones of all sockets. */
	RTE_VERIFY(s->n_pool_zones < FASTMEM_MAX_ZONES);
	i = pool_zone_upper(s, start);
	pz = &s->pool_zones[i];
	memmove(pz + 1, pz, (s->n_pool_zones - i) * sizeof(*pz));
	s->n_pool_zones++;
	memset(pz, 0, sizeof(*pz));
	pz->start = start;
	pz->end = start + len;
	pz->seq = seq;
	pool_oldest_scan(s);
	rte_spinlock_unlock(&s->pool_lock);
}

/* Take a memzone's entry, and its free slabs, out of the pool. pool_lock held. */
static void
pool_zone_remove(struct fastmem_socket *s, struct fastmem_pool_zone *pz)
{
	struct fastmem_slab *slab;
	uint32_t i = pz - s->pool_zones;

	for (slab = pz->free; slab != NULL; slab = slab->next)
		slab->magic = 0;
	rte_atomic_fetch_sub_explicit(&s->n_pool, pz->n_free, rte_memory_order_relaxed);
	memmove(pz, pz + 1, (s->n_pool_zones - i - 1) * sizeof(*pz));
	s->n_pool_zones--;
	pool_oldest_scan(s);
}

/*
 * Carve a new memzone into slabs and put the IOVA-contiguous ones in the pool. Returns the
 * number of slabs pooled.
 */
static uint32_t
zone_carve(struct fastmem_socket *s, const struct rte_memzone *mz, uint64_t size, uint32_t seq)
{
	struct fastmem_pool_zone *pz;
	struct fastmem_slab *slab;
	uint32_t n = 0;
	uint64_t off;
	rte_iova_t iova;

	pool_zone_add(s, (uintptr_t)mz->addr, size, seq);
	for (off = 0; off < size; off += FASTMEM_SLAB_SIZE) {
		slab = RTE_PTR_ADD(mz->addr, off);
		iova = fastmem_zone_iova(slab, FASTMEM_SLAB_SIZE);
		if (iova == RTE_BAD_IOVA)
			continue;
		fastmem_slab_format(slab, iova, seq);
		fastmem_slab_pool_put(s, slab);
		n++;
	}
	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_of(s, mz->addr);
	pz->n_slabs = n;
	if (n == 0)
		pool_zone_remove(s, pz);
	rte_spinlock_unlock(&s->pool_lock);
	return n;
}

/*
 * Reserve one memzone of at most max_bytes, halving down to one slab. Returns its size, or 0
 * with rte_errno EAL's error for the last size it refused, or 0 when a memzone could not be
 * used (its slabs not IOVA-contiguous, fastmem's memzone table full).
 */
static uint64_t
zone_reserve_one(struct fastmem_socket *s, uint64_t max_bytes)
{
	struct fastmem_state *st = fastmem_state;
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	uint32_t seq = fastmem_load32(&s->zone_seq);
	uint32_t n_slabs, i;
	uint64_t size;
	int ret;

	for (size = max_bytes; size >= FASTMEM_SLAB_SIZE; size = RTE_ALIGN_FLOOR(size / 2,
			FASTMEM_SLAB_SIZE)) {
		zone_name(name, sizeof(name), s->socket_id, seq);
		mz = rte_memzone_reserve_aligned(name, size, s->socket_id, 0, FASTMEM_SLAB_SIZE);
		if (mz == NULL)
			continue;
		ret = zone_track(s, mz->addr, size, seq);
		n_slabs = ret < 0 ? 0 : zone_carve(s, mz, size, seq);
		rte_spinlock_lock(&st->zone_lock);
		i = zone_find(st, s, seq);
		if (i < st->n_zones) {
			if (n_slabs != 0)
				st->zones[i].n_slabs = n_slabs;
			else
				zone_untrack(st, s, i);
		}
		rte_spinlock_unlock(&st->zone_lock);
		if (n_slabs == 0) {
			FASTMEM_LOG(ERR, "socket %d: %s", s->socket_id, ret < 0 ?
					"too many memzones" :
					"no 2 MiB range of the memory EAL gives is IOVA-contiguous "
					"(IOVA as PA needs hugepages of 2 MiB or more)");
			rte_memzone_free(mz);
			rte_errno = 0;
			return 0;
		}
		rte_atomic_store_explicit(&s->zone_seq, seq + 1, rte_memory_order_relaxed);
		rte_atomic_fetch_add_explicit(&s->bytes_backing, size, rte_memory_order_relaxed);
		if (n_slabs != size / FASTMEM_SLAB_SIZE)
			FASTMEM_LOG(WARNING, "socket %d: memzone %s: %" PRIu64
					" slab(s) not IOVA-contiguous, not used", s->socket_id,
					name, size / FASTMEM_SLAB_SIZE - n_slabs);
		FASTMEM_LOG(DEBUG, "socket %d: memzone %s, %" PRIu64 " MiB", s->socket_id, name,
				size >> 20);
		return size;
	}
	return 0;
}

/* Whether EAL refused growth on demand less than FASTMEM_GROW_RETRY_MS ago. */
static bool
zone_grow_refused_recently(struct fastmem_socket *s)
{
	uint64_t t = fastmem_load64(&s->grow_fail_tsc);

	return t != 0 && rte_get_timer_cycles() - t <
			rte_get_timer_hz() * FASTMEM_GROW_RETRY_MS / 1000;
}

/* Bytes socket s may still add under its limit, in whole slabs. */
static uint64_t
zone_room(struct fastmem_socket *s)
{
	uint64_t limit = fastmem_load64(&s->limit);
	uint64_t backing = fastmem_load64(&s->bytes_backing);

	return RTE_ALIGN_FLOOR(limit > backing ? limit - backing : 0, FASTMEM_SLAB_SIZE);
}

/*
 * Take grow_lock without spinning on it: its holder may be inside EAL for a long time. Returns
 * 1 with the lock; for growth on demand (exact false), without it, 0 when the pool received
 * slabs meanwhile (growth is no longer needed) and -ENOMEM when EAL refused growth meanwhile,
 * so that the threads that waited do not each repeat the failing reservations.
 */
static int
zone_grow_lock(struct fastmem_socket *s, bool exact)
{
	unsigned int wait_us = FASTMEM_GROW_WAIT_US;
	bool locked;

	for (;;) {
		locked = rte_spinlock_trylock(&s->grow_lock);
		if (!exact && fastmem_load32(&s->n_pool) > 0) {
			if (locked)
				rte_spinlock_unlock(&s->grow_lock);
			return 0;
		}
		if (!exact && zone_grow_refused_recently(s)) {
			if (locked)
				rte_spinlock_unlock(&s->grow_lock);
			return -ENOMEM;
		}
		if (locked)
			return 1;
		rte_delay_us_sleep(wait_us);
		wait_us = RTE_MIN(2 * wait_us, (unsigned int)FASTMEM_GROW_WAIT_MAX_US);
	}
}

/*
 * Grow the backing memory of socket s. When exact is true (rte_fastmem_reserve()), min_bytes
 * is a target total: only the memzones missing for the socket to hold at least min_bytes are
 * reserved, none when it holds that much already, and all of them must fit under the limit.
 * When exact is false (growth on demand), min_bytes more are wanted: a whole default-size
 * memzone is reserved if the limit allows, and a concurrent reservation that already refilled
 * the pool counts as success.
 */
int
fastmem_zone_grow(struct fastmem_socket *s, uint64_t min_bytes, bool exact)
{
	uint64_t added = 0, target = 0, room, want, need, got, held;
	int ret = 0;

	if (min_bytes > UINT64_MAX - FASTMEM_SLAB_SIZE)
		return -ENOMEM; /* more than any limit; rounding it up would wrap */
	/* A socket at its limit fails at once, without the lock, as does one EAL just refused. */
	if (!exact && zone_room(s) < RTE_ALIGN_CEIL(RTE_MIN(min_bytes,
			fastmem_state->zone_size), FASTMEM_SLAB_SIZE))
		return -ENOMEM;
	ret = zone_grow_lock(s, exact);
	if (ret <= 0)
		return ret;
	ret = 0;
	if (exact) {
		/* The backing memory changes only under grow_lock: what is missing is known. */
		target = min_bytes;
		held = fastmem_load64(&s->bytes_backing);
		min_bytes = min_bytes > held ? min_bytes - held : 0;
	}
	while (added < min_bytes) {
		room = zone_room(s);
		if (exact && added == 0 && RTE_ALIGN_CEIL(min_bytes, FASTMEM_SLAB_SIZE) > room) {
			ret = -ENOMEM; /* the whole reservation must fit under the limit */
			break;
		}
		want = exact ? RTE_ALIGN_CEIL(min_bytes - added, FASTMEM_SLAB_SIZE) :
			fastmem_state->zone_size;
		want = RTE_MIN(want, fastmem_state->zone_size);
		want = RTE_MIN(want, room);
		need = RTE_MIN(min_bytes - added, fastmem_state->zone_size);
		if (want < RTE_ALIGN_CEIL(need, FASTMEM_SLAB_SIZE)) {
			ret = -ENOMEM; /* over the limit */
			break;
		}
		got = zone_reserve_one(s, want);
		/* The idle memzones of large objects are memory EAL may need back. */
		if (got == 0 && fastmem_large_trim_refused(s->idx, FASTMEM_SLAB_SIZE, rte_errno))
			got = zone_reserve_one(s, want);
		if (got == 0) {
			if (!exact)
				rte_atomic_store_explicit(&s->grow_fail_tsc,
						RTE_MAX(rte_get_timer_cycles(), UINT64_C(1)),
						rte_memory_order_relaxed);
			ret = -ENOMEM;
			break;
		}
		rte_atomic_store_explicit(&s->grow_fail_tsc, 0, rte_memory_order_relaxed);
		added += got;
	}
	/* What rte_fastmem_reserve() asked for stays: trimming keeps it. */
	if (ret == 0 && target > fastmem_load64(&s->reserved))
		rte_atomic_store_explicit(&s->reserved, target, rte_memory_order_relaxed);
	rte_spinlock_unlock(&s->grow_lock);
	if (ret < 0)
		FASTMEM_LOG(DEBUG, "socket %d: cannot add %" PRIu64 " bytes (backing %" PRIu64
				", limit %" PRIu64 ")", s->socket_id, min_bytes - added,
				fastmem_load64(&s->bytes_backing), fastmem_load64(&s->limit));
	return ret;
}

/*
 * Take out of the pool the idle memzone of socket s to give back next: the newest one
 * reserved as number since_seq or later whose slabs are all free, whose release leaves the
 * socket at least its reserve (rte_fastmem_reserve()) and at least keep_free bytes of free
 * slabs. Returns false when there is none. grow_lock and zone_lock held.
 */
static bool
zone_pick_idle(struct fastmem_socket *s, uint32_t since_seq, uint64_t keep_free,
		struct fastmem_pool_zone *out)
{
	uint64_t backing = fastmem_load64(&s->bytes_backing);
	uint64_t reserved = fastmem_load64(&s->reserved);
	struct fastmem_pool_zone *pz, *best = NULL;
	uint64_t len, free_bytes;
	uint32_t i;

	rte_spinlock_lock(&s->pool_lock);
	free_bytes = (uint64_t)fastmem_load32(&s->n_pool) * FASTMEM_SLAB_SIZE;
	for (i = 0; i < s->n_pool_zones; i++) {
		pz = &s->pool_zones[i];
		len = pz->end - pz->start;
		if (pz->seq < since_seq || pz->n_free != pz->n_slabs || backing < reserved + len ||
				free_bytes < keep_free + (uint64_t)pz->n_free * FASTMEM_SLAB_SIZE)
			continue;
		if (best == NULL || pz->seq > best->seq)
			best = pz;
	}
	if (best != NULL) {
		*out = *best;
		pool_zone_remove(s, best);
	}
	rte_spinlock_unlock(&s->pool_lock);
	return best != NULL;
}

/* Give idle memzones of socket s back to EAL, as zone_pick_idle() picks them. grow_lock held. */
static uint64_t
zone_release_locked(struct fastmem_socket *s, uint32_t since_seq, uint64_t keep_free)
{
	struct fastmem_state *st = fastmem_state;
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct fastmem_pool_zone pz;
	uint64_t released = 0;
	uint32_t i;

	for (;;) {
		rte_spinlock_lock(&st->zone_lock);
		if (!zone_pick_idle(s, since_seq, keep_free, &pz)) {
			rte_spinlock_unlock(&st->zone_lock);
			break;
		}
		i = zone_find(st, s, pz.seq);
		if (i < st->n_zones)
			zone_untrack(st, s, i);
		rte_spinlock_unlock(&st->zone_lock);
		zone_name(name, sizeof(name), s->socket_id, pz.seq);
		mz = rte_memzone_lookup(name);
		if (mz != NULL) {
			fastmem_check_zone_free(mz->addr, mz->len);
			rte_memzone_free(mz);
		}
		rte_atomic_fetch_sub_explicit(&s->bytes_backing, pz.end - pz.start,
				rte_memory_order_relaxed);
		released += pz.end - pz.start;
	}
	if (released != 0) {
		rte_atomic_fetch_add_explicit(&s->bytes_released, released,
				rte_memory_order_relaxed);
		rte_atomic_store_explicit(&s->grow_fail_tsc, 0, rte_memory_order_relaxed);
		FASTMEM_LOG(DEBUG, "socket %d: %" PRIu64 " MiB given back to EAL", s->socket_id,
				released >> 20);
	}
	return released;
}

/*
 * Give back to EAL every memzone of socket s reserved as number since_seq or later whose slabs
 * are all in the pool, newest first, keeping the socket's reserve. Returns the bytes released.
 * Without a reservation since, it returns at once: it does not wait for one in progress.
 */
uint64_t
fastmem_zone_release(struct fastmem_socket *s, uint32_t since_seq)
{
	uint64_t released;

	if (fastmem_load32(&s->zone_seq) == since_seq)
		return 0;
	zone_grow_lock(s, true);
	released = zone_release_locked(s, since_seq, 0);
	rte_spinlock_unlock(&s->grow_lock);
	return released;
}

/* Give every memzone of socket s back to EAL (deinit only: nothing may use them). */
void
fastmem_zone_free_all(struct fastmem_state *st, struct fastmem_socket *s)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	uint32_t i;

	for (i = 0; i < st->n_zones; ) {
		if (st->zones[i].sidx != s->idx) {
			i++;
			continue;
		}
		zone_name(name, sizeof(name), s->socket_id, st->zones[i].seq);
		mz = rte_memzone_lookup(name);
		if (mz != NULL) {
			fastmem_check_zone_free(mz->addr, mz->len);
			rte_memzone_free(mz);
		}
		zone_untrack(st, s, i);
	}
	rte_atomic_store_explicit(&s->bytes_backing, 0, rte_memory_order_relaxed);
	s->n_pool_zones = 0;
	s->pool_oldest = FASTMEM_POOL_NONE;
	s->page_oldest = FASTMEM_POOL_NONE;
	rte_atomic_store_explicit(&s->n_pool, 0, rte_memory_order_relaxed);
}
