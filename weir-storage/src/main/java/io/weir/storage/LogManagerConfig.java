package io.weir.storage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/**
 * The broker settings of the {@link LogManager}, with Kafka's names and defaults; validated on
 * construction. Immutable.
 *
 * @param logDirs                              {@code log.dirs}
 * @param topicDefaults                        topic config defaults (from server.properties)
 * @param numRecoveryThreadsPerDataDir         {@code num.recovery.threads.per.data.dir} (1)
 * @param retentionCheckIntervalMs             {@code log.retention.check.interval.ms} (300000)
 * @param flushSchedulerIntervalMs             {@code log.flush.scheduler.interval.ms} (Long.MAX: never)
 * @param flushRecoveryPointCheckpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms} (60000)
 * @param flushStartOffsetCheckpointIntervalMs {@code log.flush.start.offset.checkpoint.interval.ms} (60000)
 * @param highWatermarkCheckpointIntervalMs    {@code replica.high.watermark.checkpoint.interval.ms} (5000)
 * @param fileDeleteDelayMs                    {@code log.segment.delete.delay.ms} (60000), for deleted partitions
 * @param producerIdExpirationMs               {@code producer.id.expiration.ms} (86400000)
 * @param producerIdExpirationCheckIntervalMs  {@code producer.id.expiration.check.interval.ms} (600000)
 */
public record LogManagerConfig(List<Path> logDirs, LogConfig topicDefaults, int numRecoveryThreadsPerDataDir,
                               long retentionCheckIntervalMs, long flushSchedulerIntervalMs,
                               long flushRecoveryPointCheckpointIntervalMs, long flushStartOffsetCheckpointIntervalMs,
                               long highWatermarkCheckpointIntervalMs, long fileDeleteDelayMs,
                               long producerIdExpirationMs, long producerIdExpirationCheckIntervalMs) {

    public LogManagerConfig {
        logDirs = logDirs.stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
        require(!logDirs.isEmpty(), "log.dirs", logDirs, "must name at least one directory");
        require(numRecoveryThreadsPerDataDir >= 1, "num.recovery.threads.per.data.dir",
                numRecoveryThreadsPerDataDir, "must be at least 1");
        require(retentionCheckIntervalMs >= 1, "log.retention.check.interval.ms", retentionCheckIntervalMs,
                "must be at least 1");
        require(flushSchedulerIntervalMs >= 1, "log.flush.scheduler.interval.ms", flushSchedulerIntervalMs,
                "must be at least 1");
        require(flushRecoveryPointCheckpointIntervalMs >= 1, "log.flush.offset.checkpoint.interval.ms",
                flushRecoveryPointCheckpointIntervalMs, "must be at least 1");
        require(flushStartOffsetCheckpointIntervalMs >= 1, "log.flush.start.offset.checkpoint.interval.ms",
                flushStartOffsetCheckpointIntervalMs, "must be at least 1");
        require(highWatermarkCheckpointIntervalMs >= 1, "replica.high.watermark.checkpoint.interval.ms",
                highWatermarkCheckpointIntervalMs, "must be at least 1");
        require(fileDeleteDelayMs >= 0, "log.segment.delete.delay.ms", fileDeleteDelayMs, "must not be negative");
        require(producerIdExpirationMs >= 1, "producer.id.expiration.ms", producerIdExpirationMs,
                "must be at least 1");
        require(producerIdExpirationCheckIntervalMs >= 1, "producer.id.expiration.check.interval.ms",
                producerIdExpirationCheckIntervalMs, "must be at least 1");
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new ConfigException(name, value, rule);
        }
    }

    /** Kafka's defaults for everything but the directories. */
    public static LogManagerConfig defaults(List<Path> logDirs) {
        return new LogManagerConfig(logDirs, LogConfig.defaults(), 1, 300_000L, Long.MAX_VALUE, 60_000L, 60_000L,
                5_000L, 60_000L, 86_400_000L, 600_000L);
    }

    /** From server.properties: {@code log.dirs} (or {@code log.dir}), the log.* topic defaults and intervals. */
    public static LogManagerConfig fromBrokerProps(Map<String, String> props) {
        String dirs = props.getOrDefault("log.dirs", props.getOrDefault("log.dir", "/tmp/kafka-logs"));
        List<Path> logDirs = Arrays.stream(dirs.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Path::of).toList();
        LogConfig topicDefaults = LogConfig.fromProps(LogConfig.topicDefaultsFromBrokerProps(props), Map.of());
        return new LogManagerConfig(logDirs, topicDefaults,
                intProp(props, "num.recovery.threads.per.data.dir", 1),
                longProp(props, "log.retention.check.interval.ms", 300_000L),
                longProp(props, "log.flush.scheduler.interval.ms", Long.MAX_VALUE),
                longProp(props, "log.flush.offset.checkpoint.interval.ms", 60_000L),
                longProp(props, "log.flush.start.offset.checkpoint.interval.ms", 60_000L),
                longProp(props, "replica.high.watermark.checkpoint.interval.ms", 5_000L),
                longProp(props, "log.segment.delete.delay.ms", 60_000L),
                longProp(props, "producer.id.expiration.ms", 86_400_000L),
                longProp(props, "producer.id.expiration.check.interval.ms", 600_000L));
    }

    private static long longProp(Map<String, String> props, String name, long defaultValue) {
        String raw = props.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "not a number");
        }
    }

    private static int intProp(Map<String, String> props, String name, int defaultValue) {
        long value = longProp(props, name, defaultValue);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new ConfigException(name, value, "out of range for an int");
        }
        return (int) value;
    }
}
