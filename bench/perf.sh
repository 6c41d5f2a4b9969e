#!/usr/bin/env bash
# Producer and consumer throughput of one Weir broker, measured with Apache Kafka's own
# ProducerPerformance and ConsumerPerformance (kafka-tools from Maven Central, see bench/pom.xml).
#
#   bench/perf.sh [--broker weir|kafka] [--records N] [--record-size BYTES]
#
# Starts a broker (bin/weir, or Apache Kafka 4.3.1 via bench/kafka-reference.sh) on a free
# loopback port with data in a temp dir, creates a
# 1-partition topic, runs the producer (acks=1, linger.ms=5, batch.size=65536) and then the
# consumer over the same records, and prints records/s, MB/s, the broker's CPU seconds per
# million records (user+sys from /proc) and its peak resident memory (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

RECORDS=5000000
RECORD_SIZE=100
BROKER_KIND=weir
while [ $# -gt 0 ]; do
    case "$1" in
        --broker) BROKER_KIND="$2"; shift 2 ;;
        --records) RECORDS="$2"; shift 2 ;;
        --record-size) RECORD_SIZE="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done

KAFKA_LIB="$ROOT/bench/target/kafka-lib"
if [ ! -d "$KAFKA_LIB" ]; then
    echo "resolving Apache Kafka's tools from Maven Central (once)" >&2
    mvn -q -B -f bench/pom.xml package
fi
bin/weir --help >/dev/null   # builds Weir if needed

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$(mktemp -d /tmp/weir-perf.XXXXXX)
BOOT="127.0.0.1:$PORT"
TOOLS=(java -Xmx1g -cp "$KAFKA_LIB/*" -Dlog4j2.level=warn)

if [ "$BROKER_KIND" = kafka ]; then
    bench/kafka-reference.sh "$PORT" "$DATA" >"$DATA/broker.log" 2>&1 &
else
    bin/weir server --set "listeners=PLAINTEXT://$BOOT" --set "log.dirs=$DATA/logs" \
        --set "weir.embedded.zookeeper.dir=$DATA/zookeeper" --set metrics.port=0 >"$DATA/broker.log" 2>&1 &
fi
BROKER=$!
cleanup() {
    kill "$BROKER" 2>/dev/null || true
    wait "$BROKER" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$BROKER" 2>/dev/null || { cat "$DATA/broker.log" >&2; exit 1; }
    sleep 0.1
done

cpu_seconds() {  # utime + stime of the broker, in seconds
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$BROKER/stat"
}

"${TOOLS[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOT" --create --topic perf \
    --partitions 1 --replication-factor 1 >/dev/null

cpu0=$(cpu_seconds)
"${TOOLS[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$RECORDS" \
    --record-size "$RECORD_SIZE" --throughput -1 \
    --producer-props "bootstrap.servers=$BOOT" acks=1 linger.ms=5 batch.size=65536 | tail -n 1 | tee "$DATA/producer.txt"
cpu1=$(cpu_seconds)
"${TOOLS[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOT" --topic perf \
    --num-records "$RECORDS" --timeout 60000 | tee "$DATA/consumer.txt" \
    || echo "consumer: ConsumerPerformance needs consumer groups (FindCoordinator), not there yet"
cpu2=$(cpu_seconds)
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$BROKER/status")

echo
echo "broker: $BROKER_KIND; records: $RECORDS x $RECORD_SIZE B"
awk -v c0="$cpu0" -v c1="$cpu1" -v c2="$cpu2" -v n="$RECORDS" -v rss="$rss_kb" 'BEGIN {
    printf "broker CPU s per million records: produce %.2f, consume %.2f\n", (c1-c0)*1e6/n, (c2-c1)*1e6/n;
    printf "broker peak RSS: %.0f MiB\n", rss/1024 }'
