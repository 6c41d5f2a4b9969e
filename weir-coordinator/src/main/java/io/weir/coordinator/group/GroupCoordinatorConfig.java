package io.weir.coordinator.group;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The group coordinator's settings, under Kafka's names and with Kafka's defaults. Build with
 * {@link #defaults()} or {@link #fromProperties(Map)}; both validate.
 *
 * <p>Immutable.
 */
public record GroupCoordinatorConfig(
        int offsetsTopicNumPartitions,
        short offsetsTopicReplicationFactor,
        int offsetsCommitTimeoutMs,
        int offsetMetadataMaxBytes,
        int offsetsRetentionMinutes,
        long offsetsRetentionCheckIntervalMs,
        int groupMinSessionTimeoutMs,
        int groupMaxSessionTimeoutMs,
        int groupInitialRebalanceDelayMs,
        int groupMaxSize,
        int classicGroupNewMemberJoinTimeoutMs,
        int consumerGroupSessionTimeoutMs,
        int consumerGroupMinSessionTimeoutMs,
        int consumerGroupMaxSessionTimeoutMs,
        int consumerGroupHeartbeatIntervalMs,
        int consumerGroupMinHeartbeatIntervalMs,
        int consumerGroupMaxHeartbeatIntervalMs,
        int consumerGroupMaxSize,
        List<String> consumerGroupAssignors,
        int numThreads) {

    public static final String OFFSETS_TOPIC_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSET_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String OFFSET_METADATA_MAX_SIZE = "offset.metadata.max.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String CONSUMER_GROUP_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String CONSUMER_GROUP_MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String CONSUMER_GROUP_MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String CONSUMER_GROUP_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String CONSUMER_GROUP_MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String CONSUMER_GROUP_MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String CONSUMER_GROUP_MAX_SIZE = "group.consumer.max.size";
    public static final String CONSUMER_GROUP_ASSIGNORS = "group.consumer.assignors";
    public static final String GROUP_COORDINATOR_THREADS = "group.coordinator.threads";

    /** The assignors this coordinator implements (Kafka's class names are accepted as aliases). */
    public static final List<String> KNOWN_ASSIGNORS = List.of("uniform", "range");

    public GroupCoordinatorConfig {
        consumerGroupAssignors = List.copyOf(consumerGroupAssignors);
        validate(offsetsTopicNumPartitions >= 1, OFFSETS_TOPIC_PARTITIONS + " must be at least 1", offsetsTopicNumPartitions);
        validate(offsetsTopicReplicationFactor >= 1, OFFSETS_TOPIC_REPLICATION_FACTOR + " must be at least 1",
                offsetsTopicReplicationFactor);
        validate(offsetsCommitTimeoutMs >= 1, OFFSET_COMMIT_TIMEOUT_MS + " must be at least 1", offsetsCommitTimeoutMs);
        validate(offsetMetadataMaxBytes >= 0, OFFSET_METADATA_MAX_SIZE + " must be at least 0", offsetMetadataMaxBytes);
        validate(offsetsRetentionMinutes >= 1, OFFSETS_RETENTION_MINUTES + " must be at least 1", offsetsRetentionMinutes);
        validate(offsetsRetentionCheckIntervalMs >= 1, OFFSETS_RETENTION_CHECK_INTERVAL_MS + " must be at least 1",
                offsetsRetentionCheckIntervalMs);
        validate(groupMinSessionTimeoutMs >= 0, GROUP_MIN_SESSION_TIMEOUT_MS + " must be at least 0", groupMinSessionTimeoutMs);
        validate(groupMaxSessionTimeoutMs >= groupMinSessionTimeoutMs,
                GROUP_MAX_SESSION_TIMEOUT_MS + " must be at least " + GROUP_MIN_SESSION_TIMEOUT_MS, groupMaxSessionTimeoutMs);
        validate(groupInitialRebalanceDelayMs >= 0, GROUP_INITIAL_REBALANCE_DELAY_MS + " must be at least 0",
                groupInitialRebalanceDelayMs);
        validate(groupMaxSize >= 1, GROUP_MAX_SIZE + " must be at least 1", groupMaxSize);
        validate(consumerGroupMinSessionTimeoutMs >= 1, CONSUMER_GROUP_MIN_SESSION_TIMEOUT_MS + " must be at least 1",
                consumerGroupMinSessionTimeoutMs);
        validate(consumerGroupSessionTimeoutMs >= consumerGroupMinSessionTimeoutMs
                        && consumerGroupSessionTimeoutMs <= consumerGroupMaxSessionTimeoutMs,
                CONSUMER_GROUP_SESSION_TIMEOUT_MS + " must be between the min and the max session timeout",
                consumerGroupSessionTimeoutMs);
        validate(consumerGroupHeartbeatIntervalMs >= consumerGroupMinHeartbeatIntervalMs
                        && consumerGroupHeartbeatIntervalMs <= consumerGroupMaxHeartbeatIntervalMs,
                CONSUMER_GROUP_HEARTBEAT_INTERVAL_MS + " must be between the min and the max heartbeat interval",
                consumerGroupHeartbeatIntervalMs);
        validate(consumerGroupHeartbeatIntervalMs < consumerGroupSessionTimeoutMs,
                CONSUMER_GROUP_HEARTBEAT_INTERVAL_MS + " must be less than " + CONSUMER_GROUP_SESSION_TIMEOUT_MS,
                consumerGroupHeartbeatIntervalMs);
        validate(consumerGroupMaxSize >= 1, CONSUMER_GROUP_MAX_SIZE + " must be at least 1", consumerGroupMaxSize);
        validate(numThreads >= 1, GROUP_COORDINATOR_THREADS + " must be at least 1", numThreads);
        if (consumerGroupAssignors.isEmpty()) {
            throw new IllegalArgumentException(CONSUMER_GROUP_ASSIGNORS + " must name at least one assignor");
        }
        for (String assignor : consumerGroupAssignors) {
            if (!KNOWN_ASSIGNORS.contains(assignor)) {
                throw new IllegalArgumentException(CONSUMER_GROUP_ASSIGNORS + " must be among " + KNOWN_ASSIGNORS
                        + ", got " + assignor);
            }
        }
    }

    public static GroupCoordinatorConfig defaults() {
        return fromProperties(Map.of());
    }

    /** Reads Kafka's property names; missing ones take Kafka's defaults. */
    public static GroupCoordinatorConfig fromProperties(Map<String, ?> props) {
        return new GroupCoordinatorConfig(
                intProp(props, OFFSETS_TOPIC_PARTITIONS, 50),
                (short) intProp(props, OFFSETS_TOPIC_REPLICATION_FACTOR, 3),
                intProp(props, OFFSET_COMMIT_TIMEOUT_MS, 5000),
                intProp(props, OFFSET_METADATA_MAX_SIZE, 4096),
                intProp(props, OFFSETS_RETENTION_MINUTES, 7 * 24 * 60),
                longProp(props, OFFSETS_RETENTION_CHECK_INTERVAL_MS, 600_000L),
                intProp(props, GROUP_MIN_SESSION_TIMEOUT_MS, 6000),
                intProp(props, GROUP_MAX_SESSION_TIMEOUT_MS, 1_800_000),
                intProp(props, GROUP_INITIAL_REBALANCE_DELAY_MS, 3000),
                intProp(props, GROUP_MAX_SIZE, Integer.MAX_VALUE),
                5 * 60 * 1000,
                intProp(props, CONSUMER_GROUP_SESSION_TIMEOUT_MS, 45_000),
                intProp(props, CONSUMER_GROUP_MIN_SESSION_TIMEOUT_MS, 45_000),
                intProp(props, CONSUMER_GROUP_MAX_SESSION_TIMEOUT_MS, 60_000),
                intProp(props, CONSUMER_GROUP_HEARTBEAT_INTERVAL_MS, 5000),
                intProp(props, CONSUMER_GROUP_MIN_HEARTBEAT_INTERVAL_MS, 5000),
                intProp(props, CONSUMER_GROUP_MAX_HEARTBEAT_INTERVAL_MS, 15_000),
                intProp(props, CONSUMER_GROUP_MAX_SIZE, Integer.MAX_VALUE),
                assignors(props.get(CONSUMER_GROUP_ASSIGNORS)),
                intProp(props, GROUP_COORDINATOR_THREADS, 4));
    }

    public long offsetsRetentionMs() {
        return offsetsRetentionMinutes * 60_000L;
    }

    /** The assignor used when a member names none. */
    public String defaultAssignor() {
        return consumerGroupAssignors.get(0);
    }

    private static List<String> assignors(Object value) {
        if (value == null) {
            return List.of("uniform", "range");
        }
        List<String> names = value instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return names.stream().map(GroupCoordinatorConfig::shortAssignorName).toList();
    }

    private static String shortAssignorName(String name) {
        return switch (name) {
            case "org.apache.kafka.coordinator.group.assignor.UniformAssignor" -> "uniform";
            case "org.apache.kafka.coordinator.group.assignor.RangeAssignor" -> "range";
            default -> name;
        };
    }

    private static int intProp(Map<String, ?> props, String name, int def) {
        long v = longProp(props, name, def);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must fit in an int, got " + v);
        }
        return (int) v;
    }

    private static long longProp(Map<String, ?> props, String name, long def) {
        Object v = props.get(name);
        if (v == null) {
            return def;
        }
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got " + v, e);
        }
    }

    private static void validate(boolean ok, String message, long value) {
        if (!ok) {
            throw new IllegalArgumentException(message + ", got " + value);
        }
    }
}
