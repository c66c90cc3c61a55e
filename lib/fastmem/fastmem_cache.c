/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Per-thread caches. Every thread that allocates or frees gets a cache block on first use: one
 * bounded LIFO cache per (socket, class), found through one thread-local variable. The inline
 * functions of rte_fastmem.h serve hits; this file serves everything else: creating blocks,
 * refilling an empty cache from its bin (up to half its capacity at once) and flushing the
 * newest half of a full cache to the bin's depot.
 *
 * Blocks live in DPDK memory so that statistics can read the caches of every thread of every
 * process, and are listed in the shared block registry. Threads other than EAL lcores (non-EAL
 * threads, threads of secondary processes) work the same way; their block is flushed back to
 * the bins when the thread exits, through a pthread key destructor, and kept for the next
 * thread of the process: parked, with capacity 0, still registered. A thread that cannot get a
 * block (memory or registry exhausted) works uncached, directly on the bins.
 *
 * Every block of a process stays registered, with its owner process, for as long as that
 * process is attached and until it is gone: a secondary detached by rte_fastmem_deinit() parks
 * the blocks of its live threads and frees those of its exited threads (see
 * fastmem_cache_detach_all()). The blocks of processes that are gone (exited, with or without
 * deinit, or killed) are reclaimed by the others, see reclaim_dead().
 *
 * A thread may outlive the allocator, and EAL: the destructor then must not touch its block,
 * which rte_eal_cleanup() unmaps. rte_fastmem_deinit() disarms it (the destructor touches DPDK
 * memory only while the allocator is initialized or attached in this process). DPDK 22.11 has
 * no cleanup hook for libraries, so an application whose non-EAL threads may exit after
 * rte_eal_cleanup() must call rte_fastmem_deinit() before it, in every process; without it,
 * the destructor skips a block whose memory is no longer mapped, best effort.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <eal_export.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastmem_private.h"

/*
 * What a thread that has no block (yet) sees, so that every inline path misses without a test
 * of its own: a block without caches, and for its own socket's caches zeroes (length 0 and
 * capacity 0, so that no push succeeds, whatever key a page holds) as far as a page key's
 * offset can reach. They are never written: in .bss, they take no memory. The block's hint is
 * the first of them.
 */
static struct rte_fastmem_cache no_local[(FASTMEM_KEY_SPAN - 1) /
		sizeof(struct rte_fastmem_cache) + 2];
static struct rte_fastmem_block no_block = { .hint = &no_local[0] };

RTE_EXPORT_EXPERIMENTAL_SYMBOL(per_lcore_rte_fastmem_tls, 26.11)
RTE_DEFINE_PER_LCORE(struct rte_fastmem_tls, rte_fastmem_tls) = {
	.local = no_local,
	.blk = &no_block,
};

/* Make blk the calling thread's block, or, with NULL, leave it without one. */
static void
tls_set(struct rte_fastmem_block *blk)
{
	if (blk == NULL) {
		RTE_PER_LCORE(rte_fastmem_tls).local = no_local;
		RTE_PER_LCORE(rte_fastmem_tls).blk = &no_block;
		return;
	}
	RTE_PER_LCORE(rte_fastmem_tls).local =
		&blk->caches[fastmem_block_hdr(blk)->socket_idx * FASTMEM_N_CLASSES];
	RTE_PER_LCORE(rte_fastmem_tls).blk = blk;
}

/*
 * The calling thread's own socket is now the one of index sidx: make the inline paths use its
 * caches in the thread's block. A thread's block has caches for every socket, and the inline
 * paths those of the socket the thread had when it got the block; a thread that moved to
 * another socket since (rte_thread_set_affinity(), rte_thread_register()) follows from its
 * next allocation that misses.
 */
void
fastmem_cache_follow_socket(unsigned int sidx)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;

	if (blk != &no_block)
		RTE_PER_LCORE(rte_fastmem_tls).local = &blk->caches[sidx * FASTMEM_N_CLASSES];
}

/*
 * While this thread works uncached: until this timer value, set when it could not get a block
 * (no memory, no registry slot: either may be had again later), or UINT64_MAX once it is
 * exiting. 0 while it may get a block.
 */
static RTE_DEFINE_PER_LCORE(uint64_t, fastmem_uncached_until);

/* No block for this thread for a while (FASTMEM_BLOCK_RETRY_MS), or for good (exiting). */
static void
uncached_set(bool for_good)
{
	RTE_PER_LCORE(fastmem_uncached_until) = for_good ? UINT64_MAX : rte_get_timer_cycles() +
		rte_get_timer_hz() * FASTMEM_BLOCK_RETRY_MS / 1000;
}

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

/*
 * Blocks of this process; the lock guards the records and armed: whether the blocks are in
 * service (from init or attach to deinit or detach), which an exiting thread checks before it
 * gives its block's objects back. Deinit takes the blocks out of service under
 * the lock before it lets go of the shared state, so an exit that finds them in service holds
 * the state up until it is done.
 */
static rte_spinlock_t local_lock = RTE_SPINLOCK_INITIALIZER;
static struct block_rec *local_recs;
static bool armed;

static pthread_key_t exit_key;
static bool exit_key_valid;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* This process, as registered blocks name their owner; self_known is false if it cannot be. */
static struct fastmem_owner self_id;
static bool self_known;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static bool
owner_eq(const struct fastmem_owner *a, const struct fastmem_owner *b)
{
	return a->pid == b->pid && a->start == b->start && a->pidns == b->pidns;
}

/*
 * Read /proc/<pid>/stat: the pid (field 1) and the start time (field 22, clock ticks after
 * boot). Returns 0 or a negative errno.
 */
static int
proc_stat(int pid, int *stat_pid, uint64_t *start)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	unsigned int field;
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? errno : EIO;
	close(fd);
	if (n <= 0)
		return -err;
	buf[n] = '\0';
	/* pid (comm) state ppid ...: comm may hold anything, up to the last ')' */
	*stat_pid = atoi(buf);
	p = strrchr(buf, ')');
	if (p == NULL)
		return -EIO;
	for (field = 3, tok = strtok_r(p + 1, " ", &save); tok != NULL && field < 22;
			field++, tok = strtok_r(NULL, " ", &save))
		;
	if (tok == NULL)
		return -EIO;
	*start = strtoull(tok, NULL, 10);
	return *start != 0 ? 0 : -EIO;
}

/*
 * The boot time offset of this process's time namespace, in clock ticks (rounded down), into
 * *ticks: /proc shows every process's start time with the reader's offset added (Linux 5.6
 * and later), so that a start time less it reads the same from every time namespace, to a
 * tick. 0 where the kernel has no time namespaces. Returns 0 or -EIO.
 */
static int
boottime_offset(int64_t *ticks)
{
	const int64_t ns_per_s = 1000000000;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t sec, nsec, ns, tick_ns;
	char clock[32];
	int ret = -EIO;
	FILE *f;

	*ticks = 0;
	f = fopen("/proc/self/timens_offsets", "re");
	if (f == NULL)
		return errno == ENOENT ? 0 : -EIO;
	/* "<clock> <seconds> <nanoseconds>" per line; the seconds may be negative */
	while (hz > 0 && hz <= ns_per_s && fscanf(f, "%31s %" SCNd64 " %" SCNd64, clock, &sec,
			&nsec) == 3) {
		if (strcmp(clock, "boottime") != 0 || sec >= INT64_MAX / ns_per_s ||
				sec <= -(INT64_MAX / ns_per_s) || nsec < 0 || nsec >= ns_per_s)
			continue;
		ns = sec * ns_per_s + nsec;
		tick_ns = ns_per_s / hz;
		*ticks = ns >= 0 ? ns / tick_ns : -((-ns + tick_ns - 1) / tick_ns);
		ret = 0;
	}
	fclose(f);
	return ret;
}

/*
 * The start time of process pid, in clock ticks after boot less the boot time offset of this
 * process's time namespace, into *start; the pid /proc names it by into *stat_pid. Returns 0
 * or a negative errno.
 */
static int
proc_start(int pid, int *stat_pid, uint64_t *start)
{
	int64_t off;
	int ret;

	ret = boottime_offset(&off);
	if (ret == 0)
		ret = proc_stat(pid, stat_pid, start);
	if (ret == 0)
		*start -= off;
	return ret;
}

static void
self_read(void)
{
	struct stat sb;
	int stat_pid;

	self_id.pid = getpid();
	self_id.pidns = stat("/proc/self/ns/pid", &sb) == 0 ? (uint64_t)sb.st_ino : 0;
	/* /proc must show this process under its own pid: then it shows the others right too. */
	self_known = proc_start(self_id.pid, &stat_pid, &self_id.start) == 0 &&
		stat_pid == self_id.pid && self_id.start != 0;
	if (!self_known) {
		self_id.start = 0;
		FASTMEM_LOG(DEBUG, "no process identity in /proc: cache blocks of exited processes "
				"are not reclaimed here, nor this process's");
	}
}

static const struct fastmem_owner *
self(void)
{
	pthread_once(&self_once, self_read);
	return &self_id;
}

/*
 * Whether the process that owned blocks is gone: no process has its pid any more (kill(pid, 0)
 * says so even where /proc hides other users' processes), or the one that has it started at
 * another time (the pid was reused). Start times are compared less the boot time offsets of
 * the time namespaces they were read from (proc_start()), which can round them apart by one
 * tick: a pid reused within a tick of the first process's start would take the whole pid
 * space to wrap around in 10 ms. A zombie is not gone: its threads may not all have exited
 * (a main thread that called pthread_exit() leaves one), and its parent reaps it soon. A
 * process of another pid namespace, or of unknown identity, cannot be judged from here: it is
 * never taken for gone.
 */
static bool
proc_gone(const struct fastmem_owner *o)
{
	const struct fastmem_owner *me = self();
	uint64_t start;
	int stat_pid;

	if (o->start == 0 || o->pid <= 0 || o->pidns != me->pidns)
		return false;
	if (kill(o->pid, 0) < 0 && errno == ESRCH)
		return true;
	return proc_start(o->pid, &stat_pid, &start) == 0 && stat_pid == o->pid &&
		(start > o->start + 1 || start + 1 < o->start);
}

/* Give a block, header included, back to the DPDK heap. */
static void
fastmem_block_free(struct rte_fastmem_block *blk)
{
	rte_free(blk);
}

/*
 * Enter a block of this process in the registry, unless it holds its slot already, and, for
 * the block of a live thread, give its caches their capacities: the cache is in service.
 */
static int
block_register(struct rte_fastmem_block *blk, bool live)
{
	struct fastmem_state *st = fastmem_state;
	const struct fastmem_owner *me = self();
	struct fastmem_block_hdr *hdr = fastmem_block_hdr(blk);
	unsigned int i;

	rte_spinlock_lock(&st->reg_lock);
	i = hdr->reg_idx;
	if (i >= FASTMEM_MAX_BLOCKS || st->blocks[i] != blk || !owner_eq(&st->owners[i], me)) {
		/* a new block, or the registry of an allocator initialized since */
		for (i = 0; i < FASTMEM_MAX_BLOCKS; i++)
			if (st->blocks[i] == NULL)
				break;
		if (i < FASTMEM_MAX_BLOCKS) {
			st->blocks[i] = blk;
			st->owners[i] = *me;
			hdr->reg_idx = i;
		} else {
			hdr->reg_idx = UINT32_MAX;
		}
	}
	rte_spinlock_unlock(&st->reg_lock);
	if (i == FASTMEM_MAX_BLOCKS) {
		/* once for a thread that goes on trying */
		if (live && RTE_PER_LCORE(fastmem_uncached_until) == 0)
			FASTMEM_LOG(WARNING, "cache block registry full: thread works uncached");
		return -ENOSPC;
	}
	if (live)
		for (i = 0; i < blk->n_caches; i++)
			blk->caches[i].cap = fastmem_class_cache_cap(i % FASTMEM_N_CLASSES);
	return 0;
}

/*
 * The allocations the inline paths served since the last fold: the length then (len0), plus
 * the frees counted in the top word, less the length now. The fold of a cache whose writer never
 * left its section (killed there), when its block is reclaimed, may pair a new length with an
 * old len0: then none, not about 2^64.
 */
static inline uint64_t
hits_implied(uint64_t top, uint32_t len0)
{
	uint64_t in = (top >> RTE_FASTMEM_CACHE_LEN_BITS) + len0;
	uint32_t len = __rte_fastmem_top_len(top);

	return in > len ? in - len : 0;
}

/*
 * Set the length of cache i of a block from the miss path of its owner thread (or for a block
 * no thread uses), folding the inline hits since the last miss into the counters, inside the
 * sequence count: the frees counted in the top word, and the allocations they imply.
 */
static void
cache_set_len(struct rte_fastmem_block *blk, unsigned int i, uint32_t len)
{
	struct rte_fastmem_cache *c = &blk->caches[i];
	struct fastmem_cache_rec *r = fastmem_cache_rec(blk, i);
	uint64_t top = c->top, frees = top >> RTE_FASTMEM_CACHE_LEN_BITS;

	rte_seqcount_write_begin(&r->sc);
	r->cnt.free_hits += frees;
	r->cnt.alloc_hits += hits_implied(top, r->len0);
	c->top = len;
	r->len0 = len;
	rte_seqcount_write_end(&r->sc);
}

/*
 * A reader waits at most this many times for a writer to leave its section: a writer that
 * never does (a thread killed in cache_set_len()) must not hold up the statistics, which read
 * under the registry lock, nor the reclaim of its block. A live writer's section is a few
 * stores.
 */
#define READ_SPINS 100000

/*
 * The counters of cache i of a block since it was made, and its length, read consistently with
 * the sequence count (the owner may be allocating meanwhile). A reading that gives up on a
 * writer inside its section (a thread killed there, or one descheduled there for long) takes
 * only what the counters hold, without the hits the top word implies: a writer half-way
 * through its section may have added them to the counters already, so the sum could count
 * them twice; without them, the reading is at most the hits since the owner's last miss low.
 */
static uint32_t
cache_totals(const struct rte_fastmem_block *blk, unsigned int i, struct fastmem_counters *tot)
{
	const struct rte_fastmem_cache *c = &blk->caches[i];
	const struct fastmem_cache_rec *r = fastmem_cache_rec(blk, i);
	unsigned int spins = 0;
	uint64_t top;
	uint32_t sn, len0;

	for (;;) {
		sn = rte_seqcount_read_begin(&r->sc);
		top = c->top;
		len0 = r->len0;
		*tot = r->cnt;
		if (!rte_seqcount_read_retry(&r->sc, sn))
			break;
		if (++spins == READ_SPINS)
			return __rte_fastmem_top_len(top);
		if (sn & 1)
			rte_pause();
	}
	tot->free_hits += top >> RTE_FASTMEM_CACHE_LEN_BITS;
	tot->alloc_hits += hits_implied(top, len0);
	return __rte_fastmem_top_len(top);
}

/*
 * A count since the base. Totals only grow, but a reading that gave up on a writer inside its
 * section (READ_SPINS) may be lower than the base: such a count reads as 0, not as a wrap to
 * about 2^64.
 */
static inline uint64_t
count_since(uint64_t tot, uint64_t base)
{
	return tot > base ? tot - base : 0;
}

/*
 * Add the counters of cache i of a block to cnt, those since the last reset, and return its
 * length.
 */
uint32_t
fastmem_cache_counters(const struct rte_fastmem_block *blk, unsigned int i,
		struct fastmem_counters *cnt)
{
	const struct fastmem_counters *base = &fastmem_cache_rec(blk, i)->base;
	struct fastmem_counters tot;
	uint32_t len = cache_totals(blk, i, &tot);

	cnt->alloc_hits += count_since(tot.alloc_hits, base->alloc_hits);
	cnt->free_hits += count_since(tot.free_hits, base->free_hits);
	cnt->alloc_misses += count_since(tot.alloc_misses, base->alloc_misses);
	cnt->free_misses += count_since(tot.free_misses, base->free_misses);
	cnt->alloc_nomem += count_since(tot.alloc_nomem, base->alloc_nomem);
	return len;
}

/*
 * Zero the counters of cache i of a block, from any thread: what they count now becomes the
 * base later readings are taken from. Only this writes the base; the owner's hit paths and
 * miss paths are left alone.
 */
void
fastmem_cache_counters_reset(struct rte_fastmem_block *blk, unsigned int i)
{
	struct fastmem_counters tot;

	cache_totals(blk, i, &tot);
	fastmem_cache_rec(blk, i)->base = tot;
}

/*
 * Take a block out of service. Parking it (flush) hands its objects back to the bins and its
 * counters to the bins' retired counters, and keeps its registry slot. Dropping it (a primary
 * tearing the allocator down, registry included) just empties it.
 */
/*
 * Empty the first n caches of a block: out of service, their objects (at most a cache's worth
 * each) back to the bins, their counters moved to the bins' retired counters. The counters
 * move under the registry lock, as the statistics read the caches and the bins under it: a
 * reader finds them in the cache or in the bin, never in both or in neither.
 */
static void
block_empty(struct rte_fastmem_block *blk, unsigned int n)
{
	bool shared = fastmem_block_hdr(blk)->lcore_id == LCORE_ID_ANY;
	struct fastmem_counters cnt;
	struct rte_fastmem_cache *c;
	unsigned int i;
	uint32_t len;

	for (i = 0; i < n; i++) {
		c = &blk->caches[i];
		c->cap = 0;
		len = RTE_MIN(__rte_fastmem_cache_len(c), (uint32_t)RTE_FASTMEM_CACHE_SLOTS);
		if (len > 0)
			fastmem_bin_put(i / FASTMEM_N_CLASSES, i % FASTMEM_N_CLASSES, c->objs, len,
					true);
		cache_set_len(blk, i, 0);
	}
	rte_spinlock_lock(&fastmem_state->reg_lock);
	for (i = 0; i < n; i++) {
		memset(&cnt, 0, sizeof(cnt));
		fastmem_cache_counters(blk, i, &cnt);
		fastmem_bin_count(i / FASTMEM_N_CLASSES, i % FASTMEM_N_CLASSES, &cnt, shared);
		fastmem_cache_counters_reset(blk, i);
	}
	rte_spinlock_unlock(&fastmem_state->reg_lock);
}

static void
block_retire(struct rte_fastmem_block *blk, bool flush)
{
	struct rte_fastmem_cache *c;
	unsigned int i;

	if (flush) {
		block_empty(blk, blk->n_caches);
		return;
	}
	for (i = 0; i < blk->n_caches; i++) {
		c = &blk->caches[i];
		c->cap = 0;
		cache_set_len(blk, i, 0);
		fastmem_cache_counters_reset(blk, i);
	}
	fastmem_block_hdr(blk)->reg_idx = UINT32_MAX;
}

/*
 * Free registry slot idx if it holds blk for this process (its counters moved to the bins
 * already, by block_empty()).
 */
static void
block_unregister(struct rte_fastmem_block *blk, uint32_t idx)
{
	struct fastmem_state *st = fastmem_state;

	rte_spinlock_lock(&st->reg_lock);
	if (idx < FASTMEM_MAX_BLOCKS && st->blocks[idx] == blk &&
			owner_eq(&st->owners[idx], self())) {
		st->blocks[idx] = NULL;
		memset(&st->owners[idx], 0, sizeof(st->owners[idx]));
	}
	rte_spinlock_unlock(&st->reg_lock);
}

/*
 * Reclaim the block in registry slot idx, adopted from a process that is gone: its cached
 * objects go back to their slabs, its counters to the bins' retired counters, its slot is freed
 * and its memory given back to the DPDK heap, which all processes share. Until its slot is
 * freed, statistics count its objects as cached.
 */
static void
block_reclaim(unsigned int idx, struct rte_fastmem_block *blk)
{
	struct fastmem_state *st = fastmem_state;
	unsigned int i;

	/* Its owner may have died inside a write section: no writer is left. */
	for (i = 0; i < blk->n_caches; i++)
		rte_seqcount_init(&fastmem_cache_rec(blk, i)->sc);
	block_empty(blk, RTE_MIN(blk->n_caches, st->n_caches));
	block_unregister(blk, idx);
	fastmem_block_free(blk);
}

/*
 * Reclaim the blocks of processes that are gone, so that neither their cached objects, nor
 * their registry slots, nor their memory are lost for good.
 *
 * A process is gone when its pid no longer exists, or exists with another start time (see
 * proc_gone()). That needs nothing from the process itself, so it covers processes killed or
 * crashed as well as those that exited, with or without rte_fastmem_deinit(); EAL's
 * multi-process channel would not do: a dead process leaves no peer to ask, and a process
 * that is merely slow to answer would be taken for dead.
 *
 * The scan runs whenever a thread gets a block (the first allocation or free of every thread
 * of every process), when a secondary process attaches and when the primary tears the
 * allocator down: the blocks of a process that is gone are reclaimed at the latest when the
 * next thread of any process starts using fastmem, or the next secondary attaches.
 *
 * A block is first adopted, under the registry lock: its slot names this process as owner, so
 * that no other process reclaims it too, and that, if this process dies while reclaiming it,
 * another one finishes the job. Limits: a process killed in the middle of a fastmem call can
 * leave its caches (or a lock) inconsistent, and processes of another pid namespace are never
 * judged.
 */
static void
reclaim_dead(void)
{
	struct fastmem_state *st = fastmem_state;
	const struct fastmem_owner *me = self();
	struct fastmem_owner *procs = NULL, *o;
	unsigned int i, k, n = 0, n_gone = 0, n_blocks = 0;
	struct rte_fastmem_block *blk;
	bool foreign = false;

	if (st == NULL || !self_known)
		return;
	/* Is there any block of another process? Usually not, or only of live ones. */
	rte_spinlock_lock(&st->reg_lock);
	for (i = 0; i < FASTMEM_MAX_BLOCKS && !foreign; i++)
		foreign = st->blocks[i] != NULL && !owner_eq(&st->owners[i], me);
	rte_spinlock_unlock(&st->reg_lock);
	if (!foreign)
		return;
	procs = malloc(FASTMEM_MAX_BLOCKS * sizeof(*procs));
	if (procs == NULL)
		return;
	/* The other processes that own blocks, each once. */
	rte_spinlock_lock(&st->reg_lock);
	for (i = 0; i < FASTMEM_MAX_BLOCKS; i++) {
		o = &st->owners[i];
		if (st->blocks[i] == NULL || owner_eq(o, me))
			continue;
		for (k = 0; k < n && !owner_eq(&procs[k], o); k++)
			;
		if (k == n)
			procs[n++] = *o;
	}
	rte_spinlock_unlock(&st->reg_lock);
	/* Which of them are gone: /proc, with no lock held. */
	for (k = 0; k < n; k++)
		if (proc_gone(&procs[k]))
			procs[n_gone++] = procs[k];
	/* Adopt their blocks one at a time, and reclaim them. */
	for (i = 0; i < FASTMEM_MAX_BLOCKS && n_gone > 0; i++) {
		blk = NULL;
		rte_spinlock_lock(&st->reg_lock);
		if (st->blocks[i] != NULL) {
			for (k = 0; k < n_gone && !owner_eq(&procs[k], &st->owners[i]); k++)
				;
			if (k < n_gone) {
				blk = st->blocks[i];
				st->owners[i] = *me;
			}
		}
		rte_spinlock_unlock(&st->reg_lock);
		if (blk != NULL) {
			block_reclaim(i, blk);
			n_blocks++;
		}
	}
	if (n_blocks > 0)
		FASTMEM_LOG(INFO, "reclaimed %u cache block(s) of %u exited process(es)", n_blocks,
				n_gone);
	free(procs);
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
 * Take the record of a block of the calling thread out of the process's list; returns the
 * record, NULL if not listed. local_lock held.
 */
static struct block_rec *
rec_unlink(struct rte_fastmem_block *blk)
{
	struct block_rec *rec, **prev;

	for (prev = &local_recs; (rec = *prev) != NULL; prev = &rec->next) {
		if (rec->blk == blk) {
			*prev = rec->next;
			break;
		}
	}
	return rec;
}

/*
 * pthread key destructor: the thread exits, its cache goes back to the bins and its block is
 * parked for the next thread of the process (or given back, if the registry does not know it:
 * see block_rejoin()). It receives the block's record, not the block: after
 * rte_fastmem_deinit() (and rte_eal_cleanup()) the block must not be touched, and deinit already
 * emptied it.
 */
static void
block_thread_exit(void *arg)
{
	struct block_rec *rec = arg;
	struct fastmem_state *st;
	bool drop = false;

	rte_spinlock_lock(&local_lock);
	st = fastmem_state;
	if (armed && st != NULL && mem_mapped(st) && mem_mapped(rec->blk)) {
		drop = fastmem_block_hdr(rec->blk)->reg_idx == UINT32_MAX;
		if (drop) {
			/* Under the lock: a deinit (and EAL's cleanup) may follow at once. */
			rec_unlink(rec->blk);
			fastmem_block_free(rec->blk);
		} else {
			block_retire(rec->blk, true);
		}
	}
	rec->owned = false;
	rte_spinlock_unlock(&local_lock);
	/* Other destructors may still allocate or free: uncached, the block may be reused. */
	tls_set(NULL);
	uncached_set(true);
	if (drop)
		free(rec);
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
	size_t size = fastmem_block_size(st->n_caches);
	struct fastmem_block_hdr *hdr;
	struct rte_fastmem_block *blk;
	struct block_rec *rec;
	unsigned int i;

	rec = calloc(1, sizeof(*rec));
	if (rec == NULL)
		return NULL;
	/* The block the inline functions see, then the library's header. */
	blk = rte_zmalloc_socket("fastmem_cache", size, FASTMEM_BLOCK_ALIGN, socket_id);
	if (blk == NULL)
		blk = rte_zmalloc("fastmem_cache", size, FASTMEM_BLOCK_ALIGN);
	if (blk == NULL) {
		if (RTE_PER_LCORE(fastmem_uncached_until) == 0)
			FASTMEM_LOG(WARNING, "no memory for a cache block (%zu bytes): "
					"thread works uncached", size);
		free(rec);
		return NULL;
	}
	blk->n_caches = st->n_caches;
	hdr = fastmem_block_hdr(blk);
	hdr->socket_idx = sidx;
	hdr->reg_idx = UINT32_MAX;
	blk->hint = &blk->caches[sidx * FASTMEM_N_CLASSES];
	for (i = 0; i < blk->n_caches; i++) {
		blk->caches[i].key = __rte_fastmem_cache_key(i);
		blk->caches[i].obj_size = __rte_fastmem_class_size(i % FASTMEM_N_CLASSES);
	}
	rec->blk = blk;
	rec->socket_idx = sidx;
	rec->owned = true;
	return rec;
}

/* A block for the calling thread: a parked one of this process, or a new one. */
static struct rte_fastmem_block *
block_create(void)
{
	int socket_id = fastmem_local_socket_id();
	int sidx = fastmem_socket_index(socket_id, false);
	unsigned int lcore_id = rte_lcore_id();
	struct block_rec *rec, **prev;
	struct rte_fastmem_block *blk;

	if (sidx < 0)
		sidx = 0;
	reclaim_dead();
	/* Out of the list while it is being set up; no other thread knows it. */
	rte_spinlock_lock(&local_lock);
	for (prev = &local_recs; (rec = *prev) != NULL; prev = &rec->next) {
		if (!rec->owned && rec->socket_idx == (unsigned int)sidx) {
			*prev = rec->next;
			break;
		}
	}
	rte_spinlock_unlock(&local_lock);

	if (rec == NULL) {
		rec = block_new(sidx, socket_id);
		if (rec == NULL)
			return NULL;
	}
	blk = rec->blk;
	fastmem_block_hdr(blk)->lcore_id = lcore_id;
	rec->lcore_id = lcore_id;
	rec->owned = true;
	if (block_register(blk, true) < 0) {
		/* Not registered, so not to be kept: it could not be found after an exit. */
		fastmem_block_free(blk);
		free(rec);
		return NULL;
	}
	rte_spinlock_lock(&local_lock);
	rec->next = local_recs;
	local_recs = rec;
	rte_spinlock_unlock(&local_lock);
	pthread_once(&exit_key_once, exit_key_create);
	if (exit_key_valid && pthread_setspecific(exit_key, rec) != 0)
		FASTMEM_LOG(WARNING, "no thread-exit hook for this thread: it keeps its cache "
				"when it exits");
	return blk;
}

/*
 * The calling thread's block is out of service while the allocator is: it found no registry
 * slot when the allocator was initialized or attached again (fastmem_cache_register_all()).
 * Try again; when the registry is still full, give the block back, so that no block the
 * registry does not know outlives the process, and work uncached. Returns whether the block is
 * in service.
 */
static bool
block_rejoin(struct rte_fastmem_block *blk)
{
	struct block_rec *rec = NULL;
	bool ok;

	/* The slots of processes that are gone first, as for a new block. */
	reclaim_dead();
	rte_spinlock_lock(&local_lock);
	/* Not armed: the allocator is being torn down (or detached), nothing to redo. */
	ok = !armed || fastmem_block_hdr(blk)->reg_idx != UINT32_MAX ||
		block_register(blk, true) == 0;
	if (!ok) {
		rec = rec_unlink(blk);
		fastmem_block_free(blk);
	}
	rte_spinlock_unlock(&local_lock);
	if (ok)
		return true;
	if (exit_key_valid)
		pthread_setspecific(exit_key, NULL);
	tls_set(NULL);
	uncached_set(false);
	free(rec);
	return false;
}

/* The calling thread's cache for (sidx, cls), creating its block on first use; NULL if none. */
static struct rte_fastmem_cache *
thread_cache(unsigned int sidx, unsigned int cls)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;
	struct rte_fastmem_cache *c;

	if (blk == &no_block) {
		if (RTE_PER_LCORE(fastmem_uncached_until) != 0 &&
				rte_get_timer_cycles() < RTE_PER_LCORE(fastmem_uncached_until))
			return NULL;
		blk = block_create();
		if (blk == NULL) {
			uncached_set(false);
			return NULL;
		}
		RTE_PER_LCORE(fastmem_uncached_until) = 0;
		tls_set(blk);
	}
	c = &blk->caches[sidx * FASTMEM_N_CLASSES + cls];
	/* A cache in service has a capacity of at least 2. */
	if (unlikely(c->cap == 0) && !block_rejoin(blk))
		return NULL;
	return c->cap != 0 ? c : NULL;
}

/* Commit counters to the calling thread's cache (sidx, cls), or, uncached, to the bin. */
static void
counters_commit(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls,
		const struct fastmem_counters *cnt)
{
	if (c != NULL)
		fastmem_counters_add(&fastmem_cache_rec(RTE_PER_LCORE(rte_fastmem_tls).blk,
				sidx * FASTMEM_N_CLASSES + cls)->cnt, cnt);
	else
		fastmem_bin_count(sidx, cls, cnt, rte_lcore_id() == LCORE_ID_ANY);
}

/* Set the length of the calling thread's cache c from its miss path. */
static void
own_set_len(struct rte_fastmem_cache *c, uint32_t len)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;

	cache_set_len(blk, c - blk->caches, len);
}

/* One object from cache c (refilled from the bin when empty) or, uncached, from the bin. */
static void *
obj_get(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls,
		struct fastmem_counters *cnt)
{
	unsigned int got, len;
	void *obj;

	if (c == NULL) {
		if (fastmem_bin_get(sidx, cls, &obj, 1) == 0)
			return NULL;
		cnt->alloc_misses++;
		return obj;
	}
	len = __rte_fastmem_cache_len(c);
	if (len > 0) {
		cnt->alloc_hits++;
		own_set_len(c, len - 1);
		return c->objs[len - 1];
	}
	got = fastmem_bin_get(sidx, cls, c->objs, fastmem_class_batch(cls));
	if (got == 0)
		return NULL;
	own_set_len(c, got - 1);
	cnt->alloc_misses++;
	return c->objs[got - 1];
}

/*
 * One object into cache c or, uncached, into the bin. A full cache first gives its newest batch
 * to the bin, as tcmalloc's thread cache gives back the head of its list and a full magazine
 * of Bonwick's goes to the depot: what stays needs no move. (Giving back the oldest batch and
 * moving the rest down: cross_lcore's freeing side 0.95-1.05 of mempool's cycles against
 * 0.90-0.97, four alternate runs.)
 */
static void
obj_put(struct rte_fastmem_cache *c, unsigned int sidx, unsigned int cls, void *obj,
		struct fastmem_counters *cnt)
{
	uint32_t len, batch = fastmem_class_batch(cls);

	if (c == NULL) {
		fastmem_bin_put(sidx, cls, &obj, 1, false);
		cnt->free_misses++;
		return;
	}
	len = __rte_fastmem_cache_len(c);
	if (len >= c->cap) {
		len -= batch;
		fastmem_bin_put(sidx, cls, c->objs + len, batch, false);
		cnt->free_misses++;
	} else {
		cnt->free_hits++;
	}
	c->objs[len] = obj;
	own_set_len(c, len + 1);
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

/*
 * Put ptr into the calling thread's cache that its page key names, of any socket (the inline
 * free finds only those of the thread's own socket): 0, or -1 when the word is not the key of
 * one of the thread's caches or the cache is full. Reads the key as the inline free does.
 */
int
fastmem_cache_push_any(void *ptr)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;
	uint64_t key = __rte_fastmem_slab_key(ptr);
	uint64_t sidx = (key & ((UINT64_C(1) << RTE_FASTMEM_KEY_OFF_SHIFT) - 1)) >>
		RTE_FASTMEM_KEY_SOCKET_SHIFT;
	uint64_t cls = (key >> RTE_FASTMEM_KEY_OFF_SHIFT) / sizeof(struct rte_fastmem_cache);
	struct rte_fastmem_cache *c;

	if (sidx >= blk->n_caches / FASTMEM_N_CLASSES || cls >= FASTMEM_N_CLASSES)
		return -1;
	c = &blk->caches[sidx * FASTMEM_N_CLASSES + cls];
	if (c->key != key) /* also an offset that is not the start of a cache */
		return -1;
	return __rte_fastmem_cache_put_one(c, ptr);
}

void
fastmem_cache_count_nomem(unsigned int sidx, unsigned int cls, unsigned int n)
{
	struct rte_fastmem_cache *c = thread_cache(sidx, cls);
	struct fastmem_counters cnt = { .alloc_nomem = n };

	counters_commit(c, sidx, cls, &cnt);
}

/*
 * Undo a bulk allocation that failed: the objects gathered (chained through their first word;
 * the calling thread's cache, which the call emptied before it failed, held some of them) go
 * back to their slabs, and the memzones reserved during the call (number since_seq on) go back
 * to EAL when all their slabs are free again, so that a call that could not be met leaves no
 * memory behind.
 */
static void
bulk_undo(unsigned int sidx, unsigned int cls, void *head, uint32_t since_seq)
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
	unsigned int i, got, len;
	void *head = NULL, *obj;

	if (c != NULL && __rte_fastmem_cache_len(c) >= n) {
		len = __rte_fastmem_cache_len(c);
		for (i = 0; i < n; i++)
			ptrs[i] = c->objs[len - 1 - i];
		own_set_len(c, len - n);
		cnt.alloc_hits = n;
		counters_commit(c, sidx, cls, &cnt);
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
		bulk_undo(sidx, cls, head, seq);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ptrs[i] = head;
		head = fastmem_link_get(head);
	}
	counters_commit(c, sidx, cls, &cnt);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_cache_flush, 26.11)
void
rte_fastmem_cache_flush(void)
{
	struct rte_fastmem_block *blk = RTE_PER_LCORE(rte_fastmem_tls).blk;
	struct rte_fastmem_cache *c;
	unsigned int i;

	if (fastmem_state == NULL)
		return;
	for (i = 0; i < blk->n_caches; i++) {
		c = &blk->caches[i];
		if (__rte_fastmem_cache_len(c) == 0)
			continue;
		fastmem_bin_put(i / FASTMEM_N_CLASSES, i % FASTMEM_N_CLASSES, c->objs,
				__rte_fastmem_cache_len(c), true);
		cache_set_len(blk, i, 0);
	}
}

/*
 * Before init or attach publishes the allocator's state: put this process's blocks in service,
 * so that a thread that finds the state published and exits before
 * fastmem_cache_register_all() has run gives its block's objects back (a secondary's threads
 * may call fastmem, and so attach, concurrently). An exit that runs before the state is
 * published finds no state and does nothing, as before.
 */
void
fastmem_cache_arm(void)
{
	rte_spinlock_lock(&local_lock);
	armed = true;
	rte_spinlock_unlock(&local_lock);
}

/*
 * After init or attach: reclaim the blocks of processes that are gone, register this
 * process's blocks (again) and put those of live threads (back) in service. A parked block
 * that finds no slot is freed: an unregistered block would be lost if the process exited. (A
 * live thread's block that finds none stays out of service until its thread's next miss, which
 * tries again, and gives the block back if the registry is still full, see block_rejoin().)
 */
void
fastmem_cache_register_all(void)
{
	struct block_rec *rec, **prev, *drop = NULL;
	unsigned int pass;

	reclaim_dead();
	rte_spinlock_lock(&local_lock);
	/* The blocks of live threads first; parked ones take the slots that are left, or go. */
	for (pass = 0; pass < 2; pass++) {
		for (prev = &local_recs; (rec = *prev) != NULL; ) {
			if (rec->owned != (pass == 0) ||
					block_register(rec->blk, rec->owned) == 0 || rec->owned) {
				prev = &rec->next;
				continue;
			}
			*prev = rec->next;
			rec->next = drop;
			drop = rec;
		}
	}
	rte_spinlock_unlock(&local_lock);
	while (drop != NULL) {
		rec = drop;
		drop = rec->next;
		fastmem_block_free(rec->blk);
		free(rec);
	}
}

/*
 * At deinit or detach: take this process's blocks out of service. A detaching secondary parks
 * the blocks of its live threads, flushed and still registered, so that they are reclaimed
 * once the process is gone, or put back in service if it attaches again; it gives the parked
 * blocks of its threads that have exited back to the DPDK heap (a thread that comes later gets
 * a new block), as they would be lost if the primary tore the allocator down before this
 * process is gone. A primary tearing the allocator down reclaims the blocks of exited
 * processes, then just empties its own, which stay allocated: live threads keep them, and find
 * them in service again after the next init; parked ones are reused.
 */
void
fastmem_cache_detach_all(bool flush)
{
	struct block_rec *rec, **prev, *drop = NULL;

	if (!flush)
		reclaim_dead();
	rte_spinlock_lock(&local_lock);
	for (prev = &local_recs; (rec = *prev) != NULL; ) {
		block_retire(rec->blk, flush);
		if (flush && !rec->owned) {
			block_unregister(rec->blk, fastmem_block_hdr(rec->blk)->reg_idx);
			*prev = rec->next;
			rec->next = drop;
			drop = rec;
			continue;
		}
		prev = &rec->next;
	}
	armed = false;
	rte_spinlock_unlock(&local_lock);
	while (drop != NULL) {
		rec = drop;
		drop = rec->next;
		fastmem_block_free(rec->blk);
		free(rec);
	}
}

/*
 * Add the counters of the caches of class cls (every class when cls < 0) of the blocks in this
 * process that threads with lcore id lcore_id own, while the blocks are in service: as a rule
 * one, two when a thread that got its block with the id gave it up (rte_thread_unregister())
 * and another took it. Under local_lock, under which blocks change owners and deinit takes them
 * out of service, and under the registry lock, under which a reset or the owner's exit moves
 * the counters' base: a reading of the counters and then of the base across such a move would
 * wrap.
 */
void
fastmem_cache_lcore_counters(unsigned int lcore_id, int cls, struct fastmem_counters *cnt)
{
	const struct block_rec *rec;
	unsigned int i;

	rte_spinlock_lock(&local_lock);
	if (armed) {
		rte_spinlock_lock(&fastmem_state->reg_lock);
		for (rec = local_recs; rec != NULL; rec = rec->next) {
			if (!rec->owned || rec->lcore_id != lcore_id)
				continue;
			for (i = 0; i < rec->blk->n_caches; i++)
				if (cls < 0 || i % FASTMEM_N_CLASSES == (unsigned int)cls)
					fastmem_cache_counters(rec->blk, i, cnt);
		}
		rte_spinlock_unlock(&fastmem_state->reg_lock);
	}
	rte_spinlock_unlock(&local_lock);
}
