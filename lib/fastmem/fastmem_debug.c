/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Checked builds. Every object handed out and every object freed passes through
 * rte_fastmem_check_alloc() and rte_fastmem_check_free(), on the inline hit paths too.
 *
 * Debug mode (RTE_LIBRTE_FASTMEM_DEBUG): each slab keeps one 32-bit word per object after its
 * header: the object's state and requested size. A free is checked for foreign memory (the
 * pointer lies in no fastmem memzone), a pointer into a slab header or inside an object, a
 * double free (also when the object still sits in a cache, also across lcores, also two frees
 * of one object at the same time), an object of another class than the handle's, a handle
 * hlookup never returned, and a write past the requested size (canary bytes after it). A
 * freed object is filled with a poison pattern, checked when it is handed out again. A failed
 * check logs the object and the check, then panics.
 *
 * AddressSanitizer: free objects and slab slack are poisoned, an object is unpoisoned for
 * exactly its requested size when handed out, so ASan reports overflows and use after free.
 *
 * Large objects (fastmem_large.c) keep their state in their header: live or not, the requested
 * size, canary bytes after it where the memzone has room; ASan poisons the memzone's slack.
 * A freed large object's memzone is kept idle for reuse (or given back to EAL): the object's
 * bytes are filled with the poison pattern, checked when the memzone is reused, and poisoned
 * for ASan; a second free is reported as a double free. Once the memzone is back with EAL a
 * second free finds no large object there and is reported as foreign memory.
 *
 * In production builds both functions compile to nothing and are never called.
 */

#include <inttypes.h>
#include <string.h>

#include <eal_export.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_memzone.h>

#include "fastmem_private.h"

#define META_LIVE RTE_BIT32(31)      /* handed out; low bits: requested size */
#define META_FREED RTE_BIT32(30)     /* freed at least once; contents poisoned */
#define META_SIZE_MASK (META_FREED - 1)
#define POISON_BYTE FASTMEM_POISON_BYTE
#define CANARY_BYTE 0xca             /* fills up to 8 bytes after the requested size */
#define CANARY_LEN 8

/* Per-object words of a span, before its objects (debug mode only). */
static inline uint32_t *
page_meta(struct fastmem_page *pg)
{
	return RTE_PTR_ADD(fastmem_slab_of(pg), pg->meta_off);
}

static void __rte_noreturn
debug_fail(const void *ptr, const char *check, const char *detail)
{
	FASTMEM_LOG(CRIT, "debug check failed: %s: object %p%s", check, ptr, detail);
	rte_panic("fastmem: %s (object %p)\n", check, ptr);
}

/*
 * Check that an object's state word (a large object's live word) says live, and for a free
 * (claim) turn it into freed in the same step: of two frees of one object at the same moment
 * on two lcores, one finds it live and goes on, the other finds it freed, a double free,
 * before either has changed the object. never: the report of an object never handed out.
 * Returns the word as it was: live, with the requested size of an object of a size class.
 */
static uint32_t
debug_take_live(const void *ptr, uint32_t *word, bool claim, const char *never)
{
	uint32_t v = rte_atomic_load_explicit((uint32_t __rte_atomic *)word,
			rte_memory_order_relaxed);

	do {
		if (!(v & META_LIVE))
			debug_fail(ptr, v & META_FREED ? "double free" : never, "");
	} while (claim && !rte_atomic_compare_exchange_weak_explicit(
			(uint32_t __rte_atomic *)word, &v, META_FREED,
			rte_memory_order_relaxed, rte_memory_order_relaxed));
	return v;
}

/*
 * A span given to a class: no object handed out yet, all of them inaccessible to ASan. The
 * per-object words may lie where a previous class of the span had its (poisoned) objects:
 * they are made accessible first.
 */
void
fastmem_check_page_assign(struct fastmem_page *pg)
{
	struct fastmem_slab *slab = fastmem_slab_of(pg);
	uint32_t end = (uint32_t)((pg - slab->pages) + pg->n_pages) * FASTMEM_PAGE_SIZE;
	uint32_t meta_end = pg->meta_off + pg->n_total * FASTMEM_DEBUG_META_SIZE;

	FASTMEM_ASAN_UNPOISON(RTE_PTR_ADD(slab, pg->meta_off), meta_end - pg->meta_off);
	if (FASTMEM_DEBUG_META_SIZE != 0)
		memset(page_meta(pg), 0, (size_t)pg->n_total * FASTMEM_DEBUG_META_SIZE);
	FASTMEM_ASAN_POISON(RTE_PTR_ADD(slab, meta_end), end - meta_end);
}

/* A memzone about to be given back to EAL: make it ordinary memory again for ASan. */
void
fastmem_check_zone_free(void *addr, size_t len)
{
	FASTMEM_ASAN_UNPOISON(addr, len);
}

/*
 * A large object's memzone kept idle for reuse: its object bytes filled with the poison
 * pattern (debug mode) and inaccessible (ASan), as those of a freed small object.
 */
void
fastmem_check_large_keep(struct fastmem_large *l)
{
	void *obj = RTE_PTR_ADD(l, l->obj_off);
	size_t usable = fastmem_large_usable(l);

	if (FASTMEM_DEBUG_META_SIZE != 0) {
		FASTMEM_ASAN_UNPOISON(obj, usable);
		memset(obj, POISON_BYTE, usable);
	}
	FASTMEM_ASAN_POISON(obj, usable);
}

/*
 * An idle memzone about to be reused (its header still that of the object freed last):
 * accessible again, its poison pattern intact (debug mode). Called under large_lock, so that a
 * failed check leaves the memzone idle: debug mode scans the object's bytes holding it.
 */
void
fastmem_check_large_reuse(struct fastmem_large *l)
{
	const uint64_t pattern = UINT64_C(0x0101010101010101) * POISON_BYTE;
	const uint64_t *w = RTE_PTR_ADD(l, l->obj_off);
	size_t usable = fastmem_large_usable(l), i, k;
	char detail[80];

	FASTMEM_ASAN_UNPOISON(l->mz->addr, l->mz->len);
	if (FASTMEM_DEBUG_META_SIZE == 0)
		return;
	/* usable is a multiple of the cache line: whole words */
	for (i = 0; i < usable / sizeof(*w); i++) {
		if (w[i] == pattern)
			continue;
		for (k = 0; ((const uint8_t *)&w[i])[k] == POISON_BYTE; k++)
			;
		snprintf(detail, sizeof(detail), " (large object, byte %zu changed after free)",
				i * sizeof(*w) + k);
		debug_fail(w, "write to a freed object", detail);
	}
}

/* The span and index of an object slot, or a panic naming what is wrong with ptr. */
static struct fastmem_page *
debug_locate(const void *ptr, uint32_t *idx)
{
	struct fastmem_page *pg = NULL;

	switch (fastmem_page_object(ptr, &pg, idx)) {
	case FASTMEM_OBJ_AT:
		break;
	case FASTMEM_OBJ_FOREIGN:
		debug_fail(ptr, "free of memory fastmem never returned", " (foreign memory)");
		break;
	case FASTMEM_OBJ_FREE_SLAB:
		debug_fail(ptr, "free of a pointer into a free slab", " (double free?)");
		break;
	case FASTMEM_OBJ_FREE_PAGE:
		debug_fail(ptr, "free of a pointer into a free page", " (double free?)");
		break;
	case FASTMEM_OBJ_HEADER:
		debug_fail(ptr, "free of a pointer into a slab header", "");
		break;
	case FASTMEM_OBJ_INSIDE:
		debug_fail(ptr, "free of a pointer inside an object", "");
		break;
	case FASTMEM_OBJ_SLACK:
		debug_fail(ptr, "free of a pointer into slab slack", "");
		break;
	case FASTMEM_OBJ_UNUSED:
		debug_fail(ptr, "free of an object fastmem never handed out", "");
		break;
	}
	return pg;
}

/*
 * Check that ptr is a live object (of cache cache_idx, unless UINT32_MAX) with its canary;
 * claim: a free, which marks it freed (debug_take_live()).
 */
static struct fastmem_page *
debug_check_live(void *ptr, uint32_t cache_idx, uint32_t *idx, bool claim)
{
	struct fastmem_page *pg;
	uint32_t meta;
	size_t size, end, i;
	char detail[96];

	pg = debug_locate(ptr, idx);
	meta = debug_take_live(ptr, &page_meta(pg)[*idx], claim,
			"free of an object fastmem never handed out");
	if (cache_idx != UINT32_MAX) {
		if (fastmem_state == NULL || cache_idx >= fastmem_state->n_caches)
			debug_fail(ptr, "hfree with a handle hlookup never returned", "");
		/* Another socket is fine: an allocation may have fallen back to it. */
		if (cache_idx % FASTMEM_N_CLASSES != pg->cls) {
			snprintf(detail, sizeof(detail), " (%u B; handle: %zu B)",
					pg->obj_size,
					__rte_fastmem_class_size(cache_idx % FASTMEM_N_CLASSES));
			debug_fail(ptr, "hfree of an object of another class", detail);
		}
	}
	size = meta & META_SIZE_MASK;
	end = RTE_MIN(size + CANARY_LEN, (size_t)pg->obj_size);
	FASTMEM_ASAN_UNPOISON(ptr, pg->obj_size);
	for (i = size; i < end; i++) {
		if (((uint8_t *)ptr)[i] != CANARY_BYTE) {
			snprintf(detail, sizeof(detail), " (requested %zu B, byte %zu overwritten)",
					size, i);
			debug_fail(ptr, "write past the requested size", detail);
		}
	}
	return pg;
}

/* Mark a checked object live with its requested size, canary bytes after it. */
static void
debug_set_live(struct fastmem_page *pg, uint32_t idx, void *obj, size_t size)
{
	FASTMEM_ASAN_UNPOISON(obj, pg->obj_size);
	page_meta(pg)[idx] = META_LIVE | (uint32_t)size;
	memset(RTE_PTR_ADD(obj, size), CANARY_BYTE,
			RTE_MIN(size + CANARY_LEN, (size_t)pg->obj_size) - size);
}

static void
debug_check_alloc(void *obj, size_t size)
{
	struct fastmem_page *pg;
	uint32_t idx, meta;
	size_t i;
	char detail[64];

	pg = debug_locate(obj, &idx);
	meta = page_meta(pg)[idx];
	if (meta & META_LIVE)
		debug_fail(obj, "object handed out twice (cache or depot corrupted)", "");
	FASTMEM_ASAN_UNPOISON(obj, pg->obj_size);
	if (meta & META_FREED) {
		for (i = 0; i < pg->obj_size; i++) {
			if (((uint8_t *)obj)[i] != POISON_BYTE) {
				snprintf(detail, sizeof(detail), " (byte %zu changed after free)",
						i);
				debug_fail(obj, "write to a freed object", detail);
			}
		}
	}
	debug_set_live(pg, idx, obj, size);
}

/*
 * Check that a large object is live (and not freed through a handle) with its canary; claim:
 * a free, which marks it freed (debug_take_live()).
 */
static void
large_check_live(struct fastmem_large *l, void *obj, uint32_t cache_idx, bool claim)
{
	size_t usable = fastmem_large_usable(l), end, i;
	char detail[96];

	if (FASTMEM_DEBUG_META_SIZE == 0)
		return;
	debug_take_live(obj, &l->live, claim, "free of a large object fastmem never handed out");
	if (cache_idx != UINT32_MAX)
		debug_fail(obj, "hfree of a large object", " (handles serve size classes only)");
	end = RTE_MIN(l->size + CANARY_LEN, usable);
	FASTMEM_ASAN_UNPOISON(obj, end);
	for (i = l->size; i < end; i++) {
		if (((uint8_t *)obj)[i] != CANARY_BYTE) {
			snprintf(detail, sizeof(detail), " (requested %" PRIu64
					" B, byte %zu overwritten)", l->size, i);
			debug_fail(obj, "write past the requested size", detail);
		}
	}
}

/* A large object handed out with size bytes: live, canary after them, the rest poisoned. */
static void
large_set_live(struct fastmem_large *l, void *obj, size_t size)
{
	size_t usable = fastmem_large_usable(l);

	FASTMEM_ASAN_UNPOISON(obj, usable);
	if (FASTMEM_DEBUG_META_SIZE != 0) {
		l->live = META_LIVE;
		memset(RTE_PTR_ADD(obj, size), CANARY_BYTE,
				RTE_MIN(size + CANARY_LEN, usable) - size);
	}
	FASTMEM_ASAN_POISON(RTE_PTR_ADD(obj, size), usable - size);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_check_alloc, 26.11)
void
rte_fastmem_check_alloc(void *obj, size_t size)
{
	struct fastmem_large *l = fastmem_large_of(obj);

	if (l != NULL) {
		if (FASTMEM_DEBUG_META_SIZE != 0 && (l->live & META_LIVE))
			debug_fail(obj, "large object handed out twice", "");
		large_set_live(l, obj, size);
		return;
	}
	if (FASTMEM_DEBUG_META_SIZE != 0)
		debug_check_alloc(obj, size);
	FASTMEM_ASAN_POISON(obj, fastmem_page_of(obj)->obj_size);
	FASTMEM_ASAN_UNPOISON(obj, size);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_check_free, 26.11)
void
rte_fastmem_check_free(void *obj, uint32_t cache_idx)
{
	struct fastmem_large *l;
	struct fastmem_page *pg;
	uint32_t idx;

	/*
	 * A secondary's first call may be the free of an object another process allocated. (A
	 * primary that is not initialized goes on: debug mode reports the free of an object after
	 * deinit as foreign memory.)
	 */
	if (rte_eal_process_type() == RTE_PROC_SECONDARY && fastmem_attach() < 0)
		return; /* the free path reports it */
	l = fastmem_large_of(obj);
	if (l != NULL) {
		large_check_live(l, obj, cache_idx, true);
		FASTMEM_ASAN_POISON(obj, fastmem_large_usable(l));
		return;
	}
	/* In a large object's memzone, but not a live one's start: no slab header to read. */
	if (fastmem_large_mapped(obj)) {
		if (FASTMEM_DEBUG_META_SIZE != 0 && fastmem_large_idle_of(obj) != NULL)
			debug_fail(obj, "double free", " (large object)");
		if (FASTMEM_DEBUG_META_SIZE != 0)
			debug_fail(obj, "free of a pointer inside a large object", "");
		return; /* the free path reports and ignores it */
	}
	if (FASTMEM_DEBUG_META_SIZE != 0) {
		pg = debug_check_live(obj, cache_idx, &idx, true);
		memset(obj, POISON_BYTE, pg->obj_size);
	} else {
		pg = fastmem_page_valid(obj);
		if (pg == NULL || fastmem_page_slot(pg, obj, &idx) != FASTMEM_OBJ_AT)
			return; /* no fastmem object: the free path reports and ignores it */
	}
	FASTMEM_ASAN_POISON(obj, pg->obj_size);
}

/*
 * A pointer that is no fastmem object, given to realloc or virt2iova, where it lies: debug mode
 * reports it.
 */
void
fastmem_check_foreign(const void *ptr, const char *what, enum fastmem_obj_where where)
{
	static const char *const detail[] = {
		[FASTMEM_OBJ_AT] = "",
		[FASTMEM_OBJ_FOREIGN] = " (foreign memory)",
		[FASTMEM_OBJ_FREE_SLAB] = " (in a free slab)",
		[FASTMEM_OBJ_FREE_PAGE] = " (in a free page)",
		[FASTMEM_OBJ_HEADER] = " (in a slab header)",
		[FASTMEM_OBJ_INSIDE] = " (inside an object)",
		[FASTMEM_OBJ_SLACK] = " (in slab slack)",
		[FASTMEM_OBJ_UNUSED] = " (an object never handed out)",
	};

	if (FASTMEM_DEBUG_META_SIZE != 0)
		debug_fail(ptr, what, detail[where]);
}

/* realloc within the class: the object stays live, with a new requested size. */
void
fastmem_check_resize(void *obj, size_t size)
{
	struct fastmem_large *l = fastmem_large_of(obj);
	struct fastmem_page *pg;
	uint32_t idx;

	if (l != NULL) {
		large_check_live(l, obj, UINT32_MAX, false);
		large_set_live(l, obj, size);
		return;
	}
	if (FASTMEM_DEBUG_META_SIZE != 0) {
		pg = debug_check_live(obj, UINT32_MAX, &idx, false);
		debug_set_live(pg, idx, obj, size);
	}
	FASTMEM_ASAN_POISON(obj, fastmem_page_of(obj)->obj_size);
	FASTMEM_ASAN_UNPOISON(obj, size);
}
