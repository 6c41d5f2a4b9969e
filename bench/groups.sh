#!/usr/bin/env bash
# Consumer group figures (io.weir.bench.GroupBenchmark): join-to-stable time of a 51st member in a
# group of 50 (classic vs KIP-848) and offset commits per second, against an in-process broker.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install -pl weir-bench -am
exec java -Xmx2g -cp "weir-bench/target/classes:$(cat weir-bench/target/classpath.txt)" io.weir.bench.GroupBenchmark
