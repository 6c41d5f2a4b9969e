#!/usr/bin/env bash
# Failover figures of a three-broker Weir cluster (io.weir.bench.FailoverBenchmark, module
# weir-bench): SIGKILL of a partition's leader while an idempotent acks=all producer writes one
# record at a time (kill -> first acknowledgement of a record sent after it), SIGTERM of the
# leader (controlled shutdown: time to exit, longest pause between acknowledgements), SIGKILL of
# the controller when it does not lead; then every acknowledged record is read back and checked.
#
#   bench/failover.sh [--quick] [--kill-rounds N] [--shutdown-rounds N] [--set KEY=VALUE]...
#
# --quick: one round of each (--kill-rounds 1 --shutdown-rounds 1), about a minute, to check that
# it runs; its figures are too few to quote.
# bench/launcher.py starts `weir zookeeper` on a free loopback port with data in a temp dir; the
# benchmark then starts three `weir server` processes (all killed on exit). --set passes broker
# settings (default: Weir's defaults, e.g. zookeeper.session.timeout.ms=6000, plus
# auto.leader.rebalance.enable=false so no background preferred-leader election moves the leader
# during a round). Broker logs are kept in
# bench/results/failover-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

ARGS=(--set auto.leader.rebalance.enable=false)
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) ARGS+=(--kill-rounds 1 --shutdown-rounds 1); shift ;;
        --kill-rounds|--shutdown-rounds|--set) ARGS+=("$1" "$2"); shift 2 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done

DATA=$(mktemp -d /tmp/weir-failover.XXXXXX)
trap 'python3 bench/launcher.py stop "$DATA" --keep-logs failover; rm -rf "$DATA"' EXIT

WEIR=$(python3 bench/launcher.py snapshot "$DATA")
mvn -q -B -DskipTests package -pl weir-bench   # weir-bench only; bin/weir installed the modules it uses
eval "$(python3 bench/launcher.py start "$DATA" --weir "$WEIR" --zookeeper-only)"
java -cp "weir-bench/target/classes:$(cat weir-bench/target/classpath.txt)" io.weir.bench.FailoverBenchmark \
    --weir "$WEIR" --zookeeper "$ZK_CONNECT" --dir "$DATA" "${ARGS[@]}" 2>"$DATA/bench-client.log" \
    || { tail -n 30 "$DATA/bench-client.log" >&2; exit 1; }
echo
python3 bench/launcher.py scan-logs "$DATA"
