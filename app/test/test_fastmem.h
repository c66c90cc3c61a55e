/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

#ifndef TEST_FASTMEM_H
#define TEST_FASTMEM_H

/*
 * Helpers shared by the fastmem tests: size classes, object patterns derived from an id, and
 * random numbers: a generator with an explicit state (a seed), so that a sequence is the same
 * in every run and each thread keeps its own; rte_rand() where no run needs to be repeated.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_random.h>
#include <rte_stdatomic.h>

#include <rte_fastmem.h>

#include "test.h"

#define PAT_STEP UINT64_C(0x9E3779B97F4A7C15)

/*
 * The size classes as the programming guide lists them, written out independently of the
 * library's lookup: every multiple of 8 B up to 64 B, of 16 B up to 256 B, then four classes
 * per power of two up to 1 MiB (320, 384, 448, 512, 640...).
 */
#define TEST_N_CLASSES 68
#define TEST_PAGE_SIZE ((size_t)64 << 10)      /* spans of the classes up to 8 KiB */
#define TEST_PAGED_MAX ((size_t)8 << 10)
#define TEST_CACHE_BYTES ((size_t)1 << 20)     /* bytes a thread's cache of a class holds */
#define TEST_CHILD_TIMEOUT_S 120               /* a child process is killed after this */

#define KIB(n) ((size_t)(n) << 10)
#define MIB(n) ((size_t)(n) << 20)

static inline size_t
class_size(unsigned int cls)
{
	unsigned int k = cls - 20;

	if (cls < 8)
		return 8 * (cls + 1);
	if (cls < 20)
		return 64 + 16 * (cls - 7);
	return ((size_t)256 << (k / 4)) + (k % 4 + 1) * ((size_t)64 << (k / 4));
}

/* The alignment of the objects of a class: the largest power of two its size is a multiple of. */
static inline size_t
class_alignment(unsigned int cls)
{
	return class_size(cls) & -class_size(cls);
}

/* The class fastmem serves (size, align) from: the smallest holding size rounded to align. */
static inline unsigned int
class_of(size_t size, size_t align)
{
	size_t a = align != 0 ? align : (size_t)RTE_CACHE_LINE_SIZE;
	size_t n = RTE_ALIGN_CEIL(size, a);
	unsigned int cls = 0;

	while (cls < TEST_N_CLASSES - 1 && class_size(cls) < n)
		cls++;
	return cls;
}

/*
 * Cache geometry, as the programming guide documents it: a thread's cache holds 384 objects of
 * a class, or 1 MiB worth of the larger ones (at least 2); a refill takes half a cache from the
 * bin, and a full cache flushes its newest half to the bin's depot.
 */
static inline unsigned int
cache_cap(unsigned int cls)
{
	size_t n = TEST_CACHE_BYTES / class_size(cls);

	return RTE_MAX(RTE_MIN(n, (size_t)384), (size_t)2);
}

static inline unsigned int
cache_batch(unsigned int cls)
{
	return cache_cap(cls) / 2;
}

/* Bytes of one span of a class: a 64 KiB page up to 8 KiB, else a whole 2 MiB slab. */
static inline size_t
span_size(unsigned int cls)
{
	return class_size(cls) <= TEST_PAGED_MAX ? TEST_PAGE_SIZE : (size_t)2 << 20;
}

/*
 * Objects in a span of a class: a page of a class up to 8 KiB that does not start its slab
 * holds 64 KiB / size objects; the header of a slab of a larger class takes the place of the
 * objects before max(4 KiB, the class alignment).
 */
static inline unsigned int
span_objs(unsigned int cls)
{
	size_t size = class_size(cls);

	if (size <= TEST_PAGED_MAX)
		return TEST_PAGE_SIZE / size;
	return (((size_t)2 << 20) - RTE_MAX((size_t)4096, size & -size)) / size;
}

/* splitmix64's finalizer: a well-mixed word from any input. */
static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline void
memzone_count_cb(const struct rte_memzone *mz __rte_unused, void *arg)
{
	(*(unsigned int *)arg)++;
}

/* The number of memzones EAL has. */
static inline unsigned int
memzone_count(void)
{
	unsigned int n = 0;

	rte_memzone_walk(memzone_count_cb, &n);
	return n;
}

/* splitmix64: the next number of the sequence that *state holds. */
static inline uint64_t
test_rnd(uint64_t *state)
{
	*state += PAT_STEP;
	return mix64(*state);
}

/* A number below n from the sequence that *state holds. */
static inline unsigned int
test_rnd_below(uint64_t *state, unsigned int n)
{
	return (unsigned int)(((test_rnd(state) >> 32) * n) >> 32);
}

/*
 * Object content: an object of 8 bytes or more holds its id in its first word and then words
 * derived from it; a smaller one holds the first bytes of the word derived from its id.
 */
static inline void
pat_fill(void *p, size_t size, uint64_t id)
{
	uint64_t *w = p;
	uint64_t base = mix64(id), v;
	size_t i, nw = size / 8;

	if (size < 8) {
		memcpy(p, &base, size);
		return;
	}
	w[0] = id;
	for (i = 1; i < nw; i++)
		w[i] = base + i * PAT_STEP;
	if (size % 8 != 0) {
		v = base + nw * PAT_STEP;
		memcpy(&w[nw], &v, size % 8);
	}
}

/* Offset of the first bad byte among the first @p len of pat_fill(p, full, id), or SIZE_MAX. */
static inline size_t
pat_check(const void *p, size_t len, size_t full, uint64_t id)
{
	const uint64_t *w = p;
	const uint8_t *b = p;
	uint64_t base = mix64(id), v, bad = 0;
	size_t i, nw = len / 8;

	if (full < 8) {
		v = base;
		return memcmp(p, &v, len) == 0 ? SIZE_MAX : 0;
	}
	if (nw > 0 && w[0] != id)
		return 0;
	for (i = 1; i < nw; i++)
		bad |= w[i] ^ (base + i * PAT_STEP);
	if (bad != 0) {
		for (i = 1; i < nw; i++)
			if (w[i] != base + i * PAT_STEP)
				return i * 8;
	}
	for (i = nw * 8; i < len; i++) {
		v = i < 8 ? id : base + (i / 8) * PAT_STEP;
		if (b[i] != (uint8_t)(v >> (8 * (i % 8))))
			return i;
	}
	return SIZE_MAX;
}

/*
 * A pattern that depends on the seed and the offset only, so that any prefix of an object can
 * be checked whatever size was written (test_fastmem.h's pat_fill() starts with the id).
 */
static inline void
pat_write(void *p, size_t len, uint64_t seed)
{
	uint64_t base = (seed + 1) * PAT_STEP;
	uint8_t *b = p;
	uint64_t w;
	size_t i;

	for (i = 0; i < len; i += 8) {
		w = mix64(base + i);
		memcpy(b + i, &w, RTE_MIN((size_t)8, len - i));
	}
}

/* Check the first len bytes pat_write() wrote; prints the first mismatch. */
static inline bool
pat_ok(const void *p, size_t len, uint64_t seed)
{
	uint64_t base = (seed + 1) * PAT_STEP;
	const uint8_t *b = p;
	uint64_t w;
	size_t i;

	for (i = 0; i < len; i += 8) {
		w = mix64(base + i);
		if (memcmp(b + i, &w, RTE_MIN((size_t)8, len - i)) != 0) {
			printf("pattern mismatch: object %p (%zu bytes, seed %" PRIu64
				") at offset %zu\n", p, len, seed, i);
			return false;
		}
	}
	return true;
}

/* Whether the first len bytes at p are zero; prints the first that is not. */
static inline bool
is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i] != 0) {
			printf("object %p not zeroed at offset %zu of %zu\n", p, i, len);
			return false;
		}
	}
	return true;
}

/*
 * The address of a freed object as a pointer the compiler does not track, for the misuse some
 * tests make on purpose (a freed object translated, compared or freed again), which GCC's
 * -Wuse-after-free would flag. Take the address before the free.
 */
static inline void *
freed_at(uintptr_t addr)
{
	volatile uintptr_t a = addr;

	return (void *)a;
}

/*
 * The calling lcore's socket, as an explicit socket id; for a thread without one, the main
 * lcore's, as the library takes it.
 */
static inline int
local_socket(void)
{
	int s = (int)rte_socket_id();

	return s == SOCKET_ID_ANY ? (int)rte_lcore_to_socket_id(rte_get_main_lcore()) : s;
}

/*
 * Let only the calling thread's socket grow, up to max_bytes: every other socket gets a limit of
 * 0. On a machine of several sockets an allocation for any socket falls back to the others, so
 * a test that counts what one socket's limit holds calls this right after init (memory another
 * socket holds already would still serve). Returns 0 or what rte_fastmem_set_limit() returned.
 */
static inline int
limit_local(size_t max_bytes)
{
	int ret = rte_fastmem_set_limit(SOCKET_ID_ANY, 0);

	return ret != 0 ? ret : rte_fastmem_set_limit(local_socket(), max_bytes);
}

/* Backing bytes of all sockets, UINT64_MAX when the statistics cannot be read. */
static inline uint64_t
backing(void)
{
	struct rte_fastmem_stats st;

	if (rte_fastmem_stats(&st) != 0)
		return UINT64_MAX;
	return st.bytes_backing;
}

struct socket_backing {
	char prefix[RTE_MEMZONE_NAMESIZE];
	uint64_t bytes;
};

static inline void
socket_backing_add(const struct rte_memzone *mz, void *arg)
{
	struct socket_backing *sb = arg;

	if (strncmp(mz->name, sb->prefix, strlen(sb->prefix)) == 0)
		sb->bytes += mz->len;
}

/* Backing bytes of one socket: its slab memzones, named fastmem_<socket>_<n> (see the guide). */
static inline uint64_t
socket_backing(int socket_id)
{
	struct socket_backing sb = { .bytes = 0 };

	snprintf(sb.prefix, sizeof(sb.prefix), "fastmem_%d_", socket_id);
	rte_memzone_walk(socket_backing_add, &sb);
	return sb.bytes;
}

/*
 * Every socket's limit at percent of the backing memory it holds, in whole slabs: 100 stops all
 * growth (a limit of the total for every socket would let a socket that holds less grow).
 * Returns 0, what rte_fastmem_set_limit() returned, or -EIO when the sockets' memzones do not
 * add up to the backing memory of the statistics.
 */
static inline int
limit_backing(unsigned int percent)
{
	uint64_t total = 0, b;
	unsigned int i;
	int ret, s;

	for (i = 0; i < rte_socket_count(); i++) {
		s = rte_socket_id_by_idx(i);
		b = socket_backing(s);
		ret = rte_fastmem_set_limit(s, RTE_ALIGN_FLOOR(b * percent / 100,
				UINT64_C(1) << RTE_FASTMEM_SLAB_SHIFT));
		if (ret != 0)
			return ret;
		total += b;
	}
	return total == backing() ? 0 : -EIO;
}

/* Live objects of the class of a size, UINT64_MAX when the statistics cannot be read. */
static inline uint64_t
class_in_use(size_t size)
{
	struct rte_fastmem_class_stats cs;

	if (rte_fastmem_stats_class(size, &cs) != 0)
		return UINT64_MAX;
	return cs.in_use;
}

/*
 * In a forked child that is about to exec: close every descriptor it inherited but stdin,
 * stdout and stderr, as process_dup() does.
 */
static inline void
close_inherited_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (fd > 2 && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

/*
 * Wait for child process pid, at most TEST_CHILD_TIMEOUT_S seconds (then kill it); returns its
 * wait status, or -1 (also when it had to be killed). With ready set, return 0 as soon as
 * *ready is non-zero, leaving the child running.
 */
static inline int
wait_child(pid_t pid, RTE_ATOMIC(uint32_t) const *ready)
{
	uint64_t deadline = rte_get_timer_cycles() + TEST_CHILD_TIMEOUT_S * rte_get_timer_hz();
	int status;
	pid_t w;

	for (;;) {
		if (ready != NULL && rte_atomic_load_explicit(ready, rte_memory_order_acquire))
			return 0;
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
		if (rte_get_timer_cycles() > deadline) {
			printf("child %d still running after %d s: killing it\n", (int)pid,
				TEST_CHILD_TIMEOUT_S);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(10000);
	}
}

/* virt2iova of an object: EAL's at its first and last byte. */
static inline int
iova_check(const void *obj, size_t size)
{
	const char *last = (const char *)obj + size - 1;

	TEST_ASSERT(rte_fastmem_virt2iova(obj) != RTE_BAD_IOVA, "no IO address for %p", obj);
	TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(obj), rte_mem_virt2iova(obj),
			"object %p (%zu B): first byte at IOVA 0x%" PRIx64 ", EAL says 0x%" PRIx64,
			obj, size, rte_fastmem_virt2iova(obj), rte_mem_virt2iova(obj));
	TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(last), rte_mem_virt2iova(last),
			"object %p (%zu B): last byte at IOVA 0x%" PRIx64 ", EAL says 0x%" PRIx64,
			obj, size, rte_fastmem_virt2iova(last), rte_mem_virt2iova(last));
	return 0;
}

/* virt2iova of a large object: EAL's at the first and last byte and in every 2 MiB chunk. */
static inline int
large_iova_check(const void *obj, size_t size)
{
	size_t off;

	if (iova_check(obj, size) != 0)
		return -1;
	for (off = MIB(2) - ((uintptr_t)obj & (MIB(2) - 1)) + 4321; off < size; off += MIB(2)) {
		const char *p = (const char *)obj + off;

		TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(p), rte_mem_virt2iova(p),
				"object %p (%zu B): byte %zu at IOVA 0x%" PRIx64 ", EAL says 0x%"
				PRIx64, obj, size, off, rte_fastmem_virt2iova(p),
				rte_mem_virt2iova(p));
	}
	return 0;
}

#endif /* TEST_FASTMEM_H */
