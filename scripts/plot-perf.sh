#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# plot-perf.sh BUILD_DIR [MODE]: plot BUILD_DIR/fastmem-perf.csv (fastmem_perf_autotest's CSV,
# FASTMEM_PERF_CSV, or the merge of several runs by scripts/perf-tables.py) to
# BUILD_DIR/fastmem-perf.png with gnuplot: one panel per scenario, in each a group of bars per
# parameter (object size, lcores, pairs of lcores...), one bar per allocator (the same colour
# in every panel), the ratio to mempool of the same run on a log axis, drawn from the mempool
# line at 1: a bar that goes down is faster than mempool, one that goes up slower. `large` is
# relative to rte_malloc (mempool cannot hold such objects), `footprint` is bytes held / bytes
# requested (1: every byte used).
# The title names the CPU (from /proc/cpuinfo) and the memory mode: MODE, else the environment
# variable FASTMEM_PERF_MODE, else "memory mode not given".
set -eu -o pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [MODE]" >&2
	exit 2
fi
dir=$1
mode=${2:-${FASTMEM_PERF_MODE:-memory mode not given}}
csv=$dir/fastmem-perf.csv
png=$dir/fastmem-perf.png

command -v gnuplot >/dev/null || { echo "plot-perf: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
[ -r "$csv" ] || { echo "plot-perf: $csv not found" >&2; exit 1; }
case $(head -n 1 "$csv") in
scenario,param,allocator,metric,value,ratio|scenario,param,allocator,metric,value,ratio,run) ;;
*) echo "plot-perf: $csv: unexpected header" >&2; exit 1 ;;
esac

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
ncpu=$(nproc)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Per scenario (in CSV order) $tmp/N.dat: "index param ratio..." with a column per allocator
# (the same columns in every file, NaN where there is no value), and a line of $tmp/panels:
# "N scenario ymin ymax" (decades around the values and 1). Rows shown: all of the first run,
# the row named after the run of the others (the peers' libc rows).
awk -F, -v tmp="$tmp" '
BEGIN {
	split("fastmem fastmem_handle mempool rte_malloc libc tcmalloc mimalloc jemalloc", o, " ")
	for (i = 1; i in o; i++)
		known[o[i]] = i
}
NR == 1 { next }
{
	run = NF >= 7 ? $7 : ""
	if (main == "")
		main = run
	if (run != main && $3 != run)
		next
	s = $1
	if (!(s in sidx)) { sidx[s] = ++ns; sname[ns] = s }
	if (!((s, $2) in pidx)) { pidx[s, $2] = ++np[s]; pname[s, np[s]] = $2 }
	if (!($3 in aidx)) aidx[$3] = 1
	# footprint: the value itself (held / requested); else the ratio to the reference
	v = s == "footprint" ? $5 : $6
	if (v != "" && v + 0 > 0)
		val[s, $2, $3] = v + 0
}
function floor(x) {
	return x == int(x) || x >= 0 ? int(x) : int(x) - 1
}
END {
	# allocators: the known ones in their order, then any other
	for (i = 1; i in o; i++)
		if (o[i] in aidx)
			al[++na] = o[i]
	for (a in aidx)
		if (!(a in known))
			al[++na] = a
	for (k = 1; k <= ns; k++) {
		s = sname[k]
		f = tmp "/" k ".dat"
		lo = 1; hi = 1
		printf "i param" > f
		for (a = 1; a <= na; a++)
			printf " %s", al[a] > f
		printf "\n" > f
		for (p = 1; p <= np[s]; p++) {
			printf "%d %s", p - 1, pname[s, p] > f
			for (a = 1; a <= na; a++) {
				if ((s, pname[s, p], al[a]) in val) {
					x = val[s, pname[s, p], al[a]]
					printf " %g", x > f
					if (x < lo) lo = x
					if (x > hi) hi = x
				} else {
					printf " NaN" > f
				}
			}
			printf "\n" > f
		}
		close(f)
		printf "%d %s %g %g %d\n", k, s, 10 ^ floor(log(lo / 2.5) / log(10)),
			10 ^ -floor(-log(hi * 2.5) / log(10)), np[s] > (tmp "/panels")
	}
}' "$csv"
[ -s "$tmp/panels" ] || { echo "plot-perf: $csv has no rows" >&2; exit 1; }

npanels=$(wc -l < "$tmp/panels")
ncols=4
[ "$npanels" -lt 4 ] && ncols=$npanels
nrows=$(((npanels + ncols - 1) / ncols))
nalloc=$(($(head -n 1 "$tmp/1.dat" | wc -w) - 2))
width=$((ncols * 560))
height=$((nrows * 420 + 100))

title="fastmem_perf_autotest: ratio to mempool (same run), log scale; lower is better\\n$cpu, $ncpu CPUs, $mode"
title=${title//\"/}

# panel title and x axis label of a scenario
describe() {
	case $1 in
	hot) echo "hot: alloc + free of one object|object size (B)" ;;
	batch_fifo_alloc) echo "batch_fifo_alloc: allocate 256, per alloc|object size (B)" ;;
	batch_fifo_free) echo "batch_fifo_free: free in allocation order|object size (B)" ;;
	batch_lifo_alloc) echo "batch_lifo_alloc: allocate 256, per alloc|object size (B)" ;;
	batch_lifo_free) echo "batch_lifo_free: free in reverse order|object size (B)" ;;
	mlcore) echo "mlcore: alloc, touch, free 256 B on every lcore|lcores" ;;
	mlcore_bulk) echo "mlcore_bulk: bulk of 8 x 256 B on every lcore|lcores" ;;
	cross_lcore_alloc) echo "cross_lcore_alloc: allocating side (256 B, lcore A to B)|pairs of lcores" ;;
	cross_lcore_free) echo "cross_lcore_free: freeing side (256 B, lcore A to B)|pairs of lcores" ;;
	mixed_sizes) echo "mixed_sizes: 16 B - 4 KiB, free + alloc|object sizes (B)" ;;
	footprint) echo "footprint: bytes held / requested (not a ratio to mempool)|live objects" ;;
	large) echo "large: alloc + free, ratio to rte_malloc|object size (B)" ;;
	*) echo "$1|" ;;
	esac
}

top=100         # pixels above the panels: title and key
{
	echo "set terminal pngcairo noenhanced size $width,$height font 'sans,10'"
	echo "set output '$png'"
	echo "set datafile missing 'NaN'"
	echo "set style fill solid 0.9 border rgb '#404040'"
	echo "set linetype 1 lc rgb '#1b7837'"    # fastmem
	echo "set linetype 2 lc rgb '#7fbf7b'"    # fastmem_handle
	echo "set linetype 3 lc rgb '#000000'"    # mempool
	echo "set linetype 4 lc rgb '#762a83'"    # rte_malloc
	echo "set linetype 5 lc rgb '#d6604d'"    # libc
	echo "set linetype 6 lc rgb '#4393c3'"    # tcmalloc
	echo "set linetype 7 lc rgb '#f4a582'"    # mimalloc
	echo "set linetype 8 lc rgb '#fdb863'"    # jemalloc
	echo "set multiplot title \"$title\" font 'sans,14'"
	# the key of all panels: an empty plot across the top band
	echo "set origin 0,$(awk -v h="$height" -v t="$top" 'BEGIN { printf "%.4f", 1 - t / h }')"
	echo "set size 1,$(awk -v h="$height" -v t="$top" 'BEGIN { printf "%.4f", (t - 45) / h }')"
	echo "unset border; unset tics; unset xlabel; unset ylabel"
	echo "set xrange [0:1]; set yrange [0:1]"
	echo "set key center center horizontal maxrows 1 width 2 samplen 2.5 font 'sans,12'"
	printf "plot "
	a=0
	for name in $(head -n 1 "$tmp/1.dat" | cut -d' ' -f3-); do
		a=$((a + 1))
		printf "NaN with boxes lt %d title '%s', " "$a" "$name"
	done
	echo "NaN with lines lc rgb '#000000' lw 1.5 dt 2 title 'mempool = 1'"
	echo "unset key"
	echo "set border 3"
	echo "set xtics scale 0 nomirror"
	echo "set ytics nomirror"
	echo "set logscale y"
	echo "set format y '%g'"
	echo "set grid ytics mytics lc rgb '#d8d8d8'"
	echo "lab(v) = v >= 10 ? sprintf('%.0f', v) : sprintf('%.2g', v)"
	echo "set size $(awk -v c="$ncols" -v r="$nrows" -v h="$height" -v t="$top" \
		'BEGIN { printf "%.4f,%.4f", 1 / c, (1 - t / h) / r }')"
	w=$(awk -v n="$nalloc" 'BEGIN { printf "%.4f", 0.84 / n }')
	while read -r k s lo hi np; do
		IFS='|' read -r ptitle xlabel < <(describe "$s")
		echo "set origin $(awk -v k="$k" -v c="$ncols" -v r="$nrows" -v h="$height" \
			-v t="$top" 'BEGIN { i = k - 1; ph = (1 - t / h) / r
				printf "%.4f,%.4f", (i % c) / c, (r - 1 - int(i / c)) * ph }')"
		echo "set title '$ptitle' font 'sans,11'"
		echo "set xlabel '$xlabel' offset 0,0.5"
		echo "set xrange [-0.5:$np - 0.5]"
		echo "set yrange [$lo:$hi]"
		f=$tmp/$k.dat
		# bar of allocator a at param i: from 1 to the value, centred at i + offset(a)
		x="(\$1 + (a - ($nalloc + 1) / 2.0) * $w)"
		echo "plot for [a=1:$nalloc] '$f' using $x:(column(a + 2)):($x - $w / 2):($x + $w / 2):(1):(column(a + 2)) with boxxyerror lt a notitle, \\"
		echo "	'$f' using 1:(1):xtic(2) with points ps 0 notitle, \\"
		# the values, at the end of the bars
		# (none on the reference's own bars: they are the line at 1)
		echo "	for [a=1:$nalloc] '$f' using $x:(column(a + 2) > 1 + 1e-9 ? column(a + 2) * 1.1 : NaN):(lab(column(a + 2))) with labels rotate by 90 left font ',7' notitle, \\"
		echo "	for [a=1:$nalloc] '$f' using $x:(column(a + 2) < 1 - 1e-9 ? column(a + 2) / 1.1 : NaN):(lab(column(a + 2))) with labels rotate by 90 right font ',7' notitle, \\"
		echo "	1 with lines lc rgb '#000000' lw 1.5 dt 2 notitle"
	done < "$tmp/panels"
	echo "unset multiplot"
} > "$tmp/plot.gp"

# (columns without any value, e.g. fastmem_handle in large, make gnuplot warn)
gnuplot "$tmp/plot.gp" 2>&1 | { grep -v "Skipping data file with no valid points" || true; } >&2
echo "plot-perf: wrote $png"
