#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# plot-perf.sh BUILD_DIR [MODE]: plot BUILD_DIR/fastmem-perf.csv (written by
# fastmem_perf_autotest with FASTMEM_PERF_CSV) to BUILD_DIR/fastmem-perf.png with gnuplot:
# grouped bars of TSC cycles per operation by allocator, log scale, one panel for `hot`
# (by object size) and one for `cross_lcore` (by side; left out when the run had one lcore).
# The title names the CPU (from /proc/cpuinfo) and the memory mode: MODE, else the environment
# variable FASTMEM_PERF_MODE, else "memory mode not given".
set -eu

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
if [ "$(head -n 1 "$csv")" != "scenario,param,allocator,metric,value" ]; then
	echo "plot-perf: $csv: unexpected header" >&2
	exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
ncpu=$(nproc)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One table per scenario: a row per param (in CSV order), a column per allocator.
pivot() {
	awk -F, -v want="$1" '
	NR > 1 && $1 == want && $4 == "cycles_per_op" {
		if (!($2 in prow)) { prow[$2] = ++np; pname[np] = $2 }
		if (!($3 in acol)) { acol[$3] = ++na; aname[na] = $3 }
		v[prow[$2], acol[$3]] = $5
	}
	END {
		if (np == 0)
			exit
		printf "param"
		for (a = 1; a <= na; a++)
			printf " %s", aname[a]
		printf "\n"
		for (p = 1; p <= np; p++) {
			printf "%s", pname[p]
			for (a = 1; a <= na; a++) {
				x = ((p, a) in v) ? v[p, a] : "NaN"
				if (x + 0 <= 0)
					x = "NaN"  # not representable on a log scale
				printf " %s", x
			}
			printf "\n"
		}
	}' "$csv"
}

pivot hot > "$tmp/hot.dat"
pivot cross_lcore > "$tmp/xl.dat"
if [ ! -s "$tmp/hot.dat" ]; then
	echo "plot-perf: $csv has no hot rows" >&2
	exit 1
fi
panels=1
[ -s "$tmp/xl.dat" ] && panels=2
ncol() { head -n 1 "$1" | wc -w; }

title="fastmem_perf_autotest: TSC cycles per operation (log scale)\\n$cpu, $ncpu CPUs, $mode"
title=${title//\"/}

{
	echo "set terminal pngcairo noenhanced size $((panels * 700)),560 font 'sans,10'"
	echo "set output '$png'"
	echo "set datafile missing 'NaN'"
	echo "set style data histograms"
	echo "set style histogram clustered gap 1"
	echo "set style fill solid 0.85 border -1"
	echo "set boxwidth 0.9"
	echo "set logscale y"
	echo "set yrange [1:*]"
	echo "set grid ytics mytics"
	echo "set key top left"
	echo "set ylabel 'TSC cycles per operation'"
	echo "set multiplot layout 1,$panels title \"$title\""
	echo "set title 'hot: alloc + free of one object'"
	echo "set xlabel 'object size (bytes)'"
	echo "plot for [i=2:$(ncol "$tmp/hot.dat")] '$tmp/hot.dat' using i:xtic(1) title columnheader(i)"
	if [ $panels = 2 ]; then
		echo "set title 'cross_lcore: 256 B objects allocated on lcore A, freed on lcore B'"
		echo "set xlabel 'side'"
		echo "plot for [i=2:$(ncol "$tmp/xl.dat")] '$tmp/xl.dat' using i:xtic(1) title columnheader(i)"
	fi
	echo "unset multiplot"
} > "$tmp/plot.gp"

gnuplot "$tmp/plot.gp"
echo "plot-perf: wrote $png"
