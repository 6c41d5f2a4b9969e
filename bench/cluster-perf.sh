#!/usr/bin/env bash
# Producer throughput and latency against three local Weir brokers with replication factor 3,
# measured with Apache Kafka's own ProducerPerformance (kafka-tools, see bench/pom.xml).
#
#   bench/cluster-perf.sh [--quick] [--records N] [--record-size BYTES] [--rates "R..."] [--rate-seconds S]
#
# bench/launcher.py starts `weir zookeeper` and three `weir server` processes on free loopback
# ports with data in a temp dir (all killed on exit); for acks=all and then acks=1, each on a new
# topic of 1 partition, RF 3, min.insync.replicas=2, it runs:
#   - max throughput: N records (default 2,000,000) as fast as they go, linger.ms=5 batch.size=65536
#     (the settings of bench/compare.sh's max-throughput workloads);
#   - fixed rate: for each of --rates records/s (default 20000 and 5000), rate x --rate-seconds
#     (default 15) records, linger.ms=0, for the latency percentiles.
# --quick (200,000 records, one rate of 5,000/s for 3 s; under a minute) checks that it runs.
# Prints ProducerPerformance's summary line of each run and the three brokers' CPU seconds per
# million records (user+sys from /proc). Broker logs are kept in bench/results/cluster-perf-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=2000000
RECORD_SIZE=100
RATES="20000 5000"
RATE_SECONDS=15
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) RECORDS=200000; RATES=5000; RATE_SECONDS=3; shift ;;
        --records) RECORDS="$2"; shift 2 ;;
        --record-size) RECORD_SIZE="$2"; shift 2 ;;
        --rates) RATES="$2"; shift 2 ;;
        --rate-seconds) RATE_SECONDS="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done

KAFKA_LIB="bench/target/kafka-lib"
if [ ! -d "$KAFKA_LIB" ]; then
    echo "resolving Apache Kafka's tools from Maven Central (once)" >&2
    mvn -q -B -f bench/pom.xml package
fi
TOOLS=(java -Xmx1g -cp "$KAFKA_LIB/*" -Dlog4j2.level=warn)

DATA=$(mktemp -d /tmp/weir-cluster-perf.XXXXXX)
trap 'python3 bench/launcher.py stop "$DATA" --keep-logs cluster-perf; rm -rf "$DATA"' EXIT

WEIR=$(python3 bench/launcher.py snapshot "$DATA")
eval "$(python3 bench/launcher.py start "$DATA" --weir "$WEIR" --brokers 3)"

# run NAME ACKS RECORDS THROUGHPUT PRODUCER-PROPS...: one ProducerPerformance run on a new topic.
run() {
    local name="$1" acks="$2" n="$3" rate="$4" c0 c1 line
    shift 4
    # Retried: right after start-up a broker may not know the others yet (fewer than 3 alive).
    for _ in $(seq 1 30); do
        "${TOOLS[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic "$name" \
            --partitions 1 --replication-factor 3 --config min.insync.replicas=2 >/dev/null 2>>"$DATA/tools.log" && break
        sleep 1
    done
    "${TOOLS[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --describe --topic "$name" \
        2>>"$DATA/tools.log" | grep -o 'Leader: [0-9-]*.*' | sed 's/^/    /'
    c0=$(python3 bench/launcher.py cpu "$DATA")
    line=$("${TOOLS[@]}" org.apache.kafka.tools.ProducerPerformance --topic "$name" --num-records "$n" \
        --record-size "$RECORD_SIZE" --throughput "$rate" \
        --producer-props "bootstrap.servers=$BOOTSTRAP" "acks=$acks" "$@" 2>>"$DATA/tools.log" | tail -n 1)
    c1=$(python3 bench/launcher.py cpu "$DATA")
    echo "$name (acks=$acks, $n x $RECORD_SIZE B, throughput limit $rate, $*):"
    echo "    $line"
    awk -v c0="$c0" -v c1="$c1" -v n="$n" 'BEGIN { printf "    brokers CPU s per million records (3 brokers together): %.2f\n", (c1-c0)*1e6/n }'
}

for acks in all 1; do
    tag=$([ "$acks" = all ] && echo all || echo one)
    run "max-acks-$tag" "$acks" "$RECORDS" -1 linger.ms=5 batch.size=65536
    for rate in $RATES; do
        run "rate-$rate-acks-$tag" "$acks" $((rate * RATE_SECONDS)) "$rate" linger.ms=0
    done
done
echo
python3 bench/launcher.py scan-logs "$DATA"
