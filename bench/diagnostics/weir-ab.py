#!/usr/bin/env python3
"""Weir against Weir: two single brokers from the same build, started with different WEIR_OPTS (JVM
flags), driven by compare.py's workloads and sizes: a warm-up round of the quick sizes on each, then
ROUNDS rounds of the full sizes, each round running every workload on A, then on B. Prints, per
workload and side, the broker's CPU per million records (median and every round), records/s, and
how much of the CPU the JIT compiler threads, the network threads and the GC's threads took; then
each side's peak RSS.

  bench/diagnostics/weir-ab.py [--rounds N] [--workloads a,d1] -- 'FLAGS_A' 'FLAGS_B'

(the "--" lets the flags start with "-"; '' is the launcher's defaults).

What compare.sh's Weir/Kafka ratios cannot show: whether a JVM flag changes the broker's own work
(network threads) or only its compilation, with both sides under the same drift of the machine.
docs/benchmarks.md ("The JIT compiler's share") has the runs that chose the launcher's C2 flags.
"""
import argparse
import collections
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import compare   # noqa: E402
from launcher import gc_cpu_seconds, jit_cpu_seconds, snapshot_weir, start_weir, thread_cpu_seconds   # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("flags_a")
    p.add_argument("flags_b")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workloads", default="a,b,c,e", help="single-broker workload ids of compare.py")
    opts = p.parse_args()
    wanted = opts.workloads.split(",")
    if "e" in wanted and "a" not in wanted:
        wanted.insert(0, "a")   # (e) consumes the topic that (a) of the same round wrote
    work = tempfile.mkdtemp(prefix="weir-ab-")
    sides = {}
    try:
        weir = snapshot_weir(work)
        for name, flags in (("A", opts.flags_a), ("B", opts.flags_b)):
            os.environ["WEIR_OPTS"] = flags
            sides[name] = start_weir(weir, os.path.join(work, name), 1)
        os.environ.pop("WEIR_OPTS")
        tasks = lambda size, suffix: [t for t in compare.workloads(size, suffix)[0] if t[0] in wanted]
        for name, side in sides.items():
            compare.run_workloads(side, tasks("quick", "warm"), f"warm-up {name} (not counted)")
        runs = collections.defaultdict(list)   # (side, workload) -> [(CPU s/M, records/s, JIT s, network s, GC s)]
        for r in range(opts.rounds):
            for name, side in sides.items():
                pid = side.pids()[0]
                for task in tasks("full", f"r{r + 1}"):
                    jit0, net0, gc0 = jit_cpu_seconds(pid), thread_cpu_seconds(pid, "weir-network"), gc_cpu_seconds(pid)
                    result = compare.run_workloads(side, [task], f"round {r + 1} {name}").get(task[0])
                    if result:
                        runs[(name, task[0])].append((result["CPU s/M"], result.get("records/s", 0.0),
                                                      jit_cpu_seconds(pid) - jit0,
                                                      thread_cpu_seconds(pid, "weir-network") - net0,
                                                      gc_cpu_seconds(pid) - gc0))
        report(runs, wanted, sides, opts)
    finally:
        for side in sides.values():
            side.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(runs, wanted, sides, opts):
    column = lambda rows, i: [round(row[i], 2) for row in rows]
    for wid in wanted:
        for name in sides:
            rows = runs[(name, wid)]
            if rows:
                print(f"{wid} {name}: CPU s/M median {statistics.median(r[0] for r in rows):.3f} {column(rows, 0)}, "
                      f"records/s median {statistics.median(r[1] for r in rows):,.0f}, "
                      f"JIT s {column(rows, 2)}, network threads s {column(rows, 3)}, GC s {column(rows, 4)}")
    for name, side in sides.items():
        mine = [row for (n, _), rows in runs.items() if n == name for row in rows]
        print(f"{name}: JIT {sum(r[2] for r in mine):.2f} s, network threads {sum(r[3] for r in mine):.2f} s, "
              f"GC {sum(r[4] for r in mine):.2f} s, "
              f"peak RSS {side.rss_mib():.1f} MiB, WEIR_OPTS '{opts.flags_a if name == 'A' else opts.flags_b}'")


if __name__ == "__main__":
    main()
