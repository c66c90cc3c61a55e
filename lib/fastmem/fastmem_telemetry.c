/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * Telemetry endpoints: /fastmem/info, /fastmem/stats, /fastmem/classes, /fastmem/class,<size>,
 * /fastmem/lcore,<id>, /fastmem/shared and /fastmem/sockets. They read what the statistics
 * functions read, under the read side of the configuration lock so that rte_fastmem_deinit()
 * cannot free the state under them, and never touch a cache: reading telemetry costs the hot
 * path nothing.
 * A bad or missing parameter answers null, as DPDK's telemetry does for a failed command.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "fastmem_private.h"

#define SOCKET_KEY_LEN 24

/*
 * JSON bytes of class entries that one /fastmem/classes reply may hold. DPDK's telemetry cuts
 * a reply at 16 KiB and silently leaves out a container that does not fit: with their 12
 * counters, all 68 classes may need more. The reply stops before its entries exceed this
 * (well below the cut, for the reply's own framing) and names the class to ask for next.
 */
#define CLASSES_JSON_MAX (12 * 1024)

static void
socket_key(char *buf, const struct fastmem_socket *s)
{
	snprintf(buf, SOCKET_KEY_LEN, "socket_%d", s->socket_id);
}

/* Parse a whole unsigned decimal parameter. */
static int
param_uint(const char *params, uint64_t *val)
{
	char *end;

	if (params == NULL || *params < '0' || *params > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(params, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

/*
 * Allocate n containers for a reply, all or none: a handler that fails must not have added a
 * container to its reply, which DPDK frees only once it is sent.
 */
static int
tel_alloc(struct rte_tel_data **c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		c[i] = rte_tel_data_alloc();
		if (c[i] == NULL) {
			while (i-- > 0)
				rte_tel_data_free(c[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Add an unsigned member to dict d; returns the bytes it takes in the JSON reply. */
static size_t
dict_uint(struct rte_tel_data *d, const char *name, uint64_t val)
{
	size_t len = strlen(name) + 4; /* "name":val, */

	rte_tel_data_add_dict_uint(d, name, val);
	do {
		len++;
		val /= 10;
	} while (val != 0);
	return len;
}

static int
tel_info(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct fastmem_state *st;
	struct rte_tel_data *classes, *limits;
	char key[SOCKET_KEY_LEN];
	unsigned int cls, sidx;

	rte_tel_data_start_dict(d);
	st = fastmem_config_read_lock() == 0 ? fastmem_state : NULL;
	rte_tel_data_add_dict_int(d, "initialized", st != NULL);
	rte_tel_data_add_dict_string(d, "process",
			rte_eal_process_type() == RTE_PROC_PRIMARY ? "primary" : "secondary");
	rte_tel_data_add_dict_uint(d, "slab_size", FASTMEM_SLAB_SIZE);
	rte_tel_data_add_dict_uint(d, "page_size", FASTMEM_PAGE_SIZE);
	rte_tel_data_add_dict_uint(d, "paged_max", FASTMEM_PAGED_MAX);
	rte_tel_data_add_dict_uint(d, "max_size", rte_fastmem_max_size());
	rte_tel_data_add_dict_uint(d, "max_class_size", RTE_FASTMEM_MAX_OBJ_SIZE);
	rte_tel_data_add_dict_int(d, "n_classes", FASTMEM_N_CLASSES);
	classes = rte_tel_data_alloc();
	if (classes != NULL) {
		rte_tel_data_start_array(classes, RTE_TEL_UINT_VAL);
		for (cls = 0; cls < FASTMEM_N_CLASSES; cls++)
			rte_tel_data_add_array_uint(classes, __rte_fastmem_class_size(cls));
		rte_tel_data_add_dict_container(d, "classes", classes, 0);
	}
	if (st != NULL) {
		uint64_t trimmed = 0;

		rte_tel_data_add_dict_int(d, "n_sockets", st->n_sockets);
		rte_tel_data_add_dict_uint(d, "memzone_size", st->zone_size);
		for (sidx = 0; sidx < st->n_sockets; sidx++)
			trimmed += fastmem_load64(&st->sockets[sidx].bytes_released);
		rte_tel_data_add_dict_uint(d, "bytes_trimmed", trimmed);
		limits = rte_tel_data_alloc();
		if (limits != NULL) {
			rte_tel_data_start_dict(limits);
			for (sidx = 0; sidx < st->n_sockets; sidx++) {
				socket_key(key, &st->sockets[sidx]);
				rte_tel_data_add_dict_uint(limits, key,
						fastmem_load64(&st->sockets[sidx].limit));
			}
			rte_tel_data_add_dict_container(d, "limits", limits, 0);
		}
	}
	fastmem_config_read_unlock();
	return 0;
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct rte_fastmem_stats stats;
	int ret;

	ret = fastmem_config_read_lock();
	if (ret == 0)
		ret = rte_fastmem_stats(&stats);
	fastmem_config_read_unlock();
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_uint(d, "bytes_backing", stats.bytes_backing);
	rte_tel_data_add_dict_uint(d, "bytes_trimmed", stats.bytes_trimmed);
	rte_tel_data_add_dict_uint(d, "bytes_in_use", stats.bytes_in_use);
	rte_tel_data_add_dict_uint(d, "alloc_total", stats.alloc_total);
	rte_tel_data_add_dict_uint(d, "free_total", stats.free_total);
	rte_tel_data_add_dict_uint(d, "alloc_nomem", stats.alloc_nomem);
	rte_tel_data_add_dict_uint(d, "n_classes", stats.n_classes);
	rte_tel_data_add_dict_uint(d, "large_in_use", stats.large_in_use);
	rte_tel_data_add_dict_uint(d, "bytes_large", stats.bytes_large);
	rte_tel_data_add_dict_uint(d, "large_idle", stats.large_idle);
	rte_tel_data_add_dict_uint(d, "bytes_large_idle", stats.bytes_large_idle);
	return 0;
}

/* One class's statistics, into dict d; returns the bytes they take in the JSON reply. */
static size_t
class_dict(struct rte_tel_data *d, const struct rte_fastmem_class_stats *cs)
{
	size_t len = 0;

	len += dict_uint(d, "class_size", cs->class_size);
	len += dict_uint(d, "in_use", cs->in_use);
	len += dict_uint(d, "alloc_cache_hits", cs->alloc_cache_hits);
	len += dict_uint(d, "alloc_cache_misses", cs->alloc_cache_misses);
	len += dict_uint(d, "alloc_nomem", cs->alloc_nomem);
	len += dict_uint(d, "free_cache_hits", cs->free_cache_hits);
	len += dict_uint(d, "free_cache_misses", cs->free_cache_misses);
	len += dict_uint(d, "slab_acquires", cs->slab_acquires);
	len += dict_uint(d, "slab_releases", cs->slab_releases);
	len += dict_uint(d, "slabs_partial", cs->slabs_partial);
	len += dict_uint(d, "slabs_full", cs->slabs_full);
	len += dict_uint(d, "bytes_held", cs->bytes_held);
	return len;
}

/*
 * /fastmem/classes[,<size>]: every size class from the given one (an exact class size; the
 * smallest without a parameter) on, as many as fit in CLASSES_JSON_MAX, and then "next": the
 * class size to ask for to continue.
 */
static int
tel_classes(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_fastmem_class_stats cs[FASTMEM_N_CLASSES];
	struct rte_tel_data *c[FASTMEM_N_CLASSES];
	char key[SOCKET_KEY_LEN];
	unsigned int first = 0, cls;
	size_t used = 0, len;
	uint64_t size;
	int ret;

	if (params != NULL && *params != '\0') {
		if (param_uint(params, &size) < 0 || size == 0 ||
				size > RTE_FASTMEM_MAX_OBJ_SIZE)
			return -EINVAL;
		first = __rte_fastmem_size_class(size);
		if (__rte_fastmem_class_size(first) != size)
			return -EINVAL;
	}
	ret = fastmem_config_read_lock();
	for (cls = first; cls < FASTMEM_N_CLASSES && ret == 0; cls++)
		ret = rte_fastmem_stats_class(__rte_fastmem_class_size(cls), &cs[cls]);
	fastmem_config_read_unlock();
	if (ret == 0)
		ret = tel_alloc(&c[first], FASTMEM_N_CLASSES - first);
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	for (cls = first; cls < FASTMEM_N_CLASSES; cls++) {
		rte_tel_data_start_dict(c[cls]);
		snprintf(key, sizeof(key), "%zu", cs[cls].class_size);
		len = class_dict(c[cls], &cs[cls]) + strlen(key) + 6; /* "key":{...}, */
		if (used + len > CLASSES_JSON_MAX && cls > first)
			break;
		used += len;
		rte_tel_data_add_dict_container(d, key, c[cls], 0);
	}
	if (cls < FASTMEM_N_CLASSES)
		rte_tel_data_add_dict_uint(d, "next", cs[cls].class_size);
	for (; cls < FASTMEM_N_CLASSES; cls++)
		rte_tel_data_free(c[cls]);
	return 0;
}

static int
tel_class(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct fastmem_socket_class_stats ss;
	struct rte_fastmem_class_stats cs;
	struct rte_tel_data *sc[RTE_MAX_NUMA_NODES], *c;
	char key[SOCKET_KEY_LEN];
	unsigned int sidx, n_sockets;
	uint64_t size;
	int ret;

	if (param_uint(params, &size) < 0)
		return -EINVAL;
	ret = fastmem_config_read_lock();
	if (ret == 0)
		ret = rte_fastmem_stats_class(size, &cs);
	if (ret < 0)
		goto out;
	n_sockets = fastmem_state->n_sockets;
	ret = tel_alloc(sc, n_sockets);
	if (ret < 0)
		goto out;
	rte_tel_data_start_dict(d);
	class_dict(d, &cs);
	for (sidx = 0; sidx < n_sockets; sidx++) {
		c = sc[sidx];
		fastmem_stats_socket_class(sidx, __rte_fastmem_size_class(size), &ss);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_uint(c, "in_use", ss.in_use);
		rte_tel_data_add_dict_uint(c, "cached", ss.cached);
		rte_tel_data_add_dict_uint(c, "depot", ss.depot);
		rte_tel_data_add_dict_uint(c, "slabs_partial", ss.slabs_partial);
		rte_tel_data_add_dict_uint(c, "slabs_full", ss.slabs_full);
		rte_tel_data_add_dict_uint(c, "slab_acquires", ss.slab_acquires);
		rte_tel_data_add_dict_uint(c, "slab_releases", ss.slab_releases);
		rte_tel_data_add_dict_uint(c, "bytes_held", ss.bytes_held);
		socket_key(key, &fastmem_state->sockets[sidx]);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
out:
	fastmem_config_read_unlock();
	return ret;
}

/* The counters of one lcore, or with lcore_id LCORE_ID_ANY of the threads without one. */
static int
tel_counters(unsigned int lcore_id, struct rte_tel_data *d)
{
	bool shared = lcore_id == LCORE_ID_ANY;
	struct rte_fastmem_lcore_class_stats lcs[FASTMEM_N_CLASSES];
	struct rte_tel_data *c[FASTMEM_N_CLASSES];
	struct rte_fastmem_lcore_stats ls;
	char key[SOCKET_KEY_LEN];
	unsigned int cls, n = 0, i;
	int ret;

	ret = fastmem_config_read_lock();
	if (ret == 0)
		ret = shared ? rte_fastmem_stats_shared(&ls) :
			rte_fastmem_stats_lcore(lcore_id, &ls);
	/* The classes with a non-zero counter, packed at the start of lcs[]. */
	for (cls = 0; cls < FASTMEM_N_CLASSES && ret == 0; cls++) {
		ret = shared ? rte_fastmem_stats_shared_class(__rte_fastmem_class_size(cls),
				&lcs[n]) : rte_fastmem_stats_lcore_class(lcore_id,
				__rte_fastmem_class_size(cls), &lcs[n]);
		n += lcs[n].alloc_cache_hits + lcs[n].alloc_cache_misses + lcs[n].alloc_nomem +
			lcs[n].free_cache_hits + lcs[n].free_cache_misses != 0;
	}
	fastmem_config_read_unlock();
	if (ret == 0)
		ret = tel_alloc(c, n);
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	if (!shared)
		rte_tel_data_add_dict_uint(d, "lcore_id", lcore_id);
	rte_tel_data_add_dict_uint(d, "alloc_cache_hits", ls.alloc_cache_hits);
	rte_tel_data_add_dict_uint(d, "alloc_cache_misses", ls.alloc_cache_misses);
	rte_tel_data_add_dict_uint(d, "alloc_nomem", ls.alloc_nomem);
	rte_tel_data_add_dict_uint(d, "free_cache_hits", ls.free_cache_hits);
	rte_tel_data_add_dict_uint(d, "free_cache_misses", ls.free_cache_misses);
	for (i = 0; i < n; i++) {
		rte_tel_data_start_dict(c[i]);
		rte_tel_data_add_dict_uint(c[i], "alloc_cache_hits", lcs[i].alloc_cache_hits);
		rte_tel_data_add_dict_uint(c[i], "alloc_cache_misses", lcs[i].alloc_cache_misses);
		rte_tel_data_add_dict_uint(c[i], "alloc_nomem", lcs[i].alloc_nomem);
		rte_tel_data_add_dict_uint(c[i], "free_cache_hits", lcs[i].free_cache_hits);
		rte_tel_data_add_dict_uint(c[i], "free_cache_misses", lcs[i].free_cache_misses);
		snprintf(key, sizeof(key), "%zu", lcs[i].class_size);
		rte_tel_data_add_dict_container(d, key, c[i], 0);
	}
	return 0;
}

static int
tel_lcore(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	uint64_t lcore_id;

	if (param_uint(params, &lcore_id) < 0 || lcore_id >= RTE_MAX_LCORE)
		return -EINVAL;
	return tel_counters(lcore_id, d);
}

static int
tel_shared(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	return tel_counters(LCORE_ID_ANY, d);
}

static int
tel_sockets(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct rte_tel_data *sc[RTE_MAX_NUMA_NODES], *c;
	struct fastmem_socket *s;
	char key[SOCKET_KEY_LEN];
	uint64_t idle, idle_bytes;
	unsigned int sidx;
	int ret;

	ret = fastmem_config_read_lock();
	if (ret < 0)
		goto out;
	ret = tel_alloc(sc, fastmem_state->n_sockets);
	if (ret < 0)
		goto out;
	rte_tel_data_start_dict(d);
	for (sidx = 0; sidx < fastmem_state->n_sockets; sidx++) {
		s = &fastmem_state->sockets[sidx];
		c = sc[sidx];
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_int(c, "socket_id", s->socket_id);
		rte_tel_data_add_dict_uint(c, "bytes_backing", fastmem_load64(&s->bytes_backing));
		rte_tel_data_add_dict_uint(c, "limit", fastmem_load64(&s->limit));
		rte_tel_data_add_dict_uint(c, "memzones", s->n_zones);
		rte_tel_data_add_dict_uint(c, "free_slabs", fastmem_load32(&s->n_pool));
		rte_tel_data_add_dict_uint(c, "reserved", fastmem_load64(&s->reserved));
		rte_tel_data_add_dict_uint(c, "bytes_trimmed", fastmem_load64(&s->bytes_released));
		fastmem_large_idle_read(sidx, &idle, &idle_bytes);
		rte_tel_data_add_dict_uint(c, "large_idle", idle);
		rte_tel_data_add_dict_uint(c, "bytes_large_idle", idle_bytes);
		socket_key(key, s);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
out:
	fastmem_config_read_unlock();
	return ret;
}

/* A help text of RTE_TEL_MAX_STRING_LEN (128) characters or more fails the registration. */
RTE_INIT(fastmem_telemetry_init)
{
	rte_telemetry_register_cmd("/fastmem/info", tel_info,
			"fastmem configuration: initialized, sockets, memzone and slab size, "
			"classes, max size, limits, bytes trimmed. No parameters");
	rte_telemetry_register_cmd("/fastmem/stats", tel_stats,
			"fastmem allocator-wide statistics. No parameters");
	rte_telemetry_register_cmd("/fastmem/classes", tel_classes,
			"fastmem statistics of every size class, or from one on; \"next\": where "
			"to go on. Parameter: class size (optional)");
	rte_telemetry_register_cmd("/fastmem/class", tel_class,
			"fastmem statistics of one size class, per socket. Parameter: class size");
	rte_telemetry_register_cmd("/fastmem/lcore", tel_lcore,
			"fastmem counters of one lcore, per class where non-zero. "
			"Parameter: lcore id");
	rte_telemetry_register_cmd("/fastmem/shared", tel_shared,
			"fastmem counters of the threads without an lcore id, of every process, "
			"per class where non-zero. No parameters");
	rte_telemetry_register_cmd("/fastmem/sockets", tel_sockets,
			"fastmem per socket: backing bytes, limit, memzones, free slabs, reserve, "
			"bytes trimmed, idle large memzones. No parameters");
}
