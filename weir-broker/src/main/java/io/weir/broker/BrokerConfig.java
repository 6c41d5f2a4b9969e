package io.weir.broker;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import io.weir.broker.network.Endpoint;
import io.weir.broker.network.SocketServerConfig;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.storage.LogConfig;

/**
 * The broker's configuration: Kafka's names and defaults (server.properties), validated once at
 * start-up. Where our default differs from Kafka's it is to suit one small machine out of the box
 * and is said in the doc string (and in README's config table).
 *
 * <p>Immutable and thread-safe; dynamic changes create a new instance.
 */
public final class BrokerConfig extends AbstractConfig {

    public static final String BROKER_ID = "broker.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final String EMBEDDED_ZOOKEEPER_DIR = "weir.embedded.zookeeper.dir";
    public static final String BROKER_RACK = "broker.rack";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String SOCKET_READ_AHEAD_BYTES = "weir.socket.read.ahead.bytes";
    public static final String NETWORK_INLINE_REQUESTS_ENABLE = "weir.network.inline.requests.enable";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS =
            "log.flush.start.offset.checkpoint.interval.ms";
    public static final String REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS =
            "replica.high.watermark.checkpoint.interval.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String METRICS_PORT = "metrics.port";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = "log.cleaner.io.buffer.load.factor";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";

    /** Settings the group coordinator reads (defaults and validation live in GroupCoordinatorConfig). */
    private static final List<String> GROUP_COORDINATOR_KEYS = List.of(
        GroupCoordinatorConfig.OFFSET_COMMIT_TIMEOUT_MS, GroupCoordinatorConfig.OFFSET_METADATA_MAX_SIZE,
        GroupCoordinatorConfig.OFFSETS_RETENTION_MINUTES, GroupCoordinatorConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS,
        GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS, GroupCoordinatorConfig.GROUP_MAX_SESSION_TIMEOUT_MS,
        GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, GroupCoordinatorConfig.GROUP_MAX_SIZE,
        GroupCoordinatorConfig.CONSUMER_GROUP_SESSION_TIMEOUT_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_MIN_SESSION_TIMEOUT_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_MAX_SESSION_TIMEOUT_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_HEARTBEAT_INTERVAL_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_MIN_HEARTBEAT_INTERVAL_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_MAX_HEARTBEAT_INTERVAL_MS,
        GroupCoordinatorConfig.CONSUMER_GROUP_MAX_SIZE, GroupCoordinatorConfig.CONSUMER_GROUP_ASSIGNORS,
        GroupCoordinatorConfig.GROUP_COORDINATOR_THREADS);
    private static final ConfigDef CONFIG = buildConfigDef();

    private final List<String> unknownKeys;
    private final Map<String, String> originalsAsStrings;

    private BrokerConfig(Map<String, String> props, List<String> unknownKeys) {
        super(CONFIG, props, false);
        this.unknownKeys = List.copyOf(unknownKeys);
        this.originalsAsStrings = Map.copyOf(props);
        validate();
    }

    /**
     * Parses server.properties-style settings. An invalid value is a {@link ConfigException}
     * naming the key; keys this broker does not know are kept in {@link #unknownKeys()} for the
     * caller to warn about.
     */
    public static BrokerConfig fromProperties(Map<String, String> props) {
        List<String> unknown = new ArrayList<>();
        for (String key : props.keySet()) {
            if (!CONFIG.names().contains(key)) {
                unknown.add(key);
            }
        }
        Collections.sort(unknown);
        return new BrokerConfig(new HashMap<>(props), unknown);
    }

    public static ConfigDef configDef() {
        return CONFIG;
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef()
            .define(BROKER_ID, Type.INT, 0, atLeast(0), HIGH,
                "The id of this broker; unique in the cluster.")
            .define(LISTENERS, Type.LIST, "PLAINTEXT://127.0.0.1:9092", HIGH,
                "Listener URIs, e.g. PLAINTEXT://127.0.0.1:9092. Weir binds loopback by default "
                    + "(Kafka binds all interfaces).")
            .define(ADVERTISED_LISTENERS, Type.LIST, null, HIGH,
                "Listeners published to clients; defaults to listeners.")
            .define(LOG_DIRS, Type.LIST, null, HIGH, "Directories holding partition logs.")
            .define(LOG_DIR, Type.STRING, "./data/logs", HIGH,
                "The log directory when log.dirs is not set (Kafka's default is /tmp/kafka-logs).")
            .define(ZOOKEEPER_CONNECT, Type.STRING, null, HIGH,
                "ZooKeeper connect string (host:port[,host:port][/chroot]). Empty: the broker runs "
                    + "an embedded ZooKeeper server on a free loopback port.")
            .define(ZOOKEEPER_SESSION_TIMEOUT_MS, Type.INT, 6000, atLeast(1000), HIGH,
                "ZooKeeper session timeout: how long a crashed broker stays registered, so about the failover "
                    + "time. Kafka's 18 s allows for long G1 pauses; with ZGC pauses are under a millisecond, so "
                    + "Weir fails over after 6 s (ZooKeeper's tickTime 2 s allows 4 s to 40 s).")
            .define(ZOOKEEPER_CONNECTION_TIMEOUT_MS, Type.INT, null, MEDIUM,
                "Max wait to connect to ZooKeeper; defaults to the session timeout.")
            .define(EMBEDDED_ZOOKEEPER_DIR, Type.STRING, null, LOW,
                "Data directory of the embedded ZooKeeper; defaults to 'zookeeper' beside the first log dir.")
            .define(BROKER_RACK, Type.STRING, null, MEDIUM, "Rack of this broker.")
            .define(NUM_NETWORK_THREADS, Type.INT, SocketServerConfig.defaultNumNetworkThreads(), atLeast(1), HIGH,
                "Network processor threads (Kafka: 3; Weir: min(3, cores / 2), at least 1).")
            .define(NUM_IO_THREADS, Type.INT, SocketServerConfig.defaultNumIoThreads(), atLeast(1), HIGH,
                "Request handler threads (Kafka: 8; Weir: max(2, cores)).")
            .define(QUEUED_MAX_REQUESTS, Type.INT, 500, atLeast(1), MEDIUM,
                "Requests queued for the handlers before the network threads stop reading.")
            .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 104857600, atLeast(1), HIGH,
                "The largest request frame accepted.")
            .define(SOCKET_SEND_BUFFER_BYTES, Type.INT, 102400, HIGH, "SO_SNDBUF; -1 for the OS default.")
            .define(SOCKET_RECEIVE_BUFFER_BYTES, Type.INT, 102400, HIGH, "SO_RCVBUF; -1 for the OS default.")
            .define(SOCKET_READ_AHEAD_BYTES, Type.INT, SocketServerConfig.DEFAULT_READ_AHEAD_BYTES, atLeast(0), LOW,
                "Bytes of further requests a connection reads and holds while one of its requests is being handled "
                    + "(Weir's own; 0 reads nothing more until the response is sent, as Kafka does).")
            .define(NETWORK_INLINE_REQUESTS_ENABLE, Type.BOOLEAN, true, LOW,
                "Network threads handle Produce and Fetch themselves instead of handing them to the request handler "
                    + "threads (Weir's own; false hands every request over, as Kafka does).")
            .define(MAX_CONNECTIONS, Type.INT, Integer.MAX_VALUE, atLeast(0), MEDIUM,
                "Connections allowed at once.")
            .define(CONNECTIONS_MAX_IDLE_MS, Type.LONG, 600000L, MEDIUM, "Idle connections are closed after this.")
            .define(NUM_PARTITIONS, Type.INT, 1, atLeast(1), MEDIUM, "Partitions of an auto-created topic.")
            .define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, atLeast(1), MEDIUM,
                "Replication factor of an auto-created topic.")
            .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, HIGH,
                "Create a topic when a client asks for metadata of an unknown one.")
            .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, HIGH, "Allow DeleteTopics.")
            .define(NUM_RECOVERY_THREADS_PER_DATA_DIR, Type.INT, 2, atLeast(1), HIGH,
                "Threads per data dir for log loading and recovery.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 300000L, atLeast(1), MEDIUM,
                "How often retention is checked.")
            .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, Type.LONG, Long.MAX_VALUE, HIGH,
                "How often logs are checked for flush.ms.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, Type.INT, 60000, atLeast(0), HIGH,
                "How often the recovery point checkpoint is written.")
            .define(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS, Type.INT, 60000, atLeast(0), HIGH,
                "How often the log start offset checkpoint is written.")
            .define(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, Type.LONG, 5000L, HIGH,
                "How often the high watermarks are checkpointed.")
            .define(PRODUCER_ID_EXPIRATION_MS, Type.INT, 86400000, atLeast(1), LOW,
                "How long a producer id's state is kept after its last write.")
            .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, Type.INT, 600000, atLeast(1), LOW,
                "How often expired producer ids are removed.")
            .define(TRANSACTIONAL_ID_EXPIRATION_MS, Type.INT, 604800000, atLeast(1), LOW,
                "Transactional id expiry.")
            .define(FETCH_MAX_BYTES, Type.INT, 57671680, atLeast(1024), MEDIUM,
                "Max bytes returned for a fetch request.")
            .define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, Type.INT, 1000, atLeast(0), MEDIUM,
                "Incremental fetch sessions kept.")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, 50, atLeast(1), HIGH,
                "Partitions of __consumer_offsets.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 3, atLeast(1), HIGH,
                "Replication factor of __consumer_offsets (capped at the live brokers).")
            .define(REPLICA_LAG_TIME_MAX_MS, Type.LONG, 30000L, HIGH,
                "A follower that has not caught up for this long leaves the ISR.")
            .define(METRICS_PORT, Type.INT, 9404, between(0, 65535), MEDIUM,
                "Port of the Prometheus /metrics endpoint; 0 turns it off.")
            .define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, MEDIUM,
                "Run the log cleaner for topics with cleanup.policy=compact.")
            .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, 134217728L, MEDIUM,
                "Memory for the cleaner's key -> offset map (allocated on the first cleaning).")
            .define(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR, Type.DOUBLE, 0.9, MEDIUM,
                "How full the cleaner's offset map may get.")
            .define(LOG_CLEANER_IO_BUFFER_SIZE, Type.INT, 524288, atLeast(0), MEDIUM,
                "The cleaner's read and write buffer size.")
            .define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 15000L, atLeast(0), MEDIUM,
                "How long the cleaner sleeps when no log needs cleaning.");
        ClusterConfigs.defineInto(def);
        for (String key : GROUP_COORDINATOR_KEYS) {
            if (!def.names().contains(key)) {
                def.define(key, Type.STRING, null, MEDIUM, "Group coordinator setting (Kafka's default when unset).");
            }
        }
        for (Map.Entry<String, String> e : LogConfig.brokerToTopicConfigNames().entrySet()) {
            if (!def.names().contains(e.getKey())) {
                def.define(e.getKey(), Type.STRING, null, MEDIUM,
                    "Default for the topic config " + e.getValue() + ".");
            }
        }
        return def;
    }

    private void validate() {
        if (listeners().isEmpty()) {
            throw new ConfigException(LISTENERS, originals().get(LISTENERS), "at least one listener is required");
        }
        LogConfig.fromProps(topicDefaults(), Map.of());
        try {
            GroupCoordinatorConfig.fromProperties(originalsAsStrings);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Keys that are not broker configs; the caller warns about them. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    public int brokerId() {
        return getInt(BROKER_ID);
    }

    public List<Endpoint> listeners() {
        return parseListeners(LISTENERS, getList(LISTENERS));
    }

    public List<Endpoint> advertisedListeners() {
        List<String> advertised = getList(ADVERTISED_LISTENERS);
        return advertised == null || advertised.isEmpty()
            ? listeners()
            : parseListeners(ADVERTISED_LISTENERS, advertised);
    }

    public List<Path> logDirs() {
        List<String> dirs = getList(LOG_DIRS);
        if (dirs == null || dirs.isEmpty()) {
            dirs = List.of(getString(LOG_DIR));
        }
        return dirs.stream().map(d -> Path.of(d).toAbsolutePath().normalize()).toList();
    }

    public Optional<String> zookeeperConnect() {
        String connect = getString(ZOOKEEPER_CONNECT);
        return connect == null || connect.isBlank() ? Optional.empty() : Optional.of(connect.trim());
    }

    public Path embeddedZooKeeperDir() {
        String dir = getString(EMBEDDED_ZOOKEEPER_DIR);
        return dir != null ? Path.of(dir).toAbsolutePath() : logDirs().get(0).resolveSibling("zookeeper");
    }

    public int zkSessionTimeoutMs() {
        return getInt(ZOOKEEPER_SESSION_TIMEOUT_MS);
    }

    public int zkConnectionTimeoutMs() {
        Integer v = getInt(ZOOKEEPER_CONNECTION_TIMEOUT_MS);
        return v != null ? v : zkSessionTimeoutMs();
    }

    public Optional<String> rack() {
        return Optional.ofNullable(getString(BROKER_RACK));
    }

    public SocketServerConfig socketServerConfig() {
        return new SocketServerConfig(listeners(), getInt(NUM_NETWORK_THREADS), getInt(QUEUED_MAX_REQUESTS),
            getInt(SOCKET_REQUEST_MAX_BYTES), getInt(MAX_CONNECTIONS), getLong(CONNECTIONS_MAX_IDLE_MS),
            getInt(SOCKET_SEND_BUFFER_BYTES), getInt(SOCKET_RECEIVE_BUFFER_BYTES), getInt(SOCKET_READ_AHEAD_BYTES));
    }

    public int numIoThreads() {
        return getInt(NUM_IO_THREADS);
    }

    public int numPartitions() {
        return getInt(NUM_PARTITIONS);
    }

    public short defaultReplicationFactor() {
        return getShort(DEFAULT_REPLICATION_FACTOR);
    }

    public boolean autoCreateTopicsEnable() {
        return getBoolean(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable() {
        return getBoolean(DELETE_TOPIC_ENABLE);
    }

    public int fetchMaxBytes() {
        return getInt(FETCH_MAX_BYTES);
    }

    public int maxIncrementalFetchSessionCacheSlots() {
        return getInt(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS);
    }

    public int offsetsTopicNumPartitions() {
        return getInt(OFFSETS_TOPIC_NUM_PARTITIONS);
    }

    public short offsetsTopicReplicationFactor() {
        return getShort(OFFSETS_TOPIC_REPLICATION_FACTOR);
    }

    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    /** The broker-level log.* settings that were given, as topic-level defaults. */
    public Map<String, Object> topicDefaults() {
        Map<String, String> given = new HashMap<>();
        for (String key : LogConfig.brokerToTopicConfigNames().keySet()) {
            String value = originalsAsStrings.get(key);
            if (value != null) {
                given.put(key, value);
            }
        }
        return LogConfig.topicDefaultsFromBrokerProps(given);
    }

    /** The settings as given (for DescribeConfigs sources). */
    public Map<String, String> givenSettings() {
        return originalsAsStrings;
    }

    private static List<Endpoint> parseListeners(String key, List<String> uris) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String uri : uris) {
            endpoints.add(parseListener(key, uri.trim()));
        }
        return endpoints;
    }

    static Endpoint parseListener(String key, String uri) {
        int sep = uri.indexOf("://");
        int colon = uri.lastIndexOf(':');
        if (sep <= 0 || colon <= sep) {
            throw new ConfigException(key, uri, "expected NAME://host:port");
        }
        String name = uri.substring(0, sep).toUpperCase(Locale.ROOT);
        String host = uri.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(uri.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, uri, "the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, uri, "the port must be between 0 and 65535");
        }
        return new Endpoint(name, host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
