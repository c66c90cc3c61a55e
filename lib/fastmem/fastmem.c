/* SPDX-License-Identifier: BSD-3-Clause */
#include <eal_export.h>
#include <rte_log.h>
#include <rte_stdatomic.h>
#include "rte_fastmem.h"
RTE_LOG_REGISTER_DEFAULT(fastmem_logtype, INFO);
#define RTE_LOGTYPE_FASTMEM fastmem_logtype
static RTE_ATOMIC(int) x;
RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_init, 26.03)
int rte_fastmem_init(void)
{
	RTE_LOG_LINE(INFO, FASTMEM, "init %d",
		rte_atomic_fetch_add_explicit(&x, 1, rte_memory_order_relaxed));
	return rte_clz64(1);
}
