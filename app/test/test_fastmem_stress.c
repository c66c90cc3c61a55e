/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_ring.h>
#include <rte_stdatomic.h>
#include <rte_thread.h>

#include <rte_fastmem.h>

#include "test.h"
#include "test_fastmem.h"

/*
 * Randomized multi-thread stress test of fastmem.
 *
 * Every lcore (the workers and the main lcore) and one non-EAL thread (a plain pthread) run a
 * random mix of every API call: alloc, alloc_socket, realloc, alloc_bulk(_socket), free,
 * free_bulk, hlookup + halloc, halloc_bulk, hfree, hfree_bulk, cache_flush, and frees of
 * objects another thread allocated, passed through a multi-producer/multi-consumer ring. Sizes
 * cover 1 B to 1 MiB, weighted towards small sizes, and alignments are 0 or powers of two up
 * to 1 MiB. Each thread's generator has a fixed seed (the interleaving of the threads is up to
 * the scheduler).
 *
 * Each thread keeps a model of the objects it owns (pointer, size, class, socket, id). An
 * object of 8 bytes or more stores its 64-bit id in its first word; the id encodes the owner,
 * a serial number and the requested size, so that a thread receiving the object through the
 * ring can check it without the sender's model. The rest of the object holds a pattern derived
 * from the id. An object smaller than 8 bytes has no room for the id: its bytes are the first
 * bytes of the pattern word derived from the id kept in the owner's model, and such objects
 * never go through the ring. Every object is checked before it is freed, sent or resized.
 *
 * At the end every thread frees what it owns, the ring is drained, every thread flushes its
 * own cache, and the test checks that no object is in use (bytes_in_use and every class's
 * in_use), that the allocation and free counters match what the threads counted, and that
 * every slab is free again: with the limit set to the backing memory, one 1 MiB object per
 * 2 MiB slab can be allocated, which fails if any object was left in a cache.
 *
 * The default run does STRESS_OPS_DEFAULT operations in total (a bulk call of n objects counts
 * n); the environment variable FASTMEM_STRESS_OPS sets another total.
 */

#define STRESS_OPS_DEFAULT UINT64_C(12000000)
#define STRESS_CHUNK 4096              /* operations a thread claims at once */
#define STRESS_LIMIT MIB(448)          /* backing limit: the tests run with -m 1024 */
#define STRESS_MAX_LIVE 4096           /* objects a thread owns at most */
#define STRESS_LIVE_BUDGET MIB(24)     /* bytes (at class size) a thread owns at most */
#define STRESS_MAX_BULK 32             /* objects per bulk call */
#define STRESS_BULK_BYTES MIB(4)       /* bytes (at class size) per bulk call */
#define STRESS_RING_SIZE 4096
#define STRESS_RING_BURST 16
#define STRESS_MAX_THREADS (RTE_MAX_LCORE + 1)
#define N_CLASSES TEST_N_CLASSES
#define MAX_SIZE MIB(1)
#define SLAB_SIZE MIB(2)

/* Id layout: size in bits 0-20, serial in bits 21-55, owner thread + 1 in bits 56-63. */
#define ID_SIZE_MASK ((UINT64_C(1) << 21) - 1)
#define ID_SERIAL_SHIFT 21
#define ID_SERIAL_MASK ((UINT64_C(1) << 35) - 1)
#define ID_OWNER_SHIFT 56

struct obj_rec {
	void *p;
	uint64_t id;
	uint32_t size;
	uint8_t cls;     /* class index */
	int8_t socket;   /* socket id, -1 when not known */
};

struct thr {
	unsigned int idx;
	unsigned int lcore_id;  /* LCORE_ID_ANY for the non-EAL thread */
	uint64_t rng;
	uint64_t serial;
	unsigned int n_live;
	uint64_t live_bytes;
	/* Counters: operations, objects allocated and freed (as the library counts them). */
	uint64_t ops;
	uint64_t n_alloc;
	uint64_t n_free;
	uint64_t n_nomem;       /* objects not allocated for lack of memory */
	uint64_t n_sent;
	uint64_t n_recv;
	uint64_t n_recv_foreign; /* received objects another thread allocated */
	uint64_t n_realloc_same;
	uint64_t n_realloc_moved;
	uint64_t n_flush;
	int ret;
	struct obj_rec live[STRESS_MAX_LIVE];
};

static struct {
	struct rte_ring *ring;
	struct thr *thr[STRESS_MAX_THREADS];
	unsigned int n_threads;
	uint64_t total_ops;
	int socket_ids[RTE_MAX_NUMA_NODES];
	unsigned int n_sockets;
	rte_fastmem_handle_t handles[RTE_MAX_NUMA_NODES][N_CLASSES]; /* by socket id, class */
	RTE_ATOMIC(uint64_t) claimed;
	RTE_ATOMIC(uint32_t) arrived;
	RTE_ATOMIC(uint32_t) stop;
} g;

/*
 * Helpers.
 */

static inline uint64_t
rnd(struct thr *t)
{
	return test_rnd(&t->rng);
}

static inline unsigned int
rnd_below(struct thr *t, unsigned int n)
{
	return test_rnd_below(&t->rng, n);
}

/* A size from 1 B to 1 MiB: the power of two above it is picked by weight. */
static size_t
rnd_size(struct thr *t)
{
	/* Weights of the ceiling exponents 0 (1 B) to 20 (1 MiB), out of 4096. */
	static const uint16_t cum[21] = {
		300, 600, 900, 1200, 1500, 1800, 2100,  /* 1 B .. 64 B */
		2420, 2740, 3060, 3380,                 /* .. 1 KiB */
		3530, 3680, 3830, 3980,                 /* .. 16 KiB */
		4012, 4044, 4076,                       /* .. 128 KiB */
		4086, 4092, 4096,                       /* .. 1 MiB */
	};
	unsigned int r = rnd_below(t, 4096), e;
	size_t lo;

	for (e = 0; e < 20 && r >= cum[e]; e++)
		;
	if (e == 0)
		return 1;
	lo = (size_t)1 << (e - 1);
	return lo + 1 + rnd_below(t, (unsigned int)lo);
}

/* An alignment: 0 (cache line) half of the time, else a power of two up to 1 MiB. */
static size_t
rnd_align(struct thr *t)
{
	unsigned int r = rnd_below(t, 1000);

	if (r < 500)
		return 0;
	if (r < 950)
		return (size_t)1 << rnd_below(t, 7);
	if (r < 995)
		return (size_t)1 << (7 + rnd_below(t, 6));
	return (size_t)1 << (13 + rnd_below(t, 8));
}

static int
rnd_socket(struct thr *t)
{
	if (rnd_below(t, 4) == 0)
		return SOCKET_ID_ANY;
	return g.socket_ids[rnd_below(t, g.n_sockets)];
}

/* The socket of an object allocated with @p socket_id: known for explicit sockets only. */
static int
known_socket(int socket_id)
{
	if (socket_id != SOCKET_ID_ANY)
		return socket_id;
	return g.n_sockets == 1 ? g.socket_ids[0] : -1;
}

static uint64_t
new_id(struct thr *t, size_t size)
{
	t->serial++;
	return ((uint64_t)(t->idx + 1) << ID_OWNER_SHIFT) |
		((t->serial & ID_SERIAL_MASK) << ID_SERIAL_SHIFT) | size;
}

/* Report a failure of thread t, stop every thread; returns -1 for the caller to return. */
static int __rte_format_printf(2, 3)
stress_fail(struct thr *t, const char *fmt, ...)
{
	va_list ap;

	printf("stress thread %u (lcore %d), op %" PRIu64 ": ", t->idx,
		t->lcore_id == LCORE_ID_ANY ? -1 : (int)t->lcore_id, t->ops);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	rte_atomic_store_explicit(&g.stop, 1, rte_memory_order_relaxed);
	return -1;
}

/* Check an object the thread owns. */
static int
obj_check(struct thr *t, const struct obj_rec *o)
{
	size_t off = pat_check(o->p, o->size, o->size, o->id);

	if (off != SIZE_MAX)
		return stress_fail(t, "object %p (%u B, id %#" PRIx64 ") corrupted at offset %zu",
			o->p, o->size, o->id, off);
	return 0;
}

/* Check an allocated object's alignment and, for a zeroing call, its content. */
static int
obj_new_check(struct thr *t, void *p, size_t size, size_t align, size_t zero_len)
{
	size_t a = align != 0 ? align : (size_t)RTE_CACHE_LINE_SIZE;

	if (((uintptr_t)p & (a - 1)) != 0)
		return stress_fail(t, "object %p (%zu B) not aligned to %zu", p, size, a);
	if (zero_len != 0 && !is_zero(p, zero_len))
		return stress_fail(t, "object %p (%zu B) not zeroed", p, zero_len);
	return 0;
}

/* Record a new object, filled with its pattern. */
static void
obj_add(struct thr *t, void *p, size_t size, unsigned int cls, int socket)
{
	struct obj_rec *o = &t->live[t->n_live++];

	o->p = p;
	o->size = (uint32_t)size;
	o->cls = (uint8_t)cls;
	o->socket = (int8_t)socket;
	o->id = new_id(t, size);
	pat_fill(p, size, o->id);
	t->live_bytes += class_size(cls);
}

static void
obj_del(struct thr *t, unsigned int i)
{
	t->live_bytes -= class_size(t->live[i].cls);
	t->live[i] = t->live[--t->n_live];
}

/* Is there room in the model for @p n objects of class @p cls? */
static bool
room_for(const struct thr *t, unsigned int n, unsigned int cls)
{
	return t->n_live + n <= STRESS_MAX_LIVE &&
		t->live_bytes + n * class_size(cls) <= STRESS_LIVE_BUDGET;
}

static int
check_nomem(struct thr *t, const char *what)
{
	if (rte_errno != ENOMEM)
		return stress_fail(t, "%s failed with rte_errno %d (%s)", what, rte_errno,
			rte_strerror(rte_errno));
	return 0;
}

/*
 * The operations. Each returns 0 or -1 (failure, printed), and adds to t->ops.
 */

static int op_free(struct thr *t);

static int
op_alloc(struct thr *t, bool with_socket)
{
	size_t size = rnd_size(t), align = rnd_align(t);
	unsigned int cls = class_of(size, align);
	unsigned int flags = rnd_below(t, 8) == 0 ? RTE_FASTMEM_F_ZERO : 0;
	int socket = with_socket ? rnd_socket(t) : SOCKET_ID_ANY;
	void *p;

	if (!room_for(t, 1, cls))
		return op_free(t);
	t->ops++;
	if (with_socket)
		p = rte_fastmem_alloc_socket(size, align, flags, socket);
	else
		p = rte_fastmem_alloc(size, align, flags);
	if (p == NULL) {
		t->n_nomem++;
		return check_nomem(t, "alloc");
	}
	t->n_alloc++;
	if (obj_new_check(t, p, size, align, flags != 0 ? size : 0) < 0)
		return -1;
	obj_add(t, p, size, cls, known_socket(socket));
	return 0;
}

static int
op_free(struct thr *t)
{
	unsigned int i;

	if (t->n_live == 0)
		return 0;
	i = rnd_below(t, t->n_live);
	if (obj_check(t, &t->live[i]) < 0)
		return -1;
	t->ops++;
	rte_fastmem_free(t->live[i].p);
	t->n_free++;
	obj_del(t, i);
	return 0;
}

static int
op_realloc(struct thr *t)
{
	size_t size = rnd_size(t), align = rnd_align(t), keep;
	unsigned int cls = class_of(size, align), i;
	struct obj_rec o;
	void *p;

	if (t->n_live == 0 || rnd_below(t, 16) == 0) {
		/* realloc(NULL) allocates. */
		if (!room_for(t, 1, cls))
			return op_free(t);
		t->ops++;
		p = rte_fastmem_realloc(NULL, size, align);
		if (p == NULL) {
			t->n_nomem++;
			return check_nomem(t, "realloc(NULL)");
		}
		t->n_alloc++;
		if (obj_new_check(t, p, size, align, 0) < 0)
			return -1;
		obj_add(t, p, size, cls, known_socket(SOCKET_ID_ANY));
		return 0;
	}
	i = rnd_below(t, t->n_live);
	o = t->live[i];
	if (obj_check(t, &o) < 0)
		return -1;
	if (rnd_below(t, 32) == 0) {
		/* A size of 0 frees. */
		t->ops++;
		p = rte_fastmem_realloc(o.p, 0, align);
		if (p != NULL)
			return stress_fail(t, "realloc(%p, 0) returned %p", o.p, p);
		t->n_free++;
		obj_del(t, i);
		return 0;
	}
	if (t->live_bytes - class_size(o.cls) + class_size(cls) > STRESS_LIVE_BUDGET)
		return op_free(t);
	t->ops++;
	p = rte_fastmem_realloc(o.p, size, align);
	if (p == NULL) {
		t->n_nomem++;
		if (check_nomem(t, "realloc") < 0)
			return -1;
		return obj_check(t, &o); /* the old object is untouched */
	}
	if (cls == o.cls) {
		if (p != o.p)
			return stress_fail(t, "realloc(%p, %zu, %zu) in the same class moved to %p",
				o.p, size, align, p);
		t->n_realloc_same++;
	} else {
		if (p == o.p)
			return stress_fail(t,
				"realloc(%p, %zu, %zu) kept the pointer across classes %zu -> %zu",
				o.p, size, align, class_size(o.cls), class_size(cls));
		t->n_realloc_moved++;
		t->n_alloc++;
		t->n_free++;
	}
	if (obj_new_check(t, p, size, align, 0) < 0)
		return -1;
	keep = RTE_MIN(size, (size_t)o.size);
	if (pat_check(p, keep, o.size, o.id) != SIZE_MAX)
		return stress_fail(t, "realloc(%p (%u B), %zu, %zu) -> %p lost the content",
			o.p, o.size, size, align, p);
	obj_del(t, i);
	obj_add(t, p, size, cls, o.socket >= 0 && g.n_sockets == 1 ? o.socket : -1);
	return 0;
}

static int
op_alloc_bulk(struct thr *t)
{
	void *ptrs[STRESS_MAX_BULK + 1];
	size_t size = rnd_size(t), align = rnd_align(t);
	unsigned int cls = class_of(size, align);
	unsigned int n = 1 + rnd_below(t, STRESS_MAX_BULK), i;
	unsigned int flags = rnd_below(t, 8) == 0 ? RTE_FASTMEM_F_ZERO : 0;
	int socket = SOCKET_ID_ANY, ret;

	n = RTE_MIN(n, (unsigned int)RTE_MAX(STRESS_BULK_BYTES / class_size(cls), (size_t)1));
	if (!room_for(t, n, cls))
		return op_free(t);
	for (i = 0; i <= n; i++)
		ptrs[i] = NULL;
	t->ops += n;
	if (rnd_below(t, 2) == 0) {
		socket = rnd_socket(t);
		ret = rte_fastmem_alloc_bulk_socket(ptrs, n, size, align, flags, socket);
	} else {
		ret = rte_fastmem_alloc_bulk(ptrs, n, size, align, flags);
	}
	if (ret != 0) {
		t->n_nomem += n;
		if (ret != -ENOMEM)
			return stress_fail(t, "alloc_bulk(%u x %zu B) returned %d", n, size, ret);
		if (check_nomem(t, "alloc_bulk") < 0)
			return -1;
		for (i = 0; i <= n; i++)
			if (ptrs[i] != NULL)
				return stress_fail(t, "failed alloc_bulk wrote ptrs[%u]", i);
		return 0;
	}
	if (ptrs[n] != NULL)
		return stress_fail(t, "alloc_bulk of %u wrote ptrs[%u]", n, n);
	t->n_alloc += n;
	for (i = 0; i < n; i++) {
		if (ptrs[i] == NULL)
			return stress_fail(t, "alloc_bulk returned NULL in ptrs[%u]", i);
		if (obj_new_check(t, ptrs[i], size, align, flags != 0 ? size : 0) < 0)
			return -1;
		obj_add(t, ptrs[i], size, cls, known_socket(socket));
	}
	return 0;
}

/* Pick up to @p n consecutive entries of the model (wrapping), as indexes into idx[]. */
static unsigned int
pick_run(struct thr *t, unsigned int *idx, unsigned int n)
{
	unsigned int start, i;

	n = RTE_MIN(n, t->n_live);
	start = rnd_below(t, RTE_MAX(t->n_live, 1u));
	for (i = 0; i < n; i++)
		idx[i] = (start + i) % t->n_live;
	return n;
}

/* Remove the entries idx[0..n) from the model: highest index first. */
static void
del_many(struct thr *t, unsigned int *idx, unsigned int n)
{
	unsigned int i, j, tmp;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && idx[j - 1] < idx[j]; j--) {
			tmp = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
	for (i = 0; i < n; i++)
		obj_del(t, idx[i]);
}

static int
op_free_bulk(struct thr *t)
{
	void *ptrs[2 * STRESS_MAX_BULK];
	unsigned int idx[STRESS_MAX_BULK];
	unsigned int n = pick_run(t, idx, 1 + rnd_below(t, STRESS_MAX_BULK)), i, k = 0;

	for (i = 0; i < n; i++) {
		if (obj_check(t, &t->live[idx[i]]) < 0)
			return -1;
		ptrs[k++] = t->live[idx[i]].p;
		if (rnd_below(t, 16) == 0)
			ptrs[k++] = NULL; /* skipped */
	}
	t->ops += n;
	rte_fastmem_free_bulk(ptrs, k);
	t->n_free += n;
	del_many(t, idx, n);
	return 0;
}

static int
op_halloc(struct thr *t, bool bulk)
{
	void *ptrs[STRESS_MAX_BULK + 1];
	size_t size = rnd_size(t), align = rnd_align(t);
	unsigned int cls = class_of(size, align), n = 1, i;
	unsigned int flags = rnd_below(t, 8) == 0 ? RTE_FASTMEM_F_ZERO : 0;
	int socket = rnd_socket(t), ret;
	rte_fastmem_handle_t h;

	if (bulk) {
		n = 1 + rnd_below(t, STRESS_MAX_BULK);
		n = RTE_MIN(n, (unsigned int)RTE_MAX(STRESS_BULK_BYTES / class_size(cls),
				(size_t)1));
	}
	if (!room_for(t, n, cls))
		return op_free(t);
	t->ops++;
	ret = rte_fastmem_hlookup(size, align, socket, &h);
	if (ret != 0)
		return stress_fail(t, "hlookup(%zu, %zu, %d) failed: %d", size, align, socket, ret);
	for (i = 0; i <= n; i++)
		ptrs[i] = NULL;
	t->ops += n;
	if (bulk) {
		ret = rte_fastmem_halloc_bulk(h, ptrs, n, flags);
		if (ret != 0 && ret != -ENOMEM)
			return stress_fail(t, "halloc_bulk(%u x %zu B) returned %d", n, size, ret);
	} else {
		ptrs[0] = rte_fastmem_halloc(h, flags);
		ret = ptrs[0] == NULL ? -ENOMEM : 0;
	}
	if (ret != 0) {
		t->n_nomem += n;
		if (check_nomem(t, bulk ? "halloc_bulk" : "halloc") < 0)
			return -1;
		for (i = 0; i <= n; i++)
			if (ptrs[i] != NULL)
				return stress_fail(t, "failed halloc_bulk wrote ptrs[%u]", i);
		return 0;
	}
	if (ptrs[n] != NULL)
		return stress_fail(t, "halloc_bulk of %u wrote ptrs[%u]", n, n);
	t->n_alloc += n;
	for (i = 0; i < n; i++) {
		if (ptrs[i] == NULL)
			return stress_fail(t, "halloc_bulk returned NULL in ptrs[%u]", i);
		/* A handle allocation is aligned to its class and zeroes the whole class. */
		if (obj_new_check(t, ptrs[i], size, class_alignment(cls),
				flags != 0 ? class_size(cls) : 0) < 0)
			return -1;
		obj_add(t, ptrs[i], size, cls, known_socket(socket));
	}
	return 0;
}

static int
op_hfree(struct thr *t, bool bulk)
{
	void *ptrs[STRESS_MAX_BULK];
	unsigned int idx[STRESS_MAX_BULK];
	unsigned int n = bulk ? 1 + rnd_below(t, STRESS_MAX_BULK) : 1, k = 0, i, j;
	struct obj_rec *o;
	rte_fastmem_handle_t h;

	if (t->n_live == 0)
		return 0;
	i = rnd_below(t, t->n_live);
	o = &t->live[i];
	if (o->socket < 0)
		return op_free(t);
	h = g.handles[o->socket][o->cls];
	/* Objects of the same class and socket, from a short window of the model. */
	for (j = 0; j < RTE_MIN(t->n_live, 4u * STRESS_MAX_BULK) && k < n; j++) {
		unsigned int x = (i + j) % t->n_live;

		if (t->live[x].cls == o->cls && t->live[x].socket == o->socket) {
			if (obj_check(t, &t->live[x]) < 0)
				return -1;
			idx[k] = x;
			ptrs[k++] = t->live[x].p;
		}
	}
	t->ops += k;
	if (bulk)
		rte_fastmem_hfree_bulk(h, ptrs, k);
	else
		rte_fastmem_hfree(h, ptrs[0]);
	t->n_free += k;
	del_many(t, idx, k);
	return 0;
}

static bool
in_list(const unsigned int *idx, unsigned int n, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (idx[j] == i)
			return true;
	return false;
}

/* Hand objects of 8 bytes or more to whichever thread dequeues them. */
static int
op_send(struct thr *t)
{
	void *ptrs[8];
	unsigned int idx[8];
	unsigned int n = 1 + rnd_below(t, 8), k = 0, tries, i;

	for (tries = 0; tries < 2 * n && k < n && t->n_live > 0; tries++) {
		i = rnd_below(t, t->n_live);
		if (t->live[i].size < 8 || in_list(idx, k, i))
			continue;
		if (obj_check(t, &t->live[i]) < 0)
			return -1;
		idx[k] = i;
		ptrs[k++] = t->live[i].p;
	}
	if (k == 0 || rte_ring_enqueue_bulk(g.ring, ptrs, k, NULL) == 0)
		return 0;
	t->ops += k;
	t->n_sent += k;
	del_many(t, idx, k);
	return 0;
}

/* Check and free an object received through the ring. */
static int
recv_check(struct thr *t, void *p)
{
	uint64_t id = *(const uint64_t *)p;
	size_t size = id & ID_SIZE_MASK;
	unsigned int owner = (unsigned int)(id >> ID_OWNER_SHIFT);
	size_t off;

	if (size < 8 || size > MAX_SIZE || owner == 0 || owner > g.n_threads)
		return stress_fail(t, "received object %p has a corrupted id %#" PRIx64, p, id);
	off = pat_check(p, size, size, id);
	if (off != SIZE_MAX)
		return stress_fail(t,
			"received object %p (%zu B, id %#" PRIx64 ") corrupted at offset %zu",
			p, size, id, off);
	if (owner != t->idx + 1)
		t->n_recv_foreign++;
	return 0;
}

static int
op_recv(struct thr *t, unsigned int *got)
{
	void *ptrs[STRESS_RING_BURST];
	unsigned int n, i;

	n = rte_ring_dequeue_burst(g.ring, ptrs, 1 + rnd_below(t, STRESS_RING_BURST), NULL);
	*got = n;
	for (i = 0; i < n; i++)
		if (recv_check(t, ptrs[i]) < 0)
			return -1;
	t->ops += n;
	if (rnd_below(t, 2) == 0) {
		rte_fastmem_free_bulk(ptrs, n);
	} else {
		for (i = 0; i < n; i++)
			rte_fastmem_free(ptrs[i]);
	}
	t->n_recv += n;
	t->n_free += n;
	return 0;
}

/* One random operation. */
static int
op_random(struct thr *t)
{
	unsigned int r = rnd_below(t, 1000), got;

	rte_errno = 0; /* what a failed operation sets, not what an earlier one left */
	if (r < 200)
		return op_alloc(t, false);
	if (r < 260)
		return op_alloc(t, true);
	if (r < 470)
		return op_free(t);
	if (r < 530)
		return op_realloc(t);
	if (r < 580)
		return op_alloc_bulk(t);
	if (r < 640)
		return op_free_bulk(t);
	if (r < 720)
		return op_halloc(t, false);
	if (r < 800)
		return op_hfree(t, false);
	if (r < 840)
		return op_halloc(t, true);
	if (r < 900)
		return op_hfree(t, true);
	if (r < 945)
		return op_send(t);
	if (r < 998)
		return op_recv(t, &got);
	t->ops++;
	t->n_flush++;
	rte_fastmem_cache_flush();
	return 0;
}

/* Free everything the thread owns. */
static int
free_all(struct thr *t)
{
	while (t->n_live > 0) {
		if (obj_check(t, &t->live[t->n_live - 1]) < 0)
			return -1;
		rte_fastmem_free(t->live[t->n_live - 1].p);
		t->n_free++;
		t->ops++;
		obj_del(t, t->n_live - 1);
	}
	return 0;
}

static int
stress_body(struct thr *t)
{
	uint64_t start, todo, begin;
	unsigned int got;
	int ret = 0;

	while (ret == 0 && !rte_atomic_load_explicit(&g.stop, rte_memory_order_relaxed)) {
		start = rte_atomic_fetch_add_explicit(&g.claimed, STRESS_CHUNK,
				rte_memory_order_relaxed);
		if (start >= g.total_ops)
			break;
		todo = RTE_MIN((uint64_t)STRESS_CHUNK, g.total_ops - start);
		begin = t->ops;
		while (ret == 0 && t->ops - begin < todo)
			ret = op_random(t);
	}
	if (ret == 0)
		ret = free_all(t);
	/* Nobody sends once everybody has arrived: then an empty ring stays empty. */
	rte_atomic_fetch_add_explicit(&g.arrived, 1, rte_memory_order_acq_rel);
	while (rte_atomic_load_explicit(&g.arrived, rte_memory_order_acquire) < g.n_threads)
		sched_yield();
	do {
		got = 0;
		if (ret == 0)
			ret = op_recv(t, &got);
	} while (got > 0);
	rte_fastmem_cache_flush();
	t->ret = ret;
	return ret;
}

static int
stress_lcore(void *arg)
{
	return stress_body(arg);
}

static uint32_t
stress_pthread(void *arg)
{
	stress_body(arg);
	return 0;
}

/*
 * The test.
 */

static int
stress_setup(void)
{
	int ret = rte_fastmem_init();

	TEST_ASSERT_SUCCESS(ret, "rte_fastmem_init failed: %d", ret);
	return TEST_SUCCESS;
}

static void
stress_teardown(void)
{
	unsigned int i;

	rte_ring_free(g.ring);
	g.ring = NULL;
	for (i = 0; i < g.n_threads; i++) {
		rte_free(g.thr[i]);
		g.thr[i] = NULL;
	}
	g.n_threads = 0;
	rte_fastmem_deinit();
}

static int
read_total_ops(uint64_t *total)
{
	const char *s = getenv("FASTMEM_STRESS_OPS");
	char *end;

	*total = STRESS_OPS_DEFAULT;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	*total = strtoull(s, &end, 0);
	TEST_ASSERT(errno == 0 && *end == '\0' && *total > 0,
		"FASTMEM_STRESS_OPS=%s: not a positive number", s);
	return 0;
}

/* Every slab must be free: with no growth allowed, each holds one 1 MiB object. */
static int
check_slabs_free(uint64_t backing)
{
	uint64_t n_slabs = backing / SLAB_SIZE, n;
	void **objs;
	int ret;

	TEST_ASSERT(n_slabs > 0, "no backing memory after the run");
	objs = calloc(n_slabs + 1, sizeof(*objs));
	TEST_ASSERT_NOT_NULL(objs, "no memory for the check");
	ret = limit_backing(100);
	TEST_ASSERT_SUCCESS(ret, "limit_backing failed: %d", ret);
	rte_errno = 0;
	for (n = 0; n <= n_slabs; n++) {
		objs[n] = rte_fastmem_alloc(MAX_SIZE, 0, 0);
		if (objs[n] == NULL)
			break;
	}
	ret = rte_errno;
	rte_fastmem_free_bulk(objs, n);
	free(objs);
	rte_fastmem_cache_flush();
	printf("slab check: %" PRIu64 " objects of 1 MiB in %" PRIu64 " slabs\n", n, n_slabs);
	TEST_ASSERT(n >= n_slabs, "only %" PRIu64 " objects of 1 MiB fit in %" PRIu64
		" slabs: objects were left in caches (rte_errno %d)", n, n_slabs, ret);
	TEST_ASSERT(n <= n_slabs, "%" PRIu64 " objects of 1 MiB in %" PRIu64 " slabs",
		n, n_slabs);
	TEST_ASSERT_EQUAL(ret, ENOMEM, "exhaustion: rte_errno %d", ret);
	return TEST_SUCCESS;
}

static int
check_nothing_live(void)
{
	size_t sizes[N_CLASSES];
	struct rte_fastmem_class_stats cs;
	unsigned int n, i;
	int ret;

	n = rte_fastmem_classes(NULL);
	TEST_ASSERT_EQUAL(n, (unsigned int)N_CLASSES, "%u classes", n);
	rte_fastmem_classes(sizes);
	for (i = 0; i < n; i++) {
		ret = rte_fastmem_stats_class(sizes[i], &cs);
		TEST_ASSERT_SUCCESS(ret, "stats_class(%zu) failed: %d", sizes[i], ret);
		TEST_ASSERT_EQUAL(cs.in_use, UINT64_C(0), "class %zu: %" PRIu64 " objects in use",
			sizes[i], cs.in_use);
	}
	return TEST_SUCCESS;
}

static int
test_stress_run(void)
{
	struct rte_fastmem_stats st;
	struct thr sum = { 0 };
	struct timespec t0, t1;
	unsigned int lcore, i, s;
	rte_thread_t tid;
	double secs;
	int ret, launch_ret = 0;

	TEST_ASSERT_SUCCESS(read_total_ops(&g.total_ops), "bad FASTMEM_STRESS_OPS");
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, STRESS_LIMIT);
	TEST_ASSERT_SUCCESS(ret, "set_limit failed: %d", ret);

	g.n_sockets = RTE_MAX(rte_socket_count(), 1u);
	for (s = 0; s < g.n_sockets; s++) {
		g.socket_ids[s] = rte_socket_count() > 0 ? rte_socket_id_by_idx(s) : 0;
		TEST_ASSERT(g.socket_ids[s] >= 0 && g.socket_ids[s] < RTE_MAX_NUMA_NODES &&
			g.socket_ids[s] <= INT8_MAX, "socket id %d", g.socket_ids[s]);
		for (i = 0; i < N_CLASSES; i++) {
			/* Handles are looked up here and used by every thread. */
			ret = rte_fastmem_hlookup(class_size(i), class_alignment(i),
					g.socket_ids[s],
					&g.handles[g.socket_ids[s]][i]);
			TEST_ASSERT_SUCCESS(ret, "hlookup(%zu) failed: %d", class_size(i), ret);
		}
	}
	g.ring = rte_ring_create("fastmem_stress", STRESS_RING_SIZE, SOCKET_ID_ANY, 0);
	TEST_ASSERT_NOT_NULL(g.ring, "cannot create the ring: %s", rte_strerror(rte_errno));

	/* Thread 0 is the main lcore, then the workers, then the non-EAL thread. */
	g.n_threads = rte_lcore_count() + 1;
	for (i = 0; i < g.n_threads; i++) {
		g.thr[i] = rte_zmalloc("fastmem_stress", sizeof(struct thr), RTE_CACHE_LINE_SIZE);
		TEST_ASSERT_NOT_NULL(g.thr[i], "no memory for thread state");
		g.thr[i]->idx = i;
		g.thr[i]->rng = UINT64_C(0x5EED0000) + i;
		g.thr[i]->lcore_id = LCORE_ID_ANY;
	}
	g.thr[0]->lcore_id = rte_lcore_id();
	rte_atomic_store_explicit(&g.claimed, 0, rte_memory_order_relaxed);
	rte_atomic_store_explicit(&g.arrived, 0, rte_memory_order_relaxed);
	rte_atomic_store_explicit(&g.stop, 0, rte_memory_order_relaxed);

	printf("stress: %" PRIu64 " operations on %u lcores and 1 non-EAL thread\n",
		g.total_ops, rte_lcore_count());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	i = 1;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		g.thr[i]->lcore_id = lcore;
		if (launch_ret == 0)
			launch_ret = rte_eal_remote_launch(stress_lcore, g.thr[i], lcore);
		if (launch_ret != 0) {
			/* Not running: stop the others, and stand in for it at the end. */
			rte_atomic_store_explicit(&g.stop, 1, rte_memory_order_relaxed);
			rte_atomic_fetch_add_explicit(&g.arrived, 1, rte_memory_order_acq_rel);
			g.thr[i]->ret = -1;
		}
		i++;
	}
	ret = rte_thread_create(&tid, NULL, stress_pthread, g.thr[g.n_threads - 1]);
	if (ret != 0) {
		rte_atomic_store_explicit(&g.stop, 1, rte_memory_order_relaxed);
		/* The other threads wait for every thread at the end: stand in for it. */
		rte_atomic_fetch_add_explicit(&g.arrived, 1, rte_memory_order_acq_rel);
		g.thr[g.n_threads - 1]->ret = -1;
	}
	stress_body(g.thr[0]);
	rte_eal_mp_wait_lcore();
	if (ret == 0)
		rte_thread_join(tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TEST_ASSERT_SUCCESS(launch_ret, "cannot launch the workers: %d", launch_ret);
	TEST_ASSERT_SUCCESS(ret, "cannot create the non-EAL thread: %d", ret);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	for (i = 0; i < g.n_threads; i++) {
		struct thr *t = g.thr[i];

		printf("  thread %u (%s %d): %" PRIu64 " ops, %" PRIu64 " allocs, %" PRIu64
			" frees, %" PRIu64 " nomem, %" PRIu64 " sent, %" PRIu64 " received (%"
			PRIu64 " from other threads), realloc %" PRIu64 " in place %" PRIu64
			" moved, %" PRIu64 " flushes\n", i,
			t->lcore_id == LCORE_ID_ANY ? "non-EAL" : "lcore",
			t->lcore_id == LCORE_ID_ANY ? -1 : (int)t->lcore_id, t->ops, t->n_alloc,
			t->n_free, t->n_nomem, t->n_sent, t->n_recv, t->n_recv_foreign,
			t->n_realloc_same, t->n_realloc_moved, t->n_flush);
		TEST_ASSERT_SUCCESS(t->ret, "thread %u failed", i);
		sum.ops += t->ops;
		sum.n_alloc += t->n_alloc;
		sum.n_free += t->n_free;
		sum.n_nomem += t->n_nomem;
		sum.n_sent += t->n_sent;
		sum.n_recv += t->n_recv;
		sum.n_recv_foreign += t->n_recv_foreign;
	}
	printf("stress: %" PRIu64 " ops in %.2f s: %.0f ops/s; %" PRIu64 " objects allocated, %"
		PRIu64 " ENOMEM, %" PRIu64 " freed by another thread\n", sum.ops, secs,
		sum.ops / secs, sum.n_alloc, sum.n_nomem, sum.n_recv_foreign);

	TEST_ASSERT_EQUAL(sum.n_sent, sum.n_recv, "%" PRIu64 " objects sent, %" PRIu64
		" received", sum.n_sent, sum.n_recv);
	TEST_ASSERT_EQUAL(rte_ring_count(g.ring), 0u, "objects left in the ring");
	TEST_ASSERT(g.n_threads < 2 || sum.n_recv_foreign > 0,
		"no object was freed by another thread than its owner");

	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "stats failed: %d", ret);
	printf("stats: backing %" PRIu64 " MiB, in use %" PRIu64 " B, alloc_total %" PRIu64
		", free_total %" PRIu64 ", alloc_nomem %" PRIu64 "\n", st.bytes_backing >> 20,
		st.bytes_in_use, st.alloc_total, st.free_total, st.alloc_nomem);
	TEST_ASSERT_EQUAL(st.bytes_in_use, UINT64_C(0), "%" PRIu64 " bytes still in use",
		st.bytes_in_use);
	TEST_ASSERT_SUCCESS(check_nothing_live(), "objects still in use");
	TEST_ASSERT_EQUAL(st.alloc_total, st.free_total, "alloc_total %" PRIu64
		" != free_total %" PRIu64, st.alloc_total, st.free_total);
	TEST_ASSERT_EQUAL(st.alloc_total, sum.n_alloc, "alloc_total %" PRIu64
		", the threads allocated %" PRIu64, st.alloc_total, sum.n_alloc);
	TEST_ASSERT_EQUAL(st.alloc_nomem, sum.n_nomem, "alloc_nomem %" PRIu64
		", the threads counted %" PRIu64, st.alloc_nomem, sum.n_nomem);
	TEST_ASSERT(st.bytes_backing <= STRESS_LIMIT * rte_socket_count(),
		"backing %" PRIu64 " over the limit of %u socket(s)", st.bytes_backing,
		rte_socket_count());

	/* Every thread flushed its cache: every slab is free again. */
	TEST_ASSERT_SUCCESS(check_slabs_free(st.bytes_backing), "slabs not free after the run");
	TEST_ASSERT_SUCCESS(check_nothing_live(), "objects in use after the slab check");
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "stats failed: %d", ret);
	TEST_ASSERT_EQUAL(st.bytes_in_use, UINT64_C(0), "%" PRIu64 " bytes in use after the check",
		st.bytes_in_use);
	TEST_ASSERT_EQUAL(st.alloc_total, st.free_total, "alloc_total %" PRIu64
		" != free_total %" PRIu64 " after the check", st.alloc_total, st.free_total);
	return TEST_SUCCESS;
}

static struct unit_test_suite fastmem_stress_testsuite = {
	.suite_name = "fastmem stress autotest",
	.setup = NULL,
	.teardown = NULL,
	.unit_test_cases = {
		TEST_CASE_ST(stress_setup, stress_teardown, test_stress_run),
		TEST_CASES_END()
	}
};

static int
test_fastmem_stress(void)
{
	return unit_test_suite_runner(&fastmem_stress_testsuite);
}

REGISTER_STRESS_TEST(fastmem_stress_autotest, test_fastmem_stress);
