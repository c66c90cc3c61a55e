/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Backing memory: IOVA-contiguous memzones, 2 MiB-aligned, carved into slabs that go to the
 * socket's free-slab pool. A memzone is FASTMEM_ZONE_SIZE (128 MiB) when it can be had; when
 * IOVA-contiguous memory is fragmented (IOVA as PA on a long-running machine) the size is
 * halved down to a single slab. Each slab records the IO address of its first byte, so
 * virt2iova stays O(1) whatever the memzone size.
 *
 * Reservations are serialized per socket by grow_lock, which no alloc or free path holds:
 * lcores that find objects in caches, bins or the pool never wait for a reservation.
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_memzone.h>

#include "fastmem_private.h"

static void
zone_name(char *name, size_t len, const struct fastmem_socket *s, uint32_t seq)
{
	snprintf(name, len, "fastmem_%d_%u", s->socket_id, seq);
}

/* Remember a memzone's address range, for the checks of debug mode. */
static void
zone_track(void *addr, uint64_t len)
{
	struct fastmem_state *st = fastmem_state;

	rte_spinlock_lock(&st->zone_lock);
	if (st->n_zones < FASTMEM_MAX_ZONES) {
		st->zones[st->n_zones].start = (uintptr_t)addr;
		st->zones[st->n_zones].end = (uintptr_t)addr + len;
		st->n_zones++;
	}
	rte_spinlock_unlock(&st->zone_lock);
}

/* Whether ptr lies in one of fastmem's memzones. Linear in the number of memzones. */
bool
fastmem_zone_contains(const void *ptr)
{
	struct fastmem_state *st = fastmem_state;
	uintptr_t p = (uintptr_t)ptr;
	bool found = false;
	uint32_t i;

	if (st == NULL)
		return false;
	rte_spinlock_lock(&st->zone_lock);
	for (i = 0; i < st->n_zones && !found; i++)
		found = p >= st->zones[i].start && p < st->zones[i].end;
	rte_spinlock_unlock(&st->zone_lock);
	return found;
}

/* Reserve one memzone of at most max_bytes, halving down to one slab. Returns its size. */
static uint64_t
zone_reserve_one(struct fastmem_socket *s, uint64_t max_bytes)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	uint64_t size, off;

	for (size = max_bytes; size >= FASTMEM_SLAB_SIZE; size = RTE_ALIGN_FLOOR(size / 2,
			FASTMEM_SLAB_SIZE)) {
		zone_name(name, sizeof(name), s, s->n_zones);
		mz = rte_memzone_reserve_aligned(name, size, s->socket_id,
				RTE_MEMZONE_IOVA_CONTIG, FASTMEM_SLAB_SIZE);
		if (mz == NULL)
			continue;
		if (mz->iova == RTE_BAD_IOVA) {
			rte_memzone_free(mz);
			return 0;
		}
		s->n_zones++;
		zone_track(mz->addr, size);
		for (off = 0; off < size; off += FASTMEM_SLAB_SIZE) {
			struct fastmem_slab *slab = RTE_PTR_ADD(mz->addr, off);

			fastmem_slab_format(slab, mz->iova + off);
			fastmem_slab_pool_put(s, slab);
		}
		rte_atomic_fetch_add_explicit(&s->bytes_backing, size, rte_memory_order_relaxed);
		FASTMEM_LOG(DEBUG, "socket %d: memzone %s, %" PRIu64 " MiB", s->socket_id, name,
				size >> 20);
		return size;
	}
	return 0;
}

/*
 * Add at least min_bytes of backing memory to socket s. When exact is false (growth on
 * demand), a whole default-size memzone is reserved if the limit allows, and a concurrent
 * reservation that already refilled the pool counts as success.
 */
int
fastmem_zone_grow(struct fastmem_socket *s, uint64_t min_bytes, bool exact)
{
	uint64_t added = 0, room, want, got;
	int ret = 0;

	if (min_bytes > UINT64_MAX - FASTMEM_SLAB_SIZE)
		return -ENOMEM; /* more than any limit; rounding it up would wrap */
	rte_spinlock_lock(&s->grow_lock);
	if (!exact && s->n_pool > 0) {
		rte_spinlock_unlock(&s->grow_lock);
		return 0;
	}
	while (added < min_bytes) {
		uint64_t limit = fastmem_load64(&s->limit);
		uint64_t backing = fastmem_load64(&s->bytes_backing);

		room = RTE_ALIGN_FLOOR(limit > backing ? limit - backing : 0, FASTMEM_SLAB_SIZE);
		if (exact && added == 0 && RTE_ALIGN_CEIL(min_bytes, FASTMEM_SLAB_SIZE) > room) {
			ret = -ENOMEM; /* the whole reservation must fit under the limit */
			break;
		}
		want = exact ? RTE_ALIGN_CEIL(min_bytes - added, FASTMEM_SLAB_SIZE) :
			fastmem_state->zone_size;
		want = RTE_MIN(RTE_MIN(want, fastmem_state->zone_size), room);
		if (want < RTE_ALIGN_CEIL(RTE_MIN(min_bytes - added, fastmem_state->zone_size),
				FASTMEM_SLAB_SIZE)) {
			ret = -ENOMEM; /* over the limit */
			break;
		}
		got = zone_reserve_one(s, want);
		if (got == 0) {
			ret = -ENOMEM;
			break;
		}
		added += got;
	}
	rte_spinlock_unlock(&s->grow_lock);
	if (ret < 0)
		FASTMEM_LOG(DEBUG, "socket %d: cannot add %" PRIu64 " bytes (backing %" PRIu64
				", limit %" PRIu64 ")", s->socket_id, min_bytes - added,
				fastmem_load64(&s->bytes_backing), fastmem_load64(&s->limit));
	return ret;
}

/* Give every memzone of socket s back to EAL (deinit only: nothing may use them). */
void
fastmem_zone_free_all(struct fastmem_socket *s)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	uint32_t seq;

	for (seq = 0; seq < s->n_zones; seq++) {
		zone_name(name, sizeof(name), s, seq);
		mz = rte_memzone_lookup(name);
		if (mz != NULL) {
			fastmem_check_zone_free(mz->addr, mz->len);
			rte_memzone_free(mz);
		}
	}
	s->n_zones = 0;
	rte_atomic_store_explicit(&s->bytes_backing, 0, rte_memory_order_relaxed);
	s->pool = NULL;
	s->n_pool = 0;
}
