#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The deallocator of rte_fastmem.h, compiled as an application compiles it (the built tree's
# headers and flags, build/meson/compile_commands.json, with -Wall) at -O0 and -O2:
#   - free() of an object from rte_fastmem_alloc_socket() or rte_fastmem_realloc() warns
#     (-Wmismatched-dealloc: their __rte_dealloc names rte_fastmem_dealloc()), and so does
#     rte_fastmem_free() of a malloc() pointer at -O2 (its inlined miss path calls it);
#   - correct frees compile without any warning;
#   - at -O2 a loop of rte_fastmem_free() has the hit path inline (it reads the thread's cache
#     block and contains no rte_fastmem_free function) and calls rte_fastmem_dealloc() on a
#     miss; in a checked build (RTE_LIBRTE_FASTMEM_DEBUG) every free calls it.
# Prints one finding per line (nothing when all holds); GCC 11 or later only.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
M=$B/meson
W=$B/check-dealloc
rm -rf "$W"
mkdir -p "$W"

# the include paths, -include rte_config.h, -march and -D_* of the library's own compilation
mapfile -t flags < <(/usr/bin/python3 -c '
import json, shlex, sys
for e in json.load(open(sys.argv[1])):
    if e["file"].endswith("lib/fastmem/fastmem.c"):
        a = shlex.split(e["command"])
        print("\n".join(x for i, x in enumerate(a) if x.startswith(("-I", "-march", "-D_"))
                        or x == "-include" or a[i - 1] == "-include"))
' "$M/compile_commands.json")
[ ${#flags[@]} -gt 0 ] || { echo "no compile command for lib/fastmem/fastmem.c in $M"; exit 0; }
cc=cc
if ! printf '#if !defined(__GNUC__) || defined(__clang__) || __GNUC__ < 11\n#error\n#endif\n' |
	$cc -E - > /dev/null 2>&1; then
	echo "(not GCC 11 or later: nothing to check)" > "$W/skipped"
	exit 0
fi

cat > "$W/t.c" <<'EOF'
#include <stdlib.h>
#include <rte_fastmem.h>

void *case_bad(void);
void case_good(void);
void free_batch(void **objs, unsigned int n);

#if CASE == 1
void *case_bad(void) { free(rte_fastmem_alloc_socket(64, 0, 0, SOCKET_ID_ANY)); return NULL; }
#elif CASE == 2
void *case_bad(void) { free(rte_fastmem_realloc(NULL, 64, 0)); return NULL; }
#elif CASE == 3
void *case_bad(void) { rte_fastmem_free(malloc(64)); return NULL; }
#elif CASE == 4
void
case_good(void)
{
	void *p = rte_fastmem_alloc_socket(64, 0, 0, SOCKET_ID_ANY);
	void *q = rte_fastmem_alloc(64, 0, 0);
	void *r = rte_fastmem_realloc(NULL, 64, 0);

	rte_fastmem_free(p);
	rte_fastmem_free(q);
	rte_fastmem_dealloc(r);
	p = malloc(64);
	free(p);
}
#else
void
free_batch(void **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_fastmem_free(objs[i]);
}
#endif
EOF

# compile OUT FLAGS...: compile t.c with the tree's flags; diagnostics in OUT.log
compile() {
	local out=$1
	shift
	(cd "$M" && "$cc" "${flags[@]}" -DALLOW_EXPERIMENTAL_API -Wall -Wextra "$@" \
		-c "$W/t.c" -o "$W/$out.o" > "$W/$out.log" 2>&1) ||
		echo "t.c $*: does not compile ($W/$out.log)"
}

for o in -O0 -O2; do
	for c in 1 2 3; do
		[ "$c" = 3 ] && [ "$o" = -O0 ] && continue # the miss path is inline only when optimized
		compile "bad$c$o" "$o" -DCASE=$c
		grep -q 'Wmismatched-dealloc' "$W/bad$c$o.log" ||
			echo "$o: no -Wmismatched-dealloc for $(sed -n "/CASE == $c\$/{n;p}" "$W/t.c")"
	done
	compile "good$o" "$o" -DCASE=4
	grep 'warning' "$W/good$o.log" | sed "s/^/$o: correct frees: /"
done
compile batch -O2 -DCASE=5
syms=$(nm "$W/batch.o")
echo "$syms" | grep -q ' [tT] rte_fastmem_free$' &&
	echo "-O2: rte_fastmem_free() is not inline (a copy of it is in the object)"
echo "$syms" | grep -q 'U per_lcore_rte_fastmem_tls$' ||
	echo "-O2: the inline rte_fastmem_free() does not read the thread's cache block"
echo "$syms" | grep -q 'U rte_fastmem_dealloc$' ||
	echo "-O2: the inline rte_fastmem_free() does not call rte_fastmem_dealloc() on a miss"
compile batch-checked -O2 -DCASE=5 -DRTE_LIBRTE_FASTMEM_DEBUG
syms=$(nm "$W/batch-checked.o")
echo "$syms" | grep -q 'per_lcore_rte_fastmem_tls$' &&
	echo "-O2, checked: rte_fastmem_free() has a hit path (not every free is checked)"
echo "$syms" | grep -q 'U rte_fastmem_dealloc$' ||
	echo "-O2, checked: rte_fastmem_free() does not call rte_fastmem_dealloc()"
exit 0
