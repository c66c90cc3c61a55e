/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTE_FASTMEM_H
#define RTE_FASTMEM_H
#include <rte_compat.h>
__rte_experimental
int rte_fastmem_init(void);
#endif
