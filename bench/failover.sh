#!/usr/bin/env bash
# Failover figures of a three-broker Weir cluster (io.weir.bench.FailoverBenchmark, module
# weir-bench): SIGKILL of a partition's leader while an idempotent acks=all producer writes one
# record at a time (kill -> first acknowledgement of a record sent after it), SIGTERM of the
# leader (controlled shutdown: time to exit, longest pause between acknowledgements), SIGKILL of
# the controller when it does not lead; then every acknowledged record is read back and checked.
#
#   bench/failover.sh [--kill-rounds N] [--shutdown-rounds N] [--set KEY=VALUE]...
#
# Starts `weir zookeeper` and three `weir server` processes on free loopback ports with data in a
# temp dir (all killed on exit); --set passes broker settings (default: Weir's defaults, e.g.
# zookeeper.session.timeout.ms=6000, plus auto.leader.rebalance.enable=false so no background
# preferred-leader election moves the leader during a round). Broker logs are kept in
# bench/results/failover-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cluster-lib.sh

ARGS=(--set auto.leader.rebalance.enable=false)
while [ $# -gt 0 ]; do
    case "$1" in
        --kill-rounds|--shutdown-rounds|--set) ARGS+=("$1" "$2"); shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done

DATA=$(mktemp -d /tmp/weir-failover.XXXXXX)
cleanup() {
    kill_cluster
    wait 2>/dev/null || true
    keep_logs failover
    rm -rf "$DATA"
}
trap cleanup EXIT

snapshot_weir
mvn -q -B -DskipTests package -pl weir-bench   # weir-bench only; bin/weir installed the modules it uses
start_zookeeper
java -cp "weir-bench/target/classes:$(cat weir-bench/target/classpath.txt)" io.weir.bench.FailoverBenchmark \
    --weir "$WEIR" --zookeeper "$ZK_CONNECT" --dir "$DATA" "${ARGS[@]}" 2>"$DATA/bench-client.log" \
    || { tail -n 30 "$DATA/bench-client.log" >&2; exit 1; }
echo
scan_broker_logs
