#!/usr/bin/env bash
# Starts Apache Kafka 4.3.1 (the reference broker) from the Maven Central jars in
# bench/target/kafka-lib: KRaft, combined broker+controller on loopback, heap and GC of Kafka's
# own start script (-Xms1g -Xmx1g, G1). Run in the background; prints nothing itself.
#
#   bench/kafka-reference.sh PORT DATA_DIR
#       one node; its controller listens on PORT+1
#   bench/kafka-reference.sh PORT DATA_DIR NODE_ID CONTROLLER_PORT VOTERS CLUSTER_ID
#       one node of a cluster: VOTERS is controller.quorum.voters ("1@127.0.0.1:9101,2@..."),
#       CLUSTER_ID the same base64 UUID on every node
#
# Environment: KAFKA_JAVA, the java to run it on (default: java on PATH).
set -euo pipefail
PORT="$1"
DATA="$2"
NODE_ID="${3:-1}"
CONTROLLER_PORT="${4:-$((PORT + 1))}"
VOTERS="${5:-$NODE_ID@127.0.0.1:$CONTROLLER_PORT}"
CLUSTER_ID="${6:-$(python3 -c 'import uuid,base64; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')}"
JAVA="${KAFKA_JAVA:-java}"
KAFKA_LIB="$(cd "$(dirname "$0")" && pwd)/target/kafka-lib"
mkdir -p "$DATA"
cat >"$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
PROPS
"$JAVA" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$DATA/server.properties" >/dev/null 2>&1
exec "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -cp "$KAFKA_LIB/*" kafka.Kafka "$DATA/server.properties"
