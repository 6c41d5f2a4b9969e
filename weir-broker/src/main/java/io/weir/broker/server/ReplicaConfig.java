package io.weir.broker.server;

import java.util.Map;

/**
 * The broker's replication settings, with Kafka's names and defaults. Validates itself at
 * construction with a message naming the setting.
 *
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower that has not caught up
 *     with the leader's log end for this long leaves the ISR
 * @param replicaFetchMaxBytes {@code replica.fetch.max.bytes}: bytes asked per partition in a fetch
 * @param replicaFetchResponseMaxBytes {@code replica.fetch.response.max.bytes}: bytes asked per fetch
 * @param replicaFetchWaitMaxMs {@code replica.fetch.wait.max.ms}: the leader's long-poll for a fetch
 * @param replicaFetchMinBytes {@code replica.fetch.min.bytes}: bytes a fetch waits for
 * @param replicaFetchBackoffMs {@code replica.fetch.backoff.ms}: pause after a fetch error
 * @param numReplicaFetchers {@code num.replica.fetchers}: fetcher threads per source broker
 * @param replicaSocketTimeoutMs {@code replica.socket.timeout.ms}: connect and request timeout of a
 *     fetcher's connection; must exceed the fetch wait
 * @param replicaSocketReceiveBufferBytes {@code replica.socket.receive.buffer.bytes}: SO_RCVBUF of a
 *     fetcher's connection, -1 for the OS default
 * @param interBrokerListenerName {@code inter.broker.listener.name}: the listener followers fetch on
 */
public record ReplicaConfig(long replicaLagTimeMaxMs, int replicaFetchMaxBytes, int replicaFetchResponseMaxBytes,
                            int replicaFetchWaitMaxMs, int replicaFetchMinBytes, long replicaFetchBackoffMs,
                            int numReplicaFetchers, int replicaSocketTimeoutMs, int replicaSocketReceiveBufferBytes,
                            String interBrokerListenerName) {

    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String REPLICA_SOCKET_RECEIVE_BUFFER_BYTES = "replica.socket.receive.buffer.bytes";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";

    public ReplicaConfig {
        require(replicaLagTimeMaxMs >= 2, REPLICA_LAG_TIME_MAX_MS, "must be at least 2", replicaLagTimeMaxMs);
        require(replicaFetchMaxBytes >= 0, REPLICA_FETCH_MAX_BYTES, "must not be negative", replicaFetchMaxBytes);
        require(replicaFetchResponseMaxBytes >= 0, REPLICA_FETCH_RESPONSE_MAX_BYTES, "must not be negative",
            replicaFetchResponseMaxBytes);
        require(replicaFetchWaitMaxMs >= 0, REPLICA_FETCH_WAIT_MAX_MS, "must not be negative", replicaFetchWaitMaxMs);
        require(replicaFetchMinBytes >= 1, REPLICA_FETCH_MIN_BYTES, "must be at least 1", replicaFetchMinBytes);
        require(replicaFetchBackoffMs >= 0, REPLICA_FETCH_BACKOFF_MS, "must not be negative", replicaFetchBackoffMs);
        require(numReplicaFetchers >= 1, NUM_REPLICA_FETCHERS, "must be at least 1", numReplicaFetchers);
        require(replicaSocketTimeoutMs >= 1, REPLICA_SOCKET_TIMEOUT_MS, "must be positive", replicaSocketTimeoutMs);
        // Kafka's rule: a read timeout shorter than the long-poll would cut every idle fetch.
        require(replicaSocketTimeoutMs >= replicaFetchWaitMaxMs, REPLICA_SOCKET_TIMEOUT_MS,
            "must be at least " + REPLICA_FETCH_WAIT_MAX_MS + " (" + replicaFetchWaitMaxMs + ")",
            replicaSocketTimeoutMs);
        require(replicaFetchWaitMaxMs <= replicaLagTimeMaxMs, REPLICA_FETCH_WAIT_MAX_MS,
            "must be at most " + REPLICA_LAG_TIME_MAX_MS + " (" + replicaLagTimeMaxMs + ")", replicaFetchWaitMaxMs);
        require(replicaSocketReceiveBufferBytes > 0 || replicaSocketReceiveBufferBytes == -1,
            REPLICA_SOCKET_RECEIVE_BUFFER_BYTES, "must be positive or -1 (OS default)", replicaSocketReceiveBufferBytes);
        require(interBrokerListenerName != null && !interBrokerListenerName.isBlank(), INTER_BROKER_LISTENER_NAME,
            "must be a listener name", interBrokerListenerName);
    }

    private static void require(boolean ok, String name, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + rule + ", got " + value);
        }
    }

    /** Kafka's defaults. */
    public static ReplicaConfig defaults() {
        return new ReplicaConfig(30_000L, 1_048_576, 10_485_760, 500, 1, 1_000L, 1, 30_000, 65_536, "PLAINTEXT");
    }

    /** From server.properties values; absent keys take Kafka's defaults. */
    public static ReplicaConfig fromBrokerProps(Map<String, String> props) {
        ReplicaConfig d = defaults();
        return new ReplicaConfig(
            Long.parseLong(props.getOrDefault(REPLICA_LAG_TIME_MAX_MS, Long.toString(d.replicaLagTimeMaxMs()))),
            Integer.parseInt(props.getOrDefault(REPLICA_FETCH_MAX_BYTES, Integer.toString(d.replicaFetchMaxBytes()))),
            Integer.parseInt(props.getOrDefault(REPLICA_FETCH_RESPONSE_MAX_BYTES,
                Integer.toString(d.replicaFetchResponseMaxBytes()))),
            Integer.parseInt(props.getOrDefault(REPLICA_FETCH_WAIT_MAX_MS,
                Integer.toString(d.replicaFetchWaitMaxMs()))),
            Integer.parseInt(props.getOrDefault(REPLICA_FETCH_MIN_BYTES, Integer.toString(d.replicaFetchMinBytes()))),
            Long.parseLong(props.getOrDefault(REPLICA_FETCH_BACKOFF_MS, Long.toString(d.replicaFetchBackoffMs()))),
            Integer.parseInt(props.getOrDefault(NUM_REPLICA_FETCHERS, Integer.toString(d.numReplicaFetchers()))),
            Integer.parseInt(props.getOrDefault(REPLICA_SOCKET_TIMEOUT_MS,
                Integer.toString(d.replicaSocketTimeoutMs()))),
            Integer.parseInt(props.getOrDefault(REPLICA_SOCKET_RECEIVE_BUFFER_BYTES,
                Integer.toString(d.replicaSocketReceiveBufferBytes()))),
            props.getOrDefault(INTER_BROKER_LISTENER_NAME, d.interBrokerListenerName()));
    }
}
