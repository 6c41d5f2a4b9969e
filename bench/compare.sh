#!/usr/bin/env bash
# Weir against Apache Kafka 4.3.1 on this machine, with the same client tools (kafka-tools 4.3.1:
# ProducerPerformance, ConsumerPerformance, EndToEndLatency); the work is done by bench/compare.py.
#
#   bench/compare.sh [--quick] [--rounds N] [--workloads a,b,...] [--no-warmup] [--no-docs] [--idle-topics N]
#
# Workloads: (a) 1 partition, 100 B, acks=1, max throughput; (b) 6 partitions, 100 B, acks=all;
# (c) 6 partitions, 1 KiB, acks=all; (d1, d2) 50,000 records/s of 1 KiB, acks=1 and acks=all,
# latency percentiles after a warm-up; (e) consume (a)'s records from the start; (f) end-to-end
# latency (EndToEndLatency: produce, consume, one record at a time); (g) 3 brokers, RF 3,
# min.insync.replicas=2, acks=all, max throughput; (g2) the same at 10,000 records/s of 1 KiB.
# One Weir and one Apache Kafka (-Xms1g -Xmx1g G1, as Kafka's start script) run side by side for
# the single-broker workloads, then three of each for (g, g2): free loopback ports, data in a temp
# dir, both on the newest JDK found. A warm-up round (every workload, smaller on one broker, full
# size on three, Weir then Kafka) warms the JIT of the very processes that are measured and is not
# counted; then each round runs the workloads on Weir, then on Kafka, on new topics. Default: 3 rounds (about 20
# min); --quick: 1 round, smaller runs, no g2 (about 4 min on a quiet machine).
# Per workload: records/s, MB/s, latency percentiles (fixed-rate rows: the steady state after
# ProducerPerformance's --warmup-records of 10 s; a run whose client did not hold the target rate in
# it is listed under the table as "Not steady"), the brokers' CPU seconds (user+sys from /proc, the measured side only) per
# million records, and their user-mode part; the client tool's CPU per million records (less its
# JVM's start-up); per side: peak resident memory (VmHWM summed over its processes). Under the table,
# for each unmet throughput row: the most records/s two cores allow at the measured CPU per record.
# Prints the medians and Weir/Kafka ratios with the targets of the benchmark issue (beside each
# verdict, every round's own ratio) and appends them to docs/benchmarks.md (not with --no-docs);
# every run's figures are kept in
# bench/results/compare-<time>.json. --idle-topics N adds N topics of 6 partitions (RF 3 on three
# brokers) to each side after the warm-up, never written: the cost of partitions at rest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d bench/target/kafka-lib ]; then
    echo "resolving Apache Kafka 4.3.1 (broker and tools) from Maven Central (once)" >&2
    mvn -q -B -f bench/pom.xml package
fi
DATA=$(mktemp -d /tmp/weir-compare.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
WEIR=$(python3 bench/launcher.py snapshot "$DATA")   # brokers run from a copy of the build
python3 bench/compare.py --weir "$WEIR" "$@"
