package io.weir.broker.server;

import java.io.IOException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;
import io.weir.storage.cleaner.LogCleaner;

/**
 * What a follower's fetcher does to a {@link Partition}'s log: append replicated batches with
 * their offsets, truncate a divergent tail, start over at the leader's log start, take the
 * leader's high watermark and log start offset. Every operation runs only while the broker still
 * follows at the fetcher's leader epoch (FENCED_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER otherwise),
 * so nothing a fetcher does lands after the partition changed role.
 *
 * <p>Thread-safe: each operation holds the partition's read lock ({@link Partition#whileFollowing}).
 */
public final class FollowerLog {

    private final Partition partition;
    private final Log log;
    private final LogCleaner cleaner;

    /** @param cleaner paused while a truncation reaches into segments it may be cleaning (null: none) */
    FollowerLog(Partition partition, Log log, LogCleaner cleaner) {
        this.partition = partition;
        this.log = log;
        this.cleaner = cleaner;
    }

    /** Appends replicated batches (offsets kept). */
    public Partition.AppendResult appendRecords(MemoryRecords records, int fetcherLeaderEpoch) {
        return partition.whileFollowing(fetcherLeaderEpoch,
            error -> Partition.AppendResult.failed(error, "no longer following at leader epoch " + fetcherLeaderEpoch),
            () -> {
                LogAppendInfo info = log.appendAsFollower(records);
                return new Partition.AppendResult(info.error(), info.errorMessage(), info);
            });
    }

    /** Truncation of a divergent tail to {@code offset} (no-op at or past the LEO). */
    public Errors truncateTo(long offset, int fetcherLeaderEpoch) {
        return partition.whileFollowing(fetcherLeaderEpoch, error -> error, () -> {
            long end = log.logEndOffset();
            if (offset >= end) {
                // Nothing to cut, but an epoch this broker assigned at its end as a leader that then
                // wrote nothing must go, or the next OffsetsForLeaderEpoch round asks about it again
                // (Kafka's UnifiedLog.truncateTo does the same).
                log.leaderEpochCache().truncateFromEnd(end);
                return Errors.NONE;
            }
            return withCleanerPaused(offset < log.activeSegment().baseOffset(), () -> log.truncateTo(offset));
        });
    }

    /** Behind the leader's log start: empties the log and restarts it at {@code offset}. */
    public Errors truncateFullyAndStartAt(long offset, int fetcherLeaderEpoch) {
        return partition.whileFollowing(fetcherLeaderEpoch, error -> error,
            () -> withCleanerPaused(true, () -> log.truncateFullyAndStartAt(offset)));
    }

    /**
     * HW = min(leader's HW, own LEO); the log start follows the leader's when it moved (never past
     * the HW).
     */
    public Errors updateOffsets(long leaderHighWatermark, long leaderLogStartOffset, int fetcherLeaderEpoch) {
        return partition.whileFollowing(fetcherLeaderEpoch, error -> error, () -> {
            if (leaderHighWatermark >= 0) {
                log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
            }
            long newStart = Math.min(leaderLogStartOffset, log.highWatermark());
            if (newStart > log.logStartOffset()) {
                log.maybeIncrementLogStartOffset(newStart);
            }
            return Errors.NONE;
        });
    }

    /**
     * Kafka's LogManager.truncateTo: truncating into segments the cleaner may be working on
     * pauses it first and moves its checkpoint back after, so it never swaps in segments cleaned
     * from data that is gone.
     */
    private Errors withCleanerPaused(boolean pause, Runnable truncation) {
        if (!pause || cleaner == null) {
            truncation.run();
            return Errors.NONE;
        }
        TopicPartition tp = partition.topicPartition();
        try {
            cleaner.abortAndPauseCleaning(tp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        try {
            truncation.run();
            cleaner.maybeTruncateCheckpoint(log.parentDir(), tp, log.activeSegment().baseOffset());
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot move the cleaner checkpoint of " + tp, e);
        } finally {
            cleaner.resumeCleaning(tp);
        }
        return Errors.NONE;
    }
}
