package io.weir.storage;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The server.properties names of the topic defaults ({@code log.segment.bytes} for
 * {@code segment.bytes}, ...), and the rules Kafka applies when several broker names feed one
 * topic name: {@code log.retention.ms} wins over {@code log.retention.minutes}, which wins
 * over {@code log.retention.hours}; likewise {@code log.roll.ms} over {@code log.roll.hours}.
 *
 * <p>Stateless and thread-safe.
 */
public final class BrokerLogConfigs {

    /** Broker name to topic name; the unit variants (hours, minutes) map to the same topic name. */
    static final Map<String, String> BROKER_TO_TOPIC = buildMapping();

    private BrokerLogConfigs() {
    }

    private static Map<String, String> buildMapping() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log.segment.bytes", TopicConfig.SEGMENT_BYTES_CONFIG);
        m.put("log.roll.ms", TopicConfig.SEGMENT_MS_CONFIG);
        m.put("log.roll.hours", TopicConfig.SEGMENT_MS_CONFIG);
        m.put("log.roll.jitter.ms", TopicConfig.SEGMENT_JITTER_MS_CONFIG);
        m.put("log.roll.jitter.hours", TopicConfig.SEGMENT_JITTER_MS_CONFIG);
        m.put("log.index.size.max.bytes", TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
        m.put("log.index.interval.bytes", TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
        m.put("log.flush.interval.messages", TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
        m.put("log.flush.interval.ms", TopicConfig.FLUSH_MS_CONFIG);
        m.put("log.retention.bytes", TopicConfig.RETENTION_BYTES_CONFIG);
        m.put("log.retention.ms", TopicConfig.RETENTION_MS_CONFIG);
        m.put("log.retention.minutes", TopicConfig.RETENTION_MS_CONFIG);
        m.put("log.retention.hours", TopicConfig.RETENTION_MS_CONFIG);
        m.put("log.cleanup.policy", TopicConfig.CLEANUP_POLICY_CONFIG);
        m.put("log.cleaner.delete.retention.ms", TopicConfig.DELETE_RETENTION_MS_CONFIG);
        m.put("log.cleaner.min.compaction.lag.ms", TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        m.put("log.cleaner.max.compaction.lag.ms", TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        m.put("log.cleaner.min.cleanable.ratio", TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
        m.put("log.segment.delete.delay.ms", TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
        m.put("message.max.bytes", TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        m.put("log.message.timestamp.type", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        m.put("log.message.timestamp.before.max.ms", TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        m.put("log.message.timestamp.after.max.ms", TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        m.put("log.preallocate", TopicConfig.PREALLOCATE_CONFIG);
        m.put("compression.type", TopicConfig.COMPRESSION_TYPE_CONFIG);
        m.put("compression.gzip.level", TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG);
        m.put("compression.lz4.level", TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG);
        m.put("compression.zstd.level", TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG);
        m.put("min.insync.replicas", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        m.put("unclean.leader.election.enable", TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        return Map.copyOf(m);
    }

    /**
     * Topic defaults from broker properties: every mapped broker property that is set becomes
     * the topic default of its topic name (values stay strings; {@link LogConfig#fromProps}
     * parses them). Properties that are not log configs are ignored.
     *
     * @throws ConfigException if an hours/minutes value is not a number
     */
    public static Map<String, Object> topicDefaultsFromBrokerProps(Map<String, String> brokerProps) {
        Map<String, Object> topic = new HashMap<>();
        for (Map.Entry<String, String> e : brokerProps.entrySet()) {
            String topicName = BROKER_TO_TOPIC.get(e.getKey());
            if (topicName != null && !isUnitVariant(e.getKey()) && e.getValue() != null) {
                topic.put(topicName, e.getValue().trim());
            }
        }
        putFirst(topic, TopicConfig.RETENTION_MS_CONFIG, brokerProps, List.of(
                new Unit("log.retention.ms", TimeUnit.MILLISECONDS),
                new Unit("log.retention.minutes", TimeUnit.MINUTES),
                new Unit("log.retention.hours", TimeUnit.HOURS)));
        putFirst(topic, TopicConfig.SEGMENT_MS_CONFIG, brokerProps, List.of(
                new Unit("log.roll.ms", TimeUnit.MILLISECONDS),
                new Unit("log.roll.hours", TimeUnit.HOURS)));
        putFirst(topic, TopicConfig.SEGMENT_JITTER_MS_CONFIG, brokerProps, List.of(
                new Unit("log.roll.jitter.ms", TimeUnit.MILLISECONDS),
                new Unit("log.roll.jitter.hours", TimeUnit.HOURS)));
        return topic;
    }

    private static boolean isUnitVariant(String brokerName) {
        return brokerName.startsWith("log.retention.") && !brokerName.equals("log.retention.bytes")
                || brokerName.startsWith("log.roll.");
    }

    private record Unit(String brokerName, TimeUnit unit) {
    }

    /** The first unit variant that is set wins; a negative retention means "forever" (-1). */
    private static void putFirst(Map<String, Object> topic, String topicName, Map<String, String> props,
                                 List<Unit> byPrecedence) {
        for (Unit u : byPrecedence) {
            String raw = props.get(u.brokerName());
            if (raw == null) {
                continue;
            }
            long value;
            try {
                value = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(u.brokerName(), raw, "not a number");
            }
            topic.put(topicName, value < 0 ? -1L : u.unit().toMillis(value));
            return;
        }
    }
}
