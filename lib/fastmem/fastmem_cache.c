/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Per-thread caches. Every thread that allocates or frees gets a cache block on first use: one
 * bounded LIFO cache per (socket, class), found through one thread-local pointer. The inline
 * functions of rte_fastmem.h serve hits; this file serves everything else: creating blocks,
 * refilling an empty cache from its bin (half its capacity at once) and flushing the oldest
 * half of a full cache to the bin's depot.
 *
 * Blocks live in DPDK memory so that statistics can read the caches of every thread of every
 * process, and are listed in the shared block registry. Threads other than EAL lcores (non-EAL
 * threads, threads of secondary processes) work the same way; their block is flushed back to
 * the bins when the thread exits, through a pthread key destructor, and kept for the next
 * thread. A thread that cannot get a block (memory or registry exhausted) works uncached,
 * directly on the bins.
 *
 * A thread may outlive the allocator, and EAL: the destructor then must not touch its block,
 * which rte_eal_cleanup() unmaps. rte_fastmem_deinit() disarms it (the destructor touches DPDK
 * memory only while the allocator is initialized or attached in this process). DPDK 22.11 has
 * no cleanup hook for libraries, so an application whose non-EAL threads may exit after
 * rte_eal_cleanup() must call rte_fastmem_deinit() before it, in every process; without it,
 * the destructor skips a block whose memory is no longer mapped, best effort.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <eal_export.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastmem_private.h"

RTE_EXPORT_EXPERIMENTAL_SYMBOL(per_lcore_rte_fastmem_tls_block, 26.03)
RTE_DEFINE_PER_LCORE(struct rte_fastmem_block *, rte_fastmem_tls_block);

/* Set when this thread could not get a block: it works uncached. */
static RTE_DEFINE_PER_LCORE(bool, fastmem_uncached);

/*
 * What this process knows of each of its blocks, in process memory (libc): which thread owns
 * it. A record is the argument of the thread-exit destructor, which can run after
 * rte_eal_cleanup() unmapped the block (DPDK memory): the destructor touches the block only
 * while the allocator is initialized or attached in this process, and its memory is mapped.
 * Records, like blocks, live as long as the process: a live thread keeps its block through
 * rte_fastmem_deinit() and the next rte_fastmem_init().
 */
struct block_rec {
	struct block_rec *next;
	struct rte_fastmem_block *blk;
	unsigned int socket_idx;
	unsigned int lcore_id;          /* of the owner thread, or LCORE_ID_ANY */
	bool owned;                     /* owned by a live thread */
};

/* Blocks of this process; the lock guards the records and the lcore table. */
static rte_spinlock_t local_lock = RTE_SPINLOCK_INITIALIZER;
static struct block_rec *local_recs;
static struct rte_fastmem_block *lcore_blocks[RTE_MAX_LCORE];

static pthread_key_t exit_key;
static bool exit_key_valid;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* Give a registered block's caches their capacities: the cache is in service. */
static int
block_register(struct rte_fastmem_block *blk)
{
	struct fastmem_state *st = fastmem_state;
	unsigned int i;

	rte_spinlock_lock(&st->reg_lock);
	if (blk->reg_idx != UINT32_MAX) {
		/* registered meanwhile by the thread that attached this process */
		rte_spinlock_unlock(&st->reg_lock);
		return 0;
	}
	for (i = 0; i < FASTMEM_MAX_BLOCKS; i++) {
		if (st->blocks[i] == NULL) {
			st->blocks[i] = blk;
			blk->reg_idx = i;
			break;
		}
	}
	rte_spinlock_unlock(&st->reg_lock);
	if (i == FASTMEM_MAX_BLOCKS) {
		FASTMEM_LOG(WARNING, "cache block registry full: thread works uncached");
		return -ENOSPC;
	}
	for (i = 0; i < blk->n_caches; i++)
		blk->caches[i].cap = fastmem_class_cache_cap(i % FASTMEM_N_CLASSES);
	return 0;
}

/*
 * Take a block out of service: hand its objects back to the bins (unless the allocator is
 * being torn down) and its counters to the bins' retired counters.
 */
static void
block_retire(struct rte_fastmem_block *blk, bool flush)
{
	struct rte_fastmem_cache *c;
	unsigned int i, sidx, cls;

	for (i = 0; i < blk->n_caches; i++) {
		c = &blk->caches[i];
		sidx = i / FASTMEM_N_CLASSES;
		cls = i % FASTMEM_N_CLASSES;
		if (flush && blk->reg_idx != UINT32_MAX) {
			if (c->len > 0)
				fastmem_bin_put(sidx, cls, c->objs, c->len, true);
			fastmem_bin_count(sidx, cls, fastmem_cache_counters(c));
		}
		c->len = 0;
		c->cap = 0;
		memset(fastmem_cache_counters(c), 0, sizeof(struct fastmem_counters));
	}
	if (flush && blk->reg_idx != UINT32_MAX) {
		rte_spinlock_lock(&fastmem_state->reg_lock);
		fastmem_state->blocks[blk->reg_idx] = NULL;
		rte_spinlock_unlock(&fastmem_state->reg_lock);
	}
	blk->reg_idx = UINT32_MAX;
}

/*
 * Whether the page holding p is mapped. rte_eal_cleanup() unmaps DPDK memory; when the
 * application called it without rte_fastmem_deinit() first, this is how a thread exiting
 * afterwards finds out that its block is gone (best effort: the address range could have been
 * mapped again since).
 */
static bool
mem_mapped(const void *p)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	int err = errno;
	bool mapped;

	if (pg <= 0)
		pg = 4096;
	mapped = mincore((void *)RTE_ALIGN_FLOOR((uintptr_t)p, (uintptr_t)pg), 1, &vec) == 0 ||
		errno != ENOMEM;
	errno = err;
	return mapped;
}

/*
 * pthread key destructor: the thread exits, its cache goes back to the bins. It receives the
 * block's record, not the block: after rte_fastmem_deinit() (and rte_eal_cleanup()) the block
 * must not be touched, and deinit already emptied it.
 */
static void
block_thread_exit(void *arg)
{
	struct block_rec *rec = arg;
	struct fastmem_state *st;

	rte_spinlock_lock(&local_lock);
	st = fastmem_state;
	if (st != NULL && mem_mapped(st) && mem_mapped(rec->blk))
		block_retire(rec->blk, true);
	if (rec->lcore_id < RTE_MAX_LCORE && lcore_blocks[rec->lcore_id] == rec->blk)
		lcore_blocks[rec->lcore_id] = NULL;
	rec->owned = false;
	rte_spinlock_unlock(&local_lock);
	/* Other destructors may still allocate or free: uncached, the block may be reused. */
	RTE_PER_LCORE(rte_fastmem_tls_block) = NULL;
	RTE_PER_LCORE(fastmem_uncached) = true;
}

static void
exit_key_create(void)
{
	if (pthread_key_create(&exit_key, block_thread_exit) != 0)
		FASTMEM_LOG(WARNING, "no thread-exit hook: exiting threads keep their caches");
	else
		exit_key_valid = true;
}

/* A new block and its record, for socket index sidx; NULL when out of memory. */
static struct block_rec *
block_new(unsigned int sidx, int socket_id)
{
	struct fastmem_state *st = fastmem_state;
	struct rte_fastmem_block *blk;
	struct block_rec *rec;
	unsigned int i;
	size_t size;

	RTE_BUILD_BUG_ON(offsetof(struct rte_fastmem_block, caches) != RTE_CACHE_LINE_SIZE);
	rec = calloc(1, sizeof(*rec));
	if (rec == NULL)
		return NULL;
	size = sizeof(*blk) + st->n_caches * sizeof(struct rte_fastmem_cache);
	blk = rte_zmalloc_socket("fastmem_cache", size, RTE_CACHE_LINE_SIZE, socket_id);
	if (blk == NULL)
		blk = rte_zmalloc("fastmem_cache", size, RTE_CACHE_LINE_SIZE);
	if (blk == NULL) {
		free(rec);
		return NULL;
	}
	blk->n_caches = st->n_caches;
	blk->socket_idx = sidx;
	blk->local = &blk->caches[sidx * FASTMEM_N_CLASSES];
	blk->reg_idx = UINT32_MAX;
	for (i = 0; i < blk->n_caches; i++) {
		blk->caches[i].obj_size = rte_fastmem_class_size(i % FASTMEM_N_CLASSES);
		blk->caches[i].batch = fastmem_class_batch(i % FASTMEM_N_CLASSES);
	}
	rec->blk = blk;
	rec->socket_idx = sidx;
	rec->owned = true;
	return rec;
}

/* A block for the calling thread: a retired one of this process, or a new one. */
static struct rte_fastmem_block *
block_create(void)
{
	int socket_id = fastmem_local_socket_id();
	int sidx = fastmem_socket_index(socket_id, false);
	unsigned int lcore_id = rte_lcore_id();
	struct rte_fastmem_block *blk;
	struct block_rec *rec;

	if (sidx < 0)
		sidx = 0;
	rte_spinlock_lock(&local_lock);
	for (rec = local_recs; rec != NULL; rec = rec->next)
		if (!rec->owned && rec->socket_idx == (unsigned int)sidx)
			break;
	if (rec != NULL)
		rec->owned = true;
	rte_spinlock_unlock(&local_lock);

	if (rec == NULL) {
		rec = block_new(sidx, socket_id);
		if (rec == NULL)
			return NULL;
		rte_spinlock_lock(&local_lock);
		rec->next = local_recs;
		local_recs = rec;
		rte_spinlock_unlock(&local_lock);
	}
	blk = rec->blk;
	blk->lcore_id = lcore_id;
	rec->lcore_id = lcore_id;
	if (block_register(blk) < 0) {
		rte_spinlock_lock(&local_lock);
		rec->owned = false;
		rte_spinlock_unlock(&local_lock);
		return NULL;
	}
	rte_spinlock_lock(&local_lock);
	if (lcore_id < RTE_MAX_LCORE)
		lcore_blocks[lcore_id] = blk;
	rte_spinlock_unlock(&local_lock);
	pthread_once(&exit_key_once, exit_key_create);
	if (exit_key_valid)
		pthread_setspecific(exit_key, rec);
	return blk;
}

/* The calling thread's cache for (sidx, cls), creating its block on first use; NULL if none. */
static struct rte_fastmem_cache *
thread_cache(unsigned int sidx, unsigned int cls)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls_block);
	struct rte_fastmem_cache *c;

	if (blk == NULL) {
		if (RTE_PER_LCORE(fastmem_uncached))
			return NULL;
		blk = block_create();
		if (blk == NULL) {
			RTE_PER_LCORE(fastmem_uncached) = true;
			return NULL;
		}
		RTE_PER_LCORE(rte_fastmem_tls_block) = blk;
	}
	c = &blk->caches[sidx * FASTMEM_N_CLASSES + cls];
	return c->cap != 0 ? c : NULL;
}

/* Commit counters to the cache, or for an uncached thread to the bin. */
static void
counters_commit(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls,
		const struct fastmem_counters *cnt)
{
	if (c != NULL)
		fastmem_counters_add(fastmem_cache_counters(c), cnt);
	else
		fastmem_bin_count(sidx, cls, cnt);
}

/* One object from cache c (refilled from the bin when empty) or, uncached, from the bin. */
static void *
obj_get(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls,
		struct fastmem_counters *cnt)
{
	unsigned int got;
	void *obj;

	if (c == NULL) {
		if (fastmem_bin_get(sidx, cls, &obj, 1) == 0)
			return NULL;
		cnt->alloc_misses++;
		return obj;
	}
	if (c->len > 0) {
		cnt->alloc_hits++;
		return c->objs[--c->len];
	}
	got = fastmem_bin_get(sidx, cls, c->objs, c->batch);
	if (got == 0)
		return NULL;
	c->len = got - 1;
	cnt->alloc_misses++;
	return c->objs[got - 1];
}

/* One object into cache c (flushing its oldest half to the bin when full) or into the bin. */
static void
obj_put(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls, void *obj,
		struct fastmem_counters *cnt)
{
	if (c == NULL) {
		fastmem_bin_put(sidx, cls, &obj, 1, false);
		cnt->free_misses++;
		return;
	}
	if (c->len >= c->cap) {
		fastmem_bin_put(sidx, cls, c->objs, c->batch, false);
		c->len -= c->batch;
		memmove(c->objs, c->objs + c->batch, c->len * sizeof(void *));
		cnt->free_misses++;
	} else {
		cnt->free_hits++;
	}
	c->objs[c->len++] = obj;
}

void *
fastmem_cache_get(unsigned int sidx, unsigned int cls)
{
	struct rte_fastmem_cache *c = thread_cache(sidx, cls);
	struct fastmem_counters cnt = { 0 };
	void *obj = obj_get(c, sidx, cls, &cnt);

	if (obj != NULL)
		counters_commit(c, sidx, cls, &cnt);
	return obj;
}

void
fastmem_cache_put(unsigned int sidx, unsigned int cls, void *obj)
{
	struct rte_fastmem_cache *c = thread_cache(sidx, cls);
	struct fastmem_counters cnt = { 0 };

	obj_put(c, sidx, cls, obj, &cnt);
	counters_commit(c, sidx, cls, &cnt);
}

void
fastmem_cache_count_nomem(unsigned int sidx, unsigned int cls, unsigned int n)
{
	struct rte_fastmem_cache *c = thread_cache(sidx, cls);
	struct fastmem_counters cnt = { .alloc_nomem = n };

	counters_commit(c, sidx, cls, &cnt);
}

/*
 * Undo a bulk allocation that failed: the objects gathered (chained through their first word)
 * and those the cache holds go back to their slabs, and the memzones reserved during the call
 * (number since_seq on) go back to EAL when all their slabs are free again, so that a call that
 * could not be met leaves no memory behind.
 */
static void
bulk_undo(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls, void *head,
		uint32_t since_seq)
{
	void *objs[64];
	unsigned int k;

	while (head != NULL) {
		for (k = 0; k < RTE_DIM(objs) && head != NULL; k++) {
			objs[k] = head;
			head = fastmem_link_get(head);
		}
		fastmem_bin_put(sidx, cls, objs, k, true);
	}
	if (c != NULL && c->len > 0) {
		fastmem_bin_put(sidx, cls, c->objs, c->len, true);
		c->len = 0;
	}
	fastmem_zone_release(&fastmem_state->sockets[sidx], since_seq);
}

/*
 * n objects into ptrs, all or nothing. Objects gathered so far are chained through their
 * first word, so ptrs is written only on success and a failure gives everything back.
 */
int
fastmem_cache_get_bulk(unsigned int sidx, unsigned int cls, void **ptrs, unsigned int n)
{
	struct rte_fastmem_cache *c = thread_cache(sidx, cls);
	uint32_t seq = fastmem_load32(&fastmem_state->sockets[sidx].zone_seq);
	struct fastmem_counters cnt = { 0 };
	unsigned int i, got;
	void *head = NULL, *obj;

	if (c != NULL && c->len >= n) {
		for (i = 0; i < n; i++)
			ptrs[i] = c->objs[--c->len];
		c->alloc_hits += n;
		return 0;
	}
	for (got = 0; got < n; got++) {
		obj = obj_get(c, sidx, cls, &cnt);
		if (obj == NULL)
			break;
		fastmem_link_set(obj, head);
		head = obj;
	}
	if (got < n) {
		bulk_undo(c, sidx, cls, head, seq);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ptrs[i] = head;
		head = fastmem_link_get(head);
	}
	counters_commit(c, sidx, cls, &cnt);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_cache_flush, 26.03)
void
rte_fastmem_cache_flush(void)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls_block);
	struct rte_fastmem_cache *c;
	unsigned int i;

	if (blk == NULL || fastmem_state == NULL)
		return;
	for (i = 0; i < blk->n_caches; i++) {
		c = &blk->caches[i];
		if (c->len == 0)
			continue;
		fastmem_bin_put(i / FASTMEM_N_CLASSES, i % FASTMEM_N_CLASSES, c->objs, c->len,
				true);
		c->len = 0;
	}
}

/* After init or attach: put this process's blocks (back) in service. */
void
fastmem_cache_register_all(void)
{
	struct block_rec *rec;

	rte_spinlock_lock(&local_lock);
	for (rec = local_recs; rec != NULL; rec = rec->next)
		if (rec->owned && rec->blk->reg_idx == UINT32_MAX)
			block_register(rec->blk);
	rte_spinlock_unlock(&local_lock);
}

/*
 * At deinit or detach: take this process's blocks out of service. A detaching secondary
 * flushes them; a primary tearing the allocator down just empties them. The blocks stay
 * allocated: live threads keep them, and find them in service again after the next init or
 * attach.
 */
void
fastmem_cache_detach_all(bool flush)
{
	struct block_rec *rec;

	rte_spinlock_lock(&local_lock);
	for (rec = local_recs; rec != NULL; rec = rec->next)
		block_retire(rec->blk, flush);
	rte_spinlock_unlock(&local_lock);
}

struct rte_fastmem_block *
fastmem_cache_lcore_block(unsigned int lcore_id)
{
	return lcore_id < RTE_MAX_LCORE ? lcore_blocks[lcore_id] : NULL;
}
