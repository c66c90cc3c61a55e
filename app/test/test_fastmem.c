/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_fastmem.h>
#include "test.h"

static int
cmpp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

static int
test_fastmem(void)
{
	static void *p[100000];
	struct rte_fastmem_stats st;
	rte_fastmem_handle_t h;
	unsigned int i, s;
	size_t sizes[] = {1, 8, 64, 100, 4096, 65536, 1 << 20};

	TEST_ASSERT_EQUAL(rte_fastmem_init(), 0, "init");
	TEST_ASSERT_EQUAL(rte_fastmem_init(), -EBUSY, "init twice");
	for (s = 0; s < RTE_DIM(sizes); s++) {
		unsigned int n = sizes[s] >= 65536 ? 50 : 100000;
		for (i = 0; i < n; i++) {
			p[i] = rte_fastmem_alloc(sizes[s], 8, 0);
			TEST_ASSERT_NOT_NULL(p[i], "alloc %zu #%u: %d", sizes[s], i, rte_errno);
			memset(p[i], i & 0xff, sizes[s]);
		}
		{
			static void *q[100000];
			memcpy(q, p, n * sizeof(void *));
			qsort(q, n, sizeof(void *), cmpp);
			for (i = 1; i < n; i++)
				if ((char *)q[i] < (char *)q[i - 1] + sizes[s])
					printf("overlap %p %p\n", q[i - 1], q[i]);
		}
		for (i = 0; i < n; i++) {
			TEST_ASSERT_EQUAL(((unsigned char *)p[i])[sizes[s] - 1], (i & 0xff),
				"data size %zu i %u", sizes[s], i);
			TEST_ASSERT(rte_fastmem_virt2iova(p[i]) != RTE_BAD_IOVA, "iova");
		}
		for (i = 0; i < n; i++)
			rte_fastmem_free(p[i]);
	}
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(8, 8, SOCKET_ID_ANY, &h), 0, "hlookup");
	TEST_ASSERT_EQUAL(rte_fastmem_halloc_bulk(h, p, 1000, 0), 0, "halloc_bulk");
	for (i = 0; i < 1000; i++)
		rte_fastmem_hfree(h, p[i]);
	rte_fastmem_cache_flush();
	TEST_ASSERT_EQUAL(rte_fastmem_stats(&st), 0, "stats");
	printf("backing %lu in_use %lu alloc %lu free %lu\n", (unsigned long)st.bytes_backing,
		(unsigned long)st.bytes_in_use, (unsigned long)st.alloc_total,
		(unsigned long)st.free_total);
	TEST_ASSERT_EQUAL(st.bytes_in_use, 0, "in use");
	TEST_ASSERT_EQUAL(st.alloc_total, st.free_total, "totals");
	rte_fastmem_deinit();
	TEST_ASSERT_NULL(rte_fastmem_alloc(8, 0, 0), "after deinit");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "enodev");
	TEST_ASSERT_EQUAL(rte_fastmem_init(), 0, "reinit");
	p[0] = rte_fastmem_alloc(8, 0, 0);
	TEST_ASSERT_NOT_NULL(p[0], "alloc after reinit");
	rte_fastmem_free(p[0]);
	rte_fastmem_deinit();
	return 0;
}

REGISTER_FAST_TEST(fastmem_autotest, NOHUGE_OK, ASAN_OK, test_fastmem);
