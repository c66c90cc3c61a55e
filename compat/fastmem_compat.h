/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compatibility layer for building the fastmem patch set, written for current DPDK, on an
 * older tree (22.11). Force-included (-include) into every C file of such a tree only, so it
 * holds macros alone: it includes nothing and defines nothing the older tree defines itself.
 */
#ifndef FASTMEM_COMPAT_H
#define FASTMEM_COMPAT_H

/* <eal_export.h>: symbol maps are generated from these by the build glue. */
#define RTE_EXPORT_SYMBOL(name)
#define RTE_EXPORT_INTERNAL_SYMBOL(name)
#define RTE_EXPORT_EXPERIMENTAL_SYMBOL(name, ver)

/* <rte_log.h>: one log line, newline added. */
#define RTE_LOG_LINE(level, type, ...) \
	RTE_LOG(level, type, RTE_FMT(RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", RTE_FMT_TAIL(__VA_ARGS__ ,)))

/* <rte_bitops.h> */
#define rte_clz32(v) ((unsigned int)__builtin_clz(v))
#define rte_clz64(v) ((unsigned int)__builtin_clzll(v))
#define rte_ctz32(v) ((unsigned int)__builtin_ctz(v))
#define rte_ctz64(v) ((unsigned int)__builtin_ctzll(v))
#define rte_popcount64(v) ((unsigned int)__builtin_popcountll(v))

/* <rte_common.h> */
#define __rte_malloc __attribute__((__malloc__))
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define __rte_dealloc(dealloc, argno) __attribute__((malloc(dealloc, argno)))
#else
#define __rte_dealloc(dealloc, argno)
#endif

/* <rte_stdatomic.h>: the GCC builtins, as current DPDK uses without RTE_ENABLE_STDATOMIC. */
#define RTE_ATOMIC(type) type
#define __rte_atomic
#define rte_memory_order_relaxed __ATOMIC_RELAXED
#define rte_memory_order_consume __ATOMIC_CONSUME
#define rte_memory_order_acquire __ATOMIC_ACQUIRE
#define rte_memory_order_release __ATOMIC_RELEASE
#define rte_memory_order_acq_rel __ATOMIC_ACQ_REL
#define rte_memory_order_seq_cst __ATOMIC_SEQ_CST
#define rte_atomic_load_explicit(ptr, mo) __atomic_load_n(ptr, mo)
#define rte_atomic_store_explicit(ptr, val, mo) __atomic_store_n(ptr, val, mo)
#define rte_atomic_exchange_explicit(ptr, val, mo) __atomic_exchange_n(ptr, val, mo)
#define rte_atomic_fetch_add_explicit(ptr, val, mo) __atomic_fetch_add(ptr, val, mo)
#define rte_atomic_fetch_sub_explicit(ptr, val, mo) __atomic_fetch_sub(ptr, val, mo)
#define rte_atomic_fetch_or_explicit(ptr, val, mo) __atomic_fetch_or(ptr, val, mo)
#define rte_atomic_fetch_and_explicit(ptr, val, mo) __atomic_fetch_and(ptr, val, mo)
#define rte_atomic_compare_exchange_strong_explicit(ptr, exp, des, succ, fail) \
	__atomic_compare_exchange_n(ptr, exp, des, 0, succ, fail)
#define rte_atomic_compare_exchange_weak_explicit(ptr, exp, des, succ, fail) \
	__atomic_compare_exchange_n(ptr, exp, des, 1, succ, fail)

/* <rte_telemetry.h>: the unsigned variants were called _u64. */
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64
#define rte_tel_data_add_array_uint rte_tel_data_add_array_u64
#define RTE_TEL_UINT_VAL RTE_TEL_U64_VAL

/* app/test/test.h: 22.11 registers a test command; the meson lists are added by the glue. */
#define REGISTER_FAST_TEST(cmd, no_huge, asan, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_PERF_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_STRESS_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)

#endif /* FASTMEM_COMPAT_H */
