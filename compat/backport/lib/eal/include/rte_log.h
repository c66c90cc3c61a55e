/* SPDX-License-Identifier: BSD-3-Clause */

/* Backported from current DPDK by the fastmem compat layer (build copy only). */

/** Generates a log message with a single trailing newline. */
#define RTE_LOG_LINE(l, t, ...) \
	RTE_LOG(l, t, RTE_FMT(RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", \
		RTE_FMT_TAIL(__VA_ARGS__ ,)))

/** Generates a data path log message with a single trailing newline. */
#define RTE_LOG_DP_LINE(l, t, ...) \
	RTE_LOG_DP(l, t, RTE_FMT(RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", \
		RTE_FMT_TAIL(__VA_ARGS__ ,)))

