/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Checked builds, each misuse provoked in a forked child process:
 *
 * fastmem_debug_autotest: with fastmem built in debug mode (RTE_LIBRTE_FASTMEM_DEBUG), every
 * misuse the debug mode detects must stop the child (it panics) with a log line naming the
 * failed check. Skipped without debug mode. (The leak report at deinit, in every build:
 * fastmem_autotest.)
 *
 * fastmem_asan_autotest: in an AddressSanitizer build, a use after free and an overflow of a
 * fastmem object must be reported by ASan; correct use must not be. Skipped without ASan.
 */

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fastmem.h>
#include <rte_log.h>
#include <rte_pause.h>
#include <rte_stdatomic.h>
#include <rte_thread.h>

#include "test.h"
#include "test_fastmem.h"

/* A gcov build (-Db_coverage=true) that defines FASTMEM_TEST_GCOV: see child_abort(). */
#ifdef FASTMEM_TEST_GCOV
#include <gcov.h>
#endif

#define OUT_SIZE 65536

/*
 * The misuse below is on purpose: pointers pass through this volatile variable so that the
 * compiler, which tracks allocations and frees, does not warn about it.
 */
static void *volatile stash;

/* The cases of two threads freeing one object at once: see free_at_once(). */
static RTE_ATOMIC(uint32_t) at_once_done;
static volatile bool at_once_active;

/*
 * A child's SIGABRT handler: in the cases of free_at_once(), wait for the other thread's free;
 * in coverage builds, write the coverage counters before the panic's abort() ends the child
 * (abort() writes none), so that the report shows the checks that fired.
 */
static void
child_abort(int sig)
{
	uint64_t end = rte_get_tsc_cycles() + rte_get_tsc_hz();

	while (at_once_active && rte_get_tsc_cycles() < end &&
			rte_atomic_load_explicit(&at_once_done, rte_memory_order_acquire) == 0)
		rte_pause();
#ifdef FASTMEM_TEST_GCOV
	__gcov_dump();
#endif
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Run fn in a child with its output in out; returns the wait status. A child that still runs
 * after TEST_CHILD_TIMEOUT_S seconds (a check that hangs instead of panicking) ends by SIGALRM,
 * which the caller reports as not caught.
 */
static int __rte_unused
run_child(void (*fn)(void), char *out, size_t len)
{
	static char scratch[4096];
	int fds[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		signal(SIGABRT, child_abort);
		alarm(TEST_CHILD_TIMEOUT_S);
		fn();
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	/* Read to the end, keeping what fits: a child blocked on a full pipe would never exit. */
	for (;;) {
		char *dst = used < len - 1 ? out + used : scratch;
		size_t room = used < len - 1 ? len - 1 - used : sizeof(scratch);

		n = read(fds[0], dst, room);
		if (n <= 0)
			break;
		if (dst != scratch)
			used += n;
	}
	out[used] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * Everything a child needs is set up before the fork: memory reserved, this thread's cache
 * block created, so the child changes no EAL structure (heap, memzones) it shares with us.
 */
static int __rte_unused
prepare_child(void)
{
	void *p;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 << 20, SOCKET_ID_ANY), "reserve");
	p = rte_fastmem_alloc(8, 8, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc");
	rte_fastmem_free(p);
	return 0;
}

/*
 * Large objects (above the largest class, a memzone each). LARGE_SIZE leaves slack in its
 * memzone (the memzone is the object's offset, a cache line, plus the size rounded up to a
 * cache line): debug mode puts 8 canary bytes there. LARGE_EXACT fills its memzone to the
 * last byte: no canary, and ASan sees EAL's redzone right after it.
 *
 * A child must not reserve or free a memzone: with hugepages, EAL would map or unmap pages
 * in the child only, while the memzone and memseg tables it changes are shared with the
 * parent. The large objects a child misuses are therefore allocated (and freed) before the
 * fork, and a child reallocates one only in place, within its memzone.
 */
#define LARGE_SIZE (((size_t)1 << 20) + 100)
#define LARGE_SHRUNK (((size_t)1 << 20) + 40)   /* realloc in place, down */
#define LARGE_GROWN (((size_t)1 << 20) + 120)   /* realloc in place, up, within the slack */
#define LARGE_EXACT (((size_t)2 << 20) - 64)

static void *large_live;        /* allocated before the fork */
static void *large_exact;       /* allocated before the fork, no slack */
static void *large_freed;       /* allocated and freed before the fork: its memzone idle */
static void *large_gone;        /* allocated and freed, its memzone trimmed (back with EAL) */

/*
 * Allocate the large objects of the children (after prepare_child()). A child may reuse the
 * idle memzone of large_freed: that changes no EAL structure.
 */
static int __rte_unused
prepare_large(void)
{
	large_live = rte_fastmem_alloc(LARGE_SIZE, 0, 0);
	large_exact = rte_fastmem_alloc(LARGE_EXACT, 0, 0);
	large_freed = rte_fastmem_alloc(LARGE_SIZE, 0, 0);
	large_gone = rte_fastmem_alloc(LARGE_SIZE, 0, 0);
	TEST_ASSERT(large_live != NULL && large_exact != NULL && large_freed != NULL &&
			large_gone != NULL, "large alloc: %d", rte_errno);
	stash = large_gone;
	rte_fastmem_free(large_gone);
	TEST_ASSERT(rte_fastmem_trim(SOCKET_ID_ANY) > 0, "trim of an idle large memzone");
	large_gone = stash;
	/* Freed last: no allocation may reuse its memory before the child uses it. */
	stash = large_freed;
	rte_fastmem_free(large_freed);
	large_freed = stash;
	return 0;
}

static int __rte_unused
bytes_are(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return 0;
	return 1;
}

/*
 * Correct use of large objects, in this process (it reserves and frees memzones, which a
 * child must not): written to their full requested size, reallocated in place (down, then up
 * within the memzone's slack) and moved (to a larger large object, to a size class), bulk
 * allocated zeroed, aligned to 1 MiB, freed, and the idle memzones of the freed ones reused
 * (zeroed on request). A debug check failing panics, an ASan report aborts: either fails the
 * test.
 */
static int __rte_unused
large_correct_use(void)
{
	struct rte_fastmem_stats st;
	void *bulk[3];
	char *p, *q;
	unsigned int i;
	uintptr_t at;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	p = rte_fastmem_alloc(LARGE_SIZE, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "large alloc: %d", rte_errno);
	memset(p, 1, LARGE_SIZE);
	q = rte_fastmem_realloc(p, LARGE_SHRUNK, 0);
	TEST_ASSERT(q == p, "realloc down did not stay in place (%p -> %p)", p, q);
	TEST_ASSERT(bytes_are(q, 1, LARGE_SHRUNK), "content after realloc down");
	memset(q, 2, LARGE_SHRUNK);
	q = rte_fastmem_realloc(q, LARGE_GROWN, 0);
	TEST_ASSERT(q == p, "realloc up within the memzone moved (%p -> %p)", p, q);
	TEST_ASSERT(bytes_are(q, 2, LARGE_SHRUNK), "content after realloc up");
	memset(q, 3, LARGE_GROWN);
	q = rte_fastmem_realloc(q, (size_t)3 << 20, 0);
	TEST_ASSERT_NOT_NULL(q, "realloc to 3 MiB: %d", rte_errno);
	TEST_ASSERT(bytes_are(q, 3, LARGE_GROWN), "content after realloc to 3 MiB");
	memset(q, 4, (size_t)3 << 20);
	TEST_ASSERT(rte_fastmem_virt2iova(q + ((size_t)3 << 20) - 1) != RTE_BAD_IOVA,
			"virt2iova of the last byte");
	q = rte_fastmem_realloc(q, 100, 0);
	TEST_ASSERT_NOT_NULL(q, "realloc to 100 B: %d", rte_errno);
	TEST_ASSERT(bytes_are(q, 4, 100), "content after realloc to a class");
	rte_fastmem_free(q);

	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(bulk, RTE_DIM(bulk), LARGE_SIZE, 0,
			RTE_FASTMEM_F_ZERO), "large bulk alloc: %d", rte_errno);
	for (i = 0; i < RTE_DIM(bulk); i++) {
		TEST_ASSERT(bytes_are(bulk[i], 0, LARGE_SIZE), "bulk object %u not zeroed", i);
		memset(bulk[i], 5, LARGE_SIZE);
	}
	rte_fastmem_free_bulk(bulk, RTE_DIM(bulk));

	p = rte_fastmem_alloc(LARGE_EXACT, (size_t)1 << 20, 0);
	TEST_ASSERT_NOT_NULL(p, "large alloc aligned to 1 MiB: %d", rte_errno);
	TEST_ASSERT(((uintptr_t)p & (((size_t)1 << 20) - 1)) == 0, "%p not aligned", p);
	memset(p, 6, LARGE_EXACT);
	stash = p - ((size_t)1 << 20) + 64;
	at = (uintptr_t)p;
	rte_fastmem_free(p);
	/* Its memzone kept idle: no IO address, and no report (a result the API documents). */
	TEST_ASSERT(rte_fastmem_virt2iova(freed_at(at)) == RTE_BAD_IOVA,
			"virt2iova of a freed large object");

	/* The idle memzone reused (its poison intact), zeroed, at another offset, freed again. */
	q = stash;
	p = rte_fastmem_alloc(LARGE_EXACT - 64, 0, RTE_FASTMEM_F_ZERO);
	TEST_ASSERT(p == q, "idle memzone not reused (%p, expected %p)", p, q);
	TEST_ASSERT(bytes_are(p, 0, LARGE_EXACT - 64), "reused memzone not zeroed");
	memset(p, 7, LARGE_EXACT - 64);
	rte_fastmem_free(p);

	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.large_in_use == 0 && st.bytes_large == 0,
			"%" PRIu64 " large objects of %" PRIu64 " bytes left", st.large_in_use,
			st.bytes_large);
	TEST_ASSERT(st.large_idle != 0, "no idle large memzone kept");
	rte_fastmem_deinit();
	printf("%-32s no report, as it should be\n", "large objects, correct use");
	return 0;
}

#ifndef RTE_LIBRTE_FASTMEM_DEBUG

static int
test_fastmem_debug(void)
{
	printf("fastmem not built in debug mode (RTE_LIBRTE_FASTMEM_DEBUG): skipped\n");
	return TEST_SKIPPED;
}

#else

static void *
must_alloc(size_t size, size_t align)
{
	void *p = rte_fastmem_alloc(size, align, 0);

	if (p == NULL) {
		printf("allocation failed\n");
		_exit(2);
	}
	return p;
}

static void
double_free(void)
{
	void *p = must_alloc(64, 0);

	stash = p;
	rte_fastmem_free(p);
	rte_fastmem_free(stash);        /* still in this thread's cache */
}

/*
 * A double free after the flush of the thread's caches gave the object's span back: its
 * 64 KiB page to its slab, which a live object of another class keeps in service, or its
 * whole slab to the pool. The sizes are of classes that nothing before the fork uses.
 */
static void
double_free_span_back(size_t size, bool page)
{
	void *keep = must_alloc(64, 0);
	void *p = must_alloc(size, 0);

	if (page && ((uintptr_t)p ^ (uintptr_t)keep) >= RTE_FASTMEM_SLAB_SIZE) {
		printf("the page of %zu B objects is not in the slab of the live object\n", size);
		_exit(2);
	}
	stash = p;
	rte_fastmem_free(p);
	rte_fastmem_cache_flush();
	rte_fastmem_free(stash);
}

static void
double_free_page_back(void)
{
	double_free_span_back(6144, true);
}

static void
double_free_slab_back(void)
{
	double_free_span_back(384 << 10, false);
}

static void *victim; /* freed by another thread before the fork */

static uint32_t
free_in_thread(void *arg)
{
	rte_fastmem_free(arg);
	return 0;    /* the thread's exit flushes its cache to the bin */
}

static void
double_free_threads(void)
{
	stash = victim;
	rte_fastmem_free(stash);
}

/*
 * Two threads free one object at the same moment (as far as a spin on a shared counter lines
 * them up). Whichever finds the object freed reports a double free, before it changes
 * anything. The child shares the parent's DPDK memory: the panic of one thread must not end
 * the child while the other is inside the allocator, maybe holding one of its locks, which
 * the parent would then wait for at its deinit. So the child's SIGABRT handler waits (a second
 * at most) until the other thread's free has returned, and the threads never exit (a thread's
 * exit flushes its cache, under locks).
 */
static RTE_ATOMIC(uint32_t) at_once_ready;

static uint32_t
free_at_once_thread(void *obj)
{
	rte_atomic_fetch_add_explicit(&at_once_ready, 1, rte_memory_order_relaxed);
	while (rte_atomic_load_explicit(&at_once_ready, rte_memory_order_relaxed) < 2)
		rte_pause();
	rte_fastmem_free(obj);
	rte_atomic_fetch_add_explicit(&at_once_done, 1, rte_memory_order_release);
	/* No thread exit: its flush of the cache would take locks the panic could cut short. */
	for (;;)
		rte_delay_us_sleep(US_PER_S);
	return 0;
}

static void
free_at_once(size_t size)
{
	void *obj = must_alloc(size, 0);
	rte_thread_t t[2];
	unsigned int i;

	at_once_active = true;
	for (i = 0; i < RTE_DIM(t); i++)
		if (rte_thread_create(&t[i], NULL, free_at_once_thread, obj) != 0) {
			printf("cannot create a thread\n");
			_exit(2);
		}
	/* Both frees returned: not caught (the child then ends, the threads with it). */
	while (rte_atomic_load_explicit(&at_once_done, rte_memory_order_acquire) < RTE_DIM(t))
		rte_delay_us_sleep(1000);
	printf("both frees returned\n");
}

static void
double_free_at_once(void)
{
	free_at_once(64);
}

static void
large_double_free_at_once(void)
{
	free_at_once(LARGE_SIZE);
}

static void
free_foreign(void)
{
	static char not_ours[128];

	must_alloc(64, 0);
	stash = not_ours;
	rte_fastmem_free(stash);
}

static void
realloc_foreign(void)
{
	static char not_ours[128];

	must_alloc(64, 0);
	stash = not_ours;
	if (rte_fastmem_realloc(stash, 256, 0) == NULL)
		printf("realloc failed\n");
}

static void
realloc_inside(void)
{
	char *p = must_alloc(64, 0);

	stash = p + 8;
	if (rte_fastmem_realloc(stash, 256, 0) == NULL)
		printf("realloc failed\n");
}

static void
virt2iova_foreign(void)
{
	static char not_ours[128];

	must_alloc(64, 0);
	printf("IOVA 0x%" PRIx64 "\n", rte_fastmem_virt2iova(not_ours));
}

static void
free_inside(void)
{
	char *p = must_alloc(64, 0);

	stash = p + 8;
	rte_fastmem_free(stash);
}

static void
free_header(void)
{
	char *p = must_alloc(64, 0);

	rte_fastmem_free((void *)(((uintptr_t)p & ~(RTE_FASTMEM_SLAB_SIZE - 1)) + 64));
}

/*
 * The same in a slab whose first page, which holds the header, is free: objects of the 2560 B
 * class taken until one lies in a page past its slab's first, the others freed and flushed
 * back to their pages, which then go back to their slabs (that object's page stays).
 */
static void
free_header_page_free(void)
{
	const uintptr_t page = (uintptr_t)1 << RTE_FASTMEM_PAGE_SHIFT;
	void *objs[64];
	unsigned int i, n = 0;
	char *p;

	do {
		p = must_alloc(2560, 0);
		objs[n++] = p;
	} while (((uintptr_t)p & (RTE_FASTMEM_SLAB_SIZE - 1)) < page && n < RTE_DIM(objs));
	for (i = 0; i + 1 < n; i++)
		rte_fastmem_free(objs[i]);
	rte_fastmem_cache_flush();
	rte_fastmem_free((void *)(((uintptr_t)p & ~(RTE_FASTMEM_SLAB_SIZE - 1)) + 64));
}

/*
 * The start of a page past a slab's first, of the 2560 B class: before its first object (the
 * page's per-object words, and its color), not in the slab header.
 */
static void
free_slack(void)
{
	const uintptr_t page = (uintptr_t)1 << RTE_FASTMEM_PAGE_SHIFT;
	char *p = must_alloc(2560, 0);

	while (((uintptr_t)p & (RTE_FASTMEM_SLAB_SIZE - 1)) < page)
		p = must_alloc(2560, 0);
	rte_fastmem_free((void *)((uintptr_t)p & ~(page - 1)));
}

/*
 * The last object slot of the page of a 40 B object (a class nothing else here uses): past
 * what the page's first refill carved, never handed out.
 */
static void
free_unused(void)
{
	const uintptr_t page = (uintptr_t)1 << RTE_FASTMEM_PAGE_SHIFT;
	char *p = must_alloc(40, 8);
	uintptr_t end = ((uintptr_t)p & ~(page - 1)) + page;

	rte_fastmem_free(p + ((end - (uintptr_t)p) / 40 - 1) * 40);
}

/*
 * A corrupted cache: the object on top of the thread's cache of its class pushed a second
 * time, as a bug in the allocator could, so that two allocations get it.
 */
static void
alloc_twice(void)
{
	struct rte_fastmem_cache *c;
	void *p;
	uint32_t len;

	stash = must_alloc(64, 0);
	rte_fastmem_free(stash);
	p = stash;
	if (!__rte_fastmem_key_cache(RTE_PER_LCORE(rte_fastmem_tls).local,
			__rte_fastmem_slab_key(p), &c)) {
		printf("no cache holds the 64 B object\n");
		_exit(2);
	}
	len = __rte_fastmem_cache_len(c);
	if (len == 0 || len >= c->cap || c->objs[len - 1] != p) {
		printf("the 64 B object is not on top of its cache\n");
		_exit(2);
	}
	c->objs[len] = p;
	c->top += 1;
	must_alloc(64, 0);
	must_alloc(64, 0);
}

static void
hfree_other_class(void)
{
	rte_fastmem_handle_t h;
	void *p = must_alloc(256, 0);

	if (rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h) != 0)
		_exit(2);
	rte_fastmem_hfree(h, p);
}

static void
hfree_bad_handle(void)
{
	void *p = must_alloc(64, 0);

	rte_fastmem_hfree((rte_fastmem_handle_t)0x12345678, p);
}

/* The handle whose cache index is UINT32_MAX, which the check takes for no handle at all. */
static void
hfree_bad_handle_max(void)
{
	void *p = must_alloc(64, 0);

	rte_fastmem_hfree((rte_fastmem_handle_t)(((uint32_t)RTE_FASTMEM_HANDLE_MAGIC << 16) - 1),
			p);
}

static void
overflow(void)
{
	char *p = must_alloc(100, 0);

	p[100] = 1;
	rte_fastmem_free(p);
}

static void
use_after_free(void)
{
	char *p = must_alloc(64, 8);
	char *q;

	stash = p;
	rte_fastmem_free(p);
	p = stash;
	p[20] = 1;
	q = must_alloc(64, 8);  /* LIFO: the same object again */
	printf("got %p again as %p\n", (void *)p, (void *)q);
}

/* The first word, which no free list or chain of the allocator kept. */
static void
use_after_free_first_word(void)
{
	char *p = must_alloc(64, 8);

	stash = p;
	rte_fastmem_free(p);
	p = stash;
	p[0] = 1;
	must_alloc(64, 8);
}

/* Large objects: allocated (large_freed also freed) before the fork, see prepare_large(). */
static void
large_overflow(void)
{
	char *p = large_live;

	p[LARGE_SIZE] = 1;
	rte_fastmem_free(p);
}

static void
large_free_inside(void)
{
	stash = (char *)large_live + 4096;
	rte_fastmem_free(stash);
}

static void
large_double_free(void)
{
	rte_fastmem_free(large_freed);  /* its memzone is idle, kept for reuse */
}

static void
large_double_free_gone(void)
{
	rte_fastmem_free(large_gone);   /* its memzone is gone: no large object there */
}

/* Written after its free, then its idle memzone reused: the poison check finds the write. */
static void
large_use_after_free(void)
{
	char *p = large_freed;

	p[10] = 1;
	p = rte_fastmem_alloc(LARGE_SIZE, 0, 0);
	printf("got %p, freed %p\n", (void *)p, large_freed);
}

static void
large_hfree(void)
{
	rte_fastmem_handle_t h;

	if (rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h) != 0)
		_exit(2);
	rte_fastmem_hfree(h, large_live);
}

/* The resize checks the canary of the old size before it moves it. */
static void
large_overflow_realloc(void)
{
	char *p = large_live;

	p[LARGE_SIZE + 3] = 1;
	if (rte_fastmem_realloc(p, LARGE_GROWN, 0) != p)
		printf("realloc moved the object\n");
}

/* Down in place: the canary follows the new size. */
static void
large_overflow_shrunk(void)
{
	char *p = rte_fastmem_realloc(large_live, LARGE_SHRUNK, 0);

	if (p != large_live) {
		printf("realloc moved the object\n");
		_exit(2);
	}
	p[LARGE_SHRUNK] = 1;
	rte_fastmem_free(p);
}

/* Up in place: the canary follows the new size too. */
static void
large_overflow_grown(void)
{
	char *p = rte_fastmem_realloc(large_live, LARGE_GROWN, 0);

	if (p != large_live) {
		printf("realloc moved the object\n");
		_exit(2);
	}
	memset(p, 1, LARGE_GROWN);
	p[LARGE_GROWN + 7] = 1;         /* the last canary byte: the memzone ends at +8 */
	rte_fastmem_free(p);
}

static const struct {
	const char *name;
	void (*fn)(void);
	const char *report;     /* expected in the child's output */
	const char *detail;     /* also expected, unless NULL */
} cases[] = {
	{ "double free", double_free, "double free" },
	{ "double free across threads", double_free_threads, "double free" },
	{ "double free by two threads at once", double_free_at_once, "double free" },
	{ "large: double free by two threads at once", large_double_free_at_once,
		"double free" },
	{ "double free, page given back", double_free_page_back,
		"free of a pointer into a free page", "(double free?)" },
	{ "double free, slab given back", double_free_slab_back,
		"free of a pointer into a free slab", "(double free?)" },
	{ "free of foreign memory", free_foreign, "free of memory fastmem never returned" },
	{ "realloc of foreign memory", realloc_foreign,
		"realloc of memory fastmem never returned", "(foreign memory)" },
	{ "realloc inside an object", realloc_inside,
		"realloc of memory fastmem never returned", "(inside an object)" },
	{ "virt2iova of foreign memory", virt2iova_foreign,
		"virt2iova of memory fastmem never returned" },
	{ "free inside an object", free_inside, "free of a pointer inside an object" },
	{ "free into a slab header", free_header, "free of a pointer into a slab header" },
	{ "free into a slab header, its first page free", free_header_page_free,
		"free of a pointer into a slab header" },
	{ "free before a page's first object", free_slack, "free of a pointer into slab slack" },
	{ "free of an object never handed out", free_unused,
		"free of an object fastmem never handed out" },
	{ "allocation of an object twice", alloc_twice,
		"object handed out twice (cache or depot corrupted)" },
	{ "hfree of another class", hfree_other_class,
		"hfree of an object of another class" },
	{ "hfree with a bad handle", hfree_bad_handle,
		"hfree with a handle hlookup never returned" },
	{ "hfree with the bad handle of index UINT32_MAX", hfree_bad_handle_max,
		"hfree with a handle hlookup never returned" },
	{ "write past the requested size", overflow, "write past the requested size" },
	{ "write to a freed object", use_after_free, "write to a freed object" },
	{ "write to a freed object's first word", use_after_free_first_word,
		"write to a freed object", "(byte 0 changed after free)" },
	{ "large: write past the size", large_overflow, "write past the requested size",
		"(requested 1048676 B, byte 1048676 overwritten)" },
	{ "large: free inside", large_free_inside, "free of a pointer inside a large object" },
	{ "large: double free", large_double_free, "double free", "(large object)" },
	/* A trimmed large object's memzone is back with EAL: the pointer is foreign memory. */
	{ "large: double free, trimmed", large_double_free_gone,
		"free of memory fastmem never returned", "(foreign memory)" },
	{ "large: write to a freed object", large_use_after_free, "write to a freed object",
		"(large object, byte 10 changed after free)" },
	{ "large: hfree", large_hfree, "hfree of a large object",
		"(handles serve size classes only)" },
	{ "large: realloc after overflow", large_overflow_realloc, "write past the requested size",
		"(requested 1048676 B, byte 1048679 overwritten)" },
	{ "large: realloc down, overflow", large_overflow_shrunk, "write past the requested size",
		"(requested 1048616 B, byte 1048616 overwritten)" },
	{ "large: realloc up, overflow", large_overflow_grown, "write past the requested size",
		"(requested 1048696 B, byte 1048703 overwritten)" },
};

static int
prepare(void)
{
	rte_thread_t t;

	if (prepare_child() < 0 || prepare_large() < 0)
		return -1;
	victim = rte_fastmem_alloc(256, 0, 0);
	TEST_ASSERT_NOT_NULL(victim, "alloc");
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, free_in_thread, victim), "thread");
	TEST_ASSERT_SUCCESS(rte_thread_join(t, NULL), "join");
	return 0;
}

static int
test_fastmem_debug(void)
{
	static char out[OUT_SIZE];
	unsigned int i;
	int status;

	if (large_correct_use() < 0)
		return TEST_FAILED;
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (prepare() < 0)
			return TEST_FAILED;
		status = run_child(cases[i].fn, out, sizeof(out));
		rte_fastmem_deinit();
		TEST_ASSERT(status != -1, "%s: could not run the child", cases[i].name);
		TEST_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
				"%s: not caught (child status %#x)\n%s", cases[i].name, status,
				out);
		TEST_ASSERT(strstr(out, cases[i].report) != NULL,
				"%s: no \"%s\" in the report:\n%s", cases[i].name, cases[i].report,
				out);
		TEST_ASSERT(cases[i].detail == NULL || strstr(out, cases[i].detail) != NULL,
				"%s: no \"%s\" in the report:\n%s", cases[i].name, cases[i].detail,
				out);
		printf("%-32s caught: %s\n", cases[i].name, cases[i].report);
	}
	return TEST_SUCCESS;
}

#endif /* RTE_LIBRTE_FASTMEM_DEBUG */

REGISTER_FAST_TEST(fastmem_debug_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_debug);

/* AddressSanitizer, as GCC (__SANITIZE_ADDRESS__) or clang (__has_feature) announce it. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_FASTMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_FASTMEM_ASAN 1
#endif
#endif

#ifndef TEST_FASTMEM_ASAN

static int
test_fastmem_asan(void)
{
	printf("not an AddressSanitizer build: skipped\n");
	return TEST_SKIPPED;
}

#else

static volatile char sink;

static void
asan_use_after_free(void)
{
	char *p = rte_fastmem_alloc(64, 0, 0);

	stash = p;
	rte_fastmem_free(p);
	p = stash;
	sink = p[10];
}

static void
asan_overflow(void)
{
	char *p = rte_fastmem_alloc(100, 0, 0);

	sink = p[100];
}

static void
handle_use_after_free(void)
{
	rte_fastmem_handle_t h;
	char *p;

	if (rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &h) != 0)
		_exit(2);
	p = rte_fastmem_halloc(h, 0);
	stash = p;
	rte_fastmem_hfree(h, p);
	p = stash;
	p[0] = 1;
}

static void
correct_use(void)
{
	char *p = rte_fastmem_alloc(100, 0, 0);
	void *q[32];
	unsigned int i;

	memset(p, 1, 100);
	p = rte_fastmem_realloc(p, 5000, 0);
	memset(p, 2, 5000);
	rte_fastmem_free(p);
	if (rte_fastmem_alloc_bulk(q, RTE_DIM(q), 64, 0, RTE_FASTMEM_F_ZERO) != 0)
		_exit(2);
	for (i = 0; i < RTE_DIM(q); i++)
		memset(q[i], 3, 64);
	rte_fastmem_free_bulk(q, RTE_DIM(q));
}

/*
 * A slab freed by a larger class and carved again for a smaller one: debug mode writes its
 * per-object words (4 bytes per 16 B object: the first 410 KiB) where the 4 KiB objects were,
 * which are poisoned.
 */
static void
slab_recarve(void)
{
	void *big[2], *small[256];
	unsigned int i;

	for (i = 0; i < RTE_DIM(big); i++)
		big[i] = rte_fastmem_alloc(4096, 0, 0);
	for (i = 0; i < RTE_DIM(big); i++)
		rte_fastmem_free(big[i]);
	rte_fastmem_cache_flush();
	for (i = 0; i < RTE_DIM(small); i++) {
		small[i] = rte_fastmem_alloc(16, 16, 0); /* a class without a slab yet */
		if (small[i] == NULL)
			_exit(2);
		memset(small[i], 4, 16);
	}
	for (i = 0; i < RTE_DIM(small); i++)
		rte_fastmem_free(small[i]);
}

/* Large objects, allocated (large_freed also freed) before the fork: see prepare_large(). */
static void
asan_large_overflow(void)
{
	const char *p = large_live;

	sink = p[LARGE_SIZE];   /* in the memzone's slack, poisoned by fastmem */
}

static void
asan_large_overflow_exact(void)
{
	const char *p = large_exact;

	sink = p[LARGE_EXACT];  /* past the memzone: EAL's redzone after its heap element */
}

static void
asan_large_shrunk(void)
{
	char *p = rte_fastmem_realloc(large_live, LARGE_SHRUNK, 0);

	if (p != large_live)
		_exit(2);
	sink = p[LARGE_SHRUNK]; /* within the old size: poisoned by the realloc */
}

static void
asan_large_use_after_free(void)
{
	const char *p = large_freed;

	sink = p[10];           /* the memzone is idle, its object poisoned by fastmem */
}

static void
asan_large_use_after_trim(void)
{
	const char *p = large_gone;

	sink = p[10];           /* the memzone is back in EAL's heap, which poisons free memory */
}

static const struct {
	const char *name;
	void (*fn)(void);
	const char *report;     /* NULL: no report expected */
	bool no_huge;           /* checked without hugepages only */
} asan_cases[] = {
	{ "use after free", asan_use_after_free, "use-after-poison" },
	{ "overflow", asan_overflow, "use-after-poison" },
	{ "use after hfree", handle_use_after_free, "use-after-poison" },
	{ "correct use", correct_use, NULL },
	{ "slab carved again", slab_recarve, NULL },
	{ "large: overflow", asan_large_overflow, "use-after-poison" },
	{ "large: overflow, no slack", asan_large_overflow_exact, "heap-buffer-overflow" },
	{ "large: realloc down", asan_large_shrunk, "use-after-poison" },
	{ "large: use after free", asan_large_use_after_free, "use-after-poison" },
	/*
	 * EAL (RTE_MALLOC_ASAN) marks the memory of a freed heap element as freed. Without
	 * hugepages (legacy memory) it stays mapped: ASan sees a use after free. With hugepages
	 * EAL may give the pages of the freed memzone back to the kernel: the access would fault
	 * or land in pages mapped again for something else, which is not checked.
	 */
	{ "large: use after trim", asan_large_use_after_trim, "heap-use-after-free", true },
};

static int
test_fastmem_asan(void)
{
	static char out[OUT_SIZE];
	unsigned int i;
	int status;

	if (large_correct_use() < 0)
		return TEST_FAILED;
	for (i = 0; i < RTE_DIM(asan_cases); i++) {
		if (asan_cases[i].no_huge && rte_eal_has_hugepages()) {
			printf("%-26s not checked with hugepages\n", asan_cases[i].name);
			continue;
		}
		if (prepare_child() < 0 || prepare_large() < 0)
			return TEST_FAILED;
		status = run_child(asan_cases[i].fn, out, sizeof(out));
		TEST_ASSERT(status != -1, "%s: could not run the child", asan_cases[i].name);
		if (asan_cases[i].report == NULL) {
			/*
			 * No deinit after an unexpected report: the child may have died
			 * holding a lock in the memory it shares with us.
			 */
			TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
					strstr(out, "AddressSanitizer") == NULL,
					"%s: reported (status %#x):\n%s", asan_cases[i].name,
					status, out);
			rte_fastmem_deinit();
			printf("%-26s not reported, as it should be\n", asan_cases[i].name);
			continue;
		}
		rte_fastmem_deinit();
		TEST_ASSERT(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
				"%s: not caught\n%s", asan_cases[i].name, out);
		TEST_ASSERT(strstr(out, "AddressSanitizer") != NULL &&
				strstr(out, asan_cases[i].report) != NULL,
				"%s: no \"%s\" report:\n%s", asan_cases[i].name,
				asan_cases[i].report, out);
		printf("%-26s reported by ASan: %s\n", asan_cases[i].name,
				asan_cases[i].report);
	}
	return TEST_SUCCESS;
}

#endif /* TEST_FASTMEM_ASAN */

REGISTER_FAST_TEST(fastmem_asan_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_asan);
