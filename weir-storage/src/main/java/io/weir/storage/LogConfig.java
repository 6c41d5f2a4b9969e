package io.weir.storage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.Records;

/**
 * Per-topic log configuration with Kafka's topic config names, types and defaults
 * ({@code segment.bytes}, {@code retention.ms}, ...). Values are parsed and validated by a
 * kafka-clients {@link ConfigDef}; a bad value is a {@link ConfigException} naming the key.
 * Broker-level names ({@code log.segment.bytes}, ...) are mapped by
 * {@link BrokerLogConfigs#topicDefaultsFromBrokerProps(Map)}.
 *
 * <p>Immutable and thread-safe; a config change replaces the whole object
 * ({@link Log#updateConfig(LogConfig)}).
 */
public final class LogConfig {

    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7 * 24 * 60 * 60 * 1000L;
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final long DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000L;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    /** The smallest segment that can hold one empty v0 message, Kafka's lower bound. */
    public static final int MIN_SEGMENT_BYTES = 14;

    private static final ConfigDef CONFIG_DEF = buildConfigDef();

    private final Map<String, Object> values;
    private final int segmentBytes;
    private final long segmentMs;
    private final long segmentJitterMs;
    private final int maxIndexSize;
    private final int indexInterval;
    private final long retentionMs;
    private final long retentionBytes;
    private final boolean compact;
    private final boolean delete;
    private final long deleteRetentionMs;
    private final double minCleanableRatio;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;
    private final long flushInterval;
    private final long flushMs;
    private final TimestampType messageTimestampType;
    private final long messageTimestampBeforeMaxMs;
    private final long messageTimestampAfterMaxMs;
    private final int maxMessageSize;
    private final int maxDecompressedMessageSize;
    private final long fileDeleteDelayMs;
    private final String compressionType;
    private final Compression targetCompression;
    private final int minInSyncReplicas;
    private final boolean uncleanLeaderElectionEnable;
    private final boolean preallocate;

    private LogConfig(Map<String, Object> parsed) {
        this.values = Map.copyOf(parsed);
        this.segmentBytes = (Integer) parsed.get(TopicConfig.SEGMENT_BYTES_CONFIG);
        this.segmentMs = (Long) parsed.get(TopicConfig.SEGMENT_MS_CONFIG);
        this.segmentJitterMs = (Long) parsed.get(TopicConfig.SEGMENT_JITTER_MS_CONFIG);
        this.maxIndexSize = (Integer) parsed.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
        this.indexInterval = (Integer) parsed.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
        this.retentionMs = (Long) parsed.get(TopicConfig.RETENTION_MS_CONFIG);
        this.retentionBytes = (Long) parsed.get(TopicConfig.RETENTION_BYTES_CONFIG);
        List<?> policy = (List<?>) parsed.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        this.compact = policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT);
        this.delete = policy.contains(TopicConfig.CLEANUP_POLICY_DELETE);
        this.deleteRetentionMs = (Long) parsed.get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
        this.minCleanableRatio = (Double) parsed.get(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
        this.minCompactionLagMs = (Long) parsed.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        this.maxCompactionLagMs = (Long) parsed.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        this.flushInterval = (Long) parsed.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
        this.flushMs = (Long) parsed.get(TopicConfig.FLUSH_MS_CONFIG);
        this.messageTimestampType = TimestampType.forName((String) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
        this.messageTimestampBeforeMaxMs = (Long) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        this.messageTimestampAfterMaxMs = (Long) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        this.maxMessageSize = (Integer) parsed.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        this.maxDecompressedMessageSize = (Integer) parsed.get(TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG);
        this.fileDeleteDelayMs = (Long) parsed.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
        this.compressionType = (String) parsed.get(TopicConfig.COMPRESSION_TYPE_CONFIG);
        this.targetCompression = targetCompression(compressionType, parsed);
        this.minInSyncReplicas = (Integer) parsed.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        this.uncleanLeaderElectionEnable = (Boolean) parsed.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        this.preallocate = (Boolean) parsed.get(TopicConfig.PREALLOCATE_CONFIG);
        validateValues();
    }

    /** All defaults. */
    public static LogConfig defaults() {
        return fromProps(Map.of(), Map.of());
    }

    /**
     * Parses {@code overrides} on top of {@code defaults} (topic-level names, values as
     * strings or typed objects). Unknown names are ignored.
     *
     * @throws ConfigException naming the key and the bad value
     */
    public static LogConfig fromProps(Map<String, ?> defaults, Map<String, ?> overrides) {
        Map<String, Object> merged = new HashMap<>(defaults);
        merged.putAll(overrides);
        return new LogConfig(CONFIG_DEF.parse(merged));
    }

    /** This config with some values replaced. */
    public LogConfig with(Map<String, ?> overrides) {
        return fromProps(values, overrides);
    }

    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    public static Set<String> configNames() {
        return CONFIG_DEF.names();
    }

    /** Broker property names ({@code log.segment.bytes}) to topic names ({@code segment.bytes}). */
    public static Map<String, String> brokerToTopicConfigNames() {
        return BrokerLogConfigs.BROKER_TO_TOPIC;
    }

    /** Topic defaults from server.properties, keyed by topic config name; see {@link BrokerLogConfigs}. */
    public static Map<String, Object> topicDefaultsFromBrokerProps(Map<String, String> brokerProps) {
        return BrokerLogConfigs.topicDefaultsFromBrokerProps(brokerProps);
    }

    private void validateValues() {
        if (minCompactionLagMs > maxCompactionLagMs) {
            throw new ConfigException(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, maxCompactionLagMs,
                    "must be at least " + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " (" + minCompactionLagMs + ")");
        }
    }

    /** The parsed values, keyed by topic config name. */
    public Map<String, Object> values() {
        return values;
    }

    /** A random jitter in {@code [0, min(segment.jitter.ms, segment.ms))}, drawn once per segment. */
    public long randomSegmentJitterMs() {
        if (segmentJitterMs == 0) {
            return 0;
        }
        return ThreadLocalRandom.current().nextLong(Math.min(segmentJitterMs, segmentMs));
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public long segmentJitterMs() {
        return segmentJitterMs;
    }

    public int maxIndexSize() {
        return maxIndexSize;
    }

    public int indexInterval() {
        return indexInterval;
    }

    public long retentionMs() {
        return retentionMs;
    }

    public long retentionBytes() {
        return retentionBytes;
    }

    public boolean compact() {
        return compact;
    }

    public boolean delete() {
        return delete;
    }

    public long deleteRetentionMs() {
        return deleteRetentionMs;
    }

    public double minCleanableRatio() {
        return minCleanableRatio;
    }

    public long minCompactionLagMs() {
        return minCompactionLagMs;
    }

    public long maxCompactionLagMs() {
        return maxCompactionLagMs;
    }

    public long flushInterval() {
        return flushInterval;
    }

    public long flushMs() {
        return flushMs;
    }

    public TimestampType messageTimestampType() {
        return messageTimestampType;
    }

    public long messageTimestampBeforeMaxMs() {
        return messageTimestampBeforeMaxMs;
    }

    public long messageTimestampAfterMaxMs() {
        return messageTimestampAfterMaxMs;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** {@code max.decompressed.message.bytes}: the largest single record after decompression. */
    public int maxDecompressedMessageSize() {
        return maxDecompressedMessageSize;
    }

    public long fileDeleteDelayMs() {
        return fileDeleteDelayMs;
    }

    public String compressionType() {
        return compressionType;
    }

    /**
     * The codec (with its {@code compression.<codec>.level}) a leader stores batches in, or null
     * for {@code compression.type=producer}: batches are stored as the producer compressed them.
     */
    public Compression targetCompression() {
        return targetCompression;
    }

    private static Compression targetCompression(String type, Map<String, Object> parsed) {
        return switch (type) {
            case "producer" -> null;
            case "uncompressed" -> Compression.NONE;
            case "gzip" -> Compression.gzip().level(level(parsed, TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG)).build();
            case "lz4" -> Compression.lz4().level(level(parsed, TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG)).build();
            case "zstd" -> Compression.zstd().level(level(parsed, TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG)).build();
            case "snappy" -> Compression.snappy().build();
            default -> throw new ConfigException(TopicConfig.COMPRESSION_TYPE_CONFIG, type, "unknown compression type");
        };
    }

    private static int level(Map<String, Object> parsed, String name) {
        return (Integer) parsed.get(name);
    }

    public int minInSyncReplicas() {
        return minInSyncReplicas;
    }

    public boolean uncleanLeaderElectionEnable() {
        return uncleanLeaderElectionEnable;
    }

    public boolean preallocate() {
        return preallocate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "LogConfig" + values;
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        defineSegments(def);
        defineRetentionAndCleaning(def);
        defineMessages(def);
        defineReplication(def);
        return def;
    }

    private static void defineSegments(ConfigDef def) {
        def.define(TopicConfig.SEGMENT_BYTES_CONFIG, Type.INT, DEFAULT_SEGMENT_BYTES,
                        Range.atLeast(MIN_SEGMENT_BYTES), Importance.MEDIUM, TopicConfig.SEGMENT_BYTES_DOC)
                .define(TopicConfig.SEGMENT_MS_CONFIG, Type.LONG, DEFAULT_SEGMENT_MS, Range.atLeast(1),
                        Importance.MEDIUM, TopicConfig.SEGMENT_MS_DOC)
                .define(TopicConfig.SEGMENT_JITTER_MS_CONFIG, Type.LONG, 0L, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.SEGMENT_JITTER_MS_DOC)
                .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, Type.INT, DEFAULT_SEGMENT_INDEX_BYTES,
                        Range.atLeast(4), Importance.MEDIUM, TopicConfig.SEGMENT_INDEX_BYTES_DOC)
                .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, Type.INT, DEFAULT_INDEX_INTERVAL_BYTES,
                        Range.atLeast(0), Importance.MEDIUM, TopicConfig.INDEX_INTERVAL_BYTES_DOC)
                .define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(1),
                        Importance.MEDIUM, TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
                .define(TopicConfig.FLUSH_MS_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.FLUSH_MS_DOC)
                .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.FILE_DELETE_DELAY_MS_DOC)
                .define(TopicConfig.PREALLOCATE_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                        TopicConfig.PREALLOCATE_DOC);
    }

    private static void defineRetentionAndCleaning(ConfigDef def) {
        def.define(TopicConfig.RETENTION_MS_CONFIG, Type.LONG, DEFAULT_RETENTION_MS, Range.atLeast(-1),
                        Importance.MEDIUM, TopicConfig.RETENTION_MS_DOC)
                .define(TopicConfig.RETENTION_BYTES_CONFIG, Type.LONG, -1L, Importance.MEDIUM,
                        TopicConfig.RETENTION_BYTES_DOC)
                .define(TopicConfig.CLEANUP_POLICY_CONFIG, Type.LIST, TopicConfig.CLEANUP_POLICY_DELETE,
                        ValidList.in(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE),
                        Importance.MEDIUM, TopicConfig.CLEANUP_POLICY_DOC)
                .define(TopicConfig.DELETE_RETENTION_MS_CONFIG, Type.LONG, 24 * 60 * 60 * 1000L, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.DELETE_RETENTION_MS_DOC)
                .define(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, Type.DOUBLE, 0.5, Range.between(0, 1),
                        Importance.MEDIUM, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)
                .define(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Type.LONG, 0L, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.MIN_COMPACTION_LAG_MS_DOC)
                .define(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Type.LONG, Long.MAX_VALUE, Range.atLeast(1),
                        Importance.MEDIUM, TopicConfig.MAX_COMPACTION_LAG_MS_DOC);
    }

    private static void defineMessages(ConfigDef def) {
        def.define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Type.INT, DEFAULT_MAX_MESSAGE_BYTES, Range.atLeast(0),
                        Importance.MEDIUM, TopicConfig.MAX_MESSAGE_BYTES_DOC)
                .define(TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG, Type.INT, Records.SOFT_MAX_ARRAY_LENGTH,
                        Range.atLeast(0), Importance.MEDIUM, TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, Type.STRING, TimestampType.CREATE_TIME.name,
                        ValidString.in(TimestampType.CREATE_TIME.name, TimestampType.LOG_APPEND_TIME.name),
                        Importance.MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Type.LONG, Long.MAX_VALUE,
                        Range.atLeast(0), Importance.MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Type.LONG, 3_600_000L,
                        Range.atLeast(0), Importance.MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
                .define(TopicConfig.COMPRESSION_TYPE_CONFIG, Type.STRING, "producer",
                        ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                        Importance.MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC)
                .define(TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Type.INT, -1, Range.between(-1, 9),
                        Importance.MEDIUM, TopicConfig.COMPRESSION_GZIP_LEVEL_DOC)
                .define(TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, Type.INT, 9, Range.between(1, 17),
                        Importance.MEDIUM, TopicConfig.COMPRESSION_LZ4_LEVEL_DOC)
                .define(TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, Type.INT, 3, Range.between(-131072, 22),
                        Importance.MEDIUM, TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC);
    }

    private static void defineReplication(ConfigDef def) {
        def.define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Type.INT, 1, Range.atLeast(1),
                        Importance.MEDIUM, TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
                .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, Type.BOOLEAN, false,
                        Importance.MEDIUM, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC);
    }
}
