/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include <rte_fastmem.h>

#include "test_fastmem.h"

#include "test.h"

/*
 * Bad input: every public function of rte_fastmem.h with every bad argument it can get, each
 * answered by the error its documentation names, and the allocator still consistent after
 * every call.
 *
 * The test is one table. A row names the function (a caller that binds the row's arguments to
 * it), the arguments in symbolic form (sockets, pointers and handles are resolved at run time),
 * the phase it runs in and the expected errno; adding a case is adding a line. Callers return
 * what the function returned, normalized: int functions return their value; pointer functions
 * return -rte_errno for NULL and 1 for an object; get_limit returns -rte_errno for 0;
 * virt2iova returns 0 for RTE_BAD_IOVA; void functions return 0. A row with errno 0 expects
 * success (0); any other row expects -errno back and rte_errno set to errno.
 *
 * The phases: before the first rte_fastmem_init() of the process (the thread has no cache
 * yet), while initialized, and after rte_fastmem_deinit() (the thread's cache block is
 * retired but still reachable from the inline fast paths). The uninitialized rows use
 * arguments that are valid apart from the missing allocator, so that ENODEV is the only
 * possible answer, but for the few that check that a NULL output pointer, a class size or
 * an lcore id that cannot be valid is refused (EINVAL) before the allocator is looked for.
 *
 * After each row of the initialized phase the harness checks that bytes_in_use, alloc_total,
 * free_total and the idle memzones of large objects are unchanged, that the arrays, the handle
 * and the live object handed to the call are untouched, that the limits are unchanged and that
 * normal allocations still work.
 *
 * A freed large object (its memzone kept idle for reuse) freed again, reallocated or
 * translated is ignored, refused with EINVAL or has no IO address. So is a freed object whose
 * page went back to its slab, or whose slab went back to the pool: the rows that pass one
 * (O_FREED) make it just before the call, in a class no other row uses, and check that its
 * span was given back. Debug mode panics on those calls instead (fastmem_debug_autotest
 * checks it): its build skips their rows.
 * After each uninitialized row it checks that the allocator is still not initialized, and at
 * the end of the phase that a fresh init starts from zero.
 *
 * Huge n: a bulk function may write up to n entries of its array, so the rows with
 * n = UINT_MAX pass an array that really has UINT_MAX entries: 32 GiB of MAP_NORESERVE
 * address space, of which only the pages written become memory. After the call every page
 * that became resident is checked to hold what the test wrote (sentinels in the first page,
 * zeros elsewhere): "left exactly as it was". The rows that must fail for lack of memory run
 * under a backing limit 4 MiB above the current backing, set just for the call, so that the
 * failure comes quickly and the test does not drain the machine's memory. Rows with
 * n = UINT_MAX and a bad size or flag must fail before any memory is touched.
 */

#define TEST_MAX_SIZE MIB(1)              /* the largest class */
#define TEST_API_MAX ((SIZE_MAX >> 1) + 1) /* rte_fastmem_max_size(): larger is E2BIG */
#define TEST_EAL_NO ((SIZE_MAX >> 2) + 1)  /* accepted, but no memzone that large exists */

/* Entries of the small arrays handed to the calls. */
#define N_ARRAY 8
/* Sentinel entries written at the start of the huge array. */
#define N_BIG_SENTINELS 64
/*
 * Bad handles tried by the handle rows: index 0 is handle 0, 1 to 4 are random, the others
 * look like handles (see ctx_handles()).
 */
#define N_BAD_HANDLES 10

#define SENTINEL(i) ((void *)(uintptr_t)(UINT64_C(0x5e5e000000) + 8 * (uint64_t)(i)))
#define HANDLE_SENTINEL UINT32_C(0x0badc0de)
#define OBJ_SIZE 100
#define FREED_LARGE_SIZE MIB(3)
#define LARGE_COPY_SIZE MIB(3)
/* Classes that no other row uses: of 64 KiB pages, and of whole slabs (O_FREED) */
#define FREED_PAGE_SIZE KIB(6)
#define FREED_SLAB_SIZE KIB(384)

/* Debug mode reports misuse instead of ignoring it: the rows of misuse are not for it. */
#ifdef RTE_LIBRTE_FASTMEM_DEBUG
#define TEST_DEBUG_MODE true
#else
#define TEST_DEBUG_MODE false
#endif

enum inval_phase {
	PH_UNINIT = 1, /* before init and after deinit */
	PH_INIT = 2,   /* initialized */
	PH_ALL = 3,
};

/* Socket arguments, resolved at run time. */
enum inval_sock {
	S_ANY,     /* SOCKET_ID_ANY */
	S_VALID,   /* a socket EAL knows */
	S_M2,      /* -2 */
	S_MAXNUMA, /* RTE_MAX_NUMA_NODES */
	S_ABSENT,  /* below RTE_MAX_NUMA_NODES, not known to EAL (row skipped if none) */
	S_INTMIN,
	S_INTMAX,
	S_M100,      /* -100 */
	S_MAXNUMA1,  /* RTE_MAX_NUMA_NODES + 1 */
};

/* Pointer arguments. */
enum inval_ptr {
	P_ARRAY, /* N_ARRAY sentinel entries (or the output struct for the stats functions) */
	P_NULL,  /* NULL */
	P_NULLS, /* N_ARRAY NULL entries */
	P_BIG,   /* UINT_MAX entries (MAP_NORESERVE) */
	P_OBJ,   /* a live object (realloc) */
	P_FREED_LARGE, /* a freed large object, its memzone idle (as an array: it, then NULL) */
	P_FOREIGN, /* a page of other memory, in a 2 MiB block whose start is not readable */
	P_PLAIN,   /* other memory at a 2 MiB boundary, readable and zero: no slab header */
	P_INSIDE,  /* 8 bytes into the live object */
	P_HEADER,  /* the start of the live object's slab (its header) */
	P_LARGE_COPY, /* 2 MiB into a live large object, which holds a copy of its header there */
	P_STALE,   /* an object freed before the last deinit (after deinit only) */
	P_FREED_PAGE, /* a freed object whose 64 KiB page went back to its slab (O_FREED) */
	P_FREED_SLAB, /* a freed object whose slab went back to the pool (O_FREED) */
};

enum inval_handle {
	H_VALID, /* a handle from rte_fastmem_hlookup() (stale after deinit) */
	H_BAD0,  /* 0 */
	H_BAD1,  /* random values that no lookup returns */
	H_BAD2,
	H_BAD3,
	H_BAD4,
	H_ONE,       /* 1 */
	H_ALL,       /* UINT32_MAX */
	H_MAGIC_MAX, /* the handles' magic, the largest index */
	H_MAGIC_OFF, /* the magic less one */
	H_MAGIC_LOW, /* the magic in the low half */
};

struct inval_args {
	size_t size;          /* size, class size, reserve bytes or limit */
	size_t align;
	unsigned int flags;
	unsigned int n;       /* count, or lcore id */
	enum inval_sock sock;
	enum inval_ptr ptr;
	enum inval_handle h;
};

struct inval_ctx;

typedef int (*inval_call_t)(struct inval_ctx *c, const struct inval_args *a);

/* Row options. */
#define O_LIMIT 1u /* run under a backing limit just above the current backing */
/* first free an object of each FREED_*_SIZE class and give their spans back (P_FREED_*) */
#define O_FREED 2u

struct inval_row {
	const char *name;
	unsigned int phases;
	int err;
	inval_call_t call;
	struct inval_args a;
	unsigned int opts;
};

struct inval_ctx {
	void *ptrs[N_ARRAY];
	void *nulls[N_ARRAY];
	void **big;                 /* UINT_MAX entries, or NULL */
	size_t big_len;             /* bytes mapped */
	rte_fastmem_handle_t h;
	rte_fastmem_handle_t bad[N_BAD_HANDLES];
	rte_fastmem_handle_t hout;  /* output of hlookup rows */
	void *obj;                  /* live object of OBJ_SIZE bytes (initialized phase) */
	rte_iova_t obj_iova;
	void *freed_large;          /* a large object freed (initialized phase), or NULL */
	void *freed_arr[2];         /* freed_large, NULL */
	void *large;                /* a live large object (initialized phase), or NULL */
	void *foreign;              /* P_FOREIGN, or NULL */
	void *plain;                /* P_PLAIN, or NULL */
	void *stale;                /* P_STALE (after deinit), or NULL */
	void *freed_page;           /* P_FREED_PAGE: set by an O_FREED row */
	void *freed_slab;           /* P_FREED_SLAB: set by an O_FREED row */
	void *foreign_map;          /* the mapping around them */
	int valid_socket;
	int absent_socket;          /* -1: none */
	struct rte_fastmem_stats st;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_lcore_class_stats lcs;
	unsigned int rows_run;
	unsigned int rows_skipped;
	unsigned int failures;
};

static struct inval_ctx inval_ctx;

/* The row being run, named once before the first detail of its failure. */
static const char *cur_phase;
static const char *cur_row;

static void __rte_format_printf(1, 2)
row_fail(const char *fmt, ...)
{
	va_list ap;

	if (cur_row != NULL)
		printf("FAILED row [%s] %s\n", cur_phase, cur_row);
	cur_row = NULL;
	va_start(ap, fmt);
	printf("  ");
	vprintf(fmt, ap);
	va_end(ap);
}

/*
 * Argument resolution.
 */

static int
sock_of(const struct inval_ctx *c, enum inval_sock s)
{
	switch (s) {
	case S_ANY:
		return SOCKET_ID_ANY;
	case S_VALID:
		return c->valid_socket;
	case S_M2:
		return -2;
	case S_MAXNUMA:
		return RTE_MAX_NUMA_NODES;
	case S_ABSENT:
		return c->absent_socket;
	case S_INTMIN:
		return INT_MIN;
	case S_INTMAX:
		return INT_MAX;
	case S_M100:
		return -100;
	case S_MAXNUMA1:
		return RTE_MAX_NUMA_NODES + 1;
	}
	return -2;
}

static void **
ptrs_of(struct inval_ctx *c, enum inval_ptr p)
{
	switch (p) {
	case P_ARRAY:
		return c->ptrs;
	case P_NULLS:
		return c->nulls;
	case P_BIG:
		return c->big;
	case P_FREED_LARGE:
		return c->freed_arr;
	case P_OBJ:
	case P_NULL:
	case P_FOREIGN:
	case P_PLAIN:
	case P_INSIDE:
	case P_HEADER:
	case P_LARGE_COPY:
	case P_STALE:
	case P_FREED_PAGE:
	case P_FREED_SLAB:
		break;
	}
	return NULL;
}

static rte_fastmem_handle_t
handle_of(const struct inval_ctx *c, enum inval_handle h)
{
	return h == H_VALID ? c->h : c->bad[h - H_BAD0];
}

/* Normalize a pointer result: -rte_errno for NULL; an object is freed and gives 1. */
static int
ret_ptr(void *p)
{
	if (p == NULL)
		return -rte_errno;
	rte_fastmem_free(p);
	return 1;
}

/*
 * Callers: one per public function.
 */

static int
call_init(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	return rte_fastmem_init();
}

static int
call_deinit(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	rte_fastmem_deinit();
	return 0;
}

static int
call_reserve(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_reserve(a->size, sock_of(c, a->sock));
}

static int
call_set_limit(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_set_limit(sock_of(c, a->sock), a->size);
}

static int
call_get_limit(struct inval_ctx *c, const struct inval_args *a)
{
	size_t limit = rte_fastmem_get_limit(sock_of(c, a->sock));

	return limit != 0 ? 0 : -rte_errno;
}

static int
call_trim(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_trim(sock_of(c, a->sock));
}

static int
call_max_size(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	return rte_fastmem_max_size() == TEST_API_MAX ? 0 : 1;
}

static int
call_classes(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	size_t sizes[TEST_N_CLASSES + 1];
	unsigned int n_null, n;

	memset(sizes, 0, sizeof(sizes));
	n_null = rte_fastmem_classes(NULL);
	n = rte_fastmem_classes(sizes);
	if (n_null != TEST_N_CLASSES || n != TEST_N_CLASSES || sizes[0] != 8 ||
			sizes[TEST_N_CLASSES - 1] != TEST_MAX_SIZE || sizes[TEST_N_CLASSES] != 0)
		return 1;
	return 0;
}

static int
call_alloc(struct inval_ctx *c __rte_unused, const struct inval_args *a)
{
	return ret_ptr(rte_fastmem_alloc(a->size, a->align, a->flags));
}

static int
call_alloc_socket(struct inval_ctx *c, const struct inval_args *a)
{
	return ret_ptr(rte_fastmem_alloc_socket(a->size, a->align, a->flags,
			sock_of(c, a->sock)));
}

/* The one pointer a row passes to realloc. */
static void *
ptr_of(struct inval_ctx *c, enum inval_ptr p)
{
	switch (p) {
	case P_OBJ:
		return c->obj;
	case P_FREED_LARGE:
		return c->freed_large;
	case P_FOREIGN:
		return c->foreign;
	case P_PLAIN:
		return c->plain;
	case P_INSIDE:
		return RTE_PTR_ADD(c->obj, 8);
	case P_HEADER:
		return RTE_PTR_ALIGN_FLOOR(c->obj, MIB(2));
	case P_LARGE_COPY:
		return c->large != NULL ? RTE_PTR_ADD(c->large, MIB(2)) : NULL;
	case P_STALE:
		return c->stale;
	case P_FREED_PAGE:
		return c->freed_page;
	case P_FREED_SLAB:
		return c->freed_slab;
	default:
		return NULL;
	}
}

/* The one pointer a free row passes. */
static void *
free_ptr(struct inval_ctx *c, const struct inval_args *a)
{
	if (a->ptr == P_FREED_LARGE || a->ptr == P_LARGE_COPY || a->ptr == P_FREED_PAGE ||
			a->ptr == P_FREED_SLAB || a->ptr == P_PLAIN)
		return ptr_of(c, a->ptr);
	return ptrs_of(c, a->ptr);
}

static int
call_free(struct inval_ctx *c, const struct inval_args *a)
{
	rte_fastmem_free(free_ptr(c, a));
	return 0;
}

/* rte_fastmem_dealloc(), the out-of-line free: what rte_fastmem_free() accepts. */
static int
call_dealloc(struct inval_ctx *c, const struct inval_args *a)
{
	rte_fastmem_dealloc(free_ptr(c, a));
	return 0;
}

static int
call_realloc(struct inval_ctx *c, const struct inval_args *a)
{
	void *p = rte_fastmem_realloc(ptr_of(c, a->ptr), a->size, a->align);

	if (p == NULL)
		return -rte_errno;
	if (a->ptr == P_OBJ)
		c->obj = p; /* unexpected success: the harness frees it */
	else
		rte_fastmem_free(p);
	return 1;
}

static int
call_alloc_bulk(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_alloc_bulk(ptrs_of(c, a->ptr), a->n, a->size, a->align, a->flags);
}

static int
call_alloc_bulk_socket(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_alloc_bulk_socket(ptrs_of(c, a->ptr), a->n, a->size, a->align,
			a->flags, sock_of(c, a->sock));
}

static int
call_free_bulk(struct inval_ctx *c, const struct inval_args *a)
{
	rte_fastmem_free_bulk(ptrs_of(c, a->ptr), a->n);
	return 0;
}

static int
call_hlookup(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_hlookup(a->size, a->align, sock_of(c, a->sock),
			a->ptr == P_NULL ? NULL : &c->hout);
}

static int
call_halloc(struct inval_ctx *c, const struct inval_args *a)
{
	return ret_ptr(rte_fastmem_halloc(handle_of(c, a->h), a->flags));
}

static int
call_halloc_bulk(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_halloc_bulk(handle_of(c, a->h), ptrs_of(c, a->ptr), a->n, a->flags);
}

static int
call_hfree(struct inval_ctx *c, const struct inval_args *a)
{
	rte_fastmem_hfree(handle_of(c, a->h), NULL);
	return 0;
}

static int
call_hfree_bulk(struct inval_ctx *c, const struct inval_args *a)
{
	rte_fastmem_hfree_bulk(handle_of(c, a->h), ptrs_of(c, a->ptr), a->n);
	return 0;
}

/*
 * NULL, a freed large object, an object of the allocator before its deinit, or (uninitialized
 * phase only) the address of a test array.
 */
static int
call_virt2iova(struct inval_ctx *c, const struct inval_args *a)
{
	const void *p = a->ptr == P_ARRAY ? (const void *)c->ptrs : ptr_of(c, a->ptr);

	return rte_fastmem_virt2iova(p) == RTE_BAD_IOVA ? 0 : 1;
}

static int
call_cache_flush(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	rte_fastmem_cache_flush();
	return 0;
}

static int
call_stats(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats(a->ptr == P_NULL ? NULL : &c->st);
}

static int
call_stats_class(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats_class(a->size, a->ptr == P_NULL ? NULL : &c->cs);
}

static int
call_stats_lcore(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats_lcore(a->n, a->ptr == P_NULL ? NULL : &c->ls);
}

static int
call_stats_lcore_class(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats_lcore_class(a->n, a->size, a->ptr == P_NULL ? NULL : &c->lcs);
}

static int
call_stats_shared(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats_shared(a->ptr == P_NULL ? NULL : &c->ls);
}

static int
call_stats_shared_class(struct inval_ctx *c, const struct inval_args *a)
{
	return rte_fastmem_stats_shared_class(a->size, a->ptr == P_NULL ? NULL : &c->lcs);
}

static int
call_stats_reset(struct inval_ctx *c __rte_unused, const struct inval_args *a __rte_unused)
{
	rte_fastmem_stats_reset();
	return 0;
}

/*
 * The table. Arguments not named are 0 / S_ANY / P_ARRAY / H_VALID.
 */

#define A(...) { __VA_ARGS__ }
#define BIG_N UINT_MAX
#define ALIGN_HUGE (SIZE_MAX / 2 + 1) /* 2^63: a power of two far above the maximum */

static const struct inval_row inval_rows[] = {
	/* Lifecycle. */
	{ "init: already initialized", PH_INIT, EBUSY, call_init, A(0), 0 },
	{ "deinit: not initialized", PH_UNINIT, 0, call_deinit, A(0), 0 },

	/* Functions that need no allocator. */
	{ "max_size", PH_ALL, 0, call_max_size, A(0), 0 },
	{ "classes: NULL sizes", PH_ALL, 0, call_classes, A(0), 0 },

	/* rte_fastmem_reserve */
	{ "reserve: size 0", PH_INIT, EINVAL, call_reserve, A(.size = 0), 0 },
	{ "reserve: size SIZE_MAX", PH_INIT, ENOMEM, call_reserve, A(.size = SIZE_MAX), 0 },
	{ "reserve: socket -2", PH_INIT, EINVAL, call_reserve, A(MIB(2), .sock = S_M2), 0 },
	{ "reserve: socket MAX_NUMA", PH_INIT, EINVAL, call_reserve,
		A(MIB(2), .sock = S_MAXNUMA), 0 },
	{ "reserve: absent socket", PH_INIT, EINVAL, call_reserve,
		A(MIB(2), .sock = S_ABSENT), 0 },
	{ "reserve: socket INT_MIN", PH_INIT, EINVAL, call_reserve,
		A(MIB(2), .sock = S_INTMIN), 0 },
	{ "reserve: socket INT_MAX", PH_INIT, EINVAL, call_reserve,
		A(MIB(2), .sock = S_INTMAX), 0 },
	{ "reserve: not initialized", PH_UNINIT, ENODEV, call_reserve, A(MIB(2)), 0 },

	/* rte_fastmem_set_limit / rte_fastmem_get_limit */
	{ "set_limit: socket -2", PH_INIT, EINVAL, call_set_limit, A(0, .sock = S_M2), 0 },
	{ "set_limit: socket MAX_NUMA", PH_INIT, EINVAL, call_set_limit,
		A(0, .sock = S_MAXNUMA), 0 },
	{ "set_limit: absent socket", PH_INIT, EINVAL, call_set_limit,
		A(0, .sock = S_ABSENT), 0 },
	{ "set_limit: socket INT_MAX", PH_INIT, EINVAL, call_set_limit,
		A(MIB(1), .sock = S_INTMAX), 0 },
	{ "set_limit: socket INT_MIN", PH_INIT, EINVAL, call_set_limit,
		A(0, .sock = S_INTMIN), 0 },
	{ "set_limit: not initialized", PH_UNINIT, ENODEV, call_set_limit,
		A(MIB(64), .sock = S_VALID), 0 },
	{ "set_limit: not initialized, any", PH_UNINIT, ENODEV, call_set_limit, A(MIB(64)), 0 },
	{ "get_limit: socket -2", PH_INIT, EINVAL, call_get_limit, A(.sock = S_M2), 0 },
	{ "get_limit: socket MAX_NUMA", PH_INIT, EINVAL, call_get_limit,
		A(.sock = S_MAXNUMA), 0 },
	{ "get_limit: absent socket", PH_INIT, EINVAL, call_get_limit, A(.sock = S_ABSENT), 0 },
	{ "get_limit: socket INT_MAX", PH_INIT, EINVAL, call_get_limit, A(.sock = S_INTMAX), 0 },
	{ "get_limit: not initialized", PH_UNINIT, ENODEV, call_get_limit,
		A(.sock = S_VALID), 0 },
	{ "get_limit: not initialized, any", PH_UNINIT, ENODEV, call_get_limit, A(0), 0 },

	/* rte_fastmem_trim */
	{ "trim: socket -2", PH_INIT, EINVAL, call_trim, A(.sock = S_M2), 0 },
	{ "trim: socket MAX_NUMA", PH_INIT, EINVAL, call_trim, A(.sock = S_MAXNUMA), 0 },
	{ "trim: absent socket", PH_INIT, EINVAL, call_trim, A(.sock = S_ABSENT), 0 },
	{ "trim: socket INT_MIN", PH_INIT, EINVAL, call_trim, A(.sock = S_INTMIN), 0 },
	{ "trim: socket INT_MAX", PH_INIT, EINVAL, call_trim, A(.sock = S_INTMAX), 0 },
	{ "trim: not initialized", PH_UNINIT, ENODEV, call_trim, A(.sock = S_VALID), 0 },
	{ "trim: not initialized, any", PH_UNINIT, ENODEV, call_trim, A(0), 0 },

	/* rte_fastmem_alloc */
	{ "alloc: size 0", PH_INIT, EINVAL, call_alloc, A(.size = 0), 0 },
	{ "alloc: size max+1", PH_INIT, E2BIG, call_alloc, A(.size = TEST_API_MAX + 1), 0 },
	{ "alloc: size max+1, align 1", PH_INIT, E2BIG, call_alloc, A(TEST_API_MAX + 1, 1), 0 },
	{ "alloc: size 2^62 (large, EAL says no)", PH_INIT, ENOMEM, call_alloc,
		A(.size = TEST_EAL_NO), 0 },
	{ "alloc: large, align 2 MiB", PH_INIT, E2BIG, call_alloc,
		A(TEST_MAX_SIZE + 1, MIB(2)), 0 },
	{ "alloc: large, align 3", PH_INIT, EINVAL, call_alloc, A(TEST_MAX_SIZE + 1, 3), 0 },
	{ "alloc: large, flag 2", PH_INIT, EINVAL, call_alloc, A(MIB(3), 0, 2), 0 },
	{ "alloc: size SIZE_MAX", PH_INIT, E2BIG, call_alloc, A(.size = SIZE_MAX), 0 },
	{ "alloc: align 3", PH_INIT, EINVAL, call_alloc, A(64, 3), 0 },
	{ "alloc: align 96", PH_INIT, EINVAL, call_alloc, A(64, 96), 0 },
	{ "alloc: align 2 MiB", PH_INIT, E2BIG, call_alloc, A(64, MIB(2)), 0 },
	{ "alloc: align 2^63", PH_INIT, E2BIG, call_alloc, A(64, ALIGN_HUGE), 0 },
	{ "alloc: align SIZE_MAX", PH_INIT, EINVAL, call_alloc, A(64, SIZE_MAX), 0 },
	{ "alloc: align 2 MiB + 1", PH_INIT, EINVAL, call_alloc, A(64, MIB(2) + 1), 0 },
	{ "alloc: align 5", PH_INIT, EINVAL, call_alloc, A(64, 5), 0 },
	{ "alloc: align 48", PH_INIT, EINVAL, call_alloc, A(64, 48), 0 },
	{ "alloc: align 1000", PH_INIT, EINVAL, call_alloc, A(1, 1000), 0 },
	{ "alloc: align 4097", PH_INIT, EINVAL, call_alloc, A(64, 4097), 0 },
	{ "alloc: align 192 KiB", PH_INIT, EINVAL, call_alloc, A(64, 3 * KIB(64)), 0 },
	{ "alloc: align 2 MiB + 64", PH_INIT, EINVAL, call_alloc, A(1, MIB(2) + 64), 0 },
	{ "alloc: align 4 MiB", PH_INIT, E2BIG, call_alloc, A(1, MIB(4)), 0 },
	{ "alloc: align 2^40", PH_INIT, E2BIG, call_alloc, A(64, (size_t)1 << 40), 0 },
	{ "alloc: size SIZE_MAX - 63", PH_INIT, E2BIG, call_alloc, A(SIZE_MAX - 63), 0 },
	{ "alloc: size SIZE_MAX - 1, align 8", PH_INIT, E2BIG, call_alloc, A(SIZE_MAX - 1, 8), 0 },
	{ "alloc: size 2^40 (large, EAL says no)", PH_INIT, ENOMEM, call_alloc,
		A((size_t)1 << 40), 0 },
	{ "alloc: size max (large, EAL says no)", PH_INIT, ENOMEM, call_alloc,
		A(TEST_API_MAX, 8), 0 },
	{ "alloc: size 0, align 2 MiB", PH_INIT, EINVAL, call_alloc, A(0, MIB(2)), 0 },
	{ "alloc: flag 2, align 2 MiB", PH_INIT, EINVAL, call_alloc, A(64, MIB(2), 2), 0 },
	{ "alloc: size SIZE_MAX, align 2 MiB", PH_INIT, E2BIG, call_alloc,
		A(SIZE_MAX, MIB(2)), 0 },
	{ "alloc: flag 2", PH_INIT, EINVAL, call_alloc, A(64, 0, 2), 0 },
	{ "alloc: flag 2^31", PH_INIT, EINVAL, call_alloc, A(64, 0, 0x80000000u), 0 },
	{ "alloc: all flags", PH_INIT, EINVAL, call_alloc, A(64, 0, UINT_MAX), 0 },
	{ "alloc: flag 4", PH_INIT, EINVAL, call_alloc, A(64, 0, 4), 0 },
	{ "alloc: flag 0x100", PH_INIT, EINVAL, call_alloc, A(8, 8, 0x100), 0 },
	{ "alloc: zero and flag 2", PH_INIT, EINVAL, call_alloc,
		A(64, 0, RTE_FASTMEM_F_ZERO | 2), 0 },
	{ "alloc: not initialized", PH_UNINIT, ENODEV, call_alloc, A(64), 0 },
	{ "alloc: not initialized, zero", PH_UNINIT, ENODEV, call_alloc,
		A(64, 0, RTE_FASTMEM_F_ZERO), 0 },

	/* rte_fastmem_alloc_socket */
	{ "alloc_socket: size 0", PH_INIT, EINVAL, call_alloc_socket, A(0, .sock = S_VALID), 0 },
	{ "alloc_socket: size SIZE_MAX", PH_INIT, E2BIG, call_alloc_socket,
		A(SIZE_MAX, .sock = S_VALID), 0 },
	{ "alloc_socket: size max+1", PH_INIT, E2BIG, call_alloc_socket,
		A(TEST_API_MAX + 1, .sock = S_VALID), 0 },
	{ "alloc_socket: size 2^62", PH_INIT, ENOMEM, call_alloc_socket,
		A(TEST_EAL_NO, .sock = S_VALID), 0 },
	{ "alloc_socket: large, absent socket", PH_INIT, EINVAL, call_alloc_socket,
		A(MIB(3), .sock = S_ABSENT), 0 },
	{ "alloc_socket: large, align 2 MiB", PH_INIT, E2BIG, call_alloc_socket,
		A(MIB(3), MIB(2), .sock = S_VALID), 0 },
	{ "alloc_socket: align 3", PH_INIT, EINVAL, call_alloc_socket,
		A(64, 3, .sock = S_VALID), 0 },
	{ "alloc_socket: align 2 MiB", PH_INIT, E2BIG, call_alloc_socket,
		A(64, MIB(2), .sock = S_VALID), 0 },
	{ "alloc_socket: align 2^63", PH_INIT, E2BIG, call_alloc_socket,
		A(64, ALIGN_HUGE, .sock = S_VALID), 0 },
	{ "alloc_socket: align SIZE_MAX", PH_INIT, EINVAL, call_alloc_socket,
		A(64, SIZE_MAX, .sock = S_VALID), 0 },
	{ "alloc_socket: flag 2", PH_INIT, EINVAL, call_alloc_socket,
		A(64, 0, 2, .sock = S_VALID), 0 },
	{ "alloc_socket: socket -2", PH_INIT, EINVAL, call_alloc_socket, A(64, .sock = S_M2), 0 },
	{ "alloc_socket: socket MAX_NUMA", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_MAXNUMA), 0 },
	{ "alloc_socket: absent socket", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_ABSENT), 0 },
	{ "alloc_socket: socket INT_MIN", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_INTMIN), 0 },
	{ "alloc_socket: socket INT_MAX", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_INTMAX), 0 },
	{ "alloc_socket: socket -100", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_M100), 0 },
	{ "alloc_socket: socket MAX_NUMA + 1", PH_INIT, EINVAL, call_alloc_socket,
		A(64, .sock = S_MAXNUMA1), 0 },
	{ "alloc_socket: size 1, align 1000", PH_INIT, EINVAL, call_alloc_socket,
		A(1, 1000, .sock = S_VALID), 0 },
	{ "alloc_socket: flag 0x100", PH_INIT, EINVAL, call_alloc_socket,
		A(8, 8, 0x100, .sock = S_VALID), 0 },
	{ "alloc_socket: not initialized", PH_UNINIT, ENODEV, call_alloc_socket,
		A(64, .sock = S_VALID), 0 },
	{ "alloc_socket: not initialized, any", PH_UNINIT, ENODEV, call_alloc_socket, A(64), 0 },

	/* rte_fastmem_realloc: on failure the object is untouched (checked by the harness) */
	{ "realloc: size SIZE_MAX", PH_INIT, E2BIG, call_realloc,
		A(SIZE_MAX, .ptr = P_OBJ), 0 },
	{ "realloc: size max+1", PH_INIT, E2BIG, call_realloc,
		A(TEST_API_MAX + 1, .ptr = P_OBJ), 0 },
	{ "realloc: size 2^62", PH_INIT, ENOMEM, call_realloc,
		A(TEST_EAL_NO, .ptr = P_OBJ), 0 },
	{ "realloc: large, align 2 MiB", PH_INIT, E2BIG, call_realloc,
		A(MIB(3), MIB(2), .ptr = P_OBJ), 0 },
	{ "realloc: align 3", PH_INIT, EINVAL, call_realloc, A(64, 3, .ptr = P_OBJ), 0 },
	{ "realloc: align 2 MiB", PH_INIT, E2BIG, call_realloc,
		A(KIB(4), MIB(2), .ptr = P_OBJ), 0 },
	{ "realloc: align SIZE_MAX", PH_INIT, EINVAL, call_realloc,
		A(64, SIZE_MAX, .ptr = P_OBJ), 0 },
	{ "realloc: NULL, size 0", PH_INIT, EINVAL, call_realloc, A(0, .ptr = P_NULL), 0 },
	{ "realloc: NULL, size SIZE_MAX", PH_INIT, E2BIG, call_realloc,
		A(SIZE_MAX, .ptr = P_NULL), 0 },
	{ "realloc: NULL, size SIZE_MAX - 1", PH_INIT, E2BIG, call_realloc,
		A(SIZE_MAX - 1, .ptr = P_NULL), 0 },
	{ "realloc: NULL, size max+1", PH_INIT, E2BIG, call_realloc,
		A(TEST_API_MAX + 1, .ptr = P_NULL), 0 },
	{ "realloc: NULL, align 3", PH_INIT, EINVAL, call_realloc, A(64, 3, .ptr = P_NULL), 0 },
	{ "realloc: NULL, align 2 MiB", PH_INIT, E2BIG, call_realloc,
		A(64, MIB(2), .ptr = P_NULL), 0 },
	{ "realloc: align 2^63", PH_INIT, E2BIG, call_realloc,
		A(64, ALIGN_HUGE, .ptr = P_OBJ), 0 },
	{ "realloc: not initialized", PH_UNINIT, ENODEV, call_realloc, A(64, .ptr = P_NULL), 0 },
	{ "realloc: an object freed before deinit", PH_UNINIT, ENODEV, call_realloc,
		A(64, .ptr = P_STALE), 0 },

	/* rte_fastmem_alloc_bulk: on failure the array is untouched (checked by the harness) */
	{ "alloc_bulk: NULL ptrs", PH_INIT, EINVAL, call_alloc_bulk,
		A(64, .n = 4, .ptr = P_NULL), 0 },
	{ "alloc_bulk: n 0, NULL ptrs", PH_ALL, 0, call_alloc_bulk, A(64, .ptr = P_NULL), 0 },
	{ "alloc_bulk: n 0, size 0", PH_ALL, 0, call_alloc_bulk, A(0, .ptr = P_NULL), 0 },
	{ "alloc_bulk: size 0", PH_INIT, EINVAL, call_alloc_bulk, A(0, .n = 4), 0 },
	{ "alloc_bulk: size SIZE_MAX", PH_INIT, E2BIG, call_alloc_bulk, A(SIZE_MAX, .n = 4), 0 },
	{ "alloc_bulk: size SIZE_MAX - 63", PH_INIT, E2BIG, call_alloc_bulk,
		A(SIZE_MAX - 63, .n = 4), 0 },
	{ "alloc_bulk: size max+1", PH_INIT, E2BIG, call_alloc_bulk,
		A(TEST_API_MAX + 1, .n = 4), 0 },
	{ "alloc_bulk: size 2^62", PH_INIT, ENOMEM, call_alloc_bulk, A(TEST_EAL_NO, .n = 4), 0 },
	{ "alloc_bulk: large, align 2 MiB", PH_INIT, E2BIG, call_alloc_bulk,
		A(MIB(3), MIB(2), .n = 4), 0 },
	{ "alloc_bulk: align 3", PH_INIT, EINVAL, call_alloc_bulk, A(64, 3, .n = 4), 0 },
	{ "alloc_bulk: align 2 MiB", PH_INIT, E2BIG, call_alloc_bulk, A(64, MIB(2), .n = 4), 0 },
	{ "alloc_bulk: align 2^63", PH_INIT, E2BIG, call_alloc_bulk,
		A(64, ALIGN_HUGE, .n = 4), 0 },
	{ "alloc_bulk: align SIZE_MAX", PH_INIT, EINVAL, call_alloc_bulk, A(64, SIZE_MAX, .n = 4),
		0 },
	{ "alloc_bulk: flag 2", PH_INIT, EINVAL, call_alloc_bulk, A(64, 0, 2, .n = 4), 0 },
	{ "alloc_bulk: n UINT_MAX, 8 B", PH_INIT, ENOMEM, call_alloc_bulk,
		A(8, .n = BIG_N, .ptr = P_BIG), O_LIMIT },
	{ "alloc_bulk: n UINT_MAX, 1 MiB", PH_INIT, ENOMEM, call_alloc_bulk,
		A(TEST_MAX_SIZE, .n = BIG_N, .ptr = P_BIG), O_LIMIT },
	{ "alloc_bulk: n UINT_MAX, size 0", PH_INIT, EINVAL, call_alloc_bulk,
		A(0, .n = BIG_N, .ptr = P_BIG), 0 },
	{ "alloc_bulk: n UINT_MAX, flag 2", PH_INIT, EINVAL, call_alloc_bulk,
		A(64, 0, 2, .n = BIG_N, .ptr = P_BIG), 0 },
	{ "alloc_bulk: not initialized", PH_UNINIT, ENODEV, call_alloc_bulk, A(64, .n = 4), 0 },
	{ "alloc_bulk: not initialized, NULL ptrs", PH_UNINIT, EINVAL, call_alloc_bulk,
		A(64, .n = 4, .ptr = P_NULL), 0 },

	/* rte_fastmem_alloc_bulk_socket */
	{ "alloc_bulk_socket: NULL ptrs", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_VALID, .ptr = P_NULL), 0 },
	{ "alloc_bulk_socket: n 0, NULL ptrs", PH_ALL, 0, call_alloc_bulk_socket,
		A(64, .sock = S_VALID, .ptr = P_NULL), 0 },
	{ "alloc_bulk_socket: n 0, socket -2", PH_ALL, 0, call_alloc_bulk_socket,
		A(64, .sock = S_M2, .ptr = P_NULL), 0 },
	{ "alloc_bulk_socket: size 0", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(0, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: size SIZE_MAX", PH_INIT, E2BIG, call_alloc_bulk_socket,
		A(SIZE_MAX, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: size 2^62", PH_INIT, ENOMEM, call_alloc_bulk_socket,
		A(TEST_EAL_NO, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: large, absent socket", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(MIB(3), .n = 4, .sock = S_ABSENT), 0 },
	{ "alloc_bulk_socket: align 3", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, 3, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: align 2 MiB", PH_INIT, E2BIG, call_alloc_bulk_socket,
		A(64, MIB(2), .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: flag 2", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, 0, 2, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: socket -2", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_M2), 0 },
	{ "alloc_bulk_socket: socket MAX_NUMA", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_MAXNUMA), 0 },
	{ "alloc_bulk_socket: absent socket", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_ABSENT), 0 },
	{ "alloc_bulk_socket: socket INT_MIN", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_INTMIN), 0 },
	{ "alloc_bulk_socket: socket INT_MAX", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_INTMAX), 0 },
	{ "alloc_bulk_socket: socket -100", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_M100), 0 },
	{ "alloc_bulk_socket: socket MAX_NUMA + 1", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_MAXNUMA1), 0 },
	{ "alloc_bulk_socket: n UINT_MAX", PH_INIT, ENOMEM, call_alloc_bulk_socket,
		A(64, .n = BIG_N, .sock = S_VALID, .ptr = P_BIG), O_LIMIT },
	{ "alloc_bulk_socket: n UINT_MAX, socket -2", PH_INIT, EINVAL, call_alloc_bulk_socket,
		A(64, .n = BIG_N, .sock = S_M2, .ptr = P_BIG), 0 },
	{ "alloc_bulk_socket: not initialized", PH_UNINIT, ENODEV, call_alloc_bulk_socket,
		A(64, .n = 4, .sock = S_VALID), 0 },
	{ "alloc_bulk_socket: not initialized, any", PH_UNINIT, ENODEV, call_alloc_bulk_socket,
		A(64, .n = 4), 0 },
	{ "alloc_bulk_socket: not initialized, NULL ptrs", PH_UNINIT, EINVAL,
		call_alloc_bulk_socket, A(64, .n = 4, .ptr = P_NULL), 0 },

	/* rte_fastmem_free / rte_fastmem_free_bulk: NULL is a no-op */
	{ "free: NULL", PH_ALL, 0, call_free, A(.ptr = P_NULL), 0 },
	{ "dealloc: NULL", PH_ALL, 0, call_dealloc, A(.ptr = P_NULL), 0 },
	{ "free_bulk: NULL, n 0", PH_ALL, 0, call_free_bulk, A(.ptr = P_NULL), 0 },
	{ "free_bulk: NULL entries", PH_ALL, 0, call_free_bulk,
		A(.n = N_ARRAY, .ptr = P_NULLS), 0 },
	/* A freed large object: ignored (its memzone kept idle once, not counted again) */
	{ "free: freed large object", PH_INIT, 0, call_free, A(.ptr = P_FREED_LARGE), 0 },
	{ "dealloc: freed large object", PH_INIT, 0, call_dealloc, A(.ptr = P_FREED_LARGE), 0 },
	{ "free_bulk: freed large object", PH_INIT, 0, call_free_bulk,
		A(.n = 2, .ptr = P_FREED_LARGE), 0 },
	{ "realloc: freed large object", PH_INIT, EINVAL, call_realloc,
		A(64, .ptr = P_FREED_LARGE), 0 },
	{ "realloc: freed large object, same size", PH_INIT, EINVAL, call_realloc,
		A(FREED_LARGE_SIZE, .ptr = P_FREED_LARGE), 0 },
	/* Pointers to no object: refused, the object they point into untouched */
	{ "free: other memory", PH_ALL, 0, call_free, A(.ptr = P_PLAIN), 0 },
	{ "dealloc: other memory", PH_ALL, 0, call_dealloc, A(.ptr = P_PLAIN), 0 },
	{ "realloc: other memory", PH_INIT, EINVAL, call_realloc, A(64, .ptr = P_FOREIGN), 0 },
	{ "realloc: inside an object, same class", PH_INIT, EINVAL, call_realloc,
		A(OBJ_SIZE, .ptr = P_INSIDE), 0 },
	{ "realloc: inside an object, larger", PH_INIT, EINVAL, call_realloc,
		A(KIB(4), .ptr = P_INSIDE), 0 },
	{ "realloc: slab header", PH_INIT, EINVAL, call_realloc, A(64, .ptr = P_HEADER), 0 },
	/* A freed object whose span went back: ignored or refused, as other memory */
	{ "free: freed object, its page given back", PH_INIT, 0, call_free,
		A(.ptr = P_FREED_PAGE), O_FREED },
	{ "dealloc: freed object, its page given back", PH_INIT, 0, call_dealloc,
		A(.ptr = P_FREED_PAGE), O_FREED },
	{ "realloc: freed object, its page given back", PH_INIT, EINVAL, call_realloc,
		A(64, .ptr = P_FREED_PAGE), O_FREED },
	{ "free: freed object, its slab given back", PH_INIT, 0, call_free,
		A(.ptr = P_FREED_SLAB), O_FREED },
	{ "dealloc: freed object, its slab given back", PH_INIT, 0, call_dealloc,
		A(.ptr = P_FREED_SLAB), O_FREED },
	{ "realloc: freed object, its slab given back", PH_INIT, EINVAL, call_realloc,
		A(64, .ptr = P_FREED_SLAB), O_FREED },
	/* Past a large object's first 2 MiB, its data is no header, even a copy of one */
	{ "free: large object's data, a copy of its header", PH_INIT, 0, call_free,
		A(.ptr = P_LARGE_COPY), 0 },
	{ "dealloc: large object's data, a copy of its header", PH_INIT, 0, call_dealloc,
		A(.ptr = P_LARGE_COPY), 0 },
	{ "realloc: large object's data, a copy of its header", PH_INIT, EINVAL, call_realloc,
		A(64, .ptr = P_LARGE_COPY), 0 },
	{ "realloc: large object's data, a copy of its header, same size", PH_INIT, EINVAL,
		call_realloc, A(LARGE_COPY_SIZE - MIB(2), .ptr = P_LARGE_COPY), 0 },

	/* rte_fastmem_hlookup: on failure the handle is untouched (checked by the harness) */
	{ "hlookup: NULL handle", PH_INIT, EINVAL, call_hlookup, A(64, .ptr = P_NULL), 0 },
	{ "hlookup: size 0", PH_INIT, EINVAL, call_hlookup, A(0), 0 },
	{ "hlookup: size of the largest class + 1 (large)", PH_INIT, E2BIG, call_hlookup,
		A(TEST_MAX_SIZE + 1), 0 },
	{ "hlookup: size 64 MiB (large)", PH_INIT, E2BIG, call_hlookup, A(MIB(64)), 0 },
	{ "hlookup: size max+1", PH_INIT, E2BIG, call_hlookup, A(TEST_API_MAX + 1), 0 },
	{ "hlookup: size SIZE_MAX", PH_INIT, E2BIG, call_hlookup, A(SIZE_MAX), 0 },
	{ "hlookup: size SIZE_MAX - 63", PH_INIT, E2BIG, call_hlookup, A(SIZE_MAX - 63), 0 },
	{ "hlookup: align 3", PH_INIT, EINVAL, call_hlookup, A(64, 3), 0 },
	{ "hlookup: align 2 MiB", PH_INIT, E2BIG, call_hlookup, A(64, MIB(2)), 0 },
	{ "hlookup: align 2^63", PH_INIT, E2BIG, call_hlookup, A(64, ALIGN_HUGE), 0 },
	{ "hlookup: align SIZE_MAX", PH_INIT, EINVAL, call_hlookup, A(64, SIZE_MAX), 0 },
	{ "hlookup: socket -2", PH_INIT, EINVAL, call_hlookup, A(64, .sock = S_M2), 0 },
	{ "hlookup: socket MAX_NUMA", PH_INIT, EINVAL, call_hlookup,
		A(64, .sock = S_MAXNUMA), 0 },
	{ "hlookup: absent socket", PH_INIT, EINVAL, call_hlookup, A(64, .sock = S_ABSENT), 0 },
	{ "hlookup: socket INT_MAX", PH_INIT, EINVAL, call_hlookup, A(64, .sock = S_INTMAX), 0 },
	{ "hlookup: socket INT_MIN", PH_INIT, EINVAL, call_hlookup, A(64, .sock = S_INTMIN), 0 },
	{ "hlookup: socket -100", PH_INIT, EINVAL, call_hlookup, A(64, .sock = S_M100), 0 },
	{ "hlookup: socket MAX_NUMA + 1", PH_INIT, EINVAL, call_hlookup,
		A(64, .sock = S_MAXNUMA1), 0 },
	{ "hlookup: not initialized", PH_UNINIT, ENODEV, call_hlookup, A(64, .sock = S_VALID), 0 },
	{ "hlookup: not initialized, NULL handle", PH_UNINIT, EINVAL, call_hlookup,
		A(64, .ptr = P_NULL), 0 },
	{ "hlookup: not initialized, any", PH_UNINIT, ENODEV, call_hlookup, A(64), 0 },

	/* rte_fastmem_halloc */
	{ "halloc: handle 0", PH_INIT, EINVAL, call_halloc, A(.h = H_BAD0), 0 },
	{ "halloc: random handle 1", PH_INIT, EINVAL, call_halloc, A(.h = H_BAD1), 0 },
	{ "halloc: random handle 2", PH_INIT, EINVAL, call_halloc, A(.h = H_BAD2), 0 },
	{ "halloc: random handle 3", PH_INIT, EINVAL, call_halloc, A(.h = H_BAD3), 0 },
	{ "halloc: random handle 4", PH_INIT, EINVAL, call_halloc, A(.h = H_BAD4), 0 },
	{ "halloc: handle 1", PH_INIT, EINVAL, call_halloc, A(.h = H_ONE), 0 },
	{ "halloc: handle UINT32_MAX", PH_INIT, EINVAL, call_halloc, A(.h = H_ALL), 0 },
	{ "halloc: magic, index 0xffff", PH_INIT, EINVAL, call_halloc, A(.h = H_MAGIC_MAX), 0 },
	{ "halloc: magic less one", PH_INIT, EINVAL, call_halloc, A(.h = H_MAGIC_OFF), 0 },
	{ "halloc: magic in the low half", PH_INIT, EINVAL, call_halloc,
		A(.h = H_MAGIC_LOW), 0 },
	{ "halloc: flag 2", PH_INIT, EINVAL, call_halloc, A(.flags = 2), 0 },
	{ "halloc: all flags", PH_INIT, EINVAL, call_halloc, A(.flags = UINT_MAX), 0 },
	{ "halloc: not initialized", PH_UNINIT, ENODEV, call_halloc, A(.h = H_VALID), 0 },
	{ "halloc: not initialized, handle 0", PH_UNINIT, ENODEV, call_halloc, A(.h = H_BAD0), 0 },

	/* rte_fastmem_halloc_bulk */
	{ "halloc_bulk: handle 0", PH_INIT, EINVAL, call_halloc_bulk, A(.n = 4, .h = H_BAD0), 0 },
	{ "halloc_bulk: random handle", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 4, .h = H_BAD1), 0 },
	{ "halloc_bulk: magic, index 0xffff", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 3, .h = H_MAGIC_MAX), 0 },
	{ "halloc_bulk: handle UINT32_MAX", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 3, .h = H_ALL), 0 },
	{ "halloc_bulk: random handle, n 300", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 300, .h = H_BAD2, .ptr = P_BIG), 0 },
	{ "halloc_bulk: NULL ptrs", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 4, .ptr = P_NULL), 0 },
	{ "halloc_bulk: flag 2", PH_INIT, EINVAL, call_halloc_bulk, A(.flags = 2, .n = 4), 0 },
	{ "halloc_bulk: flag 4", PH_INIT, EINVAL, call_halloc_bulk, A(.flags = 4, .n = 4), 0 },
	{ "halloc_bulk: flag 0x100", PH_INIT, EINVAL, call_halloc_bulk,
		A(.flags = 0x100, .n = 4), 0 },
	{ "halloc_bulk: all flags", PH_INIT, EINVAL, call_halloc_bulk,
		A(.flags = UINT_MAX, .n = 4), 0 },
	{ "halloc_bulk: handle 1", PH_INIT, EINVAL, call_halloc_bulk, A(.n = 3, .h = H_ONE), 0 },
	{ "halloc_bulk: magic less one", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 3, .h = H_MAGIC_OFF), 0 },
	{ "halloc_bulk: magic in the low half", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = 3, .h = H_MAGIC_LOW), 0 },
	{ "halloc_bulk: n 0, NULL ptrs", PH_ALL, 0, call_halloc_bulk, A(.ptr = P_NULL), 0 },
	{ "halloc_bulk: n 0", PH_ALL, 0, call_halloc_bulk, A(0), 0 },
	{ "halloc_bulk: n 0, handle 0", PH_ALL, 0, call_halloc_bulk,
		A(.h = H_BAD0, .ptr = P_NULL), 0 },
	{ "halloc_bulk: n UINT_MAX", PH_INIT, ENOMEM, call_halloc_bulk,
		A(.n = BIG_N, .ptr = P_BIG), O_LIMIT },
	{ "halloc_bulk: n UINT_MAX, flag 2", PH_INIT, EINVAL, call_halloc_bulk,
		A(.flags = 2, .n = BIG_N, .ptr = P_BIG), 0 },
	{ "halloc_bulk: n UINT_MAX, handle 0", PH_INIT, EINVAL, call_halloc_bulk,
		A(.n = BIG_N, .ptr = P_BIG, .h = H_BAD0), 0 },
	{ "halloc_bulk: not initialized", PH_UNINIT, ENODEV, call_halloc_bulk, A(.n = 4), 0 },
	{ "halloc_bulk: not initialized, NULL ptrs", PH_UNINIT, EINVAL, call_halloc_bulk,
		A(.n = 4, .ptr = P_NULL), 0 },

	/* rte_fastmem_hfree / rte_fastmem_hfree_bulk: NULL objects are a no-op */
	{ "hfree: NULL", PH_ALL, 0, call_hfree, A(0), 0 },
	{ "hfree: NULL, handle 0", PH_ALL, 0, call_hfree, A(.h = H_BAD0), 0 },
	{ "hfree: NULL, random handle", PH_ALL, 0, call_hfree, A(.h = H_BAD3), 0 },
	{ "hfree_bulk: NULL, n 0", PH_ALL, 0, call_hfree_bulk, A(.ptr = P_NULL), 0 },
	{ "hfree_bulk: NULL entries", PH_ALL, 0, call_hfree_bulk,
		A(.n = N_ARRAY, .ptr = P_NULLS), 0 },
	{ "hfree_bulk: NULL entries, handle 0", PH_ALL, 0, call_hfree_bulk,
		A(.n = N_ARRAY, .ptr = P_NULLS, .h = H_BAD0), 0 },
	{ "hfree_bulk: NULL entries, random handle", PH_ALL, 0, call_hfree_bulk,
		A(.n = N_ARRAY, .ptr = P_NULLS, .h = H_BAD4), 0 },

	/* rte_fastmem_virt2iova: RTE_BAD_IOVA for NULL or without an allocator */
	{ "virt2iova: NULL", PH_ALL, 0, call_virt2iova, A(.ptr = P_NULL), 0 },
	{ "virt2iova: not initialized", PH_UNINIT, 0, call_virt2iova, A(.ptr = P_ARRAY), 0 },
	{ "virt2iova: an object, after deinit", PH_UNINIT, 0, call_virt2iova,
		A(.ptr = P_STALE), 0 },
	{ "virt2iova: freed large object", PH_INIT, 0, call_virt2iova,
		A(.ptr = P_FREED_LARGE), 0 },
	{ "virt2iova: other memory, readable", PH_INIT, 0, call_virt2iova, A(.ptr = P_PLAIN), 0 },
	{ "virt2iova: freed object, its page given back", PH_INIT, 0, call_virt2iova,
		A(.ptr = P_FREED_PAGE), O_FREED },
	{ "virt2iova: freed object, its slab given back", PH_INIT, 0, call_virt2iova,
		A(.ptr = P_FREED_SLAB), O_FREED },

	/* rte_fastmem_cache_flush / rte_fastmem_stats_reset: no-ops without an allocator */
	{ "cache_flush", PH_ALL, 0, call_cache_flush, A(0), 0 },
	{ "stats_reset: not initialized", PH_UNINIT, 0, call_stats_reset, A(0), 0 },

	/* Statistics */
	{ "stats: NULL", PH_INIT, EINVAL, call_stats, A(.ptr = P_NULL), 0 },
	{ "stats: not initialized", PH_UNINIT, ENODEV, call_stats, A(0), 0 },
	{ "stats: not initialized, NULL", PH_UNINIT, EINVAL, call_stats, A(.ptr = P_NULL), 0 },
	{ "stats_class: NULL", PH_INIT, EINVAL, call_stats_class, A(64, .ptr = P_NULL), 0 },
	{ "stats_class: size 0", PH_INIT, EINVAL, call_stats_class, A(0), 0 },
	{ "stats_class: size 4", PH_INIT, EINVAL, call_stats_class, A(4), 0 },
	{ "stats_class: size 7", PH_INIT, EINVAL, call_stats_class, A(7), 0 },
	{ "stats_class: size 9", PH_INIT, EINVAL, call_stats_class, A(9), 0 },
	{ "stats_class: size 1", PH_INIT, EINVAL, call_stats_class, A(1), 0 },
	{ "stats_class: size 63", PH_INIT, EINVAL, call_stats_class, A(63), 0 },
	{ "stats_class: size 65", PH_INIT, EINVAL, call_stats_class, A(65), 0 },
	{ "stats_class: size 264", PH_INIT, EINVAL, call_stats_class, A(264), 0 },
	{ "stats_class: size 72 KiB", PH_INIT, EINVAL, call_stats_class, A(KIB(72)), 0 },
	{ "stats_class: size 4 MiB", PH_INIT, EINVAL, call_stats_class, A(MIB(4)), 0 },
	{ "stats_class: size 40000", PH_INIT, EINVAL, call_stats_class, A(40000), 0 },
	{ "stats_class: size 100", PH_INIT, EINVAL, call_stats_class, A(100), 0 },
	{ "stats_class: size 2 MiB", PH_INIT, EINVAL, call_stats_class, A(MIB(2)), 0 },
	{ "stats_class: size 2^63", PH_INIT, EINVAL, call_stats_class, A(ALIGN_HUGE), 0 },
	{ "stats_class: size SIZE_MAX", PH_INIT, EINVAL, call_stats_class, A(SIZE_MAX), 0 },
	{ "stats_class: not initialized", PH_UNINIT, ENODEV, call_stats_class, A(64), 0 },
	{ "stats_class: not initialized, size 100", PH_UNINIT, EINVAL, call_stats_class,
		A(100), 0 },
	{ "stats_lcore: lcore MAX_LCORE", PH_INIT, EINVAL, call_stats_lcore,
		A(.n = RTE_MAX_LCORE), 0 },
	{ "stats_lcore: lcore UINT_MAX", PH_INIT, EINVAL, call_stats_lcore, A(.n = UINT_MAX), 0 },
	{ "stats_lcore: NULL", PH_INIT, EINVAL, call_stats_lcore, A(.ptr = P_NULL), 0 },
	{ "stats_lcore: not initialized", PH_UNINIT, ENODEV, call_stats_lcore, A(0), 0 },
	{ "stats_lcore: not initialized, lcore MAX_LCORE", PH_UNINIT, EINVAL, call_stats_lcore,
		A(.n = RTE_MAX_LCORE), 0 },
	{ "stats_lcore_class: lcore MAX_LCORE", PH_INIT, EINVAL, call_stats_lcore_class,
		A(64, .n = RTE_MAX_LCORE), 0 },
	{ "stats_lcore_class: lcore UINT_MAX", PH_INIT, EINVAL, call_stats_lcore_class,
		A(64, .n = UINT_MAX), 0 },
	{ "stats_lcore_class: size 40000", PH_INIT, EINVAL, call_stats_lcore_class, A(40000), 0 },
	{ "stats_lcore_class: size 0", PH_INIT, EINVAL, call_stats_lcore_class, A(0), 0 },
	{ "stats_lcore_class: size 2 MiB", PH_INIT, EINVAL, call_stats_lcore_class,
		A(MIB(2)), 0 },
	{ "stats_lcore_class: size 1", PH_INIT, EINVAL, call_stats_lcore_class, A(1), 0 },
	{ "stats_lcore_class: size 63", PH_INIT, EINVAL, call_stats_lcore_class, A(63), 0 },
	{ "stats_lcore_class: size 65", PH_INIT, EINVAL, call_stats_lcore_class, A(65), 0 },
	{ "stats_lcore_class: size 264", PH_INIT, EINVAL, call_stats_lcore_class, A(264), 0 },
	{ "stats_lcore_class: size 72 KiB", PH_INIT, EINVAL, call_stats_lcore_class,
		A(KIB(72)), 0 },
	{ "stats_lcore_class: size 4 MiB", PH_INIT, EINVAL, call_stats_lcore_class,
		A(MIB(4)), 0 },
	{ "stats_lcore_class: size SIZE_MAX", PH_INIT, EINVAL, call_stats_lcore_class,
		A(SIZE_MAX), 0 },
	{ "stats_lcore_class: NULL", PH_INIT, EINVAL, call_stats_lcore_class,
		A(64, .ptr = P_NULL), 0 },
	{ "stats_lcore_class: not initialized", PH_UNINIT, ENODEV, call_stats_lcore_class,
		A(64), 0 },
	{ "stats_shared: NULL", PH_INIT, EINVAL, call_stats_shared, A(.ptr = P_NULL), 0 },
	{ "stats_shared: not initialized", PH_UNINIT, ENODEV, call_stats_shared, A(0), 0 },
	{ "stats_shared_class: NULL", PH_INIT, EINVAL, call_stats_shared_class,
		A(64, .ptr = P_NULL), 0 },
	{ "stats_shared_class: size 0", PH_INIT, EINVAL, call_stats_shared_class, A(0), 0 },
	{ "stats_shared_class: size 4", PH_INIT, EINVAL, call_stats_shared_class, A(4), 0 },
	{ "stats_shared_class: size 40000", PH_INIT, EINVAL, call_stats_shared_class, A(40000), 0 },
	{ "stats_shared_class: size 2 MiB", PH_INIT, EINVAL, call_stats_shared_class,
		A(MIB(2)), 0 },
	{ "stats_shared_class: size 2^63", PH_INIT, EINVAL, call_stats_shared_class,
		A(ALIGN_HUGE), 0 },
	{ "stats_shared_class: size SIZE_MAX", PH_INIT, EINVAL, call_stats_shared_class,
		A(SIZE_MAX), 0 },
	{ "stats_shared_class: not initialized", PH_UNINIT, ENODEV, call_stats_shared_class,
		A(64), 0 },
};

/*
 * The harness.
 */

/* Map the UINT_MAX-entry array (MAP_NORESERVE: only the pages touched take memory). */
static int
big_map(struct inval_ctx *c)
{
	size_t len = (size_t)BIG_N * sizeof(void *);
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(p != MAP_FAILED, "cannot map a %zu-byte array for the rows with "
		"n = UINT_MAX: %s", len, strerror(errno));
	c->big = p;
	c->big_len = len;
	return TEST_SUCCESS;
}

static void
big_unmap(struct inval_ctx *c)
{
	if (c->big != NULL)
		munmap(c->big, c->big_len);
	c->big = NULL;
}

/*
 * Other memory, in 6 MiB of address space that is otherwise not accessible, which holds two
 * 2 MiB-aligned blocks. P_FOREIGN: a page 1 MiB into the first block, so that reading a slab
 * header at the block's start would fault. P_PLAIN: 64 bytes into the second block, whose
 * first page is readable and zero, where a slab would keep its header (what a free reads).
 */
static int
foreign_map(struct inval_ctx *c)
{
	void *p, *block;

	p = mmap(NULL, MIB(6), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(p != MAP_FAILED, "cannot map 6 MiB of other memory: %s", strerror(errno));
	c->foreign_map = p;
	block = RTE_PTR_ALIGN_CEIL(p, MIB(2));
	TEST_ASSERT(mprotect(RTE_PTR_ADD(block, MIB(1)), KIB(4), PROT_READ | PROT_WRITE) == 0 &&
		mprotect(RTE_PTR_ADD(block, MIB(2)), KIB(4), PROT_READ) == 0,
		"mprotect of other memory: %s", strerror(errno));
	c->foreign = RTE_PTR_ADD(block, MIB(1));
	c->plain = RTE_PTR_ADD(block, MIB(2) + 64);
	return TEST_SUCCESS;
}

static void
foreign_unmap(struct inval_ctx *c)
{
	if (c->foreign_map != NULL)
		munmap(c->foreign_map, MIB(6));
	c->foreign_map = NULL;
	c->foreign = NULL;
	c->plain = NULL;
}

/* Check that every resident page of the huge array holds what the test wrote. */
static bool
big_untouched(const struct inval_ctx *c)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n_pages = (c->big_len + page - 1) / page;
	size_t i, k, per_page = page / sizeof(void *);
	unsigned char *vec;
	bool ok = true;

	for (i = 0; i < N_BIG_SENTINELS; i++) {
		if (c->big[i] != SENTINEL(i)) {
			row_fail("huge array: entry %zu is %p, was %p\n", i, c->big[i],
				SENTINEL(i));
			return false;
		}
	}
	vec = malloc(n_pages);
	if (vec == NULL || mincore(c->big, c->big_len, vec) != 0) {
		row_fail("huge array: cannot read residency (%s)\n", strerror(errno));
		free(vec);
		return false;
	}
	for (i = 0; i < n_pages && ok; i++) {
		if (!(vec[i] & 1))
			continue;
		k = i == 0 ? N_BIG_SENTINELS : 0;
		for (; k < per_page && i * per_page + k < BIG_N; k++) {
			if (c->big[i * per_page + k] != NULL) {
				row_fail("huge array: entry %zu is %p, was NULL\n",
					i * per_page + k, c->big[i * per_page + k]);
				ok = false;
				break;
			}
		}
	}
	free(vec);
	return ok;
}

static void
fill_pattern(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 3);
}

static bool
check_pattern(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(i * 7 + 3))
			return false;
	return true;
}

static void
reset_outputs(struct inval_ctx *c, bool big)
{
	unsigned int i;

	for (i = 0; i < N_ARRAY; i++) {
		c->ptrs[i] = SENTINEL(i);
		c->nulls[i] = NULL;
	}
	c->hout = HANDLE_SENTINEL;
	if (big && c->big != NULL)
		for (i = 0; i < N_BIG_SENTINELS; i++)
			c->big[i] = SENTINEL(i);
}

/* Check that the row left the arrays and the handle as they were. */
static bool
outputs_untouched(const struct inval_ctx *c, bool big)
{
	unsigned int i;

	for (i = 0; i < N_ARRAY; i++) {
		if (c->ptrs[i] != SENTINEL(i) || c->nulls[i] != NULL) {
			row_fail("array entry %u changed: %p / %p\n", i, c->ptrs[i], c->nulls[i]);
			return false;
		}
	}
	if (c->hout != HANDLE_SENTINEL) {
		row_fail("handle output changed: 0x%" PRIx32 "\n", c->hout);
		return false;
	}
	return !big || big_untouched(c);
}

/* Normal operations work: plain, bulk and handle allocations. */
static bool
still_working(void)
{
	rte_fastmem_handle_t h;
	void *v[4];
	void *p;

	p = rte_fastmem_alloc(OBJ_SIZE, 0, 0);
	if (p == NULL) {
		row_fail("alloc fails after the row: %d\n", rte_errno);
		return false;
	}
	fill_pattern(p, OBJ_SIZE);
	rte_fastmem_free(p);
	if (rte_fastmem_alloc_bulk(v, RTE_DIM(v), 32, 0, 0) != 0) {
		row_fail("alloc_bulk fails after the row: %d\n", rte_errno);
		return false;
	}
	rte_fastmem_free_bulk(v, RTE_DIM(v));
	if (rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &h) != 0) {
		row_fail("hlookup fails after the row: %d\n", rte_errno);
		return false;
	}
	p = rte_fastmem_halloc(h, 0);
	if (p == NULL) {
		row_fail("halloc fails after the row: %d\n", rte_errno);
		return false;
	}
	rte_fastmem_hfree(h, p);
	return true;
}

/* Backing limits are all unlimited (no row may change them). */
static bool
limits_unchanged(void)
{
	unsigned int i;

	if (rte_fastmem_get_limit(SOCKET_ID_ANY) != SIZE_MAX) {
		row_fail("limit changed: %zu\n", rte_fastmem_get_limit(SOCKET_ID_ANY));
		return false;
	}
	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_fastmem_get_limit(rte_socket_id_by_idx(i)) != SIZE_MAX) {
			row_fail("limit of socket %d changed\n", rte_socket_id_by_idx(i));
			return false;
		}
	}
	return true;
}

static bool
row_skipped(const struct inval_ctx *c, const struct inval_row *r)
{
	return (r->a.ptr == P_BIG && c->big == NULL) ||
		(r->a.sock == S_ABSENT && c->absent_socket < 0) ||
		(r->a.ptr == P_FREED_LARGE && (c->freed_large == NULL || TEST_DEBUG_MODE)) ||
		(r->a.ptr == P_FOREIGN && (c->foreign == NULL || TEST_DEBUG_MODE)) ||
		(r->a.ptr == P_PLAIN && (c->plain == NULL || TEST_DEBUG_MODE)) ||
		(r->a.ptr == P_LARGE_COPY && (c->large == NULL || TEST_DEBUG_MODE)) ||
		(r->a.ptr == P_STALE && c->stale == NULL) ||
		((r->a.ptr == P_INSIDE || r->a.ptr == P_HEADER || r->a.ptr == P_FREED_PAGE ||
			r->a.ptr == P_FREED_SLAB) && TEST_DEBUG_MODE);
}

/*
 * O_FREED: an object of each FREED_*_SIZE class allocated and freed, and the thread's caches
 * flushed to the slabs, which gives the spans of those classes back (no other row uses them,
 * so none of their objects is live or in a depot): the page to its slab, which the live object
 * keeps in service, the slab to the pool. The freed objects are P_FREED_PAGE and P_FREED_SLAB.
 */
static bool
ctx_freed_spans(struct inval_ctx *c)
{
	static const size_t sizes[] = { FREED_PAGE_SIZE, FREED_SLAB_SIZE };
	struct rte_fastmem_class_stats cs;
	void *p[RTE_DIM(sizes)];
	unsigned int i;
	bool ok = true;

	for (i = 0; i < RTE_DIM(sizes); i++)
		p[i] = rte_fastmem_alloc(sizes[i], 0, 0);
	for (i = 0; i < RTE_DIM(sizes); i++)
		rte_fastmem_free(p[i]);
	rte_fastmem_cache_flush();
	if (p[0] != NULL && ((uintptr_t)p[0] ^ (uintptr_t)c->obj) >= MIB(2)) {
		row_fail("the page of %zu B objects is not in the live object's slab\n", sizes[0]);
		ok = false;
	}
	for (i = 0; i < RTE_DIM(sizes); i++) {
		if (p[i] == NULL) {
			row_fail("no object of %zu B: %s\n", sizes[i], rte_strerror(rte_errno));
			ok = false;
		} else if (rte_fastmem_stats_class(sizes[i], &cs) != 0 ||
				cs.slabs_partial + cs.slabs_full != 0) {
			row_fail("the class of %zu B kept a span after the flush\n", sizes[i]);
			ok = false;
		}
	}
	c->freed_page = p[0];
	c->freed_slab = p[1];
	return ok;
}

/* The objects a row refuses for lack of memory: its count for a bulk call, else one. */
static uint64_t
nomem_expected(const struct inval_row *r)
{
	if (r->err != ENOMEM || r->call == call_reserve)
		return 0;
	if (r->call == call_alloc_bulk || r->call == call_alloc_bulk_socket ||
			r->call == call_halloc_bulk)
		return r->a.n;
	return 1;
}

/* Run one row in the current phase; returns false on a failure (already printed). */
static bool
run_row(struct inval_ctx *c, const struct inval_row *r, bool initialized)
{
	struct rte_fastmem_stats before, after;
	bool big = r->a.ptr == P_BIG;
	unsigned int mz0;
	bool ok = true;
	int ret, err;

	if ((r->opts & O_FREED) && !ctx_freed_spans(c))
		return false;
	mz0 = memzone_count();
	memset(&before, 0, sizeof(before));
	reset_outputs(c, big);
	if (initialized && rte_fastmem_stats(&before) != 0) {
		row_fail("stats unreadable before the row\n");
		return false;
	}
	if ((r->opts & O_LIMIT) &&
			rte_fastmem_set_limit(SOCKET_ID_ANY, before.bytes_backing + MIB(4)) != 0) {
		row_fail("set_limit: %d\n", rte_errno);
		return false;
	}
	rte_errno = 0;
	ret = r->call(c, &r->a);
	err = rte_errno;
	if (r->opts & O_LIMIT)
		rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX);

	if (r->err == 0 && ret != 0) {
		row_fail("returned %d (rte_errno %d), expected success\n", ret, err);
		ok = false;
	} else if (r->err != 0 && (ret != -r->err || err != r->err)) {
		row_fail("returned %d with rte_errno %d (%s), expected %d with rte_errno %d (%s)\n",
			ret, err, rte_strerror(err), -r->err, r->err, rte_strerror(r->err));
		ok = false;
	}
	if (!outputs_untouched(c, big))
		ok = false;
	/* No memzone: a row under a limit that grew up to it gave them back when it failed. */
	if (memzone_count() != mz0) {
		row_fail("memzones: %u -> %u\n", mz0, memzone_count());
		ok = false;
	}
	if (!initialized) {
		if (rte_fastmem_stats(&after) != -ENODEV) {
			row_fail("the allocator is no longer uninitialized\n");
			ok = false;
		}
		return ok;
	}
	if (rte_fastmem_stats(&after) != 0) {
		row_fail("stats unreadable after the row\n");
		return false;
	}
	if (after.bytes_in_use != before.bytes_in_use ||
			after.alloc_total != before.alloc_total ||
			after.free_total != before.free_total ||
			after.large_idle != before.large_idle ||
			after.bytes_large_idle != before.bytes_large_idle) {
		row_fail("stats changed: bytes_in_use %" PRIu64 " -> %" PRIu64
			", alloc_total %" PRIu64 " -> %" PRIu64 ", free_total %" PRIu64
			" -> %" PRIu64 ", large_idle %" PRIu64 " -> %" PRIu64
			", bytes_large_idle %" PRIu64 " -> %" PRIu64 "\n", before.bytes_in_use,
			after.bytes_in_use, before.alloc_total, after.alloc_total,
			before.free_total, after.free_total, before.large_idle, after.large_idle,
			before.bytes_large_idle, after.bytes_large_idle);
		ok = false;
	}
	/*
	 * Only a lack of memory counts, as the objects refused; a row under a limit may grow the
	 * backing while it runs, but what it could not use goes back.
	 */
	if (after.alloc_nomem - before.alloc_nomem != nomem_expected(r) ||
			after.bytes_backing != before.bytes_backing) {
		row_fail("alloc_nomem %" PRIu64 " -> %" PRIu64 ", bytes_backing %" PRIu64 " -> %"
			PRIu64 "\n", before.alloc_nomem, after.alloc_nomem, before.bytes_backing,
			after.bytes_backing);
		ok = false;
	}
	if (!check_pattern(c->obj, OBJ_SIZE) || rte_fastmem_virt2iova(c->obj) != c->obj_iova) {
		row_fail("the live object %p was changed\n", c->obj);
		ok = false;
	}
	if (!limits_unchanged())
		ok = false;
	if (!still_working())
		ok = false;
	return ok;
}

static int
run_phase(struct inval_ctx *c, bool initialized, const char *phase)
{
	unsigned int want = initialized ? PH_INIT : PH_UNINIT;
	unsigned int i, run = 0, skipped = 0, failed = 0;

	for (i = 0; i < RTE_DIM(inval_rows); i++) {
		const struct inval_row *r = &inval_rows[i];

		if (!(r->phases & want))
			continue;
		if (row_skipped(c, r)) {
			skipped++;
			continue;
		}
		run++;
		cur_phase = phase;
		cur_row = r->name;
		if (!run_row(c, r, initialized)) {
			if (cur_row != NULL)
				printf("FAILED row [%s] %s\n", phase, r->name);
			failed++;
		}
	}
	printf("%s: %u rows, %u failed, %u skipped\n", phase, run, failed, skipped);
	c->rows_run += run;
	c->rows_skipped += skipped;
	c->failures += failed;
	return failed == 0 ? TEST_SUCCESS : TEST_FAILED;
}

/* After init: nothing the uninitialized calls did may show. */
static int
check_fresh_init(void)
{
	struct rte_fastmem_stats st;
	int ret;

	ret = rte_fastmem_init();
	TEST_ASSERT_SUCCESS(ret, "init after the uninitialized rows: %d", ret);
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "stats: %d", ret);
	TEST_ASSERT(st.bytes_backing == 0 && st.bytes_in_use == 0 && st.alloc_total == 0 &&
		st.free_total == 0 && st.alloc_nomem == 0,
		"fresh allocator not empty: backing %" PRIu64 ", in use %" PRIu64 ", allocs %"
		PRIu64 ", frees %" PRIu64 ", nomem %" PRIu64, st.bytes_backing, st.bytes_in_use,
		st.alloc_total, st.free_total, st.alloc_nomem);
	TEST_ASSERT(still_working(), "allocations fail after a fresh init");
	rte_fastmem_deinit();
	return TEST_SUCCESS;
}

/* Socket ids for the rows; bad handles 1.. are random values that no lookup returns. */
static void
ctx_sockets(struct inval_ctx *c)
{
	unsigned int i, n = rte_socket_count();
	int s;

	c->valid_socket = (int)rte_socket_id();
	if (c->valid_socket == SOCKET_ID_ANY || c->valid_socket >= RTE_MAX_NUMA_NODES)
		c->valid_socket = rte_socket_id_by_idx(0);
	c->absent_socket = -1;
	for (s = 0; s < RTE_MAX_NUMA_NODES && c->absent_socket < 0; s++) {
		bool present = false;

		for (i = 0; i < n; i++)
			if (rte_socket_id_by_idx(i) == s)
				present = true;
		if (!present)
			c->absent_socket = s;
	}
}

static int
ctx_handles(struct inval_ctx *c)
{
	rte_fastmem_handle_t valid[RTE_MAX_NUMA_NODES * TEST_N_CLASSES];
	unsigned int n_valid = 0, i, k, sidx, cls;
	bool clash;
	int ret;

	/* Every handle a lookup can return: one per (socket, class). */
	for (sidx = 0; sidx < rte_socket_count(); sidx++) {
		for (cls = 0; cls < TEST_N_CLASSES; cls++) {
			ret = rte_fastmem_hlookup(class_size(cls), class_alignment(cls),
					rte_socket_id_by_idx(sidx), &valid[n_valid]);
			TEST_ASSERT_SUCCESS(ret, "hlookup(%zu) on socket index %u: %d",
				class_size(cls), sidx, ret);
			for (k = 0; k < n_valid; k++)
				TEST_ASSERT(valid[k] != valid[n_valid], "classes of %zu B and of "
					"another size have the same handle", class_size(cls));
			n_valid++;
		}
	}
	c->bad[0] = 0;
	c->bad[H_ONE - H_BAD0] = 1;
	c->bad[H_ALL - H_BAD0] = UINT32_MAX;
	c->bad[H_MAGIC_MAX - H_BAD0] = UINT32_C(0xFA57FFFF);
	c->bad[H_MAGIC_OFF - H_BAD0] = UINT32_C(0xFA560000);
	c->bad[H_MAGIC_LOW - H_BAD0] = UINT32_C(0x0000FA57);
	for (i = H_BAD1 - H_BAD0; i <= H_BAD4 - H_BAD0; i++) {
		do {
			c->bad[i] = (rte_fastmem_handle_t)rte_rand();
			clash = false;
			for (k = 0; k < n_valid; k++)
				if (valid[k] == c->bad[i])
					clash = true;
		} while (clash);
	}
	for (k = 0; k < n_valid; k++)
		for (i = 0; i < N_BAD_HANDLES; i++)
			TEST_ASSERT(valid[k] != c->bad[i], "a valid handle is %#x", c->bad[i]);
	return rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &c->h);
}

/*
 * The three phases.
 */

static int
test_inval_before_init(void)
{
	struct inval_ctx *c = &inval_ctx;
	struct rte_fastmem_stats st;
	int ret;

	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_EQUAL(ret, -ENODEV,
		"fastmem is already initialized in this process (stats: %d)", ret);
	c->h = 0;
	ret = run_phase(c, false, "before init");
	TEST_ASSERT_SUCCESS(ret, "bad input before init");
	return check_fresh_init();
}

/*
 * P_LARGE_COPY: a live large object whose data, at its memzone's second 2 MiB boundary, is a
 * copy of the memzone's first bytes (its header, up to the object), so that a pointer 2 MiB
 * into the object finds there what the object's own start finds at the first. Returns 0, or
 * -ENOMEM when no such object could be had.
 */
static int
ctx_large_copy(struct inval_ctx *c)
{
	char *hdr;

	c->large = rte_fastmem_alloc(LARGE_COPY_SIZE, 0, 0);
	if (c->large == NULL) {
		printf("no %zu B large object: %s\n", (size_t)LARGE_COPY_SIZE,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	hdr = RTE_PTR_ALIGN_FLOOR(c->large, MIB(2));
	memcpy(hdr + MIB(2), hdr, RTE_PTR_DIFF(c->large, hdr));
	return 0;
}

/* After the rows: the large object is still live where it was, its copy untouched. */
static int
ctx_large_copy_check(struct inval_ctx *c)
{
	char *hdr = RTE_PTR_ALIGN_FLOOR(c->large, MIB(2));

	TEST_ASSERT(memcmp(hdr + MIB(2), hdr, RTE_PTR_DIFF(c->large, hdr)) == 0,
		"large object's data changed");
	TEST_ASSERT(rte_fastmem_virt2iova(c->large) != RTE_BAD_IOVA,
		"large object no longer live");
	return 0;
}

static int
test_inval_initialized(void)
{
	struct inval_ctx *c = &inval_ctx;
	int ret;

	ret = rte_fastmem_init();
	TEST_ASSERT_SUCCESS(ret, "init: %d", ret);
	ret = ctx_handles(c);
	if (ret == 0) {
		c->obj = rte_fastmem_alloc(OBJ_SIZE, 0, 0);
		ret = c->obj != NULL ? 0 : -rte_errno;
	}
	if (ret == 0)
		ret = ctx_large_copy(c); /* first: the freed one's idle memzone would fit it */
	if (ret == 0) {
		/* A large object freed: its memzone stays idle through the phase. */
		void *p = rte_fastmem_alloc(FREED_LARGE_SIZE, 0, 0);

		c->freed_large = p;
		c->freed_arr[0] = p;
		c->freed_arr[1] = NULL;
		rte_fastmem_free(p);
		if (p == NULL)
			printf("no %zu B large object to free\n", FREED_LARGE_SIZE);
		fill_pattern(c->obj, OBJ_SIZE);
		c->obj_iova = rte_fastmem_virt2iova(c->obj);
		ret = p != NULL ? run_phase(c, true, "initialized") : -ENOMEM;
		rte_fastmem_free(c->obj);
		c->obj = NULL;
		c->freed_large = NULL;
	}
	if (c->large != NULL && ret == 0)
		ret = ctx_large_copy_check(c);
	rte_fastmem_free(c->large);
	c->large = NULL;
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(ret, "bad input while initialized");
	return TEST_SUCCESS;
}

static int
test_inval_after_deinit(void)
{
	struct inval_ctx *c = &inval_ctx;
	void *p;
	int ret;

	/* Give the thread a cache block first, so that deinit leaves a retired one behind. */
	ret = rte_fastmem_init();
	TEST_ASSERT_SUCCESS(ret, "init: %d", ret);
	ret = rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &c->h);
	p = rte_fastmem_halloc(c->h, 0);
	rte_fastmem_hfree(c->h, p);
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(ret, "hlookup: %d", ret);
	TEST_ASSERT_NOT_NULL(p, "halloc failed");
	c->stale = p;
	ret = run_phase(c, false, "after deinit");
	c->stale = NULL;
	TEST_ASSERT_SUCCESS(ret, "bad input after deinit");
	return check_fresh_init();
}

static int
inval_setup(void)
{
	memset(&inval_ctx, 0, sizeof(inval_ctx));
	ctx_sockets(&inval_ctx);
	if (big_map(&inval_ctx) != TEST_SUCCESS || foreign_map(&inval_ctx) != TEST_SUCCESS)
		return TEST_FAILED;
	printf("valid socket %d, absent socket %d\n", inval_ctx.valid_socket,
		inval_ctx.absent_socket);
	return TEST_SUCCESS;
}

static void
inval_teardown(void)
{
	printf("bad input: %u rows run, %u failed, %u skipped\n", inval_ctx.rows_run,
		inval_ctx.failures, inval_ctx.rows_skipped);
	big_unmap(&inval_ctx);
	foreign_unmap(&inval_ctx);
}

static struct unit_test_suite fastmem_inval_testsuite = {
	.suite_name = "fastmem bad input",
	.setup = inval_setup,
	.teardown = inval_teardown,
	.unit_test_cases = {
		TEST_CASE(test_inval_before_init),
		TEST_CASE(test_inval_initialized),
		TEST_CASE(test_inval_after_deinit),
		TEST_CASES_END()
	}
};

static int
test_fastmem_inval(void)
{
	return unit_test_suite_runner(&fastmem_inval_testsuite);
}

REGISTER_FAST_TEST(fastmem_inval_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_inval);
