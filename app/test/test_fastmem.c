/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_fastmem.h>
#include "test.h"
static int test_fastmem(void) { return rte_fastmem_init() == 63 ? 0 : -1; }
REGISTER_FAST_TEST(fastmem_autotest, NOHUGE_OK, ASAN_OK, test_fastmem);
