# Shared by bench/failover.sh and bench/cluster-perf.sh (sourced, not run): a local ZooKeeper and
# Weir broker processes on free loopback ports, with everything under one temp dir ($DATA).
#
# The brokers run from a copy of the built launcher and jars ($DATA/weir/bin/weir), so a source
# file edited while a benchmark runs cannot make bin/weir rebuild in the middle of it (a broker
# restarted after a kill would otherwise wait for mvn).

# Builds Weir if needed and sets WEIR to a launcher over a snapshot of the build.
snapshot_weir() {
    bin/weir --help >/dev/null   # builds if needed
    mkdir -p "$DATA/weir/bin" "$DATA/weir/weir-cli/target"
    cp bin/weir "$DATA/weir/bin/weir"
    cp -r weir-cli/target/weir-cli.jar weir-cli/target/lib "$DATA/weir/weir-cli/target/"
    WEIR="$DATA/weir/bin/weir"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT PID LOGFILE: until something listens on 127.0.0.1:PORT; fails if PID exits first.
wait_port() {
    local port="$1" pid="$2" log="$3"
    for _ in $(seq 1 600); do
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "nothing listens on port $port after 60 s; see $log" >&2
    return 1
}

# Starts `weir zookeeper` on a free port; sets ZK_PID and ZK_CONNECT.
start_zookeeper() {
    local port
    port=$(free_port)
    "$WEIR" zookeeper --dir "$DATA/zookeeper" --port "$port" >"$DATA/zookeeper.log" 2>&1 &
    ZK_PID=$!
    echo "$ZK_PID" >"$DATA/zookeeper.pid"
    ZK_CONNECT="127.0.0.1:$port"
    wait_port "$port" "$ZK_PID" "$DATA/zookeeper.log"
}

# SIGKILLs every process whose pid file is under $DATA (brokers, ZooKeeper) and still runs from
# $DATA (its command line names it: a pid reused by another process is left alone).
kill_cluster() {
    local f pid
    for f in "$DATA"/pids/*.pid "$DATA"/zookeeper.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$DATA"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}

# scan_broker_logs: per broker log, the ERROR lines (the first ones shown) and the kinds of WARN
# lines (digits masked, counted).
scan_broker_logs() {
    local f n
    for f in "$DATA"/broker-*.log; do
        [ -f "$f" ] || continue
        n=$(grep -c ' ERROR ' "$f" || true)
        echo "$(basename "$f"): $n ERROR lines, $(grep -c ' WARN ' "$f" || true) WARN lines"
        grep -n ' ERROR ' "$f" | head -n 8 | cut -c1-300 | sed 's/^/    /' || true
        grep ' WARN ' "$f" | cut -c14- | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n 8 \
            | cut -c1-220 | sed 's/^/    /' || true
    done
}

# keep_logs NAME: copies the logs to bench/results/NAME-<timestamp>/ (ignored by git).
keep_logs() {
    local out
    out="bench/results/$1-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$out"
    cp "$DATA"/*.log "$out/" 2>/dev/null || true
    echo "logs kept in $out" >&2
}
