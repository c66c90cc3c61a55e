/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Bins: one per (socket, class), behind a spinlock. A bin keeps its partial spans (pages or
 * whole slabs, fastmem_slab.c) in a list and counts its full ones; spans come from the socket's
 * slabs and go back as soon as they are empty. In front of the slabs sits a depot: a stack of
 * object pointers that takes the batches caches flush and serves the batches caches refill
 * with, without touching the objects (the idea of Bonwick's magazine depot). It is what makes
 * the pipeline pattern, allocate on one lcore and free on another, cheap. Objects reach the
 * slabs past the depot when it is full, when the socket runs out of free slabs or is trimmed
 * (reclaim), and from the paths that empty caches or undo: an explicit flush, a thread's exit,
 * the reclaim of a gone process's blocks, a failed bulk allocation.
 *
 * Lock order: a bin lock, then the socket's pool lock. Never two bin locks at once; no bin lock
 * while a memzone is reserved.
 */

#include <string.h>

#include <rte_errno.h>

#include "fastmem_private.h"

void
fastmem_bin_init(struct fastmem_bin *bin, unsigned int sidx, unsigned int cls)
{
	memset(bin, 0, offsetof(struct fastmem_bin, depot));
	rte_spinlock_init(&bin->lock);
	bin->cls = cls;
	bin->socket_idx = sidx;
	bin->depot_max = fastmem_class_depot_max(cls);
}

/*
 * A span that becomes partial goes to the list of partial spans, or, when it lies in the newest
 * memzone of the socket, to a list of its own that allocations take from last (with one
 * memzone, every span: a bin takes a span from the pool only when it has no partial one, so
 * that the spans of an older memzone are never in that list beside those of a newer one).
 * The spans of the newest memzone then empty as their objects come back, and its slabs return
 * to the pool, which hands out the oldest memzone's slabs first: after a peak,
 * rte_fastmem_trim() can give the newest memzone back, then the next newest, where allocations
 * taking the most recently partial span first would refill spans of every memzone alike. (A
 * span keeps its list until it is full or empty: those of a memzone that was the newest one
 * when they became partial stay behind the others meanwhile.)
 */
static void
bin_list_add(struct fastmem_bin *bin, struct fastmem_page *pg)
{
	struct fastmem_socket *s = &fastmem_state->sockets[bin->socket_idx];

	if (fastmem_slab_of(pg)->zone_seq < fastmem_load32(&s->newest_seq)) {
		FASTMEM_LIST_PUSH(&bin->partial, pg);
		pg->state = FASTMEM_PAGE_PARTIAL;
	} else {
		FASTMEM_LIST_PUSH(&bin->partial_new, pg);
		pg->state = FASTMEM_PAGE_PARTIAL_NEW;
	}
	bin->n_partial++;
}

static void
bin_list_del(struct fastmem_bin *bin, struct fastmem_page *pg)
{
	if (pg->state == FASTMEM_PAGE_PARTIAL_NEW)
		FASTMEM_LIST_DEL(&bin->partial_new, pg);
	else
		FASTMEM_LIST_DEL(&bin->partial, pg);
	bin->n_partial--;
}

/* Take up to n objects from the bin's spans, acquiring new spans as needed. */
static unsigned int
bin_take_slabs(struct fastmem_bin *bin, struct fastmem_socket *s, void **objs, unsigned int n)
{
	struct fastmem_page *pg;
	unsigned int got = 0;

	while (got < n) {
		pg = bin->partial != NULL ? bin->partial : bin->partial_new;
		if (pg == NULL) {
			pg = fastmem_slab_page_get(s, bin->cls);
			if (pg == NULL)
				break;
			bin_list_add(bin, pg);
			bin->slab_acquires++;
		}
		got += fastmem_page_take(pg, objs + got, n - got);
		if (pg->n_used == pg->n_total) {
			bin_list_del(bin, pg);
			pg->state = FASTMEM_PAGE_FULL;
			bin->n_full++;
		}
	}
	bin->n_out += got;
	return got;
}

/* Return objects to their spans; empty spans go back to their slabs. Bin lock held. */
static void
bin_give_slabs(struct fastmem_bin *bin, struct fastmem_socket *s, void * const *objs,
		unsigned int n)
{
	struct fastmem_page *pg;
	unsigned int i;

	for (i = 0; i < n; i++) {
		pg = fastmem_page_of(objs[i]);
		if (pg->state == FASTMEM_PAGE_FULL) {
			bin->n_full--;
			bin_list_add(bin, pg);
		}
		fastmem_page_give(pg, objs[i]);
		if (pg->n_used == 0) {
			bin_list_del(bin, pg);
			fastmem_slab_page_put(s, pg);
			bin->slab_releases++;
		}
	}
	bin->n_out -= n;
}

/*
 * Take up to n objects from a bin: from its depot, then from its spans. Only when that gives
 * none (the socket's pool is empty) does it drain the socket's depots and then grow, so that a
 * refill that finds some objects returns with them rather than wait for a memzone another
 * thread is reserving. Returns how many it took; 0 when the socket has no memory left.
 */
unsigned int
fastmem_bin_get(unsigned int sidx, unsigned int cls, void **objs, unsigned int n)
{
	struct fastmem_socket *s = &fastmem_state->sockets[sidx];
	struct fastmem_bin *bin = &s->bins[cls];
	bool reclaimed = false, failed = false;
	unsigned int got, k;

	rte_spinlock_lock(&bin->lock);
	for (;;) {
		/* The depot first: the most recently flushed objects, still warm. */
		k = RTE_MIN(bin->depot_len, n);
		memcpy(objs, &bin->depot[bin->depot_len - k], k * sizeof(void *));
		bin->depot_len -= k;
		got = k + bin_take_slabs(bin, s, objs + k, n - k);
		if (got > 0 || failed)
			break;
		rte_spinlock_unlock(&bin->lock);
		/*
		 * The pool is empty: reuse what other bins hold in depots, then grow. When growth
		 * fails, look once more: another lcore may have freed objects meanwhile.
		 */
		if (!reclaimed) {
			reclaimed = true;
			fastmem_bin_reclaim(sidx);
		} else if (fastmem_zone_grow(s, FASTMEM_SLAB_SIZE, false) < 0) {
			failed = true;
		}
		rte_spinlock_lock(&bin->lock);
	}
	rte_spinlock_unlock(&bin->lock);
	return got;
}

void
fastmem_bin_put(unsigned int sidx, unsigned int cls, void * const *objs, unsigned int n,
		bool to_slabs)
{
	struct fastmem_socket *s = &fastmem_state->sockets[sidx];
	struct fastmem_bin *bin = &s->bins[cls];
	unsigned int k = 0;

	rte_spinlock_lock(&bin->lock);
	if (!to_slabs) {
		k = RTE_MIN(n, bin->depot_max - bin->depot_len);
		memcpy(&bin->depot[bin->depot_len], objs, k * sizeof(void *));
		bin->depot_len += k;
	}
	bin_give_slabs(bin, s, objs + k, n - k);
	rte_spinlock_unlock(&bin->lock);
}

/* Drain every depot of a socket into the slabs, so that empty slabs return to the pool. */
void
fastmem_bin_reclaim(unsigned int sidx)
{
	struct fastmem_socket *s = &fastmem_state->sockets[sidx];
	struct fastmem_bin *bin;
	unsigned int cls;

	for (cls = 0; cls < FASTMEM_N_CLASSES; cls++) {
		bin = &s->bins[cls];
		if (bin->depot_len == 0)
			continue;
		rte_spinlock_lock(&bin->lock);
		bin_give_slabs(bin, s, bin->depot, bin->depot_len);
		bin->depot_len = 0;
		rte_spinlock_unlock(&bin->lock);
	}
}

/*
 * Add counters of uncached operations or of a retired cache block to a bin: to its shared
 * counters for a thread without an lcore id, else to its direct ones.
 */
void
fastmem_bin_count(unsigned int sidx, unsigned int cls,
		const struct fastmem_counters *add, bool shared)
{
	struct fastmem_bin *bin = fastmem_bin_of(sidx, cls);

	rte_spinlock_lock(&bin->lock);
	fastmem_counters_add(shared ? &bin->shared : &bin->direct, add);
	rte_spinlock_unlock(&bin->lock);
}
