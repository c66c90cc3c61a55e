/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 fastmem authors
 */

/*
 * fastmem_asan_autotest: in an AddressSanitizer build, a use after free and an overflow of a
 * fastmem object, each in a forked child, must be reported by ASan; correct use must not be.
 * Without ASan the test is skipped.
 */

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_fastmem.h>

#include "test.h"

#ifndef RTE_FASTMEM_CHECKED
#define FASTMEM_TEST_ASAN 0
#elif defined(__SANITIZE_ADDRESS__)
#define FASTMEM_TEST_ASAN 1
#else
#define FASTMEM_TEST_ASAN 0
#endif

#if !FASTMEM_TEST_ASAN

static int
test_fastmem_asan(void)
{
	printf("not an AddressSanitizer build: skipped\n");
	return TEST_SKIPPED;
}

#else

#define OUT_SIZE 65536

static volatile char sink;

static void
use_after_free(void)
{
	char *p = rte_fastmem_alloc(64, 0, 0);

	rte_fastmem_free(p);
	sink = p[10];
}

static void
overflow(void)
{
	char *p = rte_fastmem_alloc(100, 0, 0);

	sink = p[100];
}

static void
handle_use_after_free(void)
{
	rte_fastmem_handle_t h;
	char *p;

	if (rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &h) != 0)
		_exit(2);
	p = rte_fastmem_halloc(h, 0);
	rte_fastmem_hfree(h, p);
	p[0] = 1;
}

static void
correct_use(void)
{
	char *p = rte_fastmem_alloc(100, 0, 0);
	void *q[32];
	unsigned int i;

	memset(p, 1, 100);
	p = rte_fastmem_realloc(p, 5000, 0);
	memset(p, 2, 5000);
	rte_fastmem_free(p);
	if (rte_fastmem_alloc_bulk(q, RTE_DIM(q), 64, 0, RTE_FASTMEM_F_ZERO) != 0)
		_exit(2);
	for (i = 0; i < RTE_DIM(q); i++)
		memset(q[i], 3, 64);
	rte_fastmem_free_bulk(q, RTE_DIM(q));
}

static const struct {
	const char *name;
	void (*fn)(void);
	const char *report;     /* NULL: no report expected */
} cases[] = {
	{ "use after free", use_after_free, "use-after-poison" },
	{ "overflow", overflow, "use-after-poison" },
	{ "use after hfree", handle_use_after_free, "use-after-poison" },
	{ "correct use", correct_use, NULL },
};

static int
run_child(void (*fn)(void), char *out, size_t len)
{
	int fds[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (used < len - 1 && (n = read(fds[0], out + used, len - 1 - used)) > 0)
		used += n;
	out[used] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int
test_fastmem_asan(void)
{
	static char out[OUT_SIZE];
	unsigned int i;
	int status;

	for (i = 0; i < RTE_DIM(cases); i++) {
		void *p;

		/* Memory and this thread's cache block exist before the fork: the child changes
		 * no EAL structure it shares with us.
		 */
		TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
		TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 << 20, SOCKET_ID_ANY), "reserve");
		p = rte_fastmem_alloc(8, 8, 0);
		TEST_ASSERT_NOT_NULL(p, "alloc");
		rte_fastmem_free(p);
		status = run_child(cases[i].fn, out, sizeof(out));
		rte_fastmem_deinit();
		TEST_ASSERT(status != -1, "%s: could not run the child", cases[i].name);
		if (cases[i].report == NULL) {
			TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
					strstr(out, "AddressSanitizer") == NULL,
					"%s: reported (status %#x):\n%s", cases[i].name, status,
					out);
			printf("%-20s not reported, as it should be\n", cases[i].name);
			continue;
		}
		TEST_ASSERT(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
				"%s: not caught\n%s", cases[i].name, out);
		TEST_ASSERT(strstr(out, "AddressSanitizer") != NULL &&
				strstr(out, cases[i].report) != NULL,
				"%s: no \"%s\" report:\n%s", cases[i].name, cases[i].report, out);
		printf("%-20s reported by ASan: %s\n", cases[i].name, cases[i].report);
	}
	return TEST_SUCCESS;
}

#endif

REGISTER_FAST_TEST(fastmem_asan_autotest, NOHUGE_OK, ASAN_OK, test_fastmem_asan);
