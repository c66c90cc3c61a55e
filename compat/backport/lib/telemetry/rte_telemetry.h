/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */

/* The unsigned variants were called _u64. */
#define RTE_TEL_UINT_VAL RTE_TEL_U64_VAL
#define rte_tel_data_add_array_uint rte_tel_data_add_array_u64
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64

