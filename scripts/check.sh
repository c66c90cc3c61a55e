#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make check: what a DPDK maintainer runs on a contribution, run on the series (build/patches,
# and build/series: the pristine tree plus the series commits) with the tree's own devtools:
#   checkpatches  devtools/checkpatches.sh, with the kernel's checkpatch.pl (from Debian's
#                 linux-source package, scripts/fetch-checkpatch.sh) and codespell with
#                 DPDK's dictionary (devtools/build-dict.sh)
#   git-log       devtools/check-git-log.sh on the series commits, and the order of .mailmap
#                 (devtools/mailmap-ctl.py check, where the tree has it)
#   spdx          devtools/check-spdx-tag.sh, for the files the series touches
#   doc-vs-code   devtools/check-doc-vs-code.sh
#   symbol-maps   devtools/check-symbol-maps.sh, where the tree has it and a version.map
#   symbol-version  ours, as DPDK's tools do not check it: on a current tree, every symbol is
#                 exported with the version of the release in preparation (VERSION)
#   werror        the build with -Dwerror=true -Dcheck_includes=true (scripts/build.sh check)
#   doxygen       the API documentation (doc/api/doxy-api.conf.in, as meson configures it):
#                 every warning about fastmem
#   dealloc       ours: GCC's -Wmismatched-dealloc on free() of a fastmem object, and the
#                 inline hit path of rte_fastmem_free() (scripts/check-dealloc.sh; its files
#                 in build/check-dealloc/)
# Prints every finding as "check: STEP: finding", then a summary; fails if there is any.
# The full output of each step is in build/check-STEP.log (the build's in build/ninja-check.log,
# with the context of each error).
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/build
S=$B/series
cd "$S" || exit 1

# Findings that stay, because DPDK itself does the same in the same situation; each one also
# has its reason in the commit message. One per line: "finding (regular expression)|reason".
ACCEPTED='^lib/fastmem/fastmem_debug\.c: Using rte_panic/rte_exit$|the debug checks panic on a corrupted heap, as mempool'"'"'s RTE_LIBRTE_MEMPOOL_DEBUG checks do
^app/test/test_fastmem_perf\.c: Adding __rte_always_inline; prefer plain inline$|the timed loops are inlined per allocator, as in test_ring_perf.c and test_mempool_perf.c'

# accepted LINE: the reason LINE is an accepted finding, or nothing.
accepted() {
	local entry
	while IFS= read -r entry; do
		if echo "$1" | grep -Eq "${entry%%|*}"; then
			echo "${entry#*|}"
			return
		fi
	done <<< "$ACCEPTED"
}

total=0
summary=
# tool LOG COMMAND...: run COMMAND with its output in LOG. A failing command is noted in
# build/check-failed, which step() counts as a finding when the step printed nothing else, not
# even an accepted finding (a tool that crashed must not pass as one that found nothing).
tool() {
	local log=$1 rc
	shift
	"$@" > "$log" 2>&1
	rc=$?
	[ $rc = 0 ] || echo "${1##*/} exited with status $rc (${log#"$REPO"/})" >> "$B/check-failed"
	return $rc
}

# step NAME FUNCTION: run FUNCTION (full output in build/check-NAME.log), which prints one
# finding per line; print and count them.
step() {
	local name=$1 fn=$2 t0 n=0 seen=0 line reason
	t0=$(date +%s)
	echo "##### check: $name"
	rm -f "$B/check-failed"
	while IFS= read -r line; do
		seen=$((seen + 1))
		reason=$(accepted "$line")
		if [ -n "$reason" ]; then
			echo "check: $name: accepted: $line ($reason)"
			continue
		fi
		echo "check: $name: $line"
		n=$((n + 1))
	done < <($fn 2>&1)
	if [ $seen = 0 ] && [ -s "$B/check-failed" ]; then
		while IFS= read -r line; do
			echo "check: $name: $line"
			n=$((n + 1))
		done < "$B/check-failed"
	fi
	echo "check: $name: $n finding(s), $(($(date +%s) - t0)) s"
	total=$((total + n))
	summary="$summary $name $n,"
}

# One finding per line from checkpatches.sh's report: checkpatch.pl's "TYPE: message" with
# the FILE:LINE that follows it, "Warning in FILE:" lines with the message that follows them,
# and every other line of DPDK's own checks, prefixed with the patch subject.
checkpatches_findings() {
	awk '
	function flush() {
		if (msg != "")
			print (where != "" ? where ": " : patch ": ") msg
		msg = ""; where = ""
	}
	/^### / { flush(); patch = substr($0, 5); next }
	/^(ERROR|WARNING|CHECK):/ { flush(); msg = $0; next }
	msg != "" && /^#[0-9]+: FILE: / { where = $3; sub(/:$/, "", where); flush(); next }
	/^Warning in / { flush(); f = substr($0, 12); sub(/:$/, "", f); files[++nf] = f; next }
	nf > 0 { for (i = 1; i <= nf; i++) print files[i] ": " $0; nf = 0; next }
	/^$|^total: |^NOTE: |^[#+ \t]|^[0-9]+\/[0-9]+ valid patch/ { flush(); next }
	{ flush(); print patch ": " $0 }
	END { flush() }'
}

checkpatches() {
	local cp dict=$B/check-dict.txt
	# its progress (the download, on a machine's first run) goes to its log, not to findings
	cp=$("$REPO/scripts/fetch-checkpatch.sh" 2> "$B/check-fetch-checkpatch.log") ||
		{ echo "cannot fetch checkpatch.pl (build/check-fetch-checkpatch.log)"; return; }
	# DPDK's dictionary, as devtools/build-dict.sh makes it from Debian's codespell.
	sh devtools/build-dict.sh /usr/lib/python3/dist-packages > "$dict.tmp" ||
		{ echo "devtools/build-dict.sh failed"; return; }
	opts=
	# --- DPDK 22.11: what current DPDK's checkpatches.sh and build-dict.sh fixed since -----
	# 22.11's scripts predate today's checkpatch.pl and codespell: current DPDK ignores these
	# checkpatch types (AVOID_BUG flags every RTE_BUILD_BUG_ON) and drops "stdio" and
	# "soring" from the dictionary. Applied only to a tree whose scripts lack them.
	if ! grep -q AVOID_BUG devtools/checkpatches.sh; then
		opts="--ignore=MSLEEP,AVOID_BUG,EXPORT_SYMBOL,BAD_REPORTED_BY_LINK"
	fi
	sed -i '/^stdio->/d; /^soring->/d' "$dict.tmp"
	# --- end of DPDK 22.11 -------------------------------------------------------------------
	mv "$dict.tmp" "$dict"
	DPDK_CHECKPATCH_PATH=$cp DPDK_CHECKPATCH_CODESPELL=$dict DPDK_CHECKPATCH_OPTIONS=$opts \
		tool "$B/check-checkpatches.log" devtools/checkpatches.sh "$B"/patches/*.patch
	# an accepted finding would hide a tool that died after it: the report must be complete
	grep -q 'valid patch' "$B/check-checkpatches.log" ||
		echo "checkpatches.sh did not finish (build/check-checkpatches.log)"
	checkpatches_findings < "$B/check-checkpatches.log"
}

# "Header:" lines followed by tab-indented items (check-git-log.sh, check-symbol-maps.sh):
# one finding per item, "Header: item".
header_items() {
	awk '/^\t/ { sub(/^\t+/, ""); print head " " $0; next }
	/:$/ { head = $0; next }
	/^$|valid patch|^Invalid patch/ { next }
	{ print }'
}

git_log() {
	tool "$B/check-git-log.log" devtools/check-git-log.sh -r pristine..HEAD
	header_items < "$B/check-git-log.log"
	if [ -f devtools/mailmap-ctl.py ]; then
		tool "$B/check-mailmap.log" /usr/bin/python3 devtools/mailmap-ctl.py check ||
			sed 's/^/.mailmap: /' "$B/check-mailmap.log"
	fi
}

spdx() {
	# it counts the whole tree's files, of which only the series' are ours: no exit status
	devtools/check-spdx-tag.sh > "$B/check-spdx.log" 2>&1
	grep -q '^total: ' "$B/check-spdx.log" ||
		echo "check-spdx-tag.sh did not finish (build/check-spdx.log)"
	git diff --name-only pristine HEAD | grep -Fxf - "$B/check-spdx.log"
}

doc_vs_code() {
	devtools/check-doc-vs-code.sh pristine > "$B/check-doc-vs-code.log" 2>&1 ||
		cat "$B/check-doc-vs-code.log"
}

symbol_maps() {
	if [ ! -x devtools/check-symbol-maps.sh ] || [ ! -f lib/fastmem/version.map ]; then
		echo "(not in this tree: symbols are exported with RTE_EXPORT_*_SYMBOL)" \
			> "$B/check-symbol-maps.log"
		return
	fi
	devtools/check-symbol-maps.sh lib/fastmem/version.map > "$B/check-symbol-maps.log" 2>&1 ||
		header_items < "$B/check-symbol-maps.log"
}

symbol_version() {
	local want
	want=$(cut -d. -f1,2 VERSION)
	if [ "$(cat "$B/compat-mode")" != native ]; then
		echo "(DPDK $want exports through version.map: nothing to check)" > "$B/check-symbol-version.log"
		return
	fi
	grep -n 'RTE_EXPORT_[A-Z_]*SYMBOL(' lib/fastmem/*.c > "$B/check-symbol-version.log"
	grep -v "RTE_EXPORT_SYMBOL(\|, $want)" "$B/check-symbol-version.log" |
		sed "s/\$/ (not $want, the version of the release in preparation)/"
}

werror() {
	"$REPO/scripts/build.sh" check > "$B/check-werror.log" 2>&1
	local rc=$?
	cat "$B/meson-setup-check.log" "$B/ninja-check.log" >> "$B/check-werror.log" 2>/dev/null
	# one line per diagnostic; one in a DPDK header names the function of ours it came from
	grep -E ': In function |: (fatal )?(error|warning): ' "$B/ninja-check.log" 2>/dev/null |
		sed "s,^\(\.\./\)*tree/,,; s,^$B/tree/,," |
		awk '/: In function / { ctx = $0; sub(/:$/, "", ctx); next }
		$0 !~ /fastmem/ && ctx != "" { $0 = $0 " (" ctx ")" }
		{ print }' | sort -u
	[ $rc = 0 ] || grep -q ': error: ' "$B/ninja-check.log" 2>/dev/null ||
		echo "the build failed (build/check-werror.log)"
}

doxygen_api() {
	local out=$B/check-doxygen
	rm -rf "$out"
	mkdir -p "$out"
	/usr/bin/python3 doc/api/generate_examples.py "$S/examples" "$out/examples.dox" ||
		{ echo "doc/api/generate_examples.py failed"; return; }
	sed -e "s,@VERSION@,$(cat VERSION),; s,@API_EXAMPLES@,$out/examples.dox,;" \
		-e "s,@OUTPUT@,$out,; s,@HTML_OUTPUT@,html,; s,@TOPDIR@,$S,g;" \
		-e "s,@STRIP_FROM_PATH@,$S $out,; s,@WARN_AS_ERROR@,NO,; s,@GENERATE_HTML@,YES,;" \
		-e "s,@GENERATE_MAN@,NO,; s,@FULL_PATH_NAMES@,YES,;" \
		-e "s,@DTS_API_MAIN_PAGE@,./dts/index.html," \
		doc/api/doxy-api.conf.in > "$out/doxy-api.conf"
	(cd "$out" && doxygen doxy-api.conf) > "$B/check-doxygen.log" 2>&1 ||
		echo "doxygen failed (build/check-doxygen.log)"
	grep -i 'fastmem' "$B/check-doxygen.log" | grep -i 'warning\|error' | sed "s,^$S/,,"
}

start=$(date +%s)
echo "check: DPDK $(cat VERSION) from $(head -n 1 .git/fastmem-src), $(ls "$B"/patches/*.patch | wc -l) patches"
step checkpatches checkpatches
step git-log git_log
step spdx spdx
step doc-vs-code doc_vs_code
step symbol-maps symbol_maps
step symbol-version symbol_version
step werror werror
step doxygen doxygen_api
step dealloc "$REPO/scripts/check-dealloc.sh"
echo "check: DPDK $(cat VERSION): $total finding(s):${summary%,}; $(($(date +%s) - start)) s"
[ $total = 0 ]
