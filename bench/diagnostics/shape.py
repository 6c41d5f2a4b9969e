#!/usr/bin/env python3
"""Weir and Kafka side by side on a workload shape that compare.sh does not run: one broker of each
(compare.py's launchers and tools), then ROUNDS rounds after a warm-up round, each producing to a new
topic of PARTITIONS partitions on Weir, then on Kafka, and consuming it back.

  bench/diagnostics/shape.py --partitions 200 [--size 100] [--records 2000000] [--rounds 3]
                             [--acks 1,all] [--quiet] [--trickle RATE] [--producer-prop KEY=VALUE]...

Per round and side: the producer's records/s, p99, the broker's CPU per million records (all, user)
and the client's; the consumer's the same. --quiet also measures the broker's CPU per second while
a consumer group long-polls the topic with nothing left to read (ConsumerPerformance until its 20 s
timeout): what partitions at rest cost with a consumer on them. Without --producer-prop the
producer uses compare.py's throughput settings (linger.ms=5, batch.size=65536). Prints the rows and
the median Weir/Kafka ratio per figure; appends nothing to docs/. --trickle RATE also measures the
broker's CPU per second while a consumer group reads the topic at its end and a producer sends RATE
records/s of 100 B for 15 s: a few partitions of the group's many have news at each fetch.
"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import compare   # noqa: E402
from launcher import newest_java, snapshot_weir, start_kafka, start_weir   # noqa: E402

PRODUCE_FIGURES = ("records/s", "p99 ms", "CPU s/M", "user CPU s/M", "client CPU s/M")
CONSUME_FIGURES = ("fetch records/s", "CPU s/M", "user CPU s/M", "client CPU s/M")


def consumer_args(brokers, topic, records, timeout_ms, group_prefix):
    """ConsumerPerformance in a new group, until `records` or `timeout_ms` without one."""
    return ["--bootstrap-server", brokers.bootstrap, "--topic", topic, "--num-records", str(records),
            "--timeout", str(timeout_ms), "--group", f"{group_prefix}-{uuid.uuid4().hex[:8]}"]


def quiet_consumer(brokers, topic, records):
    """Broker CPU ms per second while a new group consumes `topic` (holding `records`) and then waits
    for more until ConsumerPerformance's 20 s timeout."""
    args = consumer_args(brokers, topic, records + 1, 20000, "quiet")
    cpu0, t0 = brokers.cpu(), time.monotonic()
    try:
        compare.timed_tool("org.apache.kafka.tools.ConsumerPerformance", args)
    except RuntimeError:
        pass   # it exits non-zero when the timeout ends it short of --num-records
    return {"CPU ms/s": 1000 * (brokers.cpu() - cpu0) / (time.monotonic() - t0)}


def trickle_consumer(brokers, topic, rate, seconds):
    """Broker CPU ms per second while a new group consumes `topic` from its end and a producer sends
    `rate` records/s of 100 B for `seconds` (acks=1, the tool's default batching): each batch wakes
    the group's fetch, which then has news on one partition of the many in its session."""
    cmd = compare.tool_command("org.apache.kafka.tools.ConsumerPerformance",
                               consumer_args(brokers, topic, rate * seconds, 5000, "trickle") + ["--from-latest"])
    consumer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(6)   # the group's join: group.initial.rebalance.delay.ms (3 s) and the first fetches
        cpu0, t0 = brokers.cpu(), time.monotonic()
        compare.timed_tool("org.apache.kafka.tools.ProducerPerformance",
                           ["--topic", topic, "--num-records", str(rate * seconds), "--record-size", "100",
                            "--throughput", str(rate), "--bootstrap-server", brokers.bootstrap,
                            "--command-property", "acks=1"])
        return {"CPU ms/s": 1000 * (brokers.cpu() - cpu0) / (time.monotonic() - t0)}
    finally:
        consumer.kill()
        consumer.wait()


def run_round(sides, opts, props, suffix, results):
    for kind, b in sides.items():
        for acks in opts.acks:
            topic = f"shape{acks}-{suffix}"
            compare.create_topic(b.bootstrap, topic, opts.partitions, 1)
            m = compare.produce(b, topic, opts.records, opts.size, acks, props=props)
            results[(f"produce acks={acks}", kind)].append(m)
            compare.log(f"  {kind} produce acks={acks}: " + ", ".join(f"{k} {m[k]:,.2f}" for k in PRODUCE_FIGURES))
        topic = f"shape{opts.acks[0]}-{suffix}"
        m = compare.consume(b, topic, opts.records)
        results[("consume", kind)].append(m)
        compare.log(f"  {kind} consume: " + ", ".join(f"{k} {m[k]:,.2f}" for k in CONSUME_FIGURES))
        if opts.quiet:
            m = quiet_consumer(b, topic, opts.records)
            results[("quiet consumer", kind)].append(m)
            compare.log(f"  {kind} quiet consumer: CPU {m['CPU ms/s']:.1f} ms/s")
        if opts.trickle:
            m = trickle_consumer(b, topic, opts.trickle, 15)
            results[("trickle consumer", kind)].append(m)
            compare.log(f"  {kind} trickle consumer: CPU {m['CPU ms/s']:.1f} ms/s")


def report(results):
    for what in dict.fromkeys(w for w, _ in results):
        weir, kafka = results[(what, "weir")], results[(what, "kafka")]
        for figure in weir[0]:
            w = statistics.median(r[figure] for r in weir)
            k = statistics.median(r[figure] for r in kafka)
            print(f"{what:22} {figure:16} Weir {w:12,.2f}  Kafka {k:12,.2f}  Weir/Kafka {w / k if k else float('nan'):.2f}"
                  f"  (rounds {', '.join(f'{a[figure] / b[figure]:.2f}' for a, b in zip(weir, kafka) if b[figure])})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--partitions", type=int, required=True)
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--records", type=int, default=2_000_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--acks", default="1,all")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--producer-prop", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--trickle", type=int, default=0, metavar="RATE")
    opts = p.parse_args()
    opts.acks = opts.acks.split(",")
    props = opts.producer_prop or compare.THROUGHPUT_PROPS
    work = tempfile.mkdtemp(prefix="shape-")
    sides, results = {}, collections.defaultdict(list)
    try:
        weir = snapshot_weir(os.path.join(work, "snapshot"))
        sides["weir"] = start_weir(weir, tempfile.mkdtemp(prefix="weir-", dir=work), 1)
        sides["kafka"] = start_kafka(newest_java(), tempfile.mkdtemp(prefix="kafka-", dir=work), 1)
        compare.log(f"[{time.strftime('%H:%M:%S')}] warm-up (not counted)")
        run_round(sides, opts, props, "warm", collections.defaultdict(list))
        for i in range(opts.rounds):
            compare.log(f"[{time.strftime('%H:%M:%S')}] round {i + 1}")
            run_round(sides, opts, props, f"r{i + 1}", results)
        print(f"{opts.partitions} partitions, {opts.size} B records, {opts.records:,} per run, producer {props}, "
              f"medians of {opts.rounds} rounds after a warm-up; peak RSS MiB: "
              + ", ".join(f"{k} {s.rss_mib():.0f}" for k, s in sides.items()))
        report(results)
    finally:
        for side in sides.values():
            side.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
