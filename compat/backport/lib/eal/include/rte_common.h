/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */

#ifndef __rte_malloc
/**
 * Tells the compiler that the function returns a value that points to
 * memory aliased by no other pointer.
 */
#if defined(RTE_CC_GCC) || defined(RTE_CC_CLANG)
#define __rte_malloc __attribute__((__malloc__))
#else
#define __rte_malloc
#endif

/**
 * With recent GCC versions also able to track that proper
 * deallocator function is used for this pointer.
 */
#if defined(RTE_TOOLCHAIN_GCC) && (GCC_VERSION >= 110000)
#define __rte_dealloc(dealloc, argno) \
	__attribute__((malloc(dealloc, argno)))
#else
#define __rte_dealloc(dealloc, argno)
#endif
#endif /* __rte_malloc */

#ifndef __rte_constant
/**
 * Check if an expression's value is a compile-time constant
 * (GCC and clang: __builtin_constant_p()).
 */
#define __rte_constant(e) __extension__(__builtin_constant_p(e))
#endif

