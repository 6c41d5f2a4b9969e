package io.weir.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.storage.checkpoint.OffsetCheckpointFile;

/**
 * The offset checkpoint files of one log directory, with Kafka's names and format:
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and
 * {@code replication-offset-checkpoint} (high watermarks).
 *
 * <p>Thread-safe (the checkpoint files are; writes of one kind are serialized by the caller's
 * scheduler).
 */
final class LogDirCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirCheckpoints.class);

    private final Path logDir;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private final OffsetCheckpointFile highWatermarks;

    LogDirCheckpoints(Path logDir) {
        this.logDir = logDir;
        this.recoveryPoints = new OffsetCheckpointFile(logDir.resolve(LogFileNames.RECOVERY_POINT_CHECKPOINT_FILE));
        this.logStartOffsets = new OffsetCheckpointFile(logDir.resolve(LogFileNames.LOG_START_OFFSET_CHECKPOINT_FILE));
        this.highWatermarks = new OffsetCheckpointFile(logDir.resolve(LogFileNames.REPLICATION_OFFSET_CHECKPOINT_FILE));
    }

    /** Recovery points; a malformed file means "recover everything" (empty map), as in Kafka. */
    Map<TopicPartition, Long> readRecoveryPoints() {
        return readOrEmpty(recoveryPoints);
    }

    Map<TopicPartition, Long> readLogStartOffsets() {
        return readOrEmpty(logStartOffsets);
    }

    Map<TopicPartition, Long> readHighWatermarks() {
        return readOrEmpty(highWatermarks);
    }

    private Map<TopicPartition, Long> readOrEmpty(OffsetCheckpointFile file) {
        try {
            return file.read();
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable checkpoint {} of {}: {}", file.file(), logDir, e.getMessage());
            return Map.of();
        }
    }

    void writeRecoveryPoints(Iterable<Log> logs) throws IOException {
        recoveryPoints.writeIfChanged(collect(logs, Log::recoveryPoint));
    }

    void writeLogStartOffsets(Iterable<Log> logs) throws IOException {
        logStartOffsets.writeIfChanged(collect(logs, Log::logStartOffset));
    }

    void writeHighWatermarks(Iterable<Log> logs) throws IOException {
        highWatermarks.writeIfChanged(collect(logs, Log::highWatermark));
    }

    private static Map<TopicPartition, Long> collect(Iterable<Log> logs, ToLongFunction<Log> offset) {
        return java.util.stream.StreamSupport.stream(logs.spliterator(), false)
                .collect(Collectors.toMap(Log::topicPartition, offset::applyAsLong, (a, b) -> b));
    }
}
