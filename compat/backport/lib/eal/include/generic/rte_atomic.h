/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */
#include <rte_stdatomic.h>

