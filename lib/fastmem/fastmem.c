/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * The public functions of fastmem that are not inline: initialization, attaching secondary
 * processes, argument checking, the socket policy, and the miss paths of the inline functions,
 * all built on the cache, bin, slab and zone layers.
 */

#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include <eal_export.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>
#include <rte_rwlock.h>

#include "fastmem_private.h"

RTE_LOG_REGISTER_DEFAULT(fastmem_logtype, INFO);

struct fastmem_state *fastmem_state;

/*
 * Guards fastmem_state against init and deinit for readers that run beside the application,
 * such as telemetry. The allocation paths do not take it: init and deinit are documented as
 * not thread-safe with them.
 */
static rte_rwlock_t config_lock = RTE_RWLOCK_INITIALIZER;

/*
 * Take the read lock of such a reader. Returns 0 when this process uses an allocator (the
 * primary's after init, a secondary attached by its own calls), else -ENODEV; the lock is held
 * either way. A reader never attaches a secondary process: after the secondary's
 * rte_fastmem_deinit(), it must not come back to memory the primary may free meanwhile.
 */
int
fastmem_config_read_lock(void)
{
	rte_rwlock_read_lock(&config_lock);
	return fastmem_state != NULL ? 0 : -ENODEV;
}

void
fastmem_config_read_unlock(void)
{
	rte_rwlock_read_unlock(&config_lock);
}

/* Set rte_errno and return its negative, as DPDK functions returning int do. */
static inline int
fail(int err)
{
	rte_errno = err;
	return -err;
}

int
fastmem_attach(void)
{
	const struct rte_memzone *mz;

	if (likely(fastmem_state != NULL))
		return 0;
	if (rte_eal_process_type() != RTE_PROC_SECONDARY)
		return fail(ENODEV);
	/* A secondary process attaches to the primary's allocator on its first call. */
	mz = rte_memzone_lookup(FASTMEM_STATE_MZ);
	if (mz == NULL || rte_atomic_load_explicit(&((struct fastmem_state *)mz->addr)->magic,
			rte_memory_order_acquire) != FASTMEM_STATE_MAGIC)
		return fail(ENODEV);
	fastmem_cache_arm();
	fastmem_state = mz->addr;
	fastmem_cache_register_all();
	FASTMEM_LOG(DEBUG, "secondary process attached");
	return 0;
}

int
fastmem_socket_index(int socket_id, bool any_ok)
{
	if (socket_id == SOCKET_ID_ANY && any_ok)
		socket_id = fastmem_local_socket_id();
	if (socket_id < 0 || socket_id >= RTE_MAX_NUMA_NODES ||
			fastmem_state->socket_idx[socket_id] < 0)
		return fail(EINVAL);
	return fastmem_state->socket_idx[socket_id];
}

/* The calling thread's socket; threads without one use the main lcore's, as rte_malloc does. */
int
fastmem_local_socket_id(void)
{
	int socket_id = (int)rte_socket_id();

	if (socket_id < 0 || socket_id >= RTE_MAX_NUMA_NODES ||
			fastmem_state->socket_idx[socket_id] < 0)
		socket_id = (int)rte_lcore_to_socket_id(rte_get_main_lcore());
	if (socket_id < 0 || socket_id >= RTE_MAX_NUMA_NODES ||
			fastmem_state->socket_idx[socket_id] < 0)
		socket_id = fastmem_state->sockets[0].socket_id;
	return socket_id;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_init, 26.11)
int
rte_fastmem_init(void)
{
	const struct rte_memzone *mz;
	struct fastmem_state *st;
	unsigned int n_sockets, i, cls;
	size_t size;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		FASTMEM_LOG(ERR, "init: secondary processes attach to the primary's allocator");
		return fail(E_RTE_SECONDARY);
	}
	if (fastmem_state != NULL || rte_memzone_lookup(FASTMEM_STATE_MZ) != NULL)
		return fail(EBUSY);
	n_sockets = RTE_MAX(rte_socket_count(), 1u);
	size = sizeof(*st) + n_sockets * sizeof(struct fastmem_socket);
	mz = rte_memzone_reserve_aligned(FASTMEM_STATE_MZ, size, SOCKET_ID_ANY, 0,
			RTE_CACHE_LINE_SIZE);
	if (mz == NULL) {
		FASTMEM_LOG(ERR, "init: cannot reserve %zu bytes of state: %s", size,
				rte_strerror(rte_errno));
		return fail(ENOMEM);
	}
	st = mz->addr;
	memset(st, 0, sizeof(*st));
	st->n_sockets = n_sockets;
	st->n_caches = n_sockets * FASTMEM_N_CLASSES;
	st->zone_size = FASTMEM_ZONE_SIZE;
	rte_spinlock_init(&st->reg_lock);
	rte_spinlock_init(&st->zone_lock);
	rte_spinlock_init(&st->large_lock);
	memset(st->socket_idx, -1, sizeof(st->socket_idx));
	for (i = 0; i < n_sockets; i++) {
		struct fastmem_socket *s = &st->sockets[i];
		int socket_id = rte_socket_count() > 0 ? rte_socket_id_by_idx(i) : 0;

		memset(s, 0, offsetof(struct fastmem_socket, bins));
		rte_spinlock_init(&s->pool_lock);
		rte_spinlock_init(&s->grow_lock);
		s->socket_id = socket_id;
		s->idx = i;
		s->pool_oldest = FASTMEM_POOL_NONE;
		s->page_oldest = FASTMEM_POOL_NONE;
		rte_atomic_store_explicit(&s->limit, UINT64_MAX, rte_memory_order_relaxed);
		if (socket_id >= 0 && socket_id < RTE_MAX_NUMA_NODES)
			st->socket_idx[socket_id] = i;
		for (cls = 0; cls < FASTMEM_N_CLASSES; cls++)
			fastmem_bin_init(&s->bins[cls], i, cls);
	}
	rte_atomic_store_explicit(&st->magic, FASTMEM_STATE_MAGIC, rte_memory_order_release);
	fastmem_cache_arm();
	rte_rwlock_write_lock(&config_lock);
	fastmem_state = st;
	rte_rwlock_write_unlock(&config_lock);
	fastmem_cache_register_all();
	FASTMEM_LOG(DEBUG, "initialized: %u socket(s), %u classes", n_sockets, FASTMEM_N_CLASSES);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_deinit, 26.11)
void
rte_fastmem_deinit(void)
{
	const struct rte_memzone *mz;
	struct fastmem_state *st = fastmem_state;
	unsigned int sidx, cls;
	uint64_t live;

	if (st == NULL)
		return;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		fastmem_cache_detach_all(true);
		rte_rwlock_write_lock(&config_lock);
		fastmem_state = NULL;
		rte_rwlock_write_unlock(&config_lock);
		FASTMEM_LOG(DEBUG, "secondary process detached");
		return;
	}
	for (sidx = 0; sidx < st->n_sockets; sidx++) {
		for (cls = 0; cls < FASTMEM_N_CLASSES; cls++) {
			live = fastmem_stats_class_in_use(sidx, cls);
			if (live != 0)
				FASTMEM_LOG(WARNING, "deinit: %" PRIu64
						" object(s) of %zu B still live on socket %d",
						live, __rte_fastmem_class_size(cls),
						st->sockets[sidx].socket_id);
		}
	}
	fastmem_cache_detach_all(false);
	rte_rwlock_write_lock(&config_lock);
	fastmem_state = NULL;
	rte_rwlock_write_unlock(&config_lock);
	rte_atomic_store_explicit(&st->magic, 0, rte_memory_order_relaxed);
	fastmem_large_free_all(st);
	for (sidx = 0; sidx < st->n_sockets; sidx++)
		fastmem_zone_free_all(st, &st->sockets[sidx]);
	mz = rte_memzone_lookup(FASTMEM_STATE_MZ);
	if (mz != NULL)
		rte_memzone_free(mz);
	FASTMEM_LOG(DEBUG, "deinitialized");
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_reserve, 26.11)
int
rte_fastmem_reserve(size_t size, int socket_id)
{
	int sidx;

	if (fastmem_attach() < 0)
		return -rte_errno;
	sidx = fastmem_socket_index(socket_id, true);
	if (sidx < 0)
		return sidx;
	if (size == 0)
		return fail(EINVAL);
	/* A target total: only what the socket does not hold yet is reserved. */
	if (fastmem_zone_grow(&fastmem_state->sockets[sidx], size, true) < 0)
		return fail(ENOMEM);
	return 0;
}

/* A new limit; growth on demand may ask EAL again at once. */
static void
limit_set(struct fastmem_socket *s, size_t max_bytes)
{
	rte_atomic_store_explicit(&s->limit, max_bytes, rte_memory_order_relaxed);
	rte_atomic_store_explicit(&s->grow_fail_tsc, 0, rte_memory_order_relaxed);
}

/*
 * The socket indexes [*first, *end) a call for socket_id applies to: every socket for
 * SOCKET_ID_ANY, else that one. 0, or a negative errno (rte_errno set).
 */
static int
socket_range(int socket_id, unsigned int *first, unsigned int *end)
{
	int sidx;

	*first = 0;
	*end = 0;
	if (fastmem_attach() < 0)
		return -rte_errno;
	if (socket_id == SOCKET_ID_ANY) {
		*end = fastmem_state->n_sockets;
		return 0;
	}
	sidx = fastmem_socket_index(socket_id, false);
	if (sidx < 0)
		return sidx;
	*first = sidx;
	*end = sidx + 1;
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_limit, 26.11)
int
rte_fastmem_set_limit(int socket_id, size_t max_bytes)
{
	unsigned int i, end;
	int ret;

	ret = socket_range(socket_id, &i, &end);
	if (ret < 0)
		return ret;
	for (; i < end; i++)
		limit_set(&fastmem_state->sockets[i], max_bytes);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_get_limit, 26.11)
size_t
rte_fastmem_get_limit(int socket_id)
{
	uint64_t limit;
	int sidx;

	if (fastmem_attach() < 0)
		return 0;
	sidx = fastmem_socket_index(socket_id, true);
	if (sidx < 0)
		return 0;
	limit = fastmem_load64(&fastmem_state->sockets[sidx].limit);
	return limit > SIZE_MAX ? SIZE_MAX : (size_t)limit;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_max_size, 26.11)
size_t
rte_fastmem_max_size(void)
{
	return FASTMEM_LARGE_MAX_SIZE;
}

/* check_args(): the arguments are those of a large object. */
#define ARGS_LARGE 1

/*
 * Check allocation arguments. Returns 0 with *cls the class to serve them from, ARGS_LARGE
 * when they ask for more than the largest class (a large object), or a negative errno.
 */
static int
check_args(size_t size, size_t align, unsigned int flags, unsigned int *cls)
{
	size_t n;

	*cls = 0;
	if (fastmem_attach() < 0)
		return -rte_errno;
	if (align == 0)
		align = RTE_CACHE_LINE_SIZE;
	/* (rte_is_power_of_2() takes 32 bits: 2^40 would pass as 0) */
	if (size == 0 || (align & (align - 1)) != 0 || (flags & ~RTE_FASTMEM_F_ZERO) != 0)
		return fail(EINVAL);
	/* Alignment up to the largest class; sizes up to what a memzone could ever hold. */
	if (size > FASTMEM_LARGE_MAX_SIZE || align > RTE_FASTMEM_MAX_OBJ_SIZE)
		return fail(E2BIG);
	/* A size rounded up to its alignment maps to a class of that alignment. */
	n = RTE_ALIGN_CEIL(size, align);
	if (n > RTE_FASTMEM_MAX_OBJ_SIZE)
		return ARGS_LARGE;
	*cls = __rte_fastmem_size_class(n);
	return 0;
}

/*
 * The socket policy: an explicit socket never falls back; SOCKET_ID_ANY tries the socket at
 * index first (the caller's, or the old object's for realloc), then the others in order.
 * Returns the number of socket indexes written to order[], or a negative errno.
 */
static int
socket_order(int socket_id, int first, unsigned int *order)
{
	unsigned int i, n = 0;
	int sidx;

	if (socket_id != SOCKET_ID_ANY) {
		sidx = fastmem_socket_index(socket_id, false);
		if (sidx < 0)
			return sidx;
		order[0] = sidx;
		return 1;
	}
	if (first < 0) {
		first = fastmem_socket_index(fastmem_local_socket_id(), false);
		fastmem_cache_follow_socket(first);
	}
	order[n++] = first;
	for (i = 0; i < fastmem_state->n_sockets; i++)
		if (i != (unsigned int)first)
			order[n++] = i;
	return n;
}

/*
 * A large object handed out: checked builds see it, F_ZERO zeroes it (always here: a reused
 * memzone holds what its previous object left, only a new one is zeroed by EAL).
 */
static void
large_hand_out(void *obj, size_t size, unsigned int flags)
{
	FASTMEM_CHECK_ALLOC(obj, size);
	if (flags & RTE_FASTMEM_F_ZERO)
		memset(obj, 0, size);
}

/*
 * n large objects, all on the first socket of order[] that has them, or none (ENOMEM, ptrs
 * untouched). Until all are there, they are chained through their first word.
 */
static int
large_alloc_in_order(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags, const unsigned int *order, int n_order)
{
	void *chain, *obj;
	unsigned int i;
	int k;

	for (k = 0; k < n_order; k++) {
		chain = NULL;
		for (i = 0; i < n; i++) {
			obj = fastmem_large_alloc(size, align, order[k], i == n - 1 ? n : 0);
			if (obj == NULL)
				break;
			*(void **)obj = chain;
			chain = obj;
		}
		if (i == n) {
			while (n-- > 0) {
				ptrs[n] = chain;
				chain = *(void **)chain;
				large_hand_out(ptrs[n], size, flags);
			}
			return 0;
		}
		while (chain != NULL) {
			obj = chain;
			chain = *(void **)chain;
			fastmem_large_free(fastmem_large_of(obj), true);
		}
	}
	fastmem_large_count_nomem(n);
	return fail(ENOMEM);
}

static void *
alloc_in_order(size_t size, size_t align, unsigned int flags, int socket_id, int first)
{
	unsigned int order[RTE_MAX_NUMA_NODES];
	unsigned int cls;
	int i, n, ret;
	void *obj;

	ret = check_args(size, align, flags, &cls);
	if (ret < 0)
		return NULL;
	n = socket_order(socket_id, first, order);
	if (n < 0)
		return NULL;
	if (ret == ARGS_LARGE)
		return large_alloc_in_order(&obj, 1, size, align, flags, order, n) == 0 ? obj :
			NULL;
	for (i = 0; i < n; i++) {
		obj = fastmem_cache_get(order[i], cls);
		if (obj != NULL) {
			FASTMEM_CHECK_ALLOC(obj, size);
			if (flags & RTE_FASTMEM_F_ZERO)
				memset(obj, 0, size);
			return obj;
		}
	}
	fastmem_cache_count_nomem(order[0], cls, 1);
	rte_errno = ENOMEM;
	return NULL;
}

/* Also the miss path of the inline rte_fastmem_alloc(), with SOCKET_ID_ANY. */
RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_alloc_socket, 26.11)
void *
rte_fastmem_alloc_socket(size_t size, size_t align, unsigned int flags, int socket_id)
{
	return alloc_in_order(size, align, flags, socket_id, -1);
}

/*
 * Free through the object's span, when the calling thread's cache cannot take it; a large
 * object's memzone is kept for reuse or goes back to EAL (fastmem_large.c).
 */
static void
free_slow(void *ptr)
{
	struct fastmem_large *l;
	struct fastmem_page *pg;

	if (fastmem_attach() < 0) {
		FASTMEM_LOG(ERR, "free(%p): allocator not initialized", ptr);
		return;
	}
	/*
	 * A large object first, by the page map: fastmem_page_valid() would read the slab header
	 * fields at the 2 MiB boundary below ptr, which in a large object's memzone are object
	 * bytes, poisoned for ASan once the object is freed.
	 */
	l = fastmem_large_of(ptr);
	if (l != NULL) {
		fastmem_large_free(l, false);
		return;
	}
	if (fastmem_large_mapped(ptr)) {
		FASTMEM_LOG(ERR, "free(%p): no live large object there (%s)", ptr,
				fastmem_large_idle_of(ptr) != NULL ? "freed already" :
				"inside an object");
		return;
	}
	pg = fastmem_page_valid(ptr);
	if (pg == NULL) {
		FASTMEM_LOG(ERR, "free(%p): not a fastmem object", ptr);
		return;
	}
	fastmem_cache_put(fastmem_slab_of(ptr)->socket_idx, pg->cls, ptr);
}

/*
 * The whole free, out of line: the deallocator the allocation functions name, and the miss
 * path of the inline rte_fastmem_free() (whose cache push it tries again, into the caches of
 * any socket: an object of another socket than the thread's, or a direct call), which in
 * checked builds sends every object here.
 */
RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_dealloc, 26.11)
void
rte_fastmem_dealloc(void *ptr)
{
	if (unlikely(ptr == NULL))
		return;
	FASTMEM_CHECK_FREE(ptr, UINT32_MAX);
	if (unlikely(fastmem_cache_push_any(ptr) < 0))
		free_slow(ptr);
}

/* Whether ptr is aligned to align (0: a cache line), as a realloc in place must keep it. */
static inline bool
ptr_aligned(const void *ptr, size_t align)
{
	if (align == 0)
		align = RTE_CACHE_LINE_SIZE;
	return ((uintptr_t)ptr & (align - 1)) == 0;
}

/*
 * Whether a large object can stay where it is for a new size and alignment: it is aligned, and
 * the new size fits in its memzone and needs more than half of it (fastmem_large_fits(): a
 * memzone twice too large is worth a move).
 */
static bool
large_fits(const struct fastmem_large *l, const void *ptr, size_t size, size_t align)
{
	return ptr_aligned(ptr, align) && fastmem_large_fits(l->mz->len, l->obj_off, size);
}

/*
 * Whether object ptr (large object l, or else an object of page pg) holds size bytes at
 * alignment align (0: a cache line) where it is.
 */
static bool
realloc_holds(const void *ptr, const struct fastmem_large *l, const struct fastmem_page *pg,
		size_t size, size_t align)
{
	if (!ptr_aligned(ptr, align))
		return false;
	return l != NULL ? size <= l->mz->len - l->obj_off : size <= pg->obj_size;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_realloc, 26.11)
void *
rte_fastmem_realloc(void *ptr, size_t size, size_t align)
{
	struct fastmem_page *pg = NULL;
	struct fastmem_large *l = NULL;
	enum fastmem_obj_where where;
	size_t old_size;
	unsigned int cls;
	uint32_t idx;
	int ret, sidx, saved_errno;
	void *obj;

	if (ptr == NULL)
		return alloc_in_order(size, align, 0, SOCKET_ID_ANY, -1);
	if (fastmem_attach() < 0)
		return NULL;
	/*
	 * A large object first, by the page map, as in free_slow(); else the start of an object
	 * slot in a backing memzone. Unlike free, realloc promises EINVAL for anything else.
	 */
	l = fastmem_large_of(ptr);
	where = l != NULL ? FASTMEM_OBJ_AT : fastmem_large_mapped(ptr) ? FASTMEM_OBJ_INSIDE :
		fastmem_page_object(ptr, &pg, &idx);
	if (where != FASTMEM_OBJ_AT) {
		fastmem_check_foreign(ptr, "realloc of memory fastmem never returned", where);
		FASTMEM_LOG(ERR, "realloc(%p): not a fastmem object", ptr);
		rte_errno = EINVAL;
		return NULL;
	}
	if (size == 0) {
		rte_fastmem_free(ptr);
		return NULL;
	}
	ret = check_args(size, align, 0, &cls);
	if (ret < 0)
		return NULL;
	if (l == NULL && ret == 0 && cls == pg->cls) {
		FASTMEM_CHECK_RESIZE(ptr, size);
		return ptr;
	}
	if (l != NULL && ret == ARGS_LARGE && large_fits(l, ptr, size, align)) {
		FASTMEM_CHECK_RESIZE(ptr, size);
		l->size = size;
		return ptr;
	}
	/* A small object's requested size is not kept: copy what its class holds. */
	old_size = l != NULL ? l->size : pg->obj_size;
	sidx = l != NULL ? (int)l->socket_idx : (int)fastmem_slab_of(ptr)->socket_idx;
	saved_errno = rte_errno;
	obj = alloc_in_order(size, align, 0, SOCKET_ID_ANY, sidx);
	if (obj == NULL && realloc_holds(ptr, l, pg, size, align)) {
		/*
		 * Without memory for a new object, one that holds the new size stays: a success,
		 * which leaves rte_errno as it was (the failed allocation counts in alloc_nomem).
		 */
		rte_errno = saved_errno;
		FASTMEM_CHECK_RESIZE(ptr, size);
		if (l != NULL)
			l->size = size;
		return ptr;
	}
	if (obj == NULL)
		return NULL;
	FASTMEM_ASAN_UNPOISON(ptr, old_size);
	memcpy(obj, ptr, RTE_MIN(size, old_size));
	rte_fastmem_free(ptr);
	return obj;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_alloc_bulk_socket, 26.11)
int
rte_fastmem_alloc_bulk_socket(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags, int socket_id)
{
	unsigned int order[RTE_MAX_NUMA_NODES];
	unsigned int cls, i;
	int k, n_order, ret;

	if (n == 0)
		return 0;
	if (ptrs == NULL)
		return fail(EINVAL);
	ret = check_args(size, align, flags, &cls);
	if (ret < 0)
		return ret;
	n_order = socket_order(socket_id, -1, order);
	if (n_order < 0)
		return n_order;
	if (ret == ARGS_LARGE)
		return large_alloc_in_order(ptrs, n, size, align, flags, order, n_order);
	for (k = 0; k < n_order; k++) {
		if (fastmem_cache_get_bulk(order[k], cls, ptrs, n) == 0) {
			for (i = 0; i < n; i++) {
				FASTMEM_CHECK_ALLOC(ptrs[i], size);
				if (flags & RTE_FASTMEM_F_ZERO)
					memset(ptrs[i], 0, size);
			}
			return 0;
		}
	}
	fastmem_cache_count_nomem(order[0], cls, n);
	return fail(ENOMEM);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_hlookup, 26.11)
int
rte_fastmem_hlookup(size_t size, size_t align, int socket_id, rte_fastmem_handle_t *handle)
{
	unsigned int cls;
	int sidx, ret;

	if (handle == NULL)
		return fail(EINVAL);
	ret = check_args(size, align, 0, &cls);
	if (ret < 0)
		return ret;
	/* Handles name a class: large objects have none. */
	if (ret == ARGS_LARGE)
		return fail(E2BIG);
	sidx = fastmem_socket_index(socket_id, true);
	if (sidx < 0)
		return sidx;
	*handle = ((uint32_t)RTE_FASTMEM_HANDLE_MAGIC << 16) | (sidx * FASTMEM_N_CLASSES + cls);
	return 0;
}

/* Decode a handle: 0 and its cache's (socket index, class), or a negative errno. */
static int
handle_decode(uint32_t handle, unsigned int *sidx, unsigned int *cls)
{
	uint32_t idx = __rte_fastmem_handle_index(handle);

	*sidx = 0;
	*cls = 0;
	if (fastmem_attach() < 0)
		return -rte_errno;
	if (idx >= fastmem_state->n_caches)
		return fail(EINVAL);
	*sidx = idx / FASTMEM_N_CLASSES;
	*cls = idx % FASTMEM_N_CLASSES;
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_halloc_slow, 26.11)
void *
rte_fastmem_halloc_slow(uint32_t handle, unsigned int flags)
{
	unsigned int sidx, cls;
	void *obj;

	if (handle_decode(handle, &sidx, &cls) < 0)
		return NULL;
	if ((flags & ~RTE_FASTMEM_F_ZERO) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	obj = fastmem_cache_get(sidx, cls);
	if (obj == NULL) {
		fastmem_cache_count_nomem(sidx, cls, 1);
		rte_errno = ENOMEM;
		return NULL;
	}
	FASTMEM_CHECK_ALLOC(obj, __rte_fastmem_class_size(cls));
	if (flags & RTE_FASTMEM_F_ZERO)
		memset(obj, 0, __rte_fastmem_class_size(cls));
	return obj;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_halloc_bulk_slow, 26.11)
int
rte_fastmem_halloc_bulk_slow(uint32_t handle, void **ptrs, unsigned int n, unsigned int flags)
{
	unsigned int sidx, cls, i;

	if (n == 0)
		return 0;
	/* A NULL array is refused before the allocator is looked for, as in alloc_bulk. */
	if (ptrs == NULL)
		return fail(EINVAL);
	if (handle_decode(handle, &sidx, &cls) < 0)
		return -rte_errno;
	if ((flags & ~RTE_FASTMEM_F_ZERO) != 0)
		return fail(EINVAL);
	if (fastmem_cache_get_bulk(sidx, cls, ptrs, n) < 0) {
		fastmem_cache_count_nomem(sidx, cls, n);
		return fail(ENOMEM);
	}
	for (i = 0; i < n; i++) {
		FASTMEM_CHECK_ALLOC(ptrs[i], __rte_fastmem_class_size(cls));
		if (flags & RTE_FASTMEM_F_ZERO)
			memset(ptrs[i], 0, __rte_fastmem_class_size(cls));
	}
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_hfree_slow, 26.11)
void
rte_fastmem_hfree_slow(uint32_t handle, void *ptr)
{
	RTE_SET_USED(handle);
	/* Objects go to their slab's cache, whatever the handle says: none is lost. */
	if (ptr != NULL)
		free_slow(ptr);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_virt2iova, 26.11)
rte_iova_t
rte_fastmem_virt2iova(const void *ptr)
{
	const struct fastmem_slab *slab = fastmem_slab_of(ptr);
	rte_iova_t iova;

	if (ptr == NULL || fastmem_attach() < 0)
		return RTE_BAD_IOVA;
	/*
	 * The page map first: in a large object's later chunks, the slab header place holds
	 * object data, which must not be taken for a header.
	 */
	iova = fastmem_large_iova(ptr);
	if (iova != RTE_BAD_IOVA)
		return iova;
	/* In a large memzone, but of no live large object (a freed one's, kept idle). */
	if (fastmem_large_mapped(ptr))
		return RTE_BAD_IOVA;
	if (fastmem_page_valid(ptr) == NULL) {
		fastmem_check_foreign(ptr, "virt2iova of memory fastmem never returned",
				FASTMEM_OBJ_FOREIGN);
		return RTE_BAD_IOVA;
	}
	return slab->iova + RTE_PTR_DIFF(ptr, slab);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_classes, 26.11)
unsigned int
rte_fastmem_classes(size_t *sizes)
{
	unsigned int cls;

	if (sizes != NULL)
		for (cls = 0; cls < FASTMEM_N_CLASSES; cls++)
			sizes[cls] = __rte_fastmem_class_size(cls);
	return FASTMEM_N_CLASSES;
}

/*
 * Drain the depots of socket index sidx and give its idle memzones back to EAL: the backing
 * ones whose slabs are all free, and those kept for large objects.
 */
static uint64_t
socket_trim(unsigned int sidx)
{
	fastmem_bin_reclaim(sidx);
	return fastmem_zone_release(&fastmem_state->sockets[sidx], 0) +
		fastmem_large_trim(sidx);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_trim, 26.11)
int
rte_fastmem_trim(int socket_id)
{
	uint64_t released = 0;
	unsigned int i, end;
	int ret;

	ret = socket_range(socket_id, &i, &end);
	if (ret < 0)
		return ret;
	for (; i < end; i++)
		released += socket_trim(i);
	/* The exact total is in rte_fastmem_stats(). */
	return released > INT_MAX ? INT_MAX : (int)released;
}
