/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Slabs: 2 MiB, 2 MiB-aligned pieces of a backing memzone, in the socket's free-slab pool while
 * free. A slab in service is either paged, 32 pages of 64 KiB that serve classes up to
 * FASTMEM_PAGED_MAX bytes, one class per page (so that a class needs 64 KiB, not 2 MiB, before
 * it serves its first object), or whole, one span of one larger class. Either way the header
 * holds one key per page, so the free path finds an object's cache from its address with one
 * mask and one shift; the span descriptor (struct fastmem_page) is in the header as well.
 * Objects are carved lazily: those never handed out are counted by a bump index, freed ones
 * are linked through their first word, so a span has no per-object metadata.
 *
 * Paged slabs with free pages are listed per memzone in the socket's pool, and pages and slabs
 * come from the oldest memzone that has one, so that the newest memzones drain after a peak
 * (bins fill the partial spans of the newest memzone last, too: fastmem_bin.c);
 * a slab whose pages are all free again goes back to the pool, where any class (and trimming)
 * can have it.
 */

#include <stddef.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_debug.h>

#include "fastmem_private.h"

void
fastmem_slab_format(struct fastmem_slab *slab, rte_iova_t iova, uint32_t zone_seq)
{
	memset(slab, 0, sizeof(*slab));
	slab->magic = FASTMEM_SLAB_MAGIC;
	slab->iova = iova;
	slab->zone_seq = zone_seq;
	slab->kind = FASTMEM_SLAB_FREE;
}

/* Lowest power of two dividing the class size: the alignment of the class's objects. */
static inline uint32_t
class_align(uint32_t size)
{
	return size & -size;
}

/*
 * The color of a span: the offset, a multiple of the class alignment, of its first object past
 * the first aligned place, within the room the span's last object leaves. Spans of one class
 * thus start their objects at different cache sets (Bonwick's slab coloring), where they would
 * all start at the start of a 64 KiB page: mixed_sizes, 16 B to 4 KiB with 35 classes in use,
 * measured 0.4 to 0.5 cycles per operation faster. Classes whose objects fill a page exactly
 * (the powers of two, without debug mode's per-object words) have one color.
 */
static uint32_t
span_color(const struct fastmem_slab *slab, unsigned int p, uint32_t room, uint32_t align)
{
	uint32_t n_colors = room / align + 1;

	return (uint32_t)((((uintptr_t)slab >> RTE_FASTMEM_SLAB_SHIFT) + p) % n_colors) * align;
}

/* Give pages [p, p + n_pages) of slab to class cls of socket index sidx, as one span. */
static struct fastmem_page *
span_assign(struct fastmem_slab *slab, unsigned int p, unsigned int n_pages, unsigned int sidx,
		unsigned int cls)
{
	struct fastmem_page *pg = &slab->pages[p];
	uint32_t size = __rte_fastmem_class_size(cls);
	uint32_t start = p * FASTMEM_PAGE_SIZE;
	uint32_t end = start + n_pages * FASTMEM_PAGE_SIZE;
	uint32_t meta_off = p == 0 ? FASTMEM_SLAB_HDR_SIZE : start;
	uint32_t n_meta = (end - meta_off) / (size + FASTMEM_DEBUG_META_SIZE);
	unsigned int i;

	pg->cls = cls;
	pg->obj_size = size;
	pg->cache_idx = sidx * FASTMEM_N_CLASSES + cls;
	/*
	 * Objects sit at multiples of the class size from an offset aligned to the class's
	 * alignment, colored. In debug mode, n_meta per-object words sit before the objects.
	 */
	pg->meta_off = meta_off;
	pg->first_off = RTE_ALIGN_CEIL(meta_off + FASTMEM_DEBUG_META_SIZE * n_meta,
			class_align(size));
	pg->n_total = RTE_MIN(n_meta, (end - pg->first_off) / size);
	pg->first_off += span_color(slab, p, end - pg->first_off - pg->n_total * size,
			class_align(size));
	pg->free_list = NULL;
	pg->n_used = 0;
	pg->bump = 0;
	pg->next = NULL;
	pg->prev = NULL;
	pg->n_pages = n_pages;
	for (i = p; i < p + n_pages; i++) {
		slab->pages[i].head = p;
		slab->keys[i] = __rte_fastmem_cache_key(pg->cache_idx);
	}
	fastmem_check_page_assign(pg);
	return pg;
}

/* Paged slabs with free pages: a doubly linked list per memzone. pool_lock held. */
static void
paged_list_add(struct fastmem_pool_zone *pz, struct fastmem_slab *slab)
{
	FASTMEM_LIST_PUSH(&pz->paged, slab);
	pz->n_paged++;
}

static void
paged_list_del(struct fastmem_pool_zone *pz, struct fastmem_slab *slab)
{
	FASTMEM_LIST_DEL(&pz->paged, slab);
	pz->n_paged--;
}

/* Take a free slab of memzone entry pz out of the pool. pool_lock held. */
static struct fastmem_slab *
pool_take(struct fastmem_socket *s, struct fastmem_pool_zone *pz)
{
	struct fastmem_slab *slab = pz->free;

	pz->free = slab->next;
	pz->n_free--;
	rte_atomic_fetch_sub_explicit(&s->n_pool, 1, rte_memory_order_relaxed);
	return slab;
}

/* Put a free slab into the pool, in its memzone's entry. pool_lock held. */
static void
pool_give(struct fastmem_socket *s, struct fastmem_pool_zone *pz, struct fastmem_slab *slab)
{
	slab->kind = FASTMEM_SLAB_FREE;
	slab->prev = NULL;
	slab->next = pz->free;
	pz->free = slab;
	pz->n_free++;
	rte_atomic_fetch_add_explicit(&s->n_pool, 1, rte_memory_order_relaxed);
}

/*
 * A span for class cls of socket s: a page for a small class, from a paged slab of the oldest
 * memzone that has a free page (a free slab of that memzone becomes paged when none of its
 * paged slabs has one), a whole slab otherwise. NULL when the pool has none. Bin lock held.
 */
struct fastmem_page *
fastmem_slab_page_get(struct fastmem_socket *s, unsigned int cls)
{
	struct fastmem_pool_zone *pz;
	struct fastmem_slab *slab;
	unsigned int p;

	if (!fastmem_class_paged(cls)) {
		slab = fastmem_slab_pool_get(s);
		if (slab == NULL)
			return NULL;
		slab->kind = FASTMEM_SLAB_WHOLE;
		slab->socket_idx = s->idx;
		return span_assign(slab, 0, FASTMEM_SLAB_PAGES, s->idx, cls);
	}
	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_oldest_page(s);
	if (pz == NULL) {
		rte_spinlock_unlock(&s->pool_lock);
		return NULL;
	}
	slab = pz->paged;
	if (slab == NULL) {
		slab = pool_take(s, pz);
		slab->kind = FASTMEM_SLAB_PAGED;
		slab->socket_idx = s->idx;
		slab->free_pages = FASTMEM_ALL_PAGES;
		paged_list_add(pz, slab);
	}
	p = rte_ctz32(slab->free_pages);
	slab->free_pages &= ~(UINT32_C(1) << p);
	if (slab->free_pages == 0)
		paged_list_del(pz, slab);
	fastmem_zone_pool_update(s, pz);
	rte_spinlock_unlock(&s->pool_lock);
	return span_assign(slab, p, 1, s->idx, cls);
}

/* Give back a span whose objects are all in it; a slab without a span goes to the pool. */
void
fastmem_slab_page_put(struct fastmem_socket *s, struct fastmem_page *pg)
{
	struct fastmem_slab *slab = fastmem_slab_of(pg);
	unsigned int p = pg - slab->pages, i;
	struct fastmem_pool_zone *pz;

	for (i = p; i < p + pg->n_pages; i++)
		slab->keys[i] = 0;
	pg->state = FASTMEM_PAGE_FREE;
	pg->cache_idx = UINT32_MAX;
	if (slab->kind != FASTMEM_SLAB_PAGED) {
		fastmem_slab_pool_put(s, slab);
		return;
	}
	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_of(s, slab);
	/* Every slab is carved from a memzone with a pool entry (fastmem_zone.c). */
	RTE_VERIFY(pz != NULL);
	if (slab->free_pages == 0)
		paged_list_add(pz, slab);
	slab->free_pages |= UINT32_C(1) << p;
	if (slab->free_pages == FASTMEM_ALL_PAGES) {
		paged_list_del(pz, slab);
		pool_give(s, pz, slab);
	}
	fastmem_zone_pool_update(s, pz);
	rte_spinlock_unlock(&s->pool_lock);
}

unsigned int
fastmem_page_take(struct fastmem_page *pg, void **objs, unsigned int n)
{
	unsigned int k = 0;
	char *next;

	while (k < n && pg->free_list != NULL) {
		objs[k++] = pg->free_list;
		pg->free_list = fastmem_link_get(pg->free_list);
	}
	next = (char *)fastmem_slab_of(pg) + pg->first_off + (size_t)pg->bump * pg->obj_size;
	while (k < n && pg->bump < pg->n_total) {
		objs[k++] = next;
		next += pg->obj_size;
		pg->bump++;
	}
	pg->n_used += k;
	return k;
}

void
fastmem_page_give(struct fastmem_page *pg, void *obj)
{
	fastmem_link_set(obj, pg->free_list);
	pg->free_list = obj;
	pg->n_used--;
}

/*
 * The span of a pointer into a slab in service whose page key names the span's cache, or NULL:
 * what the miss paths accept as an object.
 */
struct fastmem_page *
fastmem_page_valid(const void *ptr)
{
	const struct fastmem_slab *slab = fastmem_slab_of(ptr);
	unsigned int p = ((uintptr_t)ptr >> FASTMEM_PAGE_SHIFT) & (FASTMEM_SLAB_PAGES - 1);
	struct fastmem_page *pg;

	if (ptr == NULL || fastmem_state == NULL || slab->magic != FASTMEM_SLAB_MAGIC ||
			slab->kind == FASTMEM_SLAB_FREE)
		return NULL;
	pg = fastmem_page_of(ptr);
	if (pg->state == FASTMEM_PAGE_FREE || pg->cache_idx >= fastmem_state->n_caches ||
			slab->keys[p] != __rte_fastmem_cache_key(pg->cache_idx))
		return NULL;
	return pg;
}

/*
 * Where ptr, a pointer into span pg, lies in it: FASTMEM_OBJ_AT when it is the start of an
 * object slot that was handed out (to a cache or a thread) at least once, with the slot's
 * index in *idx.
 */
enum fastmem_obj_where
fastmem_page_slot(const struct fastmem_page *pg, const void *ptr, uint32_t *idx)
{
	uintptr_t off = RTE_PTR_DIFF(ptr, fastmem_slab_of(ptr));

	if (off < pg->first_off)
		return off < FASTMEM_SLAB_HDR_SIZE ? FASTMEM_OBJ_HEADER : FASTMEM_OBJ_SLACK;
	if ((off - pg->first_off) % pg->obj_size != 0)
		return FASTMEM_OBJ_INSIDE;
	*idx = (off - pg->first_off) / pg->obj_size;
	if (*idx >= pg->n_total)
		return FASTMEM_OBJ_SLACK;
	return *idx < pg->bump ? FASTMEM_OBJ_AT : FASTMEM_OBJ_UNUSED;
}

/*
 * Where ptr lies: FASTMEM_OBJ_AT when it is the start of an object slot of a span in service
 * that was handed out at least once, with the span in *pg and the slot's index in *idx. Any
 * pointer outside the large memzones (the page map tells those) may be asked about: the
 * memzones are searched, and the slab header read, under zone_lock, so that a memzone given
 * back to EAL meanwhile is not read. For the paths that must tell any pointer from an object
 * (realloc, debug mode), not for the free path.
 */
enum fastmem_obj_where
fastmem_page_object(const void *ptr, struct fastmem_page **pg, uint32_t *idx)
{
	struct fastmem_state *st = fastmem_state;
	const struct fastmem_slab *slab = fastmem_slab_of(ptr);
	enum fastmem_obj_where where;

	if (st == NULL)
		return FASTMEM_OBJ_FOREIGN;
	rte_spinlock_lock(&st->zone_lock);
	if (!fastmem_zone_contains(st, ptr)) {
		where = FASTMEM_OBJ_FOREIGN;
	} else if (slab->magic != FASTMEM_SLAB_MAGIC || slab->kind == FASTMEM_SLAB_FREE) {
		where = FASTMEM_OBJ_FREE_SLAB;
	} else if (RTE_PTR_DIFF(ptr, slab) < FASTMEM_SLAB_HDR_SIZE) {
		where = FASTMEM_OBJ_HEADER; /* whether the first page is in service or not */
	} else {
		*pg = fastmem_page_valid(ptr);
		where = *pg == NULL ? FASTMEM_OBJ_FREE_PAGE : fastmem_page_slot(*pg, ptr, idx);
	}
	rte_spinlock_unlock(&st->zone_lock);
	return where;
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
		slab = pool_take(s, pz);
		fastmem_zone_pool_update(s, pz);
	}
	rte_spinlock_unlock(&s->pool_lock);
	return slab;
}

void
fastmem_slab_pool_put(struct fastmem_socket *s, struct fastmem_slab *slab)
{
	struct fastmem_pool_zone *pz;

	rte_spinlock_lock(&s->pool_lock);
	pz = fastmem_zone_pool_of(s, slab);
	/* Every slab is carved from a memzone with a pool entry (fastmem_zone.c). */
	RTE_VERIFY(pz != NULL);
	pool_give(s, pz, slab);
	fastmem_zone_pool_update(s, pz);
	rte_spinlock_unlock(&s->pool_lock);
}
