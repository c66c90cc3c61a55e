/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * fastmem_telemetry_autotest: query every /fastmem/ telemetry endpoint through the process's
 * own telemetry socket, as dpdk-telemetry.py does, and check every value of every reply against
 * a state the test builds and knows: objects in use, in the thread cache and in the depot,
 * slabs, counters, limits, large objects live and idle, and the memzones EAL lists.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fastmem.h>
#include <rte_lcore.h>
#include <rte_memzone.h>
#include <rte_thread.h>

#include "test.h"
#include "test_fastmem.h"

#define REPLY_SIZE (64 * 1024)

/* The known state: objects of three classes, allocated and freed on the main lcore. */
#define N_SMALL 10              /* 64 B objects, the first N_SMALL_FREE freed */
#define N_SMALL_FREE 2
#define N_MID 5                 /* 4000 B objects, class 4096 */
#define N_BIG 70                /* 64 KiB objects, the last N_BIG_FREE freed */
#define N_BIG_FREE 15
/* Limits the test sets: every socket, then the local one. */
#define LIMIT_ALL (MIB(900) + 1)
#define LIMIT_LOCAL (MIB(700) + 3)
#define N_TEL_CLASSES TEST_N_CLASSES

static int sock = -1;
static char reply[REPLY_SIZE];

static int
tel_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	ssize_t n;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dpdk_telemetry.v2",
			rte_eal_get_runtime_dir());
	sock = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (sock < 0)
		return -1;
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		printf("cannot connect to %s: %s\n", addr.sun_path, strerror(errno));
		close(sock);
		sock = -1;
		return -1;
	}
	n = read(sock, reply, sizeof(reply) - 1); /* the greeting */
	return n > 0 ? 0 : -1;
}

/* Send one command; the reply is left in reply[]. */
static int
tel_query(const char *cmd)
{
	ssize_t n;

	if (write(sock, cmd, strlen(cmd)) < 0)
		return -1;
	n = read(sock, reply, sizeof(reply) - 1);
	if (n <= 0)
		return -1;
	reply[n] = '\0';
	return 0;
}

/*
 * Walk the members of the JSON object at obj (its '{'): the value of the member named key, or
 * with key NULL the number of members (cast to a pointer). Nested objects and arrays are
 * skipped, so a key is found only at the object's own level. NULL when absent.
 */
static const char *
json_walk(const char *obj, const char *key, uintptr_t *count)
{
	size_t klen = key != NULL ? strlen(key) : 0;
	bool in_str = false;
	int depth = 0;
	const char *p;

	*count = 0;
	if (obj == NULL || *obj != '{')
		return NULL;
	for (p = obj; *p != '\0'; p++) {
		if (in_str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				in_str = false;
			continue;
		}
		switch (*p) {
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return NULL;
			break;
		case '"':
			if (depth == 1 && (p[-1] == '{' || p[-1] == ',')) {
				(*count)++;
				if (key != NULL && strncmp(p + 1, key, klen) == 0 &&
						p[1 + klen] == '"' && p[2 + klen] == ':')
					return p + klen + 3;
			}
			in_str = true;
			break;
		}
	}
	return NULL;
}

static const char *
json_member(const char *obj, const char *key)
{
	uintptr_t n;

	return json_walk(obj, key, &n);
}

/*
 * The object a check looks in: the command's reply object (the reply is {"<cmd>":{...}}), or
 * with a section the object under that key in it. NULL when absent.
 */
static const char *
reply_object(const char *section)
{
	const char *obj = strchr(reply, ':');

	if (obj == NULL)
		return NULL;
	obj++;
	return section == NULL ? obj : json_member(obj, section);
}

/* The unsigned number under key: 0, -ENOENT (no such member) or -EINVAL (not a number). */
static int
json_uint(const char *section, const char *key, uint64_t *val)
{
	const char *v = json_member(reply_object(section), key);
	char *end;

	if (v == NULL)
		return -ENOENT;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(v, &end, 10);
	if (errno != 0 || (*end != ',' && *end != '}'))
		return -EINVAL;
	return 0;
}

static int
check_uint(const char *section, const char *key, uint64_t want)
{
	const char *s = section != NULL ? section : "";
	uint64_t got = 0;
	int ret = json_uint(section, key, &got);

	TEST_ASSERT(ret != -ENOENT, "%s %s: missing", s, key);
	TEST_ASSERT_SUCCESS(ret, "%s %s: not an unsigned number", s, key);
	TEST_ASSERT_EQUAL(got, want, "%s %s: telemetry %" PRIu64 ", expected %" PRIu64, s, key,
			got, want);
	return TEST_SUCCESS;
}

/* The object (section) has exactly n members: nothing the test does not check. */
static int
check_members(const char *section, uintptr_t n)
{
	const char *obj = reply_object(section);
	uintptr_t got;

	TEST_ASSERT(obj != NULL && *obj == '{', "%s: no such object",
			section != NULL ? section : "reply");
	json_walk(obj, NULL, &got);
	TEST_ASSERT_EQUAL(got, n, "%s: %" PRIuPTR " members, expected %" PRIuPTR,
			section != NULL ? section : "reply", got, n);
	return TEST_SUCCESS;
}

/* The raw JSON value under key is exactly text. */
static int
check_raw(const char *section, const char *key, const char *text)
{
	const char *v = json_member(reply_object(section), key);
	size_t len = strlen(text);

	TEST_ASSERT_NOT_NULL(v, "%s: missing", key);
	TEST_ASSERT(strncmp(v, text, len) == 0 && (v[len] == ',' || v[len] == '}'),
			"%s: expected %s", key, text);
	return TEST_SUCCESS;
}

/* The size classes as /fastmem/info lists them. */
static const char *
class_list(void)
{
	static char list[1024];
	unsigned int cls;
	size_t len;

	len = snprintf(list, sizeof(list), "[");
	for (cls = 0; cls < N_TEL_CLASSES; cls++)
		len += snprintf(list + len, sizeof(list) - len, "%s%zu", cls > 0 ? "," : "",
				class_size(cls));
	snprintf(list + len, sizeof(list) - len, "]");
	return list;
}

static bool
reply_is_null(const char *cmd)
{
	char want[128];

	snprintf(want, sizeof(want), "{\"%s\":null}", cmd);
	return strcmp(reply, want) == 0;
}

#define QUERY(cmd) TEST_ASSERT_SUCCESS(tel_query(cmd), "query %s", cmd)

/* Send a command that must fail: the reply is {"<command>":null}, parameters left out. */
static int
query_null(const char *cmd)
{
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, ","), cmd);
	QUERY(cmd);
	TEST_ASSERT(reply_is_null(name), "%s: %s", cmd, reply);
	return TEST_SUCCESS;
}
#define QUERY_NULL(cmd) TEST_ASSERT_SUCCESS(query_null(cmd), "%s", cmd)
#define CHECK_UINT(section, key, val) \
	TEST_ASSERT_SUCCESS(check_uint(section, key, val), "reply: %s", reply)
#define CHECK_MEMBERS(section, n) \
	TEST_ASSERT_SUCCESS(check_members(section, n), "reply: %s", reply)
#define CHECK_RAW(section, key, text) \
	TEST_ASSERT_SUCCESS(check_raw(section, key, text), "reply: %s", reply)

static int
check_uninitialized(void)
{
	QUERY("/fastmem/info");
	CHECK_UINT(NULL, "initialized", 0);
	CHECK_RAW(NULL, "process", "\"primary\"");
	CHECK_UINT(NULL, "slab_size", MIB(2));
	CHECK_UINT(NULL, "page_size", TEST_PAGE_SIZE);
	CHECK_UINT(NULL, "paged_max", TEST_PAGED_MAX);
	CHECK_UINT(NULL, "max_size", rte_fastmem_max_size());
	CHECK_UINT(NULL, "max_class_size", MIB(1));
	CHECK_UINT(NULL, "n_classes", N_TEL_CLASSES);
	CHECK_RAW(NULL, "classes", class_list());
	CHECK_MEMBERS(NULL, 9);
	QUERY_NULL("/fastmem/stats");
	QUERY_NULL("/fastmem/classes");
	QUERY_NULL("/fastmem/sockets");
	QUERY_NULL("/fastmem/class,64");
	QUERY_NULL("/fastmem/shared");
	return 0;
}

/* What the test knows about one size class. */
struct known_class {
	uint64_t in_use;
	uint64_t cached;
	uint64_t depot;
	uint64_t alloc_hits;
	uint64_t alloc_misses;
	uint64_t alloc_nomem;
	uint64_t free_hits;
	uint64_t free_misses;
	uint32_t slabs_partial;
	uint32_t slabs_full;
};

/*
 * A class the main lcore alone used in a fresh allocator: n_alloc allocations, then n_free
 * frees, through its cache as test_fastmem.h describes it. Objects are carved from fresh spans
 * in order; below 4 KiB, the few hundred objects of this test fit in one page.
 */
static void
known_class(struct known_class *k, size_t size, unsigned int n_alloc, unsigned int n_free)
{
	unsigned int cls = class_of(size, 0);
	unsigned int cap = cache_cap(cls), batch = cache_batch(cls), i;
	uint64_t taken, per_slab;

	k->alloc_misses = (n_alloc + batch - 1) / batch;
	k->alloc_hits = n_alloc - k->alloc_misses;
	taken = k->alloc_misses * batch;
	k->cached = taken - n_alloc;
	for (i = 0; i < n_free; i++) {
		if (k->cached == cap) {
			/* (The model has no room for a full depot: flushes to the slabs.) */
			RTE_VERIFY(k->depot + batch <= RTE_MIN(4 * cap, 1024u));
			k->cached -= batch;
			k->depot += batch;
			k->free_misses++;
		} else {
			k->free_hits++;
		}
		k->cached++;
	}
	k->in_use = n_alloc - n_free;
	per_slab = class_size(cls) >= 4096 ? span_objs(cls) : UINT64_MAX;
	k->slabs_full = taken / per_slab;
	k->slabs_partial = taken % per_slab != 0;
}

static uint64_t
known_slabs(const struct known_class *k)
{
	return k->slabs_partial + k->slabs_full;
}

static void
memzone_sum_cb(const struct rte_memzone *mz, void *arg)
{
	uint64_t *sum = arg;

	sum[0]++;
	sum[1] += mz->len;
}

/* Number and bytes of the memzones EAL lists. */
static void
memzone_sum(uint64_t *n, uint64_t *bytes)
{
	uint64_t sum[2] = { 0, 0 };

	rte_memzone_walk(memzone_sum_cb, sum);
	*n = sum[0];
	*bytes = sum[1];
}

/* The 12 fields of one class entry (/fastmem/classes, /fastmem/class,<size>). */
static int
check_class_entry(const char *section, size_t size, const struct known_class *k)
{
	CHECK_UINT(section, "class_size", size);
	CHECK_UINT(section, "in_use", k->in_use);
	CHECK_UINT(section, "alloc_cache_hits", k->alloc_hits);
	CHECK_UINT(section, "alloc_cache_misses", k->alloc_misses);
	CHECK_UINT(section, "alloc_nomem", k->alloc_nomem);
	CHECK_UINT(section, "free_cache_hits", k->free_hits);
	CHECK_UINT(section, "free_cache_misses", k->free_misses);
	CHECK_UINT(section, "slab_acquires", known_slabs(k));
	CHECK_UINT(section, "slab_releases", 0);
	CHECK_UINT(section, "slabs_partial", k->slabs_partial);
	CHECK_UINT(section, "slabs_full", k->slabs_full);
	CHECK_UINT(section, "bytes_held", known_slabs(k) * span_size(class_of(size, 1)));
	return TEST_SUCCESS;
}

/*
 * /fastmem/classes, then /fastmem/classes,<next> as long as a reply names the next class:
 * every class exactly once, in order, each reply below DPDK's 16 KiB cut. With all 68 classes
 * the entries need more than one reply even with small counters.
 */
static int
check_classes_cmd(const struct known_class *known)
{
	unsigned int cls = 0, n, replies = 0;
	char cmd[64], key[32];
	uint64_t next;
	int ret;

	snprintf(cmd, sizeof(cmd), "/fastmem/classes");
	while (cls < N_TEL_CLASSES) {
		QUERY(cmd);
		replies++;
		TEST_ASSERT(strlen(reply) < 16 * 1024 - 64, "%s: reply of %zu bytes", cmd,
				strlen(reply));
		ret = json_uint(NULL, "next", &next);
		TEST_ASSERT(ret == 0 || ret == -ENOENT, "%s: bad next", cmd);
		for (n = 0; cls < N_TEL_CLASSES; cls++, n++) {
			snprintf(key, sizeof(key), "%zu", class_size(cls));
			if (ret == 0 && class_size(cls) == next)
				break;
			CHECK_MEMBERS(key, 12);
			TEST_ASSERT_SUCCESS(check_class_entry(key, class_size(cls), &known[cls]),
					"%s: class %s", cmd, key);
		}
		TEST_ASSERT(n > 0, "%s: no class", cmd);
		CHECK_MEMBERS(NULL, n + (ret == 0));
		TEST_ASSERT((ret == 0) == (cls < N_TEL_CLASSES),
				"%s: next %s after %u classes", cmd, ret == 0 ? "given" : "missing",
				cls);
		snprintf(cmd, sizeof(cmd), "/fastmem/classes,%" PRIu64, next);
	}
	TEST_ASSERT(replies > 1, "/fastmem/classes: all %u classes in one reply",
			N_TEL_CLASSES);
	/* From the largest class: that class only. */
	snprintf(cmd, sizeof(cmd), "/fastmem/classes,%zu", class_size(N_TEL_CLASSES - 1));
	QUERY(cmd);
	CHECK_MEMBERS(NULL, 1);
	/* A size that is no class size, and no size at all, answer null. */
	QUERY_NULL("/fastmem/classes,100");
	QUERY_NULL("/fastmem/classes,0");
	QUERY_NULL("/fastmem/classes,abc");
	QUERY_NULL("/fastmem/classes,2097152");
	return TEST_SUCCESS;
}

/* /fastmem/class,<size>: the class entry, then per socket the state of the class. */
static int
check_class_cmd(size_t size, const struct known_class *k)
{
	static const struct known_class none;
	const struct known_class *ks;
	char cmd[64], key[32];
	unsigned int i;
	int s;

	snprintf(cmd, sizeof(cmd), "/fastmem/class,%zu", size);
	QUERY(cmd);
	CHECK_MEMBERS(NULL, 12 + rte_socket_count());
	TEST_ASSERT_SUCCESS(check_class_entry(NULL, size, k), "%s", cmd);
	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		ks = s == local_socket() ? k : &none;
		snprintf(key, sizeof(key), "socket_%d", s);
		CHECK_MEMBERS(key, 8);
		CHECK_UINT(key, "in_use", ks->in_use);
		CHECK_UINT(key, "cached", ks->cached);
		CHECK_UINT(key, "depot", ks->depot);
		CHECK_UINT(key, "slabs_partial", ks->slabs_partial);
		CHECK_UINT(key, "slabs_full", ks->slabs_full);
		CHECK_UINT(key, "slab_acquires", known_slabs(ks));
		CHECK_UINT(key, "slab_releases", 0);
		CHECK_UINT(key, "bytes_held", known_slabs(ks) * span_size(class_of(size, 1)));
	}
	return TEST_SUCCESS;
}

/*
 * /fastmem/lcore,<id>: the totals, and one entry per class the lcore used. With lcore_id
 * LCORE_ID_ANY, the same for /fastmem/shared (the threads without an lcore id), which has no
 * lcore_id member.
 */
static int
check_lcore_cmd(unsigned int lcore_id, const struct known_class *k, unsigned int n_classes)
{
	bool shared = lcore_id == LCORE_ID_ANY;
	struct known_class sum = { 0 };
	unsigned int cls, n_used = 0;
	char cmd[64], key[32];

	for (cls = 0; cls < n_classes; cls++) {
		sum.alloc_hits += k[cls].alloc_hits;
		sum.alloc_misses += k[cls].alloc_misses;
		sum.alloc_nomem += k[cls].alloc_nomem;
		sum.free_hits += k[cls].free_hits;
		sum.free_misses += k[cls].free_misses;
	}
	if (shared)
		snprintf(cmd, sizeof(cmd), "/fastmem/shared");
	else
		snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", lcore_id);
	QUERY(cmd);
	if (!shared)
		CHECK_UINT(NULL, "lcore_id", lcore_id);
	CHECK_UINT(NULL, "alloc_cache_hits", sum.alloc_hits);
	CHECK_UINT(NULL, "alloc_cache_misses", sum.alloc_misses);
	CHECK_UINT(NULL, "alloc_nomem", sum.alloc_nomem);
	CHECK_UINT(NULL, "free_cache_hits", sum.free_hits);
	CHECK_UINT(NULL, "free_cache_misses", sum.free_misses);
	for (cls = 0; cls < n_classes; cls++) {
		snprintf(key, sizeof(key), "%zu", class_size(cls));
		if (k[cls].alloc_hits + k[cls].alloc_misses + k[cls].alloc_nomem +
				k[cls].free_hits + k[cls].free_misses == 0) {
			TEST_ASSERT_NULL(reply_object(key), "%s: unused class %s listed: %s", cmd,
					key, reply);
			continue;
		}
		n_used++;
		CHECK_MEMBERS(key, 5);
		CHECK_UINT(key, "alloc_cache_hits", k[cls].alloc_hits);
		CHECK_UINT(key, "alloc_cache_misses", k[cls].alloc_misses);
		CHECK_UINT(key, "alloc_nomem", k[cls].alloc_nomem);
		CHECK_UINT(key, "free_cache_hits", k[cls].free_hits);
		CHECK_UINT(key, "free_cache_misses", k[cls].free_misses);
	}
	CHECK_MEMBERS(NULL, (shared ? 5 : 6) + n_used);
	return TEST_SUCCESS;
}

/* A non-EAL thread: allocates n_alloc objects of size, frees the first n_free, and exits. */
struct shared_work {
	size_t size;
	unsigned int n_alloc;
	unsigned int n_free;
	void *objs[16];
	int ret;
};

static uint32_t
shared_thread(void *arg)
{
	struct shared_work *w = arg;
	unsigned int i;

	w->ret = rte_lcore_id() == LCORE_ID_ANY ? 0 : -1;
	for (i = 0; i < w->n_alloc && w->ret == 0; i++) {
		w->objs[i] = rte_fastmem_alloc(w->size, 0, 0);
		if (w->objs[i] == NULL)
			w->ret = -1;
	}
	for (i = 0; i < w->n_free && w->ret == 0; i++)
		rte_fastmem_free(w->objs[i]);
	return 0;
}

static int
test_fastmem_telemetry(void)
{
	static const struct known_class none;
	struct known_class known[N_TEL_CLASSES], *ksmall, *kmid, *kbig;
	uint64_t mz0, mz_bytes0, mz, mz_bytes, backing, slabs = 0, pages = 0, v;
	uint64_t large_idle_bytes = 0;
	unsigned int i, cls, worker;
	void *small[N_SMALL], *mid[N_MID], *big[N_BIG];
	char key[32], cmd[64];
	int ret = TEST_FAILED, local = local_socket(), s, trim;

	if (tel_connect() < 0) {
		printf("telemetry socket not available (--no-telemetry?): skipped\n");
		return TEST_SKIPPED;
	}
	rte_fastmem_deinit();
	if (check_uninitialized() < 0)
		goto out;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	/* Every memzone from here on is backing memory. */
	memzone_sum(&mz0, &mz_bytes0);

	/* The known state, on this lcore only. */
	for (cls = 0; cls < N_TEL_CLASSES; cls++)
		known[cls] = none;
	ksmall = &known[class_of(64, 0)];
	kmid = &known[class_of(4000, 0)];
	kbig = &known[class_of(MIB(1) / 16, 0)];
	/* One allocation without memory: no backing may be reserved under a limit of 0. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "set_limit(0)");
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 0, 0), "alloc under a limit of 0");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");
	for (i = 0; i < N_SMALL; i++) {
		small[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(small[i], "alloc 64");
	}
	for (i = 0; i < N_MID; i++) {
		mid[i] = rte_fastmem_alloc(4000, 0, 0);
		TEST_ASSERT_NOT_NULL(mid[i], "alloc 4000");
	}
	for (i = 0; i < N_SMALL_FREE; i++)
		rte_fastmem_free(small[i]);
	known_class(ksmall, 64, N_SMALL, N_SMALL_FREE);
	ksmall->alloc_nomem = 1;
	known_class(kmid, 4000, N_MID, 0);

	/* FASTMEM_TELEMETRY_HOLD=N keeps this state for N seconds, for dpdk-telemetry.py. */
	if (getenv("FASTMEM_TELEMETRY_HOLD") != NULL) {
		printf("holding for %s s: query with usertools/dpdk-telemetry.py\n",
				getenv("FASTMEM_TELEMETRY_HOLD"));
		fflush(stdout);
		sleep(atoi(getenv("FASTMEM_TELEMETRY_HOLD")));
	}

	/*
	 * 64 KiB objects: in use, in the cache and in the depot, in full and partial slabs, all
	 * different numbers (for 70 and 15, with a cache of 16 and batches of 8: 55 in use,
	 * 9 cached, 8 in the depot, 2 full slabs and 1 partial one).
	 */
	for (i = 0; i < N_BIG; i++) {
		big[i] = rte_fastmem_alloc(MIB(1) / 16, 0, 0);
		TEST_ASSERT_NOT_NULL(big[i], "alloc 64 KiB");
	}
	for (i = N_BIG - N_BIG_FREE; i < N_BIG; i++)
		rte_fastmem_free(big[i]);
	known_class(kbig, MIB(1) / 16, N_BIG, N_BIG_FREE);
	TEST_ASSERT(kbig->in_use != kbig->cached && kbig->cached != kbig->depot &&
			kbig->depot != kbig->in_use && kbig->depot != 0 &&
			kbig->slabs_full != kbig->slabs_partial && kbig->slabs_partial != 0,
			"the 64 KiB state does not tell its numbers apart");

	/* Limits, set after the growth: every socket, then a different one for this socket. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, LIMIT_ALL), "set_limit");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(local, LIMIT_LOCAL), "set_limit");

	/* Whole slabs of the large classes, and the slabs the pages of the small ones fill. */
	for (cls = 0; cls < N_TEL_CLASSES; cls++)
		if (span_size(cls) == MIB(2))
			slabs += known_slabs(&known[cls]);
		else
			pages += known_slabs(&known[cls]);
	slabs += (pages + 31) / 32;
	memzone_sum(&mz, &mz_bytes);
	mz -= mz0;
	backing = mz_bytes - mz_bytes0;
	TEST_ASSERT(mz >= 1 && backing >= slabs * MIB(2), "%" PRIu64 " memzones of %" PRIu64
			" bytes for %" PRIu64 " slabs", mz, backing, slabs);

	QUERY("/fastmem/info");
	CHECK_MEMBERS(NULL, 13);
	CHECK_UINT(NULL, "bytes_trimmed", 0);
	CHECK_UINT(NULL, "initialized", 1);
	CHECK_RAW(NULL, "process", "\"primary\"");
	CHECK_UINT(NULL, "slab_size", MIB(2));
	CHECK_UINT(NULL, "page_size", TEST_PAGE_SIZE);
	CHECK_UINT(NULL, "paged_max", TEST_PAGED_MAX);
	CHECK_UINT(NULL, "max_size", rte_fastmem_max_size());
	CHECK_UINT(NULL, "max_class_size", MIB(1));
	CHECK_UINT(NULL, "n_classes", N_TEL_CLASSES);
	CHECK_RAW(NULL, "classes", class_list());
	CHECK_UINT(NULL, "n_sockets", rte_socket_count());
	CHECK_UINT(NULL, "memzone_size", MIB(128));
	CHECK_MEMBERS("limits", rte_socket_count());
	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		snprintf(key, sizeof(key), "socket_%d", s);
		TEST_ASSERT_SUCCESS(check_uint("limits", key, s == local ? LIMIT_LOCAL : LIMIT_ALL),
				"limits: %s", reply);
	}

	QUERY("/fastmem/stats");
	CHECK_MEMBERS(NULL, 11);
	CHECK_UINT(NULL, "bytes_backing", backing);
	CHECK_UINT(NULL, "bytes_trimmed", 0);
	CHECK_UINT(NULL, "bytes_in_use", ksmall->in_use * 64 + kmid->in_use * 4096 +
			kbig->in_use * MIB(1) / 16);
	CHECK_UINT(NULL, "alloc_total", N_SMALL + N_MID + N_BIG);
	CHECK_UINT(NULL, "free_total", N_SMALL_FREE + N_BIG_FREE);
	CHECK_UINT(NULL, "alloc_nomem", 1);
	CHECK_UINT(NULL, "n_classes", N_TEL_CLASSES);
	CHECK_UINT(NULL, "large_in_use", 0);
	CHECK_UINT(NULL, "bytes_large", 0);
	CHECK_UINT(NULL, "large_idle", 0);
	CHECK_UINT(NULL, "bytes_large_idle", 0);

	TEST_ASSERT_SUCCESS(check_classes_cmd(known), "/fastmem/classes");

	TEST_ASSERT_SUCCESS(check_class_cmd(64, ksmall), "class 64");
	TEST_ASSERT_SUCCESS(check_class_cmd(4096, kmid), "class 4096");
	TEST_ASSERT_SUCCESS(check_class_cmd(MIB(1) / 16, kbig), "class 64 KiB");
	TEST_ASSERT_SUCCESS(check_class_cmd(MIB(1), &none), "class 1 MiB");
	QUERY_NULL("/fastmem/class,100");
	QUERY_NULL("/fastmem/class");
	QUERY_NULL("/fastmem/class,abc");
	QUERY_NULL("/fastmem/class,64x");
	QUERY_NULL("/fastmem/class,99999999999999999999");

	TEST_ASSERT_SUCCESS(check_lcore_cmd(rte_lcore_id(), known, N_TEL_CLASSES),
			"lcore %u", rte_lcore_id());
	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker < RTE_MAX_LCORE) {
		struct known_class idle[N_TEL_CLASSES];

		for (cls = 0; cls < N_TEL_CLASSES; cls++)
			idle[cls] = none;
		TEST_ASSERT_SUCCESS(check_lcore_cmd(worker, idle, N_TEL_CLASSES),
				"idle lcore %u", worker);
	} else {
		printf("no worker lcore: the command for an idle lcore not tested\n");
	}
	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", RTE_MAX_LCORE);
	QUERY_NULL(cmd);
	QUERY_NULL("/fastmem/lcore,-1");
	QUERY_NULL("/fastmem/lcore,0x1");

	QUERY("/fastmem/sockets");
	CHECK_MEMBERS(NULL, rte_socket_count());
	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		snprintf(key, sizeof(key), "socket_%d", s);
		CHECK_MEMBERS(key, 9);
		CHECK_UINT(key, "socket_id", s);
		CHECK_UINT(key, "limit", s == local ? LIMIT_LOCAL : LIMIT_ALL);
		CHECK_UINT(key, "reserved", 0);
		CHECK_UINT(key, "bytes_trimmed", 0);
		CHECK_UINT(key, "large_idle", 0);
		CHECK_UINT(key, "bytes_large_idle", 0);
		if (s != local) {
			/* Nothing was ever allocated there. */
			CHECK_UINT(key, "bytes_backing", 0);
			CHECK_UINT(key, "memzones", 0);
			CHECK_UINT(key, "free_slabs", 0);
			continue;
		}
		CHECK_UINT(key, "bytes_backing", backing);
		CHECK_UINT(key, "memzones", mz);
		TEST_ASSERT_SUCCESS(json_uint(key, "free_slabs", &v), "free_slabs: %s", reply);
		/* With IOVA as VA every slab of a memzone is usable; as PA some may not be. */
		if (rte_eal_iova_mode() == RTE_IOVA_VA)
			CHECK_UINT(key, "free_slabs", backing / MIB(2) - slabs);
		else
			TEST_ASSERT(v + slabs <= backing / MIB(2), "free_slabs %" PRIu64
					" with %" PRIu64 " slabs in use of %" PRIu64, v, slabs,
					backing / MIB(2));
	}

	/* No thread without an lcore id has used fastmem yet. */
	{
		struct known_class shared[N_TEL_CLASSES];
		struct shared_work w = { .size = 256, .n_alloc = 12, .n_free = 7 };
		rte_thread_t th;

		for (cls = 0; cls < N_TEL_CLASSES; cls++)
			shared[cls] = none;
		TEST_ASSERT_SUCCESS(check_lcore_cmd(LCORE_ID_ANY, shared, N_TEL_CLASSES),
				"shared, unused");
		/* A non-EAL thread's counters, parked with its block when it exits. */
		TEST_ASSERT_SUCCESS(rte_thread_create(&th, NULL, shared_thread, &w), "thread");
		rte_thread_join(th, NULL);
		TEST_ASSERT_SUCCESS(w.ret, "non-EAL thread allocations");
		known_class(&shared[class_of(w.size, 0)], w.size, w.n_alloc, w.n_free);
		TEST_ASSERT_SUCCESS(check_lcore_cmd(LCORE_ID_ANY, shared, N_TEL_CLASSES),
				"shared");
		QUERY("/fastmem/shared,1");
		CHECK_MEMBERS(NULL, 6);
		/* Not any lcore's. */
		TEST_ASSERT_SUCCESS(check_lcore_cmd(rte_lcore_id(), known, N_TEL_CLASSES),
				"lcore %u after the non-EAL thread", rte_lcore_id());
		for (i = w.n_free; i < w.n_alloc; i++)
			rte_fastmem_free(w.objs[i]);
	}

	/* Unlimited is SIZE_MAX, reported in full. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");
	QUERY("/fastmem/info");
	snprintf(key, sizeof(key), "socket_%d", local);
	TEST_ASSERT_SUCCESS(check_uint("limits", key, SIZE_MAX), "limits: %s", reply);
	QUERY("/fastmem/sockets");
	CHECK_UINT(key, "limit", SIZE_MAX);

	/*
	 * Large objects: one of 3 MiB live, one of 5 MiB freed (its memzone kept idle), as
	 * rte_fastmem_stats() and EAL's memzones have them.
	 */
	{
		struct rte_fastmem_stats st;
		uint64_t n0, bytes0, n1, bytes1;
		void *lp[2];
		char skey[32];

		memzone_sum(&n0, &bytes0);
		lp[0] = rte_fastmem_alloc(MIB(3), 0, 0);
		lp[1] = rte_fastmem_alloc(MIB(5), 0, 0);
		TEST_ASSERT(lp[0] != NULL && lp[1] != NULL, "large alloc: %d", rte_errno);
		memzone_sum(&n1, &bytes1);
		TEST_ASSERT_EQUAL(n1, n0 + 2, "two large objects, %" PRIu64 " memzones", n1 - n0);
		rte_fastmem_free(lp[1]);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		TEST_ASSERT(st.bytes_large >= MIB(3) && st.bytes_large_idle >= MIB(5) &&
				st.bytes_large + st.bytes_large_idle == bytes1 - bytes0,
				"large %" PRIu64 " and idle %" PRIu64 " bytes for memzones of %"
				PRIu64, st.bytes_large, st.bytes_large_idle, bytes1 - bytes0);
		QUERY("/fastmem/stats");
		CHECK_MEMBERS(NULL, 11);
		CHECK_UINT(NULL, "bytes_backing", st.bytes_backing);
		CHECK_UINT(NULL, "bytes_in_use", st.bytes_in_use);
		CHECK_UINT(NULL, "alloc_total", st.alloc_total);
		CHECK_UINT(NULL, "free_total", st.free_total);
		CHECK_UINT(NULL, "large_in_use", 1);
		CHECK_UINT(NULL, "bytes_large", st.bytes_large);
		CHECK_UINT(NULL, "large_idle", 1);
		CHECK_UINT(NULL, "bytes_large_idle", st.bytes_large_idle);
		QUERY("/fastmem/sockets");
		for (i = 0; i < rte_socket_count(); i++) {
			s = rte_socket_id_by_idx(i);
			snprintf(skey, sizeof(skey), "socket_%d", s);
			CHECK_UINT(skey, "large_idle", s == local ? 1 : 0);
			CHECK_UINT(skey, "bytes_large_idle", s == local ? st.bytes_large_idle : 0);
		}
		rte_fastmem_free(lp[0]);
		large_idle_bytes = bytes1 - bytes0;
	}

	for (i = N_SMALL_FREE; i < N_SMALL; i++)
		rte_fastmem_free(small[i]);
	rte_fastmem_free_bulk(mid, N_MID);
	rte_fastmem_free_bulk(big, N_BIG - N_BIG_FREE);
	/*
	 * Everything freed and flushed: a trim gives every memzone back, the idle ones of large
	 * objects too, as telemetry says.
	 */
	rte_fastmem_cache_flush();
	trim = rte_fastmem_trim(SOCKET_ID_ANY);
	TEST_ASSERT_EQUAL((uint64_t)trim, backing + large_idle_bytes, "trim gave back %d of %"
			PRIu64 " + %" PRIu64 " bytes", trim, backing, large_idle_bytes);
	QUERY("/fastmem/info");
	CHECK_UINT(NULL, "bytes_trimmed", backing + large_idle_bytes);
	QUERY("/fastmem/stats");
	CHECK_UINT(NULL, "bytes_backing", 0);
	CHECK_UINT(NULL, "bytes_trimmed", backing + large_idle_bytes);
	CHECK_UINT(NULL, "large_in_use", 0);
	CHECK_UINT(NULL, "large_idle", 0);
	CHECK_UINT(NULL, "bytes_large_idle", 0);
	QUERY("/fastmem/sockets");
	CHECK_UINT(key, "bytes_backing", 0);
	CHECK_UINT(key, "memzones", 0);
	CHECK_UINT(key, "bytes_trimmed", backing + large_idle_bytes);
	CHECK_UINT(key, "large_idle", 0);
	CHECK_UINT(key, "bytes_large_idle", 0);
	/* A reservation: its target shows, and the trim keeps it. */
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(MIB(4), local), "reserve 4 MiB: %d", rte_errno);
	TEST_ASSERT(rte_fastmem_trim(SOCKET_ID_ANY) == 0, "the trim gave back reserved memory");
	QUERY("/fastmem/sockets");
	CHECK_UINT(key, "reserved", MIB(4));
	CHECK_UINT(key, "memzones", 1);
	rte_fastmem_deinit();
	if (check_uninitialized() < 0)
		goto out;
	ret = worker < RTE_MAX_LCORE ? TEST_SUCCESS : TEST_SKIPPED;
out:
	close(sock);
	sock = -1;
	return ret;
}

REGISTER_FAST_TEST(fastmem_telemetry_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_telemetry);
