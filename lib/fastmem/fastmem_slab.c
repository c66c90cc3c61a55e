/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Slabs: 2 MiB, 2 MiB-aligned pieces of a backing memzone. A slab belongs to one class of one
 * socket while it holds objects and goes back to its socket's free-slab pool when they are all
 * freed. Objects are carved lazily: those never handed out are counted by a bump index, freed
 * ones are linked through their first word, so a slab has no per-object metadata.
 */

#include <stddef.h>

#include <rte_debug.h>

#include "fastmem_private.h"

void
fastmem_slab_format(struct fastmem_slab *slab, rte_iova_t iova)
{
	memset(slab, 0, sizeof(*slab));
	slab->magic = FASTMEM_SLAB_MAGIC;
	slab->iova = iova;
	slab->state = FASTMEM_SLAB_FREE;
	slab->cache_idx = UINT32_MAX;
}

void
fastmem_slab_assign(struct fastmem_slab *slab, unsigned int sidx, unsigned int cls)
{
	size_t size = __rte_fastmem_class_size(cls);

	slab->cls = cls;
	slab->socket_idx = sidx;
	slab->cache_idx = sidx * FASTMEM_N_CLASSES + cls;
	slab->key = RTE_FASTMEM_SLAB_KEY + slab->cache_idx;
	slab->obj_size = size;
	uint32_t n_meta = (FASTMEM_SLAB_SIZE - FASTMEM_SLAB_HDR_SIZE) /
			(size + FASTMEM_DEBUG_META_SIZE);

	/*
	 * Objects sit at multiples of their size from the slab start: aligned to the class.
	 * In debug mode, n_meta per-object words sit between the header and the objects.
	 */
	slab->first_off = RTE_ALIGN_CEIL(FASTMEM_SLAB_HDR_SIZE + FASTMEM_DEBUG_META_SIZE * n_meta,
			size);
	slab->n_total = RTE_MIN(n_meta, (uint32_t)((FASTMEM_SLAB_SIZE - slab->first_off) / size));
	slab->free_list = NULL;
	slab->n_used = 0;
	slab->bump = 0;
	slab->next = NULL;
	slab->prev = NULL;
	fastmem_check_slab_assign(slab);
}

unsigned int
fastmem_slab_take(struct fastmem_slab *slab, void **objs, unsigned int n)
{
	unsigned int k = 0;
	char *next;

	while (k < n && slab->free_list != NULL) {
		objs[k++] = slab->free_list;
		slab->free_list = fastmem_link_get(slab->free_list);
	}
	next = (char *)slab + slab->first_off + (size_t)slab->bump * slab->obj_size;
	while (k < n && slab->bump < slab->n_total) {
		objs[k++] = next;
		next += slab->obj_size;
		slab->bump++;
	}
	slab->n_used += k;
	return k;
}

void
fastmem_slab_give(struct fastmem_slab *slab, void *obj)
{
	fastmem_link_set(obj, slab->free_list);
	slab->free_list = obj;
	slab->n_used--;
}

bool
fastmem_slab_valid(const struct fastmem_slab *slab)
{
	return slab != NULL && slab->magic == FASTMEM_SLAB_MAGIC &&
		slab->state != FASTMEM_SLAB_FREE && fastmem_state != NULL &&
		slab->cache_idx < fastmem_state->n_caches &&
		slab->key == RTE_FASTMEM_SLAB_KEY + slab->cache_idx;
}

/* A free slab of the oldest memzone that has one (fastmem_zone.c), or NULL. */
struct fastmem_slab *
fastmem_slab_pool_get(struct fastmem_socket *s)
{
	struct fastmem_pool_zone *pz;
	struct fastmem_slab *slab = NULL;

	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_oldest(s);
	if (pz != NULL) {
		slab = pz->free;
		pz->free = slab->next;
		pz->n_free--;
		fastmem_zone_pool_update(s, pz);
		rte_atomic_fetch_sub_explicit(&s->n_pool, 1, rte_memory_order_relaxed);
	}
	rte_spinlock_unlock(&s->pool_lock);
	return slab;
}

void
fastmem_slab_pool_put(struct fastmem_socket *s, struct fastmem_slab *slab)
{
	struct fastmem_pool_zone *pz;

	slab->state = FASTMEM_SLAB_FREE;
	slab->key = 0;
	slab->cache_idx = UINT32_MAX;
	slab->prev = NULL;
	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_of(s, slab);
	/* Every slab is carved from a memzone with a pool entry (fastmem_zone.c). */
	RTE_VERIFY(pz != NULL);
	slab->next = pz->free;
	pz->free = slab;
	pz->n_free++;
	fastmem_zone_pool_update(s, pz);
	rte_atomic_fetch_add_explicit(&s->n_pool, 1, rte_memory_order_relaxed);
	rte_spinlock_unlock(&s->pool_lock);
}
