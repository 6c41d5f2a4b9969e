#!/usr/bin/env bash
# Runs Weir's JMH benchmarks (module weir-bench).
#   bench/jmh.sh                       all benchmarks
#   bench/jmh.sh LogAppendBenchmark    a regex of benchmark names, plus any JMH options (-p logSizeMiB=256)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install -pl weir-bench -am
exec java -cp "weir-bench/target/classes:$(cat weir-bench/target/classpath.txt)" org.openjdk.jmh.Main "$@"
