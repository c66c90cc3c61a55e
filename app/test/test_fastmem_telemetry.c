/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * fastmem_telemetry_autotest: query every /fastmem/ telemetry endpoint through the process's
 * own telemetry socket, as dpdk-telemetry.py does, and check the JSON values against the C
 * statistics API taken at the same instant.
 */

#include <errno.h>
#include <inttypes.h>
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

#include "test.h"

#define REPLY_SIZE (64 * 1024)

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
 * The unsigned number stored under "key" in the JSON object that follows "section" (the whole
 * reply when section is NULL). -1 when absent.
 */
static int64_t
json_num(const char *section, const char *key)
{
	char pat[64];
	const char *p = reply;

	if (section != NULL) {
		snprintf(pat, sizeof(pat), "\"%s\":{", section);
		p = strstr(p, pat);
		if (p == NULL)
			return -1;
	}
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(p, pat);
	if (p == NULL || p[strlen(pat)] < '0' || p[strlen(pat)] > '9')
		return -1;
	return (int64_t)strtoull(p + strlen(pat), NULL, 10);
}

static bool
reply_is_null(const char *cmd)
{
	char want[128];

	snprintf(want, sizeof(want), "{\"%s\":null}", cmd);
	return strcmp(reply, want) == 0;
}

#define QUERY(cmd) TEST_ASSERT_SUCCESS(tel_query(cmd), "query %s", cmd)
#define CHECK_NUM(section, key, val) do { \
	const char *_s = (section); \
	int64_t _v = json_num(_s, key); \
	TEST_ASSERT(_v == (int64_t)(val), "%s %s: telemetry %" PRId64 ", C API %" PRIu64 \
			"\nreply: %s", _s != NULL ? _s : "", key, _v, (uint64_t)(val), reply); \
} while (0)

static int
check_uninitialized(void)
{
	QUERY("/fastmem/info");
	CHECK_NUM(NULL, "initialized", 0);
	CHECK_NUM(NULL, "max_size", rte_fastmem_max_size());
	QUERY("/fastmem/stats");
	TEST_ASSERT(reply_is_null("/fastmem/stats"), "stats before init: %s", reply);
	QUERY("/fastmem/classes");
	TEST_ASSERT(reply_is_null("/fastmem/classes"), "classes before init: %s", reply);
	QUERY("/fastmem/sockets");
	TEST_ASSERT(reply_is_null("/fastmem/sockets"), "sockets before init: %s", reply);
	QUERY("/fastmem/class,64");
	TEST_ASSERT(reply_is_null("/fastmem/class"), "class before init: %s", reply);
	return 0;
}

static int
test_fastmem_telemetry(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	size_t sizes[RTE_FASTMEM_NUM_CLASSES];
	unsigned int i, n_classes;
	void *small[10], *big[5];
	char key[32], cmd[64];
	int64_t backing = 0;
	int ret = TEST_FAILED;

	if (tel_connect() < 0) {
		printf("telemetry socket not available (--no-telemetry?): skipped\n");
		return TEST_SKIPPED;
	}
	rte_fastmem_deinit();
	if (check_uninitialized() < 0)
		goto out;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	for (i = 0; i < RTE_DIM(small); i++) {
		small[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(small[i], "alloc 64");
	}
	for (i = 0; i < RTE_DIM(big); i++) {
		big[i] = rte_fastmem_alloc(4000, 0, 0);
		TEST_ASSERT_NOT_NULL(big[i], "alloc 4000");
	}
	rte_fastmem_free(small[0]);
	rte_fastmem_free(small[1]);

	/* FASTMEM_TELEMETRY_HOLD=N keeps this state for N seconds, for dpdk-telemetry.py. */
	if (getenv("FASTMEM_TELEMETRY_HOLD") != NULL) {
		printf("holding for %s s: query with usertools/dpdk-telemetry.py\n",
				getenv("FASTMEM_TELEMETRY_HOLD"));
		fflush(stdout);
		sleep(atoi(getenv("FASTMEM_TELEMETRY_HOLD")));
	}

	QUERY("/fastmem/info");
	CHECK_NUM(NULL, "initialized", 1);
	CHECK_NUM(NULL, "slab_size", 2u << 20);
	CHECK_NUM(NULL, "n_classes", rte_fastmem_classes(NULL));
	CHECK_NUM(NULL, "n_sockets", rte_socket_count());
	TEST_ASSERT(strstr(reply, "\"classes\":[8,16,32,64,") != NULL, "class list: %s", reply);
	snprintf(key, sizeof(key), "socket_%d", (int)rte_socket_id_by_idx(0));
	CHECK_NUM("limits", key, rte_fastmem_get_limit(rte_socket_id_by_idx(0)));

	QUERY("/fastmem/stats");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	CHECK_NUM(NULL, "bytes_backing", st.bytes_backing);
	CHECK_NUM(NULL, "bytes_in_use", st.bytes_in_use);
	CHECK_NUM(NULL, "alloc_total", st.alloc_total);
	CHECK_NUM(NULL, "free_total", st.free_total);
	CHECK_NUM(NULL, "alloc_nomem", st.alloc_nomem);
	CHECK_NUM(NULL, "n_classes", st.n_classes);
	TEST_ASSERT_EQUAL(st.bytes_in_use, (uint64_t)(8 * 64 + 5 * 4096), "bytes in use");

	QUERY("/fastmem/classes");
	n_classes = rte_fastmem_classes(sizes);
	for (i = 0; i < n_classes; i++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(sizes[i], &cs), "class stats");
		snprintf(key, sizeof(key), "%zu", sizes[i]);
		CHECK_NUM(key, "class_size", cs.class_size);
		CHECK_NUM(key, "in_use", cs.in_use);
		CHECK_NUM(key, "alloc_cache_hits", cs.alloc_cache_hits);
		CHECK_NUM(key, "alloc_cache_misses", cs.alloc_cache_misses);
		CHECK_NUM(key, "free_cache_hits", cs.free_cache_hits);
		CHECK_NUM(key, "free_cache_misses", cs.free_cache_misses);
		CHECK_NUM(key, "slabs_partial", cs.slabs_partial);
		CHECK_NUM(key, "slabs_full", cs.slabs_full);
		CHECK_NUM(key, "bytes_held",
				(uint64_t)(cs.slabs_partial + cs.slabs_full) << 21);
	}
	CHECK_NUM("64", "in_use", 8);
	CHECK_NUM("4096", "in_use", 5);

	QUERY("/fastmem/class,4096");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(4096, &cs), "class stats");
	CHECK_NUM(NULL, "in_use", cs.in_use);
	CHECK_NUM(NULL, "slabs_partial", cs.slabs_partial);
	snprintf(key, sizeof(key), "socket_%d", (int)rte_socket_id());
	CHECK_NUM(key, "in_use", 5);
	CHECK_NUM(key, "slabs_partial", 1);
	QUERY("/fastmem/class,100");
	TEST_ASSERT(reply_is_null("/fastmem/class"), "class,100: %s", reply);
	QUERY("/fastmem/class");
	TEST_ASSERT(reply_is_null("/fastmem/class"), "class without size: %s", reply);
	QUERY("/fastmem/class,abc");
	TEST_ASSERT(reply_is_null("/fastmem/class"), "class,abc: %s", reply);

	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", rte_lcore_id());
	QUERY(cmd);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &ls), "lcore stats");
	CHECK_NUM(NULL, "lcore_id", rte_lcore_id());
	CHECK_NUM(NULL, "alloc_cache_hits", ls.alloc_cache_hits);
	CHECK_NUM(NULL, "alloc_cache_misses", ls.alloc_cache_misses);
	CHECK_NUM(NULL, "free_cache_hits", ls.free_cache_hits);
	CHECK_NUM(NULL, "free_cache_misses", ls.free_cache_misses);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(rte_lcore_id(), 64, &lcs), "lcs");
	CHECK_NUM("64", "alloc_cache_hits", lcs.alloc_cache_hits);
	CHECK_NUM("64", "free_cache_hits", lcs.free_cache_hits);
	TEST_ASSERT(strstr(reply, "\"1024\":{") == NULL, "unused class listed: %s", reply);
	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", RTE_MAX_LCORE);
	QUERY(cmd);
	TEST_ASSERT(reply_is_null("/fastmem/lcore"), "lcore,RTE_MAX_LCORE: %s", reply);
	QUERY("/fastmem/lcore,-1");
	TEST_ASSERT(reply_is_null("/fastmem/lcore"), "lcore,-1: %s", reply);

	QUERY("/fastmem/sockets");
	for (i = 0; i < rte_socket_count(); i++) {
		int64_t b;

		snprintf(key, sizeof(key), "socket_%d", (int)rte_socket_id_by_idx(i));
		b = json_num(key, "bytes_backing");
		TEST_ASSERT(b >= 0, "socket %s bytes_backing: %s", key, reply);
		backing += b;
		CHECK_NUM(key, "limit", rte_fastmem_get_limit(rte_socket_id_by_idx(i)));
	}
	TEST_ASSERT_EQUAL((uint64_t)backing, st.bytes_backing, "sockets sum to bytes_backing");
	TEST_ASSERT(json_num(NULL, "memzones") >= 1, "memzones: %s", reply);

	for (i = 2; i < RTE_DIM(small); i++)
		rte_fastmem_free(small[i]);
	rte_fastmem_free_bulk(big, RTE_DIM(big));
	rte_fastmem_deinit();
	if (check_uninitialized() < 0)
		goto out;
	ret = TEST_SUCCESS;
out:
	close(sock);
	sock = -1;
	return ret;
}

REGISTER_FAST_TEST(fastmem_telemetry_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_telemetry);
