/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Statistics. Nothing here runs on the hot path: a cache counts its hits in its top word and
 * its misses in the library's record of the cache (fastmem_cache_counters()), the bins count
 * slabs and objects under their locks, and this file sums them when asked. Objects in use are
 * those out of the slabs, less those waiting in depots and caches; every number is exact when
 * no other thread is allocating. Large objects, and the idle memzones kept for them, are
 * counted apart, under their own lock (fastmem_large.c), in the allocator-wide statistics only.
 */

#include <string.h>

#include <eal_export.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "fastmem_private.h"

static int
fail(int err)
{
	rte_errno = err;
	return -err;
}

/*
 * Sum, over every registered cache block, the cache of (sidx, cls): counters and length. The
 * caller holds the registry lock, which keeps the blocks in place (the block of a process that
 * is gone is freed by whichever process reclaims it, fastmem_cache.c) and under which a block
 * taken out of service moves its counters to the bins: they are here or in the bin, and a
 * reader that reads both under it counts them once.
 */
static uint64_t
caches_sum(unsigned int sidx, unsigned int cls, struct fastmem_counters *cnt)
{
	struct fastmem_state *st = fastmem_state;
	unsigned int idx = sidx * FASTMEM_N_CLASSES + cls, i;
	uint64_t len = 0;

	for (i = 0; i < FASTMEM_MAX_BLOCKS; i++)
		if (st->blocks[i] != NULL)
			len += fastmem_cache_counters(st->blocks[i], idx, cnt);
	return len;
}

/* Everything known about one (socket, class): its bin and the caches in front of it. */
void
fastmem_stats_socket_class(unsigned int sidx, unsigned int cls,
		struct fastmem_socket_class_stats *ss)
{
	struct fastmem_bin *bin = fastmem_bin_of(sidx, cls);
	uint64_t out;

	memset(ss, 0, sizeof(*ss));
	rte_spinlock_lock(&fastmem_state->reg_lock);
	rte_spinlock_lock(&bin->lock);
	out = bin->n_out;
	ss->depot = bin->depot_len;
	ss->slab_acquires = bin->slab_acquires;
	ss->slab_releases = bin->slab_releases;
	ss->slabs_partial = bin->n_partial;
	ss->slabs_full = bin->n_full;
	ss->bytes_held = (uint64_t)(bin->n_partial + bin->n_full) * fastmem_class_span_size(cls);
	ss->cnt = bin->direct;
	fastmem_counters_add(&ss->cnt, &bin->shared);
	rte_spinlock_unlock(&bin->lock);
	ss->cached = caches_sum(sidx, cls, &ss->cnt);
	rte_spinlock_unlock(&fastmem_state->reg_lock);
	/* Exact when quiescent; while a cache flushes, its batch may be counted twice. */
	ss->in_use = out > ss->depot + ss->cached ? out - ss->depot - ss->cached : 0;
}

uint64_t
fastmem_stats_class_in_use(unsigned int sidx, unsigned int cls)
{
	struct fastmem_socket_class_stats ss;

	fastmem_stats_socket_class(sidx, cls, &ss);
	return ss.in_use;
}

static void
class_read(unsigned int cls, struct rte_fastmem_class_stats *cs)
{
	struct fastmem_socket_class_stats ss;
	struct fastmem_counters cnt = { 0 };
	unsigned int sidx;

	memset(cs, 0, sizeof(*cs));
	cs->class_size = __rte_fastmem_class_size(cls);
	for (sidx = 0; sidx < fastmem_state->n_sockets; sidx++) {
		fastmem_stats_socket_class(sidx, cls, &ss);
		cs->in_use += ss.in_use;
		cs->slab_acquires += ss.slab_acquires;
		cs->slab_releases += ss.slab_releases;
		cs->slabs_partial += ss.slabs_partial;
		cs->slabs_full += ss.slabs_full;
		cs->bytes_held += ss.bytes_held;
		fastmem_counters_add(&cnt, &ss.cnt);
	}
	cs->alloc_cache_hits = cnt.alloc_hits;
	cs->alloc_cache_misses = cnt.alloc_misses;
	cs->alloc_nomem = cnt.alloc_nomem;
	cs->free_cache_hits = cnt.free_hits;
	cs->free_cache_misses = cnt.free_misses;
}

/* The class of an exact class size, or -1. */
static int
class_of_size(size_t class_size)
{
	unsigned int cls;

	if (class_size == 0 || class_size > RTE_FASTMEM_MAX_OBJ_SIZE)
		return -1;
	cls = __rte_fastmem_size_class(class_size);
	return __rte_fastmem_class_size(cls) == class_size ? (int)cls : -1;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats, 26.11)
int
rte_fastmem_stats(struct rte_fastmem_stats *stats)
{
	struct rte_fastmem_class_stats cs;
	struct fastmem_large_stats ls;
	unsigned int cls, sidx;

	if (stats == NULL)
		return fail(EINVAL);
	if (fastmem_attach() < 0)
		return -rte_errno;
	memset(stats, 0, sizeof(*stats));
	for (sidx = 0; sidx < fastmem_state->n_sockets; sidx++) {
		const struct fastmem_socket *s = &fastmem_state->sockets[sidx];

		stats->bytes_backing += fastmem_load64(&s->bytes_backing);
		stats->bytes_trimmed += fastmem_load64(&s->bytes_released);
	}
	for (cls = 0; cls < FASTMEM_N_CLASSES; cls++) {
		class_read(cls, &cs);
		stats->bytes_in_use += cs.in_use * cs.class_size;
		stats->alloc_total += cs.alloc_cache_hits + cs.alloc_cache_misses;
		stats->free_total += cs.free_cache_hits + cs.free_cache_misses;
		stats->alloc_nomem += cs.alloc_nomem;
	}
	stats->n_classes = FASTMEM_N_CLASSES;
	fastmem_large_stats_read(&ls);
	stats->large_in_use = ls.in_use;
	stats->bytes_large = ls.bytes;
	stats->large_idle = ls.idle;
	stats->bytes_large_idle = ls.bytes_idle;
	stats->bytes_in_use += ls.bytes;
	stats->alloc_total += ls.alloc;
	stats->free_total += ls.free;
	stats->alloc_nomem += ls.nomem;
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_class, 26.11)
int
rte_fastmem_stats_class(size_t class_size, struct rte_fastmem_class_stats *stats)
{
	int cls = class_of_size(class_size);

	if (stats == NULL || cls < 0)
		return fail(EINVAL);
	if (fastmem_attach() < 0)
		return -rte_errno;
	class_read(cls, stats);
	return 0;
}

/* Sum the counters of one lcore's caches of class cls (all classes when cls < 0). */
static int
lcore_read(unsigned int lcore_id, int cls, struct fastmem_counters *cnt)
{
	memset(cnt, 0, sizeof(*cnt));
	if (lcore_id >= RTE_MAX_LCORE)
		return fail(EINVAL);
	if (fastmem_attach() < 0)
		return -rte_errno;
	fastmem_cache_lcore_counters(lcore_id, cls, cnt);
	return 0;
}

/*
 * Sum the counters of the threads without an lcore id, of every process, for class cls (all
 * classes when cls < 0): the caches of their registered blocks (a parked block's are 0: they
 * went to its bins when it was parked) and the bins' shared counters (uncached operations,
 * parked and reclaimed blocks).
 */
static int
shared_read(int cls, struct fastmem_counters *cnt)
{
	const struct rte_fastmem_block *blk;
	struct fastmem_state *st;
	struct fastmem_bin *bin;
	unsigned int i, k, sidx;

	memset(cnt, 0, sizeof(*cnt));
	if (fastmem_attach() < 0)
		return -rte_errno;
	st = fastmem_state;
	rte_spinlock_lock(&st->reg_lock);
	for (i = 0; i < FASTMEM_MAX_BLOCKS; i++) {
		blk = st->blocks[i];
		if (blk == NULL || fastmem_block_hdr(blk)->lcore_id != LCORE_ID_ANY)
			continue;
		for (k = 0; k < RTE_MIN(blk->n_caches, st->n_caches); k++)
			if (cls < 0 || k % FASTMEM_N_CLASSES == (unsigned int)cls)
				fastmem_cache_counters(blk, k, cnt);
	}
	/* Still under the registry lock: see caches_sum(). */
	for (sidx = 0; sidx < st->n_sockets; sidx++) {
		for (k = 0; k < FASTMEM_N_CLASSES; k++) {
			if (cls >= 0 && k != (unsigned int)cls)
				continue;
			bin = fastmem_bin_of(sidx, k);
			rte_spinlock_lock(&bin->lock);
			fastmem_counters_add(cnt, &bin->shared);
			rte_spinlock_unlock(&bin->lock);
		}
	}
	rte_spinlock_unlock(&st->reg_lock);
	return 0;
}

/*
 * The counters of one lcore's threads, or of the threads without an lcore id (shared), for
 * class cls (all classes when cls < 0), as the public lcore statistics give them.
 */
static int
thread_stats_read(bool shared, unsigned int lcore_id, int cls,
		struct rte_fastmem_lcore_stats *stats)
{
	struct fastmem_counters cnt;
	int ret;

	if (stats == NULL)
		return fail(EINVAL);
	ret = shared ? shared_read(cls, &cnt) : lcore_read(lcore_id, cls, &cnt);
	if (ret < 0)
		return ret;
	stats->alloc_cache_hits = cnt.alloc_hits;
	stats->alloc_cache_misses = cnt.alloc_misses;
	stats->alloc_nomem = cnt.alloc_nomem;
	stats->free_cache_hits = cnt.free_hits;
	stats->free_cache_misses = cnt.free_misses;
	return 0;
}

/* The same for one class, given by its size. */
static int
thread_class_stats_read(bool shared, unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats)
{
	struct rte_fastmem_lcore_stats ls;
	int cls = class_of_size(class_size);
	int ret;

	if (stats == NULL || cls < 0)
		return fail(EINVAL);
	ret = thread_stats_read(shared, lcore_id, cls, &ls);
	if (ret < 0)
		return ret;
	stats->class_size = class_size;
	stats->alloc_cache_hits = ls.alloc_cache_hits;
	stats->alloc_cache_misses = ls.alloc_cache_misses;
	stats->alloc_nomem = ls.alloc_nomem;
	stats->free_cache_hits = ls.free_cache_hits;
	stats->free_cache_misses = ls.free_cache_misses;
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_lcore, 26.11)
int
rte_fastmem_stats_lcore(unsigned int lcore_id, struct rte_fastmem_lcore_stats *stats)
{
	return thread_stats_read(false, lcore_id, -1, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_lcore_class, 26.11)
int
rte_fastmem_stats_lcore_class(unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats)
{
	return thread_class_stats_read(false, lcore_id, class_size, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_shared, 26.11)
int
rte_fastmem_stats_shared(struct rte_fastmem_lcore_stats *stats)
{
	return thread_stats_read(true, 0, -1, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_shared_class, 26.11)
int
rte_fastmem_stats_shared_class(size_t class_size, struct rte_fastmem_lcore_class_stats *stats)
{
	return thread_class_stats_read(true, 0, class_size, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_reset, 26.11)
void
rte_fastmem_stats_reset(void)
{
	struct fastmem_state *st;
	struct fastmem_bin *bin;
	unsigned int i, sidx, cls;

	if (fastmem_attach() < 0)
		return;
	st = fastmem_state;
	rte_spinlock_lock(&st->reg_lock);
	for (i = 0; i < FASTMEM_MAX_BLOCKS; i++) {
		struct rte_fastmem_block *blk = st->blocks[i];
		unsigned int k;

		if (blk == NULL)
			continue;
		for (k = 0; k < blk->n_caches; k++)
			fastmem_cache_counters_reset(blk, k);
	}
	/* The bins under the registry lock too, so that no retired counters escape the reset. */
	for (sidx = 0; sidx < st->n_sockets; sidx++) {
		for (cls = 0; cls < FASTMEM_N_CLASSES; cls++) {
			bin = fastmem_bin_of(sidx, cls);
			rte_spinlock_lock(&bin->lock);
			memset(&bin->direct, 0, sizeof(bin->direct));
			memset(&bin->shared, 0, sizeof(bin->shared));
			bin->slab_acquires = 0;
			bin->slab_releases = 0;
			rte_spinlock_unlock(&bin->lock);
		}
	}
	rte_spinlock_unlock(&st->reg_lock);
	fastmem_large_stats_reset();
}
