/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Stand-in for current DPDK's <eal_export.h> (not installed), added by the fastmem compat layer
 * in the build copy of an older tree: the symbol exports are empty, compat.py writes the
 * library's version.map from them.
 */

#ifndef EAL_EXPORT_H
#define EAL_EXPORT_H

#define RTE_EXPORT_SYMBOL(name)
#define RTE_EXPORT_INTERNAL_SYMBOL(name)
#define RTE_EXPORT_EXPERIMENTAL_SYMBOL(name, ver)

#endif /* EAL_EXPORT_H */
