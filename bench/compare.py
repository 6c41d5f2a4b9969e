#!/usr/bin/env python3
"""Weir and Apache Kafka 4.3.1 side by side on this machine, driven by the same Kafka client tools.

Run through bench/compare.sh (which documents the options). One Weir and one Kafka (then three of
each) are started by bench/launcher.py on free loopback ports with data in a temp dir and stay up
for the whole phase; a warm-up round runs first and is not counted, then every round runs on Weir,
then on Kafka. Per workload it records records/s, MB/s, latency percentiles, the broker processes'
CPU seconds (user+sys from /proc) per million records and the client tool's (less its JVM's
start-up), and per side the brokers' peak resident memory (VmHWM). Medians over the counted rounds
and the Weir/Kafka ratio go to stdout and, unless --no-docs, are appended to docs/benchmarks.md.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from launcher import KAFKA_LIB, ROOT, newest_java, start_kafka, start_weir
THROUGHPUT_PROPS = ["linger.ms=5", "batch.size=65536"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tool(main_class, args, timeout_s=900):
    return timed_tool(main_class, args, timeout_s)[0]


def tool_command(main_class, args):
    """The command line of one of Kafka's client tools (kafka-tools 4.3.1 from bench/target/kafka-lib)."""
    return ["java", "-Xmx1g", "-Dlog4j2.level=warn", "-cp", f"{KAFKA_LIB}/*", main_class] + args


def timed_tool(main_class, args, timeout_s=900):
    """Runs a Kafka tool to its end: its stdout, and the CPU seconds (user+sys) its JVM took. The CPU
    is what this process's ended children took meanwhile, so tools must not run side by side."""
    cmd = tool_command(main_class, args)
    before = children_cpu_seconds()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{main_class} failed ({res.returncode}): {res.stdout[-2000:]} {res.stderr[-2000:]}")
    return res.stdout, children_cpu_seconds() - before


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class BrokerCpu:
    """The brokers' CPU seconds over one client run, per million records: all of it (the target's
    figure), its user-mode part, and the part their JIT compiler threads took (no targets). The user
    part leaves out the kernel's work for the broker (socket and page-cache copies), which on this VM
    swings with how cold the memory under new page-cache pages is (docs/benchmarks.md, "Cold
    memory"); the JIT part says how much of a row is the JVMs still compiling."""

    def __init__(self, brokers):
        self.brokers = brokers
        self.cpu0, self.user0, self.jit0 = brokers.cpu(), brokers.user_cpu(), brokers.jit_cpu()

    def per_million(self, records):
        return {"CPU s/M": (self.brokers.cpu() - self.cpu0) * 1e6 / records,
                "user CPU s/M": (self.brokers.user_cpu() - self.user0) * 1e6 / records,
                "JIT CPU s/M": (self.brokers.jit_cpu() - self.jit0) * 1e6 / records}


def create_topic(bootstrap, topic, partitions, rf, configs=()):
    create_topics(bootstrap, [(topic, partitions, rf, configs)])


CREATE_TOPICS_CLASSES = os.path.join(ROOT, "bench", "target", "create-topics")


def create_topics(bootstrap, topics):
    """Creates topics given as (name, partitions, replication factor, configs), all in one JVM
    (bench/CreateTopics.java, compiled once into bench/target: TopicCommand would take a JVM start,
    about a second, per topic). It retries what the brokers refuse for up to 60 s, so a cluster
    still registering its brokers gets its topics once it can."""
    if not topics:
        return
    source = os.path.join(ROOT, "bench", "CreateTopics.java")
    compiled = os.path.join(CREATE_TOPICS_CLASSES, "CreateTopics.class")
    if not os.path.exists(compiled) or os.path.getmtime(compiled) < os.path.getmtime(source):
        subprocess.run(["javac", "-d", CREATE_TOPICS_CLASSES, "-cp", f"{KAFKA_LIB}/*", source],
                       check=True, capture_output=True, text=True)
    specs = [f"{name}:{partitions}:{rf}:{','.join(configs)}" for name, partitions, rf, configs in topics]
    cmd = ["java", "-Dlog4j2.level=warn", "-cp", f"{CREATE_TOPICS_CLASSES}:{KAFKA_LIB}/*", "CreateTopics", bootstrap,
           *specs]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"creating {', '.join(t[0] for t in topics)} failed: {res.stderr[-2000:]}")


PRODUCER_SUMMARY = re.compile(
    r"(\d+)( steady state)? records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, "
    r"(\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th")


def produce(brokers, topic, records, size, acks, rate=-1, props=(), warmup=0):
    args = ["--topic", topic, "--num-records", str(records), "--record-size", str(size), "--throughput", str(rate),
            "--bootstrap-server", brokers.bootstrap, "--command-property", f"acks={acks}", *props]
    if warmup:
        args += ["--warmup-records", str(warmup)]
    meter = BrokerCpu(brokers)
    out, client_cpu = timed_tool("org.apache.kafka.tools.ProducerPerformance", args)
    cpu = meter.per_million(records)
    # With --warmup-records the tool prints the whole run's summary, then "N steady state records
    # sent, ..." for the records after the warm-up: that one is the measurement. (Until 2026-12-04 the
    # pattern did not match it, so the fixed-rate rows reported the whole run, start-up included.)
    summaries = [m for m in map(PRODUCER_SUMMARY.search, out.splitlines()) if m and bool(m.group(2)) == bool(warmup)]
    if not summaries:
        raise RuntimeError(f"no {'steady-state ' if warmup else ''}summary from ProducerPerformance: {out[-1000:]}")
    m = summaries[-1]
    if rate > 0:
        check_steady(brokers.kind, topic, rate, float(m.group(3)), out)
    return {"records/s": float(m.group(3)), "MB/s": float(m.group(4)), "p50 ms": int(m.group(7)),
            "p99 ms": int(m.group(9)), "p99.9 ms": int(m.group(10)), **cpu,
            "client CPU s/M": client_cpu_per_million(client_cpu, records)}


def client_cpu_per_million(client_cpu, records):
    return max(0.0, client_cpu - (CLIENT_START_CPU[-1] if CLIENT_START_CPU else 0.0)) * 1e6 / records


# CPU seconds a producer tool's JVM takes to start, fetch metadata and send one record, measured once
# per phase (client_start_cpu), the latest last: the part of every producer run's client CPU that is
# not its records.
CLIENT_START_CPU = []


def client_start_cpu(brokers):
    """The least of three runs of ProducerPerformance with one record."""
    create_topic(brokers.bootstrap, "client-start", 1, 1)
    args = ["--topic", "client-start", "--num-records", "1", "--record-size", "100", "--throughput", "-1",
            "--bootstrap-server", brokers.bootstrap]
    return min(timed_tool("org.apache.kafka.tools.ProducerPerformance", args)[1] for _ in range(3))


NOTES = []   # fixed-rate runs whose measured part was not at the target rate; printed under the table
WINDOW = re.compile(r"^\d+ records sent, ([\d.]+) records/sec .*, ([\d.]+) ms max latency\.$")


def check_steady(kind, topic, rate, steady_rate, out):
    """A fixed-rate run measures the broker only if the client sent at the target rate throughout the
    measured part. ProducerPerformance's throttler catches up after any stall (most of all the start:
    the first send waits for metadata while the throttler's clock runs, and the fresh client JVM is
    still compiling), so a run whose start-up backlog reaches into the measured part shows the
    client's queue (up to buffer.memory / throughput: 0.4-1 s) as the brokers' p99. The warm-up is
    long enough for that on a machine with headroom; this says when it was not (the client's steady
    rate is off the target by more than 2 %, or a 5 s window of it is off by more than 5 %)."""
    lines = out.splitlines()
    steady = lines[lines.index("In steady state."):] if "In steady state." in lines else []
    windows = [(float(w.group(1)), float(w.group(2))) for w in map(WINDOW.match, steady) if w]
    log(f"    {topic}: steady-state 5 s windows (records/s, max ms): "
        + ", ".join(f"({r:,.0f}, {mx:,.0f})" for r, mx in windows))
    off = [r for r, _ in windows if abs(r / rate - 1) > 0.05]
    if (abs(steady_rate / rate - 1) > 0.02 or off) and not topic.endswith("-warm"):   # the warm-up round does not count
        NOTES.append(f"{kind}, {topic}: the client did not hold {rate:,} records/s in the measured part "
                     f"({steady_rate:,.0f}/s; 5 s windows {', '.join(f'{r:,.0f}' for r, _ in windows)}): "
                     f"its latencies include the client's own queue")
        log(f"    NOT STEADY: {NOTES[-1]}")


def consume(brokers, topic, records):
    args = ["--bootstrap-server", brokers.bootstrap, "--topic", topic, "--num-records", str(records),
            "--timeout", "120000", "--group", f"perf-{uuid.uuid4().hex[:8]}"]
    meter = BrokerCpu(brokers)
    out, client_cpu = timed_tool("org.apache.kafka.tools.ConsumerPerformance", args)
    cpu = meter.per_million(records)
    row = [line for line in out.splitlines() if line and line[0].isdigit()][-1].split(",")
    # start, end, MB, MB/s, nMsg, nMsg/s, rebalance ms, fetch ms, fetch MB/s, fetch nMsg/s
    return {"records/s": float(row[5]), "MB/s": float(row[3]), "fetch records/s": float(row[9]), **cpu,
            "client CPU s/M": client_cpu_per_million(client_cpu, records)}


def end_to_end(brokers, topic, records, size, acks):
    args = ["--bootstrap-server", brokers.bootstrap, "--topic", topic, "--num-records", str(records),
            "--producer-acks", acks, "--record-size", str(size)]
    meter = BrokerCpu(brokers)
    out = tool("org.apache.kafka.tools.EndToEndLatency", args)
    cpu = meter.per_million(records)
    avg = float(re.search(r"Avg latency: ([\d.]+) ms", out).group(1))
    p = re.search(r"Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", out)
    return {"avg ms": avg, "p50 ms": float(p.group(1)), "p99 ms": float(p.group(2)), "p99.9 ms": float(p.group(3)),
            **cpu}


# records of 100 B, records of 1 KiB, fixed-rate seconds, their warm-up, end-to-end, cluster. The
# fixed-rate warm-up (10 s) outlasts the client's start-up backlog (see check_steady), which took
# 4-5 s on this machine with some headroom; with 2-5 s the rows measured that backlog.
SIZES = {
    "tiny": (200_000, 50_000, 2, 1, 300, 100_000),
    "quick": (1_000_000, 200_000, 5, 10, 2_000, 500_000),
    "full": (3_000_000, 1_000_000, 20, 10, 5_000, 2_000_000),
}


class Task(collections.namedtuple("Task", "wid desc run topics")):
    """One workload: its id, its description, run(brokers) -> metrics, and the topics it writes or
    reads as (name, partitions, replication factor, configs), which run_workloads creates first."""


def workloads(size, suffix):
    """Single-broker and cluster workloads (Tasks). Topics are named <id>-<suffix>, new in every round."""
    n, n_kib, rate_s, rate_warmup_s, e2e, n_cluster = SIZES[size]
    consumed = min(n, 2_000_000)

    def task(wid, desc, run, partitions=None, rf=1, configs=()):
        name = f"{wid}-{suffix}"
        return Task(wid, desc, lambda b: run(b, name), [] if partitions is None else [(name, partitions, rf, configs)])

    def fixed(wid, desc, acks, rate, partitions, rf=1, configs=()):
        return task(wid, desc, lambda b, t: produce(b, t, rate * (rate_s + rate_warmup_s), 1024, acks, rate=rate,
                                                    warmup=rate * rate_warmup_s), partitions, rf, configs)

    rf3 = ["min.insync.replicas=2"]
    single = [
        task("a", f"1 partition, 100 B, acks=1, {n:,} records as fast as possible",
             lambda b, t: produce(b, t, n, 100, "1", props=THROUGHPUT_PROPS), 1),
        task("b", f"6 partitions, 100 B, acks=all, {n:,} records",
             lambda b, t: produce(b, t, n, 100, "all", props=THROUGHPUT_PROPS), 6),
        task("c", f"6 partitions, 1 KiB, acks=all, {n_kib:,} records",
             lambda b, t: produce(b, t, n_kib, 1024, "all", props=THROUGHPUT_PROPS), 6),
        fixed("d1", f"50,000 records/s of 1 KiB, 6 partitions, acks=1, {rate_s} s after {rate_warmup_s} s warm-up",
              "1", 50_000, 6),
        fixed("d2", f"50,000 records/s of 1 KiB, 6 partitions, acks=all, {rate_s} s after {rate_warmup_s} s warm-up",
              "all", 50_000, 6),
        task("e", f"consume {consumed:,} records of (a) from the start (ConsumerPerformance)",
             lambda b, t: consume(b, f"a-{suffix}", consumed)),
        task("f", f"end-to-end latency, 100 B, acks=all, {e2e:,} records one at a time (EndToEndLatency)",
             lambda b, t: end_to_end(b, t, e2e, 100, "all"), 1),
    ]
    cluster = [
        task("g", f"3 brokers, 6 partitions, RF 3, min.insync.replicas=2, acks=all, 100 B, {n_cluster:,} records",
             lambda b, t: produce(b, t, n_cluster, 100, "all", props=THROUGHPUT_PROPS), 6, 3, rf3),
        fixed("g2", f"3 brokers, RF 3, acks=all, 10,000 records/s of 1 KiB, {rate_s} s after {rate_warmup_s} s warm-up",
              "all", 10_000, 6, 3, rf3),
    ]
    return single, cluster


def run_workloads(brokers, tasks, label):
    log(f"[{time.strftime('%H:%M:%S')}] {label}: {brokers.kind}")
    create_topics(brokers.bootstrap, [topic for t in tasks for topic in t.topics])
    results = {}
    for wid, _, run, _ in tasks:
        try:
            results[wid] = run(brokers)
        except Exception as ex:   # one failed workload should not lose the others
            log(f"  {wid}: FAILED: {ex}")
            continue
        log(f"  {wid}: " + ", ".join(f"{k} {v:,.1f}" for k, v in results[wid].items()))
    return results


def run_phase(cluster, wanted, opts, java, workdir):
    """Starts Weir and Kafka (one broker each, or three each when cluster) and keeps both up for the
    whole phase, so the warm-up round warms the JIT of the very processes that are then measured;
    each counted round runs Weir, then Kafka. Returns the rounds' results and each side's peak RSS."""
    index = 1 if cluster else 0
    size = "quick" if opts.quick else "full"
    tasks_of = lambda size, suffix: [t for t in workloads(size, suffix)[index] if t[0] in wanted]
    if not tasks_of(size, "x"):
        return [], {}
    sides = {}
    try:
        def start(kind):
            data = tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir)
            log(f"[{time.strftime('%H:%M:%S')}] starting {kind}, {3 if cluster else 1} broker(s)")
            return (start_weir(opts.weir, data, 3 if cluster else 1) if kind == "weir"
                    else start_kafka(java, data, 3 if cluster else 1))

        with concurrent.futures.ThreadPoolExecutor(2) as pool:   # both at once: nothing is measured yet
            started = {kind: pool.submit(start, kind) for kind in ("weir", "kafka")}
        sides.update({kind: f.result() for kind, f in started.items() if f.exception() is None})
        for f in started.values():
            f.result()   # the first failure, once `finally` can stop whatever did start
        if not opts.no_warmup:
            # Three brokers share the work, so each compiles a third as fast: a warm-up of the smaller
            # sizes left both sides' JIT busy into round 1 (Kafka's at 32 CPU s/M in (g2)).
            warm_size = size if cluster else ("tiny" if opts.quick else "quick")
            for kind in ("weir", "kafka"):
                run_workloads(sides[kind], tasks_of(warm_size, "warm"), "warm-up (not counted)")
        create_idle_topics(sides, opts.idle_topics, 3 if cluster else 1)
        CLIENT_START_CPU.append(client_start_cpu(sides["weir"]))
        log(f"client start-up: {CLIENT_START_CPU[-1]:.2f} CPU s")
        rounds = []
        for i in range(opts.rounds):
            tasks = tasks_of(size, f"r{i + 1}")
            rounds.append({kind: run_workloads(sides[kind], tasks, f"round {i + 1}") for kind in ("weir", "kafka")})
        rss = {kind: side.rss_mib() for kind, side in sides.items()}
        log(f"peak RSS MiB: {rss}")
        return rounds, rss
    finally:
        for side in sides.values():
            side.stop()
            shutil.rmtree(side.data, ignore_errors=True)   # a full run's single-broker phase writes ~30 GB


def create_idle_topics(sides, count, brokers):
    """Topics of 6 partitions that no workload writes (replication factor 3 on three brokers): what
    partitions at rest cost each broker while the workloads run."""
    configs = ["min.insync.replicas=2"] if brokers > 1 else []
    for kind, side in sides.items():
        create_topics(side.bootstrap, [(f"idle-{i}", 6, brokers, configs) for i in range(count)])
        if count:
            log(f"[{time.strftime('%H:%M:%S')}] {kind}: {count} idle topics of 6 partitions")


HIGHER_IS_BETTER = {"records/s", "MB/s", "fetch records/s"}
TARGETS = {"records/s": 1.5, "fetch records/s": 1.5, "CPU s/M": 0.5, "p99 ms": 0.5, "p99.9 ms": 0.5,
           "peak RSS MiB": 0.25}
LATENCY_TARGET_WORKLOADS = {"d1", "d2", "g2"}   # fixed rate: their records/s is the client's setting


def medians(rounds, kind, wid):
    values = {}
    for r in rounds:
        for k, v in r.get(kind, {}).get(wid, {}).items():
            values.setdefault(k, []).append(v)
    return {k: statistics.median(v) for k, v in values.items()}


def verdict(wid, metric, ratio):
    target = TARGETS.get(metric)
    fixed_rate = wid in LATENCY_TARGET_WORKLOADS
    if target is None or (metric.startswith("p99") and not fixed_rate) or (metric == "records/s" and fixed_rate):
        return ""
    if metric in HIGHER_IS_BETTER:
        return f"≥ {target}: {'met' if ratio >= target else 'not met'}"
    return f"≤ {target}: {'met' if ratio <= target else 'not met'}"


def figure(value):
    """One decimal, two below 10: CPU per million records of 0.14 and 0.09 must not both read 0.1."""
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def table(rows):
    """rows: (label, metric, weir value, kafka value, workload id, each round's Weir/Kafka ratio). A
    verdict lists the rounds' ratios when there are several: a median of three can flip on one round."""
    lines = ["| workload | metric | Weir | Kafka | Weir/Kafka | target |", "|---|---|---|---|---|---|"]
    for label, metric, w, k, wid, per_round in rows:
        if not k:  # no ratio to a zero (a p50 below the tools' 1 ms resolution): no verdict either
            lines.append(f"| {label} | {metric} | {figure(w)} | {figure(k)} | n/a |  |")
            continue
        ratio = w / k
        target = verdict(wid, metric, ratio)
        if target and len(per_round) > 1:
            target += f" (rounds {', '.join(f'{r:.2f}' for r in per_round)})"
        lines.append(f"| {label} | {metric} | {figure(w)} | {figure(k)} | {ratio:.2f} | {target} |")
    return "\n".join(lines)


def round_ratios(rounds, wid, metric):
    """Weir/Kafka of one metric in each round that measured it on both sides."""
    pairs = [(r.get("weir", {}).get(wid, {}).get(metric), r.get("kafka", {}).get(wid, {}).get(metric)) for r in rounds]
    return [w / k for w, k in pairs if w is not None and k]


def rows_of(rounds, tasks, rss, phase):
    rows = []
    for wid, desc, _, _ in tasks:
        w, k = medians(rounds, "weir", wid), medians(rounds, "kafka", wid)
        first = True
        for metric in [m for m in w if m in k]:
            rows.append((f"**{wid}** {desc}" if first else "", metric, w[metric], k[metric], wid,
                         round_ratios(rounds, wid, metric)))
            first = False
    if rss:
        rows.append((f"{phase}: broker processes", "peak RSS MiB", rss["weir"], rss["kafka"], "rss", []))
    return rows


def ceiling_notes(rounds, tasks):
    """For each row with a throughput target not met: the most records/s this machine's cores allow
    at the CPU per record that Weir's run took (client and brokers), and with brokers that took none.
    Below 1.5x Kafka's, no broker can meet the target on this machine with this client. Producer rows
    only: the consumer's (e) CPU also covers its group's join, which its fetch rate leaves out."""
    notes = []
    for wid, _, _, _ in tasks:
        w, k = medians(rounds, "weir", wid), medians(rounds, "kafka", wid)
        client, broker, kafka = w.get("client CPU s/M"), w.get("CPU s/M"), k.get("records/s")
        if (not (client and broker and kafka) or "fetch records/s" in w or wid in LATENCY_TARGET_WORKLOADS
                or w["records/s"] >= TARGETS["records/s"] * kafka):
            continue
        cores = os.cpu_count()
        now, free = cores * 1e6 / (client + broker), cores * 1e6 / client
        notes.append(f"({wid}) the client tool took {figure(client)} CPU s/M after its start: {cores} cores allow "
                     f"at most {now:,.0f} records/s with Weir's brokers as measured ({now / kafka:.2f}x Kafka's "
                     f"{kafka:,.0f}), and {free:,.0f} ({free / kafka:.2f}x) with brokers that took no CPU at all.")
    return notes


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def loopback_gib_per_s():
    """1 GiB through one TCP connection on 127.0.0.1 in 1 MiB writes."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    pid = os.fork()
    if pid == 0:
        conn, _ = srv.accept()
        while conn.recv(1 << 20):
            pass
        os._exit(0)
    cli = socket.create_connection(srv.getsockname())
    buf = b"\0" * (1 << 20)
    t0 = time.monotonic()
    for _ in range(1024):
        cli.sendall(buf)
    cli.close()
    os.waitpid(pid, 0)
    srv.close()
    return 1 / (time.monotonic() - t0)


def machine(workdir):
    mem_gib = int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0) / 1024 / 1024
    dd = sh(f"dd if=/dev/zero of={workdir}/dd.tmp bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1; rm -f {workdir}/dd.tmp")
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return (f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, disk `dd bs=1M count=1024 conv=fdatasync` "
            f"{dd.rsplit(',', 1)[-1].strip() if dd else '?'}, loopback TCP {loopback_gib_per_s():.1f} GiB/s "
            f"(one connection, 1 MiB writes)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int)
    p.add_argument("--workloads", help="comma-separated ids (default: all; --quick leaves out g2)")
    p.add_argument("--no-warmup", action="store_true")
    p.add_argument("--no-docs", action="store_true")
    p.add_argument("--idle-topics", type=int, default=0,
                   help="topics of 6 partitions created after the warm-up on each side and never written")
    p.add_argument("--weir", required=True, help="the weir launcher to run the brokers with")
    opts = p.parse_args()
    opts.rounds = opts.rounds or (1 if opts.quick else 3)
    wanted = set(opts.workloads.split(",")) if opts.workloads else (
        {"a", "b", "c", "d1", "d2", "e", "f", "g"} | (set() if opts.quick else {"g2"}))
    java = newest_java()
    workdir = tempfile.mkdtemp(prefix="weir-compare-")
    started = time.monotonic()
    try:
        machine_line = machine(workdir)
        log(f"machine: {machine_line}; brokers on {java}")
        single_rounds, single_rss = run_phase(False, wanted, opts, java, workdir)
        cluster_rounds, cluster_rss = run_phase(True, wanted, opts, java, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    single_tasks, cluster_tasks = workloads("quick" if opts.quick else "full", "x")
    rows = (rows_of(single_rounds, [t for t in single_tasks if t[0] in wanted], single_rss, "one broker")
            + rows_of(cluster_rounds, [t for t in cluster_tasks if t[0] in wanted], cluster_rss, "three brokers"))
    commit = sh("git rev-parse --short HEAD") + (" (with uncommitted changes)" if sh("git status --porcelain -uno") else "")
    jdk = sh(f"{java} -version 2>&1 | head -n 1")
    start_up = " and ".join(f"{c:.2f}" for c in CLIENT_START_CPU) or "not measured"
    header = (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, "
              f"{'--quick, ' if opts.quick else ''}{opts.rounds} counted round(s) after "
              f"{'no' if opts.no_warmup else 'a'} warm-up round, medians, "
              f"{f'{opts.idle_topics} idle topics of 6 partitions on each side, ' if opts.idle_topics else ''}"
              f"{(time.monotonic() - started) / 60:.0f} min. Brokers on {jdk} (Weir: its launcher's defaults; "
              f"Kafka: -Xms1g -Xmx1g G1), CPU = user+sys of the broker processes (Weir's cluster includes its "
              f"ZooKeeper) per million records; client CPU = user+sys of the client tool's JVM per million "
              f"records, less a producer tool's start-up ({start_up} s: ProducerPerformance sending one "
              f"record); client tools kafka-tools 4.3.1 on the default `java`. "
              f"Machine: {machine_line}.")
    ceilings = (ceiling_notes(single_rounds, [t for t in single_tasks if t[0] in wanted])
                + ceiling_notes(cluster_rounds, [t for t in cluster_tasks if t[0] in wanted]))
    body = (table(rows) + "".join(f"\n\nNot steady: {n}" for n in NOTES)
            + "".join(f"\n\nCPU ceiling: {n}" for n in ceilings))
    print(f"\n{header}\n\n{body}")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", f"compare-{time.strftime('%Y%m%d-%H%M%S')}.json"), "w") as f:
        json.dump({"header": header, "single": single_rounds, "single_rss": single_rss,
                   "cluster": cluster_rounds, "cluster_rss": cluster_rss, "not_steady": NOTES}, f, indent=1)
    if not opts.no_docs:
        with open(os.path.join(ROOT, "docs", "benchmarks.md"), "a") as f:
            f.write(f"\n### {'Quick' if opts.quick else 'Full'} run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                    f"commit {commit} (`bench/compare.sh`)\n\n{header}\n\n{body}\n")


if __name__ == "__main__":
    main()
