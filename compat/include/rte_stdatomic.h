/* SPDX-License-Identifier: BSD-3-Clause */
/* Empty on DPDK 22.11: fastmem_compat.h, force-included, provides what rte_stdatomic.h has. */
