/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */

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

