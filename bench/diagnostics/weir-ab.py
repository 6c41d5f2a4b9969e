#!/usr/bin/env python3
"""Weir against Weir: two single brokers (or, with --brokers 3, two clusters of three brokers and a
ZooKeeper each) from the same build, started with different WEIR_OPTS (JVM flags), driven by
compare.py's workloads and sizes: a warm-up round of the quick sizes on each, then ROUNDS rounds of
the full sizes, each round running every workload on one side, then on the other: A first in odd
rounds, B first in even ones (use an even ROUNDS for a fair split). Prints, per workload and side,
the brokers' CPU per million records (median and every round), records/s, and how much of the CPU
the JIT compiler threads, the network threads, the GC's threads (and with --brokers 3 the replica
fetcher threads) took; then each side's peak RSS
(brokers and ZooKeeper, summed).

  bench/diagnostics/weir-ab.py [--rounds N] [--workloads a,d1] -- 'FLAGS_A' 'FLAGS_B'
  bench/diagnostics/weir-ab.py --brokers 3 [--rounds N] [--workloads g,g2] -- 'FLAGS_A' 'FLAGS_B'

--set-a/--set-b KEY=VALUE (repeatable) give a side broker settings (`weir server --set`), e.g.
num.network.threads=1. --weir-a/--weir-b PATH run a side from another build: a launcher that
`bench/launcher.py snapshot DIR` made (DIR/weir/bin/weir), e.g. of the commit before a change; the
default is a snapshot of this tree's build. --idle-topics N creates N topics of 6 partitions on
each side after the warm-up (replication factor 3 with --brokers 3) that no workload writes: the
cost of partitions at rest.

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
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--brokers", type=int, choices=(1, 3), default=1)
    p.add_argument("--weir-a", help="launcher of side A's build (default: a snapshot of this tree's)")
    p.add_argument("--weir-b", help="launcher of side B's build (default: a snapshot of this tree's)")
    p.add_argument("--idle-topics", type=int, default=0, help="topics of 6 partitions created but never written")
    p.add_argument("--set-a", action="append", default=[], metavar="KEY=VALUE", help="a broker setting of side A")
    p.add_argument("--set-b", action="append", default=[], metavar="KEY=VALUE", help="a broker setting of side B")
    p.add_argument("--workloads", help="workload ids of compare.py (default: a,b,c,e; with --brokers 3: g,g2)")
    opts = p.parse_args()
    cluster = opts.brokers == 3
    wanted = (opts.workloads or ("g,g2" if cluster else "a,b,c,e")).split(",")
    if "e" in wanted and "a" not in wanted:
        wanted.insert(0, "a")   # (e) consumes the topic that (a) of the same round wrote
    work = tempfile.mkdtemp(prefix="weir-ab-")
    sides = {}
    try:
        weir = snapshot_weir(work) if not (opts.weir_a and opts.weir_b) else None
        for name, flags, build, settings in (("A", opts.flags_a, opts.weir_a, opts.set_a),
                                             ("B", opts.flags_b, opts.weir_b, opts.set_b)):
            os.environ["WEIR_OPTS"] = flags
            sides[name] = start_weir(build or weir, os.path.join(work, name), opts.brokers, settings)
        os.environ.pop("WEIR_OPTS")
        tasks = lambda size, suffix: [t for t in compare.workloads(size, suffix)[int(cluster)] if t[0] in wanted]
        for name, side in sides.items():
            compare.run_workloads(side, tasks("quick", "warm"), f"warm-up {name} (not counted)")
        compare.create_idle_topics(sides, opts.idle_topics, opts.brokers)
        # (side, workload) -> [(CPU s/M, records/s, JIT s, network s, GC s, p99 ms, user s/M, fetcher s)]
        runs = collections.defaultdict(list)
        for r in range(opts.rounds):
            # A, B in odd rounds and B, A in even ones: on this VM the side that runs first in a round
            # can be the one that meets cold memory (docs/benchmarks.md, "Cold memory").
            order = list(sides.items()) if r % 2 == 0 else list(reversed(sides.items()))
            for name, side in order:
                pids = side.pids(with_zookeeper=False)
                threads = lambda: (sum(jit_cpu_seconds(p) for p in pids),
                                   sum(thread_cpu_seconds(p, "weir-network") for p in pids),
                                   sum(gc_cpu_seconds(p) for p in pids),
                                   sum(thread_cpu_seconds(p, "ReplicaFetcher") for p in pids))
                for task in tasks("full", f"r{r + 1}"):
                    before = threads()
                    result = compare.run_workloads(side, [task], f"round {r + 1} {name}").get(task[0])
                    if result:
                        jit, network, gc, fetcher = (b - a for a, b in zip(before, threads()))
                        runs[(name, task[0])].append((result["CPU s/M"], result.get("records/s", 0.0), jit, network,
                                                      gc, result.get("p99 ms", 0.0), result["user CPU s/M"], fetcher))
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
                      f"user s/M median {statistics.median(r[6] for r in rows):.3f} {column(rows, 6)}, "
                      f"records/s median {statistics.median(r[1] for r in rows):,.0f}, "
                      f"p99 ms {column(rows, 5)}, JIT s {column(rows, 2)}, network threads s {column(rows, 3)}, "
                      f"GC s {column(rows, 4)}" + (f", fetcher threads s {column(rows, 7)}" if opts.brokers > 1 else ""))
    for name, side in sides.items():
        mine = [row for (n, _), rows in runs.items() if n == name for row in rows]
        print(f"{name}: JIT {sum(r[2] for r in mine):.2f} s, network threads {sum(r[3] for r in mine):.2f} s, "
              f"GC {sum(r[4] for r in mine):.2f} s, "
              + (f"fetcher threads {sum(r[7] for r in mine):.2f} s, " if opts.brokers > 1 else "") +
              f"peak RSS {side.rss_mib():.1f} MiB, WEIR_OPTS '{opts.flags_a if name == 'A' else opts.flags_b}', "
              f"settings {opts.set_a if name == 'A' else opts.set_b}, "
              f"build {(opts.weir_a if name == 'A' else opts.weir_b) or 'this tree'}")


if __name__ == "__main__":
    main()
