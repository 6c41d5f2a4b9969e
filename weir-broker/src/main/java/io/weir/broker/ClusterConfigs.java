package io.weir.broker;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;

import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.ReadReplicaSelector;
import io.weir.broker.server.ReplicaConfig;
import io.weir.cluster.controller.ControllerConfig;
import io.weir.cluster.controller.ControllerDriverConfig;
import io.weir.storage.LogConfig;

/**
 * The broker settings of replication, the controller and controlled shutdown: Kafka's names and
 * defaults, plus the port of Weir's control plane (the controller's channel to brokers). Kept
 * apart from {@link BrokerConfig} so that class stays readable.
 *
 * <p>Constants only; thread-safe.
 */
final class ClusterConfigs {

    static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    static final String REPLICA_SOCKET_RECEIVE_BUFFER_BYTES = "replica.socket.receive.buffer.bytes";
    static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";
    static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    static final String CONTROLLED_SHUTDOWN_MAX_RETRIES = "controlled.shutdown.max.retries";
    static final String CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS = "controlled.shutdown.retry.backoff.ms";
    static final String CONTROLLER_SOCKET_TIMEOUT_MS = "controller.socket.timeout.ms";
    static final String CONTROL_PLANE_PORT = "weir.control.plane.port";
    static final String REPLICA_SELECTOR_CLASS = ReadReplicaSelector.REPLICA_SELECTOR_CLASS;

    private ClusterConfigs() {
    }

    /** The follower fetchers' and ISR settings. */
    static ReplicaConfig replicaConfig(BrokerConfig config) {
        String listener = config.getString(INTER_BROKER_LISTENER_NAME);
        return new ReplicaConfig(config.getLong(BrokerConfig.REPLICA_LAG_TIME_MAX_MS),
            config.getInt(REPLICA_FETCH_MAX_BYTES), config.getInt(REPLICA_FETCH_RESPONSE_MAX_BYTES),
            config.getInt(REPLICA_FETCH_WAIT_MAX_MS), config.getInt(REPLICA_FETCH_MIN_BYTES),
            config.getInt(REPLICA_FETCH_BACKOFF_MS), config.getInt(NUM_REPLICA_FETCHERS),
            config.getInt(REPLICA_SOCKET_TIMEOUT_MS), config.getInt(REPLICA_SOCKET_RECEIVE_BUFFER_BYTES),
            listener != null ? listener : config.listeners().get(0).listenerName());
    }

    /**
     * {@code replica.selector.class} (KIP-392), configured with every broker setting; none (Kafka's
     * default) keeps consumers on the leader. Racks and endpoints come from the metadata cache.
     */
    static ReadReplicaSelector readReplicaSelector(BrokerConfig config, MetadataCache cache) {
        return ReadReplicaSelector.create(config.getString(REPLICA_SELECTOR_CLASS), config.originals(), cache::node);
    }

    /** The controller's settings (it runs on every broker; one is active). */
    static ControllerDriverConfig controllerDriverConfig(BrokerConfig config) {
        boolean unclean = LogConfig.fromProps(config.topicDefaults(), Map.of()).uncleanLeaderElectionEnable();
        ControllerConfig brain = new ControllerConfig(unclean, config.getInt(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE),
            false);
        return new ControllerDriverConfig(brain, config.getBoolean(AUTO_LEADER_REBALANCE_ENABLE),
            config.getLong(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1000L);
    }

    static ConfigDef defineInto(ConfigDef def) {
        return def
            .define(REPLICA_FETCH_MAX_BYTES, Type.INT, 1048576, atLeast(0), MEDIUM,
                "Bytes a follower asks for per partition in one fetch.")
            .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, Type.INT, 10485760, atLeast(0), MEDIUM,
                "Bytes a follower asks for in one whole fetch.")
            .define(REPLICA_FETCH_WAIT_MAX_MS, Type.INT, 500, atLeast(0), MEDIUM,
                "How long the leader may hold a follower's fetch waiting for data.")
            .define(REPLICA_FETCH_MIN_BYTES, Type.INT, 1, atLeast(1), MEDIUM,
                "Bytes the leader waits for before answering a follower's fetch.")
            .define(REPLICA_FETCH_BACKOFF_MS, Type.INT, 1000, atLeast(0), MEDIUM,
                "Pause of a follower fetcher after an error.")
            .define(NUM_REPLICA_FETCHERS, Type.INT, 1, atLeast(1), HIGH,
                "Fetcher threads per source broker.")
            .define(REPLICA_SOCKET_TIMEOUT_MS, Type.INT, 30000, atLeast(1), MEDIUM,
                "Socket timeout of follower fetches.")
            .define(REPLICA_SOCKET_RECEIVE_BUFFER_BYTES, Type.INT, 65536, MEDIUM,
                "SO_RCVBUF of a follower's connection to its leader; -1 for the OS default.")
            .define(INTER_BROKER_LISTENER_NAME, Type.STRING, null, MEDIUM,
                "Listener brokers use to reach each other (default: the first listener).")
            .define(AUTO_LEADER_REBALANCE_ENABLE, Type.BOOLEAN, true, HIGH,
                "Move leadership back to preferred replicas in the background.")
            .define(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, Type.INT, 10, between(0, 100), HIGH,
                "Share of a broker's preferred partitions led elsewhere that triggers a rebalance.")
            .define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, Type.LONG, 300L, atLeast(1), HIGH,
                "How often the controller checks leader imbalance.")
            .define(CONTROLLED_SHUTDOWN_ENABLE, Type.BOOLEAN, true, MEDIUM,
                "On shutdown, ask the controller to move this broker's leaderships away first.")
            .define(CONTROLLED_SHUTDOWN_MAX_RETRIES, Type.INT, 3, atLeast(0), MEDIUM,
                "Attempts at a controlled shutdown before shutting down anyway.")
            .define(CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS, Type.LONG, 5000L, atLeast(0), MEDIUM,
                "Pause between controlled-shutdown attempts.")
            .define(CONTROLLER_SOCKET_TIMEOUT_MS, Type.INT, 30000, atLeast(1), MEDIUM,
                "Socket timeout of controller-to-broker and controlled-shutdown requests.")
            .define(REPLICA_SELECTOR_CLASS, Type.STRING, null, MEDIUM,
                "The ReplicaSelector that picks the replica a consumer with client.rack fetches from, e.g. "
                    + "org.apache.kafka.common.replica.RackAwareReplicaSelector (default: none, the leader).")
            .define(CONTROL_PLANE_PORT, Type.INT, 0, between(0, 65535), LOW,
                "Port of Weir's control plane (controller-to-broker requests), on the first listener's host; "
                    + "0 picks a free port, registered in ZooKeeper.");
    }
}
