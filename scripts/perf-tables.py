#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# perf-tables.py OUT.csv RUN=IN.csv...: merge the CSVs of several fastmem_perf_autotest runs
# (FASTMEM_PERF_CSV; header scenario,param,allocator,metric,value,ratio) into OUT.csv, with a
# column "run" added, and print every scenario as one table: allocators down, parameters
# across, each value with its ratio to the table's reference (mempool; rte_malloc for large)
# measured in the same run.
#
# The first RUN is the main run: all its rows count. Of each further run (another malloc
# preloaded, the libc row labelled RUN by FASTMEM_PERF_LIBC_NAME), only the row named RUN
# shows; its reference rows stay in OUT.csv (run RUN) and the ratios of the row are to them.
import csv
import statistics
import sys

ORDER = ["fastmem", "fastmem_handle", "mempool", "rte_malloc", "libc",
         "tcmalloc", "mimalloc", "jemalloc"]
TITLES = {
    "hot": "alloc + free of one object, cycles per pair; by object size (B)",
    "batch_fifo_alloc": "allocate 256 objects, cycles per allocation; by object size (B)",
    "batch_fifo_free": "free them in allocation order, cycles per free; by object size (B)",
    "batch_lifo_alloc": "allocate 256 objects, cycles per allocation; by object size (B)",
    "batch_lifo_free": "free them in reverse order, cycles per free; by object size (B)",
    "mlcore": "every lcore: alloc 256 B, touch, free; cycles per object above the "
              "baseline; by lcores",
    "mlcore_bulk": "every lcore: 8 x 256 B in bulk, touch, free in bulk; cycles per object "
                   "above the baseline; by lcores",
    "cross_lcore_alloc": "256 B allocated on lcore A, freed on lcore B; cycles per object, "
                         "allocating side; by pairs of lcores",
    "cross_lcore_free": "the same, freeing side; by pairs of lcores",
    "mixed_sizes": "8192 live objects of 16 B - 4 KiB replaced at random; cycles per "
                   "free + alloc",
    "footprint": "bytes held / bytes requested for the live objects of mixed_sizes; by "
                 "live objects",
    "large": "alloc + free of one large object; cycles per pair; by size (B); ratio to "
             "rte_malloc",
}
HEADER = ["scenario", "param", "allocator", "metric", "value", "ratio"]


def fmt(v):
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    return "%.2f" % v if v < 10 else "%.1f" % v


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: perf-tables.py OUT.csv RUN=IN.csv...")
    out = sys.argv[1]
    runs = []
    rows = []
    for spec in sys.argv[2:]:
        run, _, path = spec.partition("=")
        try:
            with open(path, newline="") as f:
                r = csv.reader(f)
                if next(r, None) != HEADER:
                    sys.exit("perf-tables: %s: unexpected header" % path)
                for rec in r:
                    rows.append(dict(zip(HEADER, rec), run=run))
        except OSError as e:
            print("perf-tables: run %s left out: %s" % (run, e))
            continue
        runs.append(run)
    if not runs:
        sys.exit("perf-tables: no run")
    main_run = runs[0]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER + ["run"])
        for rec in rows:
            w.writerow([rec[k] for k in HEADER + ["run"]])

    # the rows that show: all of the main run, the peer's own row of the others
    shown = [r for r in rows if r["run"] == main_run or r["allocator"] == r["run"]]
    scenarios, params, allocs, cell = [], {}, {}, {}
    for r in shown:
        s = r["scenario"]
        if s not in params:
            scenarios.append(s)
            params[s], allocs[s] = [], []
        if r["param"] not in params[s]:
            params[s].append(r["param"])
        if r["allocator"] not in allocs[s]:
            allocs[s].append(r["allocator"])
        cell[s, r["param"], r["allocator"]] = (float(r["value"]),
                                               float(r["ratio"]) if r["ratio"] else None)

    def rank(a):
        return (ORDER.index(a) if a in ORDER else len(ORDER), a)

    print("fastmem_perf, all allocators: value (ratio to mempool of the same run; for "
          "large, to rte_malloc); lower is better")
    for s in scenarios:
        print("\n%s: %s" % (s, TITLES.get(s, "")))
        cols = params[s]
        # the reference row shows no ratio; any other shows it, 1.00 too
        ref = "rte_malloc" if s == "large" else "mempool"
        texts = {}
        for a in allocs[s]:
            for p in cols:
                c = cell.get((s, p, a))
                if c is None:
                    t = "-"
                elif c[1] is None or a == ref:
                    t = fmt(c[0])
                else:
                    t = "%s (%.2f)" % (fmt(c[0]), c[1])
                texts[a, p] = t
        width = max([len(p) for p in cols] + [len(t) for t in texts.values()]) + 2
        print("%-16s" % "allocator" + "".join("%*s" % (width, p) for p in cols))
        for a in sorted(allocs[s], key=rank):
            print("%-16s" % a + "".join("%*s" % (width, texts[a, p]) for p in cols))

    peers = runs[1:]
    if peers:
        print("\n%s: the libc row of one more run each, with the allocator preloaded "
              "(LD_PRELOAD); their ratios are to the mempool of that run." % ", ".join(peers))
        # how far each peer run's mempool is from the main run's: the noise in its ratios
        mp = {}
        for r in rows:
            if r["allocator"] == "mempool" and r["metric"] == "cycles_per_op":
                mp[r["run"], r["scenario"], r["param"]] = float(r["value"])
        print("mempool in the peer runs / in the main run (run-to-run noise of the ratios; "
              "the largest deviation):")
        for run in peers:
            dev = []
            for (rn, s, p), v in mp.items():
                m = mp.get((main_run, s, p))
                if rn == run and m and m > 0.5 and v > 0.5:
                    dev.append((max(v / m, m / v), v / m, s, p))
            if not dev:
                continue
            dev.sort()
            print("  %s run: median %.2f, largest %.2f (%s %s)" % (
                run, statistics.median(d[1] for d in dev), dev[-1][1], dev[-1][2],
                dev[-1][3]))
        print("footprint: libc from mallinfo2() (glibc's bytes in use); %s from "
              "the growth of the process's resident memory while the working set is built "
              "(/proc/self/statm; a lower bound where the allocator reuses memory it kept "
              "from earlier scenarios)." % ", ".join(peers))


if __name__ == "__main__":
    main()
