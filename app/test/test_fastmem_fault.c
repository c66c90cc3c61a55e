/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include <rte_fastmem.h>

#include "test.h"
#include "test_fastmem.h"

/*
 * Fault injection for fastmem, through the backing-memory limit: fastmem has no failure hook,
 * but rte_fastmem_set_limit() makes every growth beyond the limit fail with ENOMEM. At random
 * points of a random sequence of calls (fixed seed, one thread, so the run is reproducible)
 * the limit is lowered to the current backing, below it or to 0, so that no growth succeeds,
 * and raised again. Allocations of every kind (alloc, alloc_socket, realloc, alloc_bulk,
 * alloc_bulk_socket, halloc, halloc_bulk, reserve) run against it, mixed with frees of every
 * kind, and the test checks that:
 * - the only error is ENOMEM (rte_errno, and -ENOMEM from functions returning int);
 * - a failed bulk call leaves the array bit for bit as it was (it is filled with sentinels) and
 *   the statistics (in_use of every class, bytes_in_use) as they were;
 * - a failed realloc leaves the old object valid, with its content;
 * - backing memory never grows while the limit is lowered;
 * - no live object is corrupted (each holds a pattern derived from its id);
 * - after a failure, raising the limit makes the same call succeed;
 * - the statistics agree with the test's model at all times: objects in use per class, bytes
 *   in use, objects allocated, freed and refused for lack of memory.
 * A second case lowers the limit below the backing memory while objects are live. Both end
 * with nothing in use.
 */

#define N_CLASSES TEST_N_CLASSES
#define MAX_SIZE MIB(1)
#define SLAB_SIZE MIB(2)

#define FAULT_SEED UINT64_C(0xFA0175EED)
#define FAULT_OPS 40000
#define FAULT_MAX_LIVE 1024
#define FAULT_LIVE_BUDGET MIB(96)     /* bytes (at class size) live at most */
#define FAULT_CAP MIB(192)            /* the raised limit never exceeds this, except to recover */
#define FAULT_MAX_BULK 32
#define FAULT_BULK_BYTES MIB(8)       /* bytes (at class size) per bulk call */
#define FAULT_GUARD 4                 /* array entries after a bulk call's n */

/* A value no valid pointer array entry has: shows whether an array was touched. */
#define SENTINEL(i) ((void *)(uintptr_t)(UINT64_C(0x5e5e000000) + 8 * (uint64_t)(i)))

struct obj_rec {
	void *p;
	uint64_t id;
	uint32_t size;
	uint32_t cls;   /* class index */
	int socket;     /* socket id, -1 when not known */
};

enum req_kind {
	REQ_ALLOC,
	REQ_ALLOC_SOCKET,
	REQ_REALLOC,
	REQ_ALLOC_BULK,
	REQ_ALLOC_BULK_SOCKET,
	REQ_HALLOC,
	REQ_HALLOC_BULK,
	REQ_N
};

static const char * const req_name[REQ_N] = {
	"alloc", "alloc_socket", "realloc", "alloc_bulk", "alloc_bulk_socket", "halloc",
	"halloc_bulk",
};

/* One allocation request, kept so that it can be retried. */
struct req {
	enum req_kind kind;
	size_t size;
	size_t align;
	unsigned int flags;
	unsigned int n;
	int socket;
	unsigned int victim;   /* realloc: index of the object in the model */
};

/* The test's model of the allocator: what is live and what the counters must say. */
static struct {
	uint64_t rng;
	uint64_t serial;
	unsigned int n_live;
	uint64_t live_bytes;
	uint64_t class_live[N_CLASSES];
	uint64_t n_alloc;
	uint64_t n_free;
	uint64_t n_nomem;
	bool limited;            /* the limit is lowered: no growth may happen */
	uint64_t limited_backing; /* backing memory when the limit was lowered */
	int socket_ids[RTE_MAX_NUMA_NODES];
	unsigned int n_sockets;
	/* Counters of the run. */
	uint64_t ops;
	uint64_t fails[REQ_N];
	uint64_t succ_limited[REQ_N]; /* successes while limited: served from reserved memory */
	uint64_t reserve_fails;
	uint64_t recoveries;
	uint64_t kept_in_place;   /* realloc to another class served in place, no memory */
	uint64_t lowerings;
	uint64_t lowerings_below;
	struct obj_rec live[FAULT_MAX_LIVE];
} m;

/*
 * Helpers.
 */

static inline uint64_t
rnd(void)
{
	return test_rnd(&m.rng);
}

static inline unsigned int
rnd_below(unsigned int n)
{
	return test_rnd_below(&m.rng, n);
}

/* A size of 1 B to 1 MiB, its power-of-two ceiling uniform: large objects exhaust quickly. */
static size_t
rnd_size(void)
{
	unsigned int e = rnd_below(21);
	size_t lo;

	if (e == 0)
		return 1;
	lo = (size_t)1 << (e - 1);
	return lo + 1 + rnd_below((unsigned int)lo);
}

static size_t
rnd_align(void)
{
	unsigned int r = rnd_below(100);

	if (r < 50)
		return 0;
	if (r < 95)
		return (size_t)1 << rnd_below(13);
	return (size_t)1 << (13 + rnd_below(8));
}

static int
rnd_socket(void)
{
	if (rnd_below(4) == 0)
		return SOCKET_ID_ANY;
	return m.socket_ids[rnd_below(m.n_sockets)];
}

static int
known_socket(int socket_id)
{
	if (socket_id != SOCKET_ID_ANY)
		return socket_id;
	return m.n_sockets == 1 ? m.socket_ids[0] : -1;
}

/*
 * The model.
 */

static void
obj_add(void *p, size_t size, unsigned int cls, int socket)
{
	struct obj_rec *o = &m.live[m.n_live++];

	o->p = p;
	o->size = (uint32_t)size;
	o->cls = cls;
	o->socket = socket;
	o->id = ++m.serial;
	pat_fill(p, size, o->id);
	m.live_bytes += class_size(cls);
	m.class_live[cls]++;
}

static void
obj_del(unsigned int i)
{
	m.live_bytes -= class_size(m.live[i].cls);
	m.class_live[m.live[i].cls]--;
	m.live[i] = m.live[--m.n_live];
}

static int
obj_check(const struct obj_rec *o)
{
	size_t off = pat_check(o->p, o->size, o->size, o->id);

	TEST_ASSERT(off == SIZE_MAX, "op %" PRIu64 ": object %p (%u B, id %" PRIu64
		") corrupted at offset %zu", m.ops, o->p, o->size, o->id, off);
	return TEST_SUCCESS;
}

static int
check_all_live(void)
{
	unsigned int i;

	for (i = 0; i < m.n_live; i++)
		if (obj_check(&m.live[i]) != TEST_SUCCESS)
			return TEST_FAILED;
	return TEST_SUCCESS;
}

/* The statistics must say exactly what the model says. */
static int
check_stats(void)
{
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats st;
	unsigned int cls;
	int ret;

	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "stats failed: %d", ret);
	TEST_ASSERT_EQUAL(st.bytes_in_use, m.live_bytes, "op %" PRIu64 ": bytes_in_use %" PRIu64
		", expected %" PRIu64, m.ops, st.bytes_in_use, m.live_bytes);
	TEST_ASSERT_EQUAL(st.alloc_total, m.n_alloc, "op %" PRIu64 ": alloc_total %" PRIu64
		", expected %" PRIu64, m.ops, st.alloc_total, m.n_alloc);
	TEST_ASSERT_EQUAL(st.free_total, m.n_free, "op %" PRIu64 ": free_total %" PRIu64
		", expected %" PRIu64, m.ops, st.free_total, m.n_free);
	TEST_ASSERT_EQUAL(st.alloc_nomem, m.n_nomem, "op %" PRIu64 ": alloc_nomem %" PRIu64
		", expected %" PRIu64, m.ops, st.alloc_nomem, m.n_nomem);
	if (m.limited)
		TEST_ASSERT_EQUAL(st.bytes_backing, m.limited_backing, "op %" PRIu64
			": backing grew from %" PRIu64 " to %" PRIu64 " under a lowered limit",
			m.ops, m.limited_backing, st.bytes_backing);
	for (cls = 0; cls < N_CLASSES; cls++) {
		ret = rte_fastmem_stats_class(class_size(cls), &cs);
		TEST_ASSERT_SUCCESS(ret, "stats_class failed: %d", ret);
		TEST_ASSERT_EQUAL(cs.in_use, m.class_live[cls], "op %" PRIu64 ": class %zu in_use %"
			PRIu64 ", expected %" PRIu64, m.ops, class_size(cls), cs.in_use,
			m.class_live[cls]);
	}
	return TEST_SUCCESS;
}

/*
 * Limits.
 */

/* Lower the limit so that no growth can succeed: to the backing memory, below it, or to 0. */
static int
limit_lower(void)
{
	uint64_t b = backing(), limit;
	unsigned int r = rnd_below(10);
	int ret;

	if (m.n_sockets > 1 || r == 0) {
		/* The backing is a sum over sockets: only 0 stops every socket. */
		limit = 0;
	} else if (r < 4 && b >= SLAB_SIZE) {
		limit = b - SLAB_SIZE * (1 + rnd_below((unsigned int)(b / SLAB_SIZE)));
	} else {
		limit = b;
	}
	if (limit < b)
		m.lowerings_below++;
	m.lowerings++;
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, limit);
	TEST_ASSERT_SUCCESS(ret, "set_limit(%" PRIu64 ") failed: %d", limit, ret);
	rte_errno = 0; /* get_limit() of 0 and an error tell apart by it */
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), (size_t)limit,
		"get_limit does not return the limit set");
	TEST_ASSERT_EQUAL(rte_errno, 0, "get_limit set rte_errno %d", rte_errno);
	m.limited = true;
	m.limited_backing = b;
	return check_all_live();
}

/* Raise the limit: room for @p room bytes more, or up to FAULT_CAP. */
static int
limit_raise(uint64_t room)
{
	uint64_t b = backing(), limit;
	int ret;

	limit = room != 0 ? b + room : RTE_MAX(b, RTE_MIN(b + SLAB_SIZE * (1 + rnd_below(16)),
			(uint64_t)FAULT_CAP));
	/* What the requests since the last check did under the lowered limit: no growth. */
	TEST_ASSERT(!m.limited || b == m.limited_backing, "backing grew from %" PRIu64 " to %"
		PRIu64 " bytes under a lowered limit", m.limited_backing, b);
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, limit);
	TEST_ASSERT_SUCCESS(ret, "set_limit(%" PRIu64 ") failed: %d", limit, ret);
	m.limited = false;
	return check_all_live();
}

/* Room that lets a request succeed whatever the state of the slabs. */
static uint64_t
req_room(const struct req *rq)
{
	uint64_t bytes = (uint64_t)rq->n * class_size(class_of(rq->size, rq->align));

	return RTE_ALIGN_CEIL(2 * bytes + SLAB_SIZE, SLAB_SIZE) + SLAB_SIZE * rnd_below(4);
}

/*
 * Allocations.
 */

static void
req_random(struct req *rq)
{
	unsigned int cls;

	rq->kind = (enum req_kind)rnd_below(REQ_N);
	rq->size = rnd_size();
	rq->align = rnd_align();
	rq->flags = rnd_below(4) == 0 ? RTE_FASTMEM_F_ZERO : 0;
	rq->socket = rnd_socket();
	rq->n = 1;
	rq->victim = UINT32_MAX;
	if (rq->kind == REQ_ALLOC_BULK || rq->kind == REQ_ALLOC_BULK_SOCKET ||
			rq->kind == REQ_HALLOC_BULK) {
		cls = class_of(rq->size, rq->align);
		rq->n = rnd_below(8) == 0 ? 0 : 1 + rnd_below(FAULT_MAX_BULK);
		rq->n = RTE_MIN(rq->n, (unsigned int)RTE_MAX(FAULT_BULK_BYTES / class_size(cls),
				(size_t)1));
	}
	if (rq->kind == REQ_REALLOC) {
		rq->flags = 0;
		/* realloc(NULL) when nothing is live, or once in a while. */
		rq->victim = m.n_live == 0 || rnd_below(8) == 0 ? UINT32_MAX :
			rnd_below(m.n_live);
	}
	if (rq->kind == REQ_ALLOC || rq->kind == REQ_ALLOC_BULK || rq->kind == REQ_REALLOC)
		rq->socket = SOCKET_ID_ANY;
}

/* Can the model take what the request allocates? */
static bool
req_fits(const struct req *rq)
{
	size_t bytes = rq->n * class_size(class_of(rq->size, rq->align));

	if (rq->kind == REQ_REALLOC && rq->victim != UINT32_MAX)
		bytes -= RTE_MIN(bytes, class_size(m.live[rq->victim].cls));
	return m.n_live + rq->n <= FAULT_MAX_LIVE && m.live_bytes + bytes <= FAULT_LIVE_BUDGET;
}

/* Run a request. Returns 1 when it allocated, 0 on ENOMEM (checked), or TEST_FAILED. */
static int
req_run(const struct req *rq)
{
	void *ptrs[FAULT_MAX_BULK + FAULT_GUARD], *saved[FAULT_MAX_BULK + FAULT_GUARD];
	unsigned int cls = class_of(rq->size, rq->align), i, n = rq->n;
	size_t a = rq->align != 0 ? rq->align : (size_t)RTE_CACHE_LINE_SIZE;
	size_t zero_len = rq->flags != 0 ? rq->size : 0, keep;
	struct obj_rec old = { 0 };
	rte_fastmem_handle_t h;
	bool bulk;
	int ret = 0;

	TEST_ASSERT(m.n_live + n <= FAULT_MAX_LIVE, "model full");
	for (i = 0; i < RTE_DIM(ptrs); i++)
		ptrs[i] = SENTINEL(i);
	memcpy(saved, ptrs, sizeof(saved));
	if (rq->kind == REQ_REALLOC && rq->victim != UINT32_MAX) {
		old = m.live[rq->victim];
		if (obj_check(&old) != TEST_SUCCESS)
			return TEST_FAILED;
	}
	if (rq->kind == REQ_HALLOC || rq->kind == REQ_HALLOC_BULK) {
		ret = rte_fastmem_hlookup(rq->size, rq->align, rq->socket, &h);
		TEST_ASSERT_SUCCESS(ret, "hlookup(%zu, %zu, %d) failed: %d", rq->size, rq->align,
			rq->socket, ret);
		/* Handle allocations are aligned to the class and zero all of it. */
		a = class_alignment(cls);
		zero_len = rq->flags != 0 ? class_size(cls) : 0;
	}
	m.ops++;
	rte_errno = 0;
	switch (rq->kind) {
	case REQ_ALLOC:
		ptrs[0] = rte_fastmem_alloc(rq->size, rq->align, rq->flags);
		break;
	case REQ_ALLOC_SOCKET:
		ptrs[0] = rte_fastmem_alloc_socket(rq->size, rq->align, rq->flags, rq->socket);
		break;
	case REQ_REALLOC:
		ptrs[0] = rte_fastmem_realloc(old.p, rq->size, rq->align);
		break;
	case REQ_ALLOC_BULK:
		ret = rte_fastmem_alloc_bulk(ptrs, n, rq->size, rq->align, rq->flags);
		break;
	case REQ_ALLOC_BULK_SOCKET:
		ret = rte_fastmem_alloc_bulk_socket(ptrs, n, rq->size, rq->align, rq->flags,
				rq->socket);
		break;
	case REQ_HALLOC:
		ptrs[0] = rte_fastmem_halloc(h, rq->flags);
		break;
	case REQ_HALLOC_BULK:
		ret = rte_fastmem_halloc_bulk(h, ptrs, n, rq->flags);
		break;
	default:
		TEST_ASSERT(false, "bad request kind %d", rq->kind);
	}
	/* The bulk calls return an error (their array is checked below), the others NULL. */
	bulk = rq->kind == REQ_ALLOC_BULK || rq->kind == REQ_ALLOC_BULK_SOCKET ||
		rq->kind == REQ_HALLOC_BULK;
	if (bulk ? ret != 0 : ptrs[0] == NULL) {
		/* Failure: ENOMEM and nothing else, nothing touched, nothing counted in use. */
		TEST_ASSERT(!bulk || ret == -ENOMEM, "op %" PRIu64 ": %s of %u x %zu B (align %zu)"
			": %d", m.ops, req_name[rq->kind], n, rq->size, rq->align, ret);
		TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "op %" PRIu64 ": %s of %u x %zu B (align %zu)"
			": rte_errno %d (%s)", m.ops, req_name[rq->kind], n, rq->size, rq->align,
			rte_errno, rte_strerror(rte_errno));
		if (bulk)
			TEST_ASSERT(memcmp(ptrs, saved, sizeof(ptrs)) == 0, "op %" PRIu64
				": failed %s of %u wrote the array", m.ops, req_name[rq->kind], n);
		if (rq->kind == REQ_REALLOC && old.p != NULL &&
				obj_check(&old) != TEST_SUCCESS)
			return TEST_FAILED;
		m.n_nomem += n;
		m.fails[rq->kind]++;
		if (check_stats() != TEST_SUCCESS)
			return TEST_FAILED;
		return 0;
	}

	/* Success. */
	if (m.limited)
		m.succ_limited[rq->kind]++;
	for (i = n; i < RTE_DIM(ptrs); i++)
		TEST_ASSERT(ptrs[i] == saved[i], "op %" PRIu64 ": %s of %u wrote ptrs[%u]",
			m.ops, req_name[rq->kind], n, i);
	for (i = 0; i < n; i++) {
		TEST_ASSERT(ptrs[i] != NULL && ptrs[i] != saved[i], "op %" PRIu64
			": %s of %u: ptrs[%u] is %p", m.ops, req_name[rq->kind], n, i, ptrs[i]);
		TEST_ASSERT(((uintptr_t)ptrs[i] & (a - 1)) == 0, "op %" PRIu64
			": %s: %p not aligned to %zu", m.ops, req_name[rq->kind], ptrs[i], a);
		TEST_ASSERT(zero_len == 0 || is_zero(ptrs[i], zero_len), "op %" PRIu64
			": %s: %p not zeroed", m.ops, req_name[rq->kind], ptrs[i]);
	}
	if (rq->kind == REQ_REALLOC && old.p != NULL) {
		if (cls == old.cls) {
			TEST_ASSERT(ptrs[0] == old.p, "realloc in the same class moved %p to %p",
				old.p, ptrs[0]);
		} else if (ptrs[0] == old.p) {
			/* Without memory for a new object, one that holds the new size stays. */
			TEST_ASSERT(rq->size <= class_size(old.cls) &&
				((uintptr_t)old.p & (a - 1)) == 0, "op %" PRIu64 ": realloc of "
				"%p (%u B) to %zu B (align %zu) kept it in place", m.ops, old.p,
				old.size, rq->size, rq->align);
			m.n_nomem++;
			m.kept_in_place++;
			cls = old.cls;
		} else {
			m.n_alloc++;
			m.n_free++;
		}
		keep = RTE_MIN(rq->size, (size_t)old.size);
		TEST_ASSERT(pat_check(ptrs[0], keep, old.size, old.id) == SIZE_MAX,
			"realloc of %p (%u B) to %zu B lost the content", old.p, old.size,
			rq->size);
		obj_del(rq->victim);
		obj_add(ptrs[0], rq->size, cls, old.socket);
		return 1;
	}
	m.n_alloc += n;
	for (i = 0; i < n; i++)
		obj_add(ptrs[i], rq->size, cls, known_socket(rq->socket));
	return 1;
}

/*
 * Frees.
 */

static int
free_one(unsigned int i, bool by_handle)
{
	struct obj_rec *o = &m.live[i];
	rte_fastmem_handle_t h;
	int ret;

	if (obj_check(o) != TEST_SUCCESS)
		return TEST_FAILED;
	if (by_handle && o->socket >= 0) {
		ret = rte_fastmem_hlookup(class_size(o->cls), class_alignment(o->cls), o->socket,
			&h);
		TEST_ASSERT_SUCCESS(ret, "hlookup failed: %d", ret);
		rte_fastmem_hfree(h, o->p);
	} else {
		rte_fastmem_free(o->p);
	}
	m.n_free++;
	obj_del(i);
	return TEST_SUCCESS;
}

/* Free up to n objects with one call: free_bulk, or hfree_bulk for one class and socket. */
static int
free_many(unsigned int n, bool by_handle)
{
	void *ptrs[FAULT_MAX_BULK];
	unsigned int idx[FAULT_MAX_BULK];
	unsigned int start, i, j, k = 0, tmp;
	rte_fastmem_handle_t h;
	struct obj_rec *o;
	int ret;

	if (m.n_live == 0)
		return TEST_SUCCESS;
	start = rnd_below(m.n_live);
	o = &m.live[start];
	if (o->socket < 0)
		by_handle = false;
	for (i = 0; i < m.n_live && k < n; i++) {
		j = (start + i) % m.n_live;
		if (by_handle && (m.live[j].cls != o->cls || m.live[j].socket != o->socket))
			continue;
		if (obj_check(&m.live[j]) != TEST_SUCCESS)
			return TEST_FAILED;
		idx[k] = j;
		ptrs[k++] = m.live[j].p;
	}
	if (by_handle) {
		ret = rte_fastmem_hlookup(class_size(o->cls), class_alignment(o->cls), o->socket,
			&h);
		TEST_ASSERT_SUCCESS(ret, "hlookup failed: %d", ret);
		rte_fastmem_hfree_bulk(h, ptrs, k);
	} else {
		rte_fastmem_free_bulk(ptrs, k);
	}
	m.n_free += k;
	/* Out of the model, highest index first. */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && idx[j - 1] < idx[j]; j--) {
			tmp = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
	for (i = 0; i < k; i++)
		obj_del(idx[i]);
	return TEST_SUCCESS;
}

static int
free_random(void)
{
	unsigned int r = rnd_below(4);

	if (m.n_live == 0)
		return TEST_SUCCESS;
	if (r < 2)
		return free_one(rnd_below(m.n_live), r == 1);
	return free_many(1 + rnd_below(FAULT_MAX_BULK), r == 3);
}

static int
free_everything(void)
{
	while (m.n_live > 0)
		if (free_one(m.n_live - 1, false) != TEST_SUCCESS)
			return TEST_FAILED;
	rte_fastmem_cache_flush();
	return TEST_SUCCESS;
}

/* Reserve under the limit: refused with ENOMEM while it is lowered, granted within it. */
static int
reserve_random(void)
{
	size_t size = SLAB_SIZE * (1 + rnd_below(4));
	uint64_t b = backing(), limit = rte_fastmem_get_limit(SOCKET_ID_ANY);
	int ret;

	if (!m.limited && b + size > FAULT_CAP)
		return TEST_SUCCESS;
	/* A target total: size more than what is held now. */
	rte_errno = 0;
	ret = rte_fastmem_reserve(b + size, SOCKET_ID_ANY);
	if (m.limited || b + size > limit) {
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "reserve(%zu) over the limit: %d", size, ret);
		TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "reserve: rte_errno %d", rte_errno);
		TEST_ASSERT_EQUAL(backing(), b, "failed reserve changed the backing memory");
		m.reserve_fails++;
	} else {
		TEST_ASSERT_SUCCESS(ret, "reserve(%zu) within the limit failed: %d", size, ret);
		TEST_ASSERT(backing() >= b + size, "reserve(%zu) added %" PRIu64 " bytes", size,
			backing() - b);
		/* Asking again for what is there reserves nothing. */
		b = backing();
		ret = rte_fastmem_reserve(b, SOCKET_ID_ANY);
		TEST_ASSERT_SUCCESS(ret, "reserve(%" PRIu64 ") of what is held: %d", b, ret);
		TEST_ASSERT_EQUAL(backing(), b, "reserve of what is held changed the backing");
	}
	return TEST_SUCCESS;
}

/*
 * The tests.
 */

static int
fault_setup(void)
{
	unsigned int s;
	int ret;

	memset(&m, 0, sizeof(m));
	m.rng = FAULT_SEED;
	m.n_sockets = RTE_MAX(rte_socket_count(), 1u);
	for (s = 0; s < m.n_sockets; s++)
		m.socket_ids[s] = rte_socket_count() > 0 ? rte_socket_id_by_idx(s) : 0;
	ret = rte_fastmem_init();
	TEST_ASSERT_SUCCESS(ret, "rte_fastmem_init failed: %d", ret);
	return TEST_SUCCESS;
}

static void
fault_teardown(void)
{
	rte_fastmem_deinit();
}

/* Nothing live, every counter as the model says. */
static int
check_end(void)
{
	struct rte_fastmem_stats st;
	int ret;

	TEST_ASSERT_SUCCESS(free_everything(), "freeing everything failed");
	TEST_ASSERT_SUCCESS(check_stats(), "statistics wrong at the end");
	ret = rte_fastmem_stats(&st);
	TEST_ASSERT_SUCCESS(ret, "stats failed: %d", ret);
	TEST_ASSERT_EQUAL(st.bytes_in_use, UINT64_C(0), "%" PRIu64 " bytes in use at the end",
		st.bytes_in_use);
	TEST_ASSERT_EQUAL(st.alloc_total, st.free_total, "alloc_total %" PRIu64
		" != free_total %" PRIu64, st.alloc_total, st.free_total);
	return TEST_SUCCESS;
}

/* Random calls while the limit goes down and up at random points. */
static int
test_fault_random(void)
{
	unsigned int phase_left = 0, i, k, r;
	struct req rq;
	int ret;

	/* Start small, so that growth comes in small steps and exhaustion comes soon. */
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(8));
	TEST_ASSERT_SUCCESS(ret, "set_limit failed: %d", ret);
	for (i = 0; i < FAULT_OPS; i++) {
		if (phase_left == 0) {
			if (m.limited)
				ret = limit_raise(0);
			else
				ret = limit_lower();
			TEST_ASSERT_SUCCESS(ret, "op %" PRIu64 ": limit change", m.ops);
			TEST_ASSERT_SUCCESS(check_stats(), "statistics wrong after a limit change");
			phase_left = m.limited ? 100 + rnd_below(1000) : 50 + rnd_below(400);
		}
		phase_left--;
		r = rnd_below(100);
		if (r == 0) {
			rte_fastmem_cache_flush();
			continue;
		}
		if (r == 1) {
			TEST_ASSERT_SUCCESS(reserve_random(), "reserve failed");
			continue;
		}
		/* Mostly allocate while limited, mostly free otherwise. */
		if (r >= (m.limited ? 75u : 40u)) {
			TEST_ASSERT_SUCCESS(free_random(), "free failed");
			continue;
		}
		req_random(&rq);
		if (!req_fits(&rq)) {
			TEST_ASSERT_SUCCESS(free_random(), "free failed");
			continue;
		}
		ret = req_run(&rq);
		TEST_ASSERT(ret >= 0, "%s failed", req_name[rq.kind]);
		if (ret == 0 && m.limited && rnd_below(3) == 0) {
			/* Memory comes back: the same call must now succeed. */
			TEST_ASSERT_SUCCESS(limit_raise(req_room(&rq)), "raising the limit failed");
			ret = req_run(&rq);
			TEST_ASSERT(ret >= 0, "%s failed", req_name[rq.kind]);
			TEST_ASSERT_EQUAL(ret, 1, "op %" PRIu64 ": %s of %u x %zu B (align %zu) "
				"still fails after the limit was raised", m.ops,
				req_name[rq.kind], rq.n, rq.size, rq.align);
			m.recoveries++;
			phase_left = 50 + rnd_below(400);
		}
		if (i % 16 == 0)
			TEST_ASSERT_SUCCESS(check_stats(), "statistics wrong");
	}

	printf("fault: %" PRIu64 " calls, %u limit lowerings (%" PRIu64 " below the backing), %"
		PRIu64 " recoveries, %" PRIu64 " reserve refusals, %" PRIu64 " reallocs kept in "
		"place, backing %" PRIu64 " MiB\n", m.ops, (unsigned int)m.lowerings,
		m.lowerings_below, m.recoveries, m.reserve_fails, m.kept_in_place,
		backing() >> 20);
	for (k = 0; k < REQ_N; k++)
		printf("  %-18s ENOMEM %6" PRIu64 ", served while limited %6" PRIu64 "\n",
			req_name[k], m.fails[k], m.succ_limited[k]);
	/* The run must have exercised every failure path, or it proves nothing. */
	for (k = 0; k < REQ_N; k++)
		TEST_ASSERT(m.fails[k] > 0, "%s never failed: the fault injection missed it",
			req_name[k]);
	TEST_ASSERT(m.recoveries > 0 && m.reserve_fails > 0 && m.lowerings_below > 0,
		"recoveries %" PRIu64 ", reserve refusals %" PRIu64 ", lowerings below %" PRIu64,
		m.recoveries, m.reserve_fails, m.lowerings_below);

	/* Everything works again with the limit raised: each class once more. */
	TEST_ASSERT_SUCCESS(limit_raise(MIB(64)), "raising the limit failed");
	for (k = 0; k < N_CLASSES; k++) {
		rq.kind = (enum req_kind)(k % REQ_N);
		rq.size = class_size(k);
		rq.align = 0;
		rq.flags = 0;
		rq.n = 1;
		rq.socket = SOCKET_ID_ANY;
		rq.victim = UINT32_MAX;
		if (!req_fits(&rq))
			TEST_ASSERT_SUCCESS(free_many(FAULT_MAX_BULK, false), "free failed");
		ret = req_run(&rq);
		TEST_ASSERT_EQUAL(ret, 1, "%s of %zu B fails with the limit raised",
			req_name[rq.kind], rq.size);
	}
	TEST_ASSERT_SUCCESS(check_all_live(), "live objects corrupted");
	return check_end();
}

/* Allocate 1 MiB objects until ENOMEM; the backing memory must not grow. */
static int
exhaust(unsigned int *n_got)
{
	uint64_t b = backing();
	struct req rq = { .kind = REQ_ALLOC, .size = MAX_SIZE, .n = 1,
		.socket = SOCKET_ID_ANY, .victim = UINT32_MAX };
	unsigned int i, got = 0;
	int ret = 1;

	/*
	 * Until rte_fastmem_alloc() fails: it tries every socket, where a handle names the
	 * calling thread's socket only.
	 */
	for (i = 0; i <= 2 * (b / MAX_SIZE + 1); i++) {
		rq.kind = i % 2 == 0 ? REQ_ALLOC : REQ_HALLOC;
		ret = req_run(&rq);
		TEST_ASSERT(ret >= 0, "alloc failed");
		got += ret;
		if (ret == 0 && rq.kind == REQ_ALLOC)
			break;
	}
	TEST_ASSERT(ret == 0 && rq.kind == REQ_ALLOC, "%u objects of 1 MiB in %" PRIu64 " MiB",
		got, b >> 20);
	TEST_ASSERT_EQUAL(backing(), b, "backing grew under the limit");
	*n_got = got;
	return TEST_SUCCESS;
}

/* Lower the limit below the backing memory while objects are live. */
static int
test_fault_below_backing(void)
{
	struct req rq = { 0 };
	uint64_t b, limit;
	unsigned int i, n_freed, n_got;
	int ret;

	/* Live objects of every size, with room to spare in the backing memory. */
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, MIB(128));
	TEST_ASSERT_SUCCESS(ret, "set_limit failed: %d", ret);
	while (m.live_bytes < MIB(40) && m.n_live < FAULT_MAX_LIVE / 2) {
		req_random(&rq);
		if (rq.kind == REQ_REALLOC)
			rq.victim = UINT32_MAX;
		rq.n = RTE_MIN(rq.n, FAULT_MAX_LIVE / 2 - m.n_live);
		ret = req_run(&rq);
		TEST_ASSERT(ret >= 0, "%s failed", req_name[rq.kind]);
		TEST_ASSERT_EQUAL(ret, 1, "%s failed under a 128 MiB limit with %" PRIu64
			" MiB live", req_name[rq.kind], m.live_bytes >> 20);
	}
	TEST_ASSERT_SUCCESS(check_stats(), "statistics wrong");
	b = backing();
	TEST_ASSERT(m.live_bytes >= MIB(16) && b >= m.live_bytes && b <= MIB(128) * m.n_sockets,
		"%" PRIu64 " MiB live, backing %" PRIu64 " MiB", m.live_bytes >> 20, b >> 20);

	/* A limit below every socket's backing: nothing is taken away, nothing live is touched. */
	limit = RTE_ALIGN_FLOOR(socket_backing(local_socket()) / 2, SLAB_SIZE);
	ret = limit_backing(50);
	TEST_ASSERT_SUCCESS(ret, "limit_backing failed: %d", ret);
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), (size_t)limit, "get_limit");
	m.limited = true;
	m.limited_backing = b;
	TEST_ASSERT_EQUAL(backing(), b, "lowering the limit changed the backing memory");
	TEST_ASSERT_SUCCESS(check_all_live(), "live objects corrupted by the lower limit");
	TEST_ASSERT_SUCCESS(check_stats(), "statistics wrong");

	/* Reserved memory keeps serving: what is freed can be allocated again. */
	n_freed = m.n_live / 2;
	for (i = 0; i < n_freed; i++) {
		struct obj_rec o = m.live[0];

		TEST_ASSERT_SUCCESS(free_one(0, i % 2 == 1), "free failed");
		rq.kind = i % 3 == 0 ? REQ_ALLOC : i % 3 == 1 ? REQ_HALLOC : REQ_ALLOC_SOCKET;
		rq.size = o.size;
		rq.align = class_alignment(o.cls);
		rq.flags = 0;
		rq.n = 1;
		rq.socket = rq.kind == REQ_ALLOC ? SOCKET_ID_ANY : o.socket;
		if (rq.socket < 0)
			rq.socket = SOCKET_ID_ANY;
		ret = req_run(&rq);
		TEST_ASSERT_EQUAL(ret, 1, "reallocating a freed %u B object fails under the limit",
			o.size);
	}
	TEST_ASSERT_SUCCESS(check_all_live(), "live objects corrupted");

	/* Exhaustion: ENOMEM, no growth, bulk calls untouched. */
	TEST_ASSERT_SUCCESS(exhaust(&n_got), "exhaustion failed");
	printf("below backing: backing %" PRIu64 " MiB, limit %" PRIu64
		" MiB, %u more objects of 1 MiB fit\n", b >> 20, limit >> 20, n_got);
	rq.size = MAX_SIZE;
	rq.align = 0;
	rq.socket = SOCKET_ID_ANY;
	rq.victim = UINT32_MAX;
	for (i = 0; i < 3; i++) {
		rq.kind = i == 0 ? REQ_ALLOC_BULK : i == 1 ? REQ_ALLOC_BULK_SOCKET :
			REQ_HALLOC_BULK;
		rq.n = i == 0 ? FAULT_MAX_BULK : 2;
		if (rq.kind == REQ_ALLOC_BULK_SOCKET)
			rq.socket = m.socket_ids[0];
		ret = req_run(&rq);
		TEST_ASSERT_EQUAL(ret, 0, "%s of %u x 1 MiB succeeded after exhaustion",
			req_name[rq.kind], rq.n);
	}

	/* Limit 0: still no growth; a freed 1 MiB object comes back. */
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, 0);
	TEST_ASSERT_SUCCESS(ret, "set_limit(0) failed: %d", ret);
	for (i = 0; i < m.n_live && m.live[i].cls != N_CLASSES - 1; i++)
		;
	TEST_ASSERT(i < m.n_live, "no 1 MiB object live");
	TEST_ASSERT_SUCCESS(free_one(i, false), "free failed");
	rq.kind = REQ_ALLOC;
	rq.size = MAX_SIZE;
	rq.n = 1;
	ret = req_run(&rq);
	TEST_ASSERT_EQUAL(ret, 1, "a freed 1 MiB object cannot be allocated again at limit 0");
	ret = req_run(&rq);
	TEST_ASSERT_EQUAL(ret, 0, "1 MiB allocated at limit 0 with no free slab");
	TEST_ASSERT_SUCCESS(check_all_live(), "live objects corrupted");

	/* Raised again: growth works again, for every kind of call. */
	ret = rte_fastmem_set_limit(SOCKET_ID_ANY, b + MIB(64));
	TEST_ASSERT_SUCCESS(ret, "set_limit failed: %d", ret);
	m.limited = false;
	for (i = 0; i < REQ_N; i++) {
		rq.kind = (enum req_kind)i;
		rq.size = MAX_SIZE;
		rq.align = 0;
		rq.n = i == REQ_ALLOC_BULK || i == REQ_ALLOC_BULK_SOCKET ||
			i == REQ_HALLOC_BULK ? 4 : 1;
		rq.socket = i == REQ_ALLOC_SOCKET || i == REQ_ALLOC_BULK_SOCKET ||
			i == REQ_HALLOC || i == REQ_HALLOC_BULK ? m.socket_ids[0] : SOCKET_ID_ANY;
		rq.victim = i == REQ_REALLOC ? 0 : UINT32_MAX;
		if (i == REQ_REALLOC && m.live[0].cls == N_CLASSES - 1)
			rq.size = 1; /* a move to another class in any case */
		ret = req_run(&rq);
		TEST_ASSERT_EQUAL(ret, 1, "%s fails with the limit raised", req_name[i]);
	}
	TEST_ASSERT(backing() > b, "backing did not grow with the limit raised");
	TEST_ASSERT_SUCCESS(check_all_live(), "live objects corrupted");
	return check_end();
}

static struct unit_test_suite fastmem_fault_testsuite = {
	.suite_name = "fastmem fault injection autotest",
	.setup = NULL,
	.teardown = NULL,
	.unit_test_cases = {
		TEST_CASE_ST(fault_setup, fault_teardown, test_fault_random),
		TEST_CASE_ST(fault_setup, fault_teardown, test_fault_below_backing),
		TEST_CASES_END()
	}
};

static int
test_fastmem_fault(void)
{
	return unit_test_suite_runner(&fastmem_fault_testsuite);
}

REGISTER_FAST_TEST(fastmem_fault_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_fault);
