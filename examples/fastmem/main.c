/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * fastmem sample application: a flow table shared by a pipeline of lcores.
 *
 * Every lcore creates flow entries of varying size (a key and a payload) in its own table,
 * and expires them by passing them through an rte_ring to the next lcore, which checks and
 * frees them: entries are freed on another lcore than the one that allocated them. After the
 * given time every entry is freed, and the allocator's statistics (global, per size class,
 * per lcore) must agree with what the lcores did.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fastmem.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_stdatomic.h>

#define ENTRY_MIN_SIZE 40
#define ENTRY_MAX_SIZE 600
#define BURST 32
#define DEFAULT_SECONDS 5
#define DEFAULT_FLOWS 4096
#define MAX_CLASSES 128

/* The key of a flow: an IPv4 5-tuple. */
struct flow_key {
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t proto;
	uint8_t pad[3];
};

/* A flow table entry: the key, then a payload of len - sizeof(struct flow_entry) bytes. */
struct flow_entry {
	struct flow_key key;
	uint64_t seq;      /* per-lcore creation number, seeds the payload pattern */
	uint32_t len;      /* allocated size of the entry */
	uint32_t creator;  /* lcore that allocated the entry */
	uint8_t payload[];
};

/* One lcore of the pipeline. */
struct lcore_ctx {
	unsigned int lcore_id;
	unsigned int next_lcore;   /* lcore whose ring receives this lcore's expired flows */
	struct rte_ring *ring;     /* expired flows of the previous lcore, freed here */
	struct flow_entry **table; /* this lcore's flows, indexed by flow slot */
	uint64_t seq;
	/* what the lcore did, to check against the allocator's statistics */
	uint64_t allocs;
	uint64_t alloc_fails;
	uint64_t frees;
	uint64_t frees_foreign;    /* entries allocated by another lcore */
	uint64_t passed;           /* entries handed to the next lcore */
	uint64_t corrupt;          /* entries whose content was not what their creator wrote */
};

static struct lcore_ctx ctx[RTE_MAX_LCORE];
static unsigned int n_flows = DEFAULT_FLOWS;
static unsigned int seconds = DEFAULT_SECONDS;
static uint64_t deadline;
static unsigned int n_workers;
static RTE_ATOMIC(unsigned int) senders_done;

static uint8_t
pattern(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31 + i);
}

static struct flow_entry *
flow_create(struct lcore_ctx *c)
{
	uint32_t len = ENTRY_MIN_SIZE + (uint32_t)rte_rand_max(ENTRY_MAX_SIZE - ENTRY_MIN_SIZE + 1);
	struct flow_entry *e;
	uint32_t i;

	e = rte_fastmem_alloc(len, 0, 0);
	if (e == NULL) {
		c->alloc_fails++;
		return NULL;
	}
	c->allocs++;
	e->seq = c->seq++;
	e->len = len;
	e->creator = c->lcore_id;
	e->key.src_ip = (uint32_t)rte_rand();
	e->key.dst_ip = (uint32_t)rte_rand();
	e->key.src_port = (uint16_t)e->seq;
	e->key.dst_port = (uint16_t)c->lcore_id;
	e->key.proto = 17;
	memset(e->key.pad, 0, sizeof(e->key.pad));
	for (i = 0; i < len - sizeof(*e); i++)
		e->payload[i] = pattern(e->seq, i);
	return e;
}

/* Check an expired entry against what its creator wrote, then free it. */
static void
flow_destroy(struct lcore_ctx *c, struct flow_entry *e)
{
	uint32_t i;
	bool ok = e->len >= ENTRY_MIN_SIZE && e->len <= ENTRY_MAX_SIZE &&
		e->creator < RTE_MAX_LCORE && e->key.dst_port == (uint16_t)e->creator &&
		e->key.src_port == (uint16_t)e->seq && e->key.proto == 17;

	for (i = 0; ok && i < e->len - sizeof(*e); i++)
		ok = e->payload[i] == pattern(e->seq, i);
	if (!ok)
		c->corrupt++;
	if (e->creator != c->lcore_id)
		c->frees_foreign++;
	rte_fastmem_free(e);
	c->frees++;
}

static unsigned int
drain(struct lcore_ctx *c)
{
	void *burst[BURST];
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst(c->ring, burst, BURST, NULL);
	for (i = 0; i < n; i++)
		flow_destroy(c, burst[i]);
	return n;
}

/* Hand an expired flow to the next lcore; while its ring is full, free what this one got. */
static void
flow_pass(struct lcore_ctx *c, struct flow_entry *e)
{
	struct rte_ring *out = ctx[c->next_lcore].ring;

	while (rte_ring_sp_enqueue(out, e) != 0)
		drain(c);
	c->passed++;
}

static int
flow_lcore(__rte_unused void *arg)
{
	struct lcore_ctx *c = &ctx[rte_lcore_id()];
	uint64_t iter = 0;
	unsigned int slot;

	/* Create a flow in a random slot, or expire the one there; free what arrives. */
	while ((iter++ & 255) != 0 || rte_get_timer_cycles() < deadline) {
		slot = (unsigned int)rte_rand_max(n_flows);
		if (c->table[slot] == NULL) {
			c->table[slot] = flow_create(c);
		} else {
			flow_pass(c, c->table[slot]);
			c->table[slot] = NULL;
		}
		if ((iter & 7) == 0)
			drain(c);
	}

	/* Time is up: expire every flow left, then free until every lcore has done so. */
	for (slot = 0; slot < n_flows; slot++) {
		if (c->table[slot] != NULL) {
			flow_pass(c, c->table[slot]);
			c->table[slot] = NULL;
		}
	}
	rte_atomic_fetch_add_explicit(&senders_done, 1, rte_memory_order_release);
	while (rte_atomic_load_explicit(&senders_done, rte_memory_order_acquire) < n_workers)
		drain(c);
	while (drain(c) != 0)
		;

	/* Give the cached objects back, so that the in-use counts can be checked. */
	rte_fastmem_cache_flush();
	return 0;
}

static void
usage(const char *prgname)
{
	printf("%s [EAL options] -- [-t SECONDS] [-n FLOWS]\n"
		"  -t SECONDS: run time (default %u)\n"
		"  -n FLOWS: flow table slots per lcore (default %u)\n",
		prgname, DEFAULT_SECONDS, DEFAULT_FLOWS);
}

static unsigned int
parse_uint(const char *arg, const char *prgname)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *arg == '\0' || *end != '\0' || v == 0 || v > UINT32_MAX / 2) {
		usage(prgname);
		rte_exit(EXIT_FAILURE, "Invalid number: %s\n", arg);
	}
	return (unsigned int)v;
}

static void
parse_args(int argc, char **argv)
{
	const char *prgname = argv[0];
	int opt;

	while ((opt = getopt(argc, argv, "t:n:h")) != -1) {
		switch (opt) {
		case 't':
			seconds = parse_uint(optarg, prgname);
			break;
		case 'n':
			n_flows = parse_uint(optarg, prgname);
			break;
		default:
			usage(prgname);
			rte_exit(opt == 'h' ? EXIT_SUCCESS : EXIT_FAILURE, "\n");
		}
	}
	if (optind != argc) {
		usage(prgname);
		rte_exit(EXIT_FAILURE, "Unexpected argument: %s\n", argv[optind]);
	}
}

/*
 * Exit on an error once fastmem is initialized: fastmem is torn down before rte_exit() cleans
 * EAL up, as on the normal path.
 */
static void __rte_noreturn __rte_format_printf(1, 2)
app_exit(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_fastmem_deinit();
	rte_exit(EXIT_FAILURE, "%s", msg);
}

/* Print the statistics; return the number of inconsistencies found. */
static unsigned int
print_stats(void)
{
	size_t sizes[MAX_CLASSES];
	struct rte_fastmem_stats st;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_lcore_class_stats lcs;
	uint64_t allocs = 0, frees = 0, foreign = 0, fails = 0, corrupt = 0;
	unsigned int lcore_id, n_classes, i, errors = 0;

	if (rte_fastmem_stats(&st) != 0)
		app_exit("rte_fastmem_stats: %s\n", rte_strerror(rte_errno));
	n_classes = rte_fastmem_classes(NULL);
	if (n_classes > RTE_DIM(sizes))
		app_exit("%u size classes, expected at most %zu\n", n_classes,
			RTE_DIM(sizes));
	rte_fastmem_classes(sizes);

	printf("\nPer lcore (what the lcore did; fastmem's counters of the lcore):\n");
	printf("%6s %10s %10s %10s %10s %7s %10s %10s %10s %10s\n", "lcore", "allocs",
		"frees", "foreign", "passed", "failed", "a_hits", "a_misses", "f_hits",
		"f_misses");
	RTE_LCORE_FOREACH(lcore_id) {
		const struct lcore_ctx *c = &ctx[lcore_id];

		if (rte_fastmem_stats_lcore(lcore_id, &ls) != 0)
			app_exit("rte_fastmem_stats_lcore: %s\n",
				rte_strerror(rte_errno));
		printf("%6u %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %7" PRIu64
			" %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
			lcore_id, c->allocs, c->frees, c->frees_foreign, c->passed,
			c->alloc_fails, ls.alloc_cache_hits, ls.alloc_cache_misses,
			ls.free_cache_hits, ls.free_cache_misses);
		if (ls.alloc_cache_hits + ls.alloc_cache_misses != c->allocs ||
				ls.free_cache_hits + ls.free_cache_misses != c->frees) {
			printf("ERROR: lcore %u: fastmem counted %" PRIu64 " allocations and %"
				PRIu64 " frees\n", lcore_id,
				ls.alloc_cache_hits + ls.alloc_cache_misses,
				ls.free_cache_hits + ls.free_cache_misses);
			errors++;
		}
		if (ls.alloc_nomem != 0)
			errors++;
		allocs += c->allocs;
		frees += c->frees;
		foreign += c->frees_foreign;
		fails += c->alloc_fails;
		corrupt += c->corrupt;
	}

	printf("\nPer size class (classes used; allocations per lcore):\n");
	printf("%8s %8s %10s %10s %10s %10s %8s %8s", "class", "in_use", "a_hits", "a_misses",
		"f_hits", "f_misses", "slab_acq", "slab_rel");
	RTE_LCORE_FOREACH(lcore_id) {
		char col[16];

		snprintf(col, sizeof(col), "lcore%u", lcore_id);
		printf(" %10s", col);
	}
	printf("\n");
	for (i = 0; i < n_classes; i++) {
		if (rte_fastmem_stats_class(sizes[i], &cs) != 0)
			app_exit("rte_fastmem_stats_class: %s\n",
				rte_strerror(rte_errno));
		if (cs.alloc_cache_hits + cs.alloc_cache_misses + cs.in_use == 0)
			continue;
		printf("%8zu %8" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			" %8" PRIu64 " %8" PRIu64, cs.class_size, cs.in_use, cs.alloc_cache_hits,
			cs.alloc_cache_misses, cs.free_cache_hits, cs.free_cache_misses,
			cs.slab_acquires, cs.slab_releases);
		RTE_LCORE_FOREACH(lcore_id) {
			if (rte_fastmem_stats_lcore_class(lcore_id, sizes[i], &lcs) != 0)
				app_exit("rte_fastmem_stats_lcore_class: %s\n",
					rte_strerror(rte_errno));
			printf(" %10" PRIu64, lcs.alloc_cache_hits + lcs.alloc_cache_misses);
		}
		printf("\n");
		if (cs.in_use != 0) {
			printf("ERROR: class %zu: %" PRIu64 " objects still in use\n",
				cs.class_size, cs.in_use);
			errors++;
		}
		if (cs.alloc_nomem != 0)
			errors++;
	}

	printf("\nfastmem: %" PRIu64 " allocated, %" PRIu64 " freed, %" PRIu64
		" bytes in use, %" PRIu64 " bytes of memzones, %" PRIu64 " failed\n",
		st.alloc_total, st.free_total, st.bytes_in_use, st.bytes_backing, st.alloc_nomem);
	printf("flows: %" PRIu64 " created, %" PRIu64 " destroyed (%" PRIu64
		" on another lcore), %" PRIu64 " creations failed, %" PRIu64 " corrupt\n",
		allocs, frees, foreign, fails, corrupt);
	if (st.alloc_total != allocs || st.free_total != frees) {
		printf("ERROR: fastmem counted other allocations or frees than the lcores did\n");
		errors++;
	}
	if (allocs != frees || st.bytes_in_use != 0) {
		printf("ERROR: not everything was freed\n");
		errors++;
	}
	if (fails != 0 || st.alloc_nomem != 0) {
		printf("ERROR: allocations failed\n");
		errors++;
	}
	if (corrupt != 0) {
		printf("ERROR: corrupt entries\n");
		errors++;
	}
	if (foreign == 0) {
		printf("ERROR: no entry was freed on another lcore\n");
		errors++;
	}
	return errors;
}

int
main(int argc, char **argv)
{
	unsigned int lcore_id, prev, first, ring_size, errors;
	char name[RTE_RING_NAMESIZE];
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "Cannot init EAL: %s\n", rte_strerror(rte_errno));
	parse_args(argc - ret, argv + ret);

	n_workers = rte_lcore_count();
	if (n_workers < 2)
		rte_exit(EXIT_FAILURE, "At least 2 lcores are needed, e.g. -l 0-1\n");
	ret = rte_fastmem_init();
	if (ret != 0)
		rte_exit(EXIT_FAILURE, "Cannot init fastmem: %s\n", rte_strerror(-ret));

	/* The lcores in a ring: each passes its expired flows to the next one. */
	ring_size = rte_align32pow2(2 * n_flows + BURST);
	first = rte_get_next_lcore(-1, 0, 0);
	prev = RTE_MAX_LCORE;
	RTE_LCORE_FOREACH(lcore_id) {
		struct lcore_ctx *c = &ctx[lcore_id];

		c->lcore_id = lcore_id;
		c->next_lcore = first;
		if (prev != RTE_MAX_LCORE)
			ctx[prev].next_lcore = lcore_id;
		prev = lcore_id;
		snprintf(name, sizeof(name), "flows_%u", lcore_id);
		c->ring = rte_ring_create(name, ring_size, rte_lcore_to_socket_id(lcore_id),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (c->ring == NULL)
			app_exit("Cannot create ring %s: %s\n", name,
				rte_strerror(rte_errno));
		c->table = calloc(n_flows, sizeof(c->table[0]));
		if (c->table == NULL)
			app_exit("Cannot allocate the flow table\n");
	}

	printf("fastmem example: %u lcores, %u flows each, entries of %u-%u B, %u s\n",
		n_workers, n_flows, ENTRY_MIN_SIZE, ENTRY_MAX_SIZE, seconds);
	deadline = rte_get_timer_cycles() + (uint64_t)seconds * rte_get_timer_hz();
	ret = rte_eal_mp_remote_launch(flow_lcore, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	if (ret != 0)
		app_exit("Cannot launch the lcores: %s\n", rte_strerror(-ret));

	errors = print_stats();

	RTE_LCORE_FOREACH(lcore_id) {
		rte_ring_free(ctx[lcore_id].ring);
		free(ctx[lcore_id].table);
	}
	rte_fastmem_deinit();
	rte_eal_cleanup();

	if (errors != 0) {
		printf("fastmem example: FAILED, %u inconsistencies\n", errors);
		return EXIT_FAILURE;
	}
	printf("fastmem example: OK\n");
	return EXIT_SUCCESS;
}
