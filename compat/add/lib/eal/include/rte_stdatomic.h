/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Stand-in for current DPDK's <rte_stdatomic.h>, installed by the fastmem compat layer in the
 * build copy of an older tree: the GCC builtins, as current DPDK uses them without
 * RTE_ENABLE_STDATOMIC.
 */

#ifndef RTE_STDATOMIC_H
#define RTE_STDATOMIC_H

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_ATOMIC(type) type
#define __rte_atomic

#define rte_memory_order_relaxed __ATOMIC_RELAXED
#define rte_memory_order_consume __ATOMIC_CONSUME
#define rte_memory_order_acquire __ATOMIC_ACQUIRE
#define rte_memory_order_release __ATOMIC_RELEASE
#define rte_memory_order_acq_rel __ATOMIC_ACQ_REL
#define rte_memory_order_seq_cst __ATOMIC_SEQ_CST

#define rte_atomic_load_explicit(ptr, memorder) \
	__atomic_load_n(ptr, memorder)
#define rte_atomic_store_explicit(ptr, val, memorder) \
	__atomic_store_n(ptr, val, memorder)
#define rte_atomic_exchange_explicit(ptr, val, memorder) \
	__atomic_exchange_n(ptr, val, memorder)
#define rte_atomic_compare_exchange_strong_explicit(ptr, expected, desired, succ_memorder, \
		fail_memorder) \
	__atomic_compare_exchange_n(ptr, expected, desired, 0, succ_memorder, fail_memorder)
#define rte_atomic_compare_exchange_weak_explicit(ptr, expected, desired, succ_memorder, \
		fail_memorder) \
	__atomic_compare_exchange_n(ptr, expected, desired, 1, succ_memorder, fail_memorder)
#define rte_atomic_fetch_add_explicit(ptr, val, memorder) \
	__atomic_fetch_add(ptr, val, memorder)
#define rte_atomic_fetch_sub_explicit(ptr, val, memorder) \
	__atomic_fetch_sub(ptr, val, memorder)
#define rte_atomic_fetch_and_explicit(ptr, val, memorder) \
	__atomic_fetch_and(ptr, val, memorder)
#define rte_atomic_fetch_xor_explicit(ptr, val, memorder) \
	__atomic_fetch_xor(ptr, val, memorder)
#define rte_atomic_fetch_or_explicit(ptr, val, memorder) \
	__atomic_fetch_or(ptr, val, memorder)

#ifdef __cplusplus
}
#endif

#endif /* RTE_STDATOMIC_H */
