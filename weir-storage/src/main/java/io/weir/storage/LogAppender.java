package io.weir.storage;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.storage.checkpoint.AtomicFileWriter;
import io.weir.storage.state.ProducerAppendSession;
import io.weir.storage.state.SequenceCheck;

/**
 * The write path of a {@link Log}: leader and follower appends, segment roll, flush, and the
 * replay that rebuilds producer state from the log.
 *
 * <p>Threading: every mutation runs under the log's lock; {@link #flush} does its fsyncs
 * outside the lock and takes it only to move the recovery point.
 */
final class LogAppender {

    private static final Logger LOG = LoggerFactory.getLogger(LogAppender.class);

    private final Log log;

    LogAppender(Log log) {
        this.log = log;
    }

    LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin) {
        long nowMs = log.time.milliseconds();
        LogConfig config = log.config();
        LogValidator.Validated validated = LogValidator.validateForLeader(records, config, nowMs,
                origin == AppendOrigin.CLIENT, log.logStartOffset);
        if (validated.failed()) {
            return validated.failure();
        }
        log.lock.lock();
        try {
            return log.withIOHandling("Error appending to " + log.dir(),
                    () -> appendLeaderLocked(validated, leaderEpoch, config, nowMs));
        } finally {
            log.lock.unlock();
        }
    }

    private LogAppendInfo appendLeaderLocked(LogValidator.Validated validated, int leaderEpoch, LogConfig config,
                                             long nowMs) throws IOException {
        log.checkNotClosed();
        long firstOffset = log.logEndOffset();
        if (validated.batches().isEmpty()) {
            return emptyAppend(firstOffset);
        }
        ProducerAppendSession session = log.producerStateManager.beginAppend(true);
        long nextOffset = firstOffset;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : validated.batches()) {
            SequenceCheck check = session.check(batch);
            if (check.isDuplicate()) {
                return LogAppendInfo.duplicateOf(check.duplicateFirstOffset(), check.duplicateLastOffset(),
                        check.duplicateTimestamp(), log.logStartOffset);
            }
            if (!check.ok()) {
                return LogAppendInfo.failed(check.error(), check.message(), log.logStartOffset);
            }
            nextOffset = LogValidator.assignOffsets(batch, nextOffset, leaderEpoch, config, nowMs);
            session.appended(batch);
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
        }
        write(validated.records(), firstOffset, nextOffset - 1, maxTimestamp, nowMs);
        session.commit();
        if (leaderEpoch >= 0) {
            log.leaderEpochCache.assign(leaderEpoch, firstOffset);
        }
        maybeFlush(config);
        long appendTime = config.messageTimestampType() == TimestampType.LOG_APPEND_TIME ? nowMs : -1L;
        return new LogAppendInfo(firstOffset, nextOffset - 1, maxTimestamp, appendTime, log.logStartOffset,
                validated.validBytes(), validated.numMessages(), false, Errors.NONE, null, List.of());
    }

    private LogAppendInfo emptyAppend(long logEndOffset) {
        return new LogAppendInfo(logEndOffset, logEndOffset - 1, RecordBatch.NO_TIMESTAMP, -1L,
                log.logStartOffset, 0, 0, false, Errors.NONE, null, List.of());
    }

    LogAppendInfo appendAsFollower(MemoryRecords records) {
        log.lock.lock();
        try {
            return log.withIOHandling("Error appending to " + log.dir(), () -> appendFollowerLocked(records));
        } finally {
            log.lock.unlock();
        }
    }

    private LogAppendInfo appendFollowerLocked(MemoryRecords records) throws IOException {
        log.checkNotClosed();
        LogValidator.Validated validated = LogValidator.validateForFollower(records, log.logEndOffset(),
                log.logStartOffset);
        if (validated.failed()) {
            return validated.failure();
        }
        if (validated.batches().isEmpty()) {
            return emptyAppend(log.logEndOffset());
        }
        ProducerAppendSession session = log.producerStateManager.beginAppend(false);
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : validated.batches()) {
            session.appended(batch);
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
        }
        List<MutableRecordBatch> batches = validated.batches();
        long firstOffset = batches.get(0).baseOffset();
        long lastOffset = batches.get(batches.size() - 1).lastOffset();
        write(validated.records(), firstOffset, lastOffset, maxTimestamp, log.time.milliseconds());
        session.commit();
        for (MutableRecordBatch batch : batches) {
            if (batch.partitionLeaderEpoch() >= 0) {
                log.leaderEpochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
        }
        maybeFlush(log.config());
        return new LogAppendInfo(firstOffset, lastOffset, maxTimestamp, -1L, log.logStartOffset,
                validated.validBytes(), validated.numMessages(), false, Errors.NONE, null, List.of());
    }

    /** Rolls if due, appends to the active segment and publishes the new log end offset. */
    private void write(MemoryRecords records, long firstOffset, long lastOffset, long maxTimestamp, long nowMs)
            throws IOException {
        LogSegment segment = log.segments.activeSegment();
        if (segment.shouldRoll(log.config(), records.sizeInBytes(), maxTimestamp, lastOffset, nowMs)) {
            segment = rollLocked(Math.max(firstOffset, log.logEndOffset()));
        }
        segment.append(lastOffset, records);
        log.nextOffsetMetadata = new LogOffsetMetadata(lastOffset + 1, segment.baseOffset(), segment.size());
    }

    private void maybeFlush(LogConfig config) {
        if (log.unflushedMessages() >= config.flushInterval()) {
            long end = log.logEndOffset();
            flushSegments(end);
            moveRecoveryPoint(end);
        }
    }

    LogSegment roll() {
        log.lock.lock();
        try {
            return log.withIOHandling("Error rolling " + log.dir(), () -> {
                log.checkNotClosed();
                return rollLocked(log.logEndOffset());
            });
        } finally {
            log.lock.unlock();
        }
    }

    /**
     * Makes a new active segment at {@code newBaseOffset} (at least the log end offset). An
     * empty active segment is reused if it already starts there, or replaced if it starts lower.
     */
    LogSegment rollLocked(long newBaseOffset) throws IOException {
        LogSegment active = log.segments.activeSegment();
        long base = Math.max(newBaseOffset, log.logEndOffset());
        if (active.baseOffset() == base) {
            return active;
        }
        if (active.size() == 0) {
            log.segments.remove(active);
            active.deleteIfExists();
        } else {
            active.onBecomeInactiveSegment();
        }
        log.producerStateManager.updateMapEndOffset(base);
        // Not fsynced under the lock, where it would stall every append (and the network thread
        // that runs them) for two fsyncs; the flush below makes it durable before the recovery
        // point passes it.
        Optional<Path> snapshot = log.producerStateManager.takeSnapshot(false);
        LogSegment segment = LogSegment.open(log.dir(), base, log.config(), log.time, "", log.config().preallocate());
        log.segments.add(segment);
        log.nextOffsetMetadata = new LogOffsetMetadata(base, base, 0);
        LOG.debug("Rolled new segment {} of {}", base, log.dir());
        log.scheduler.scheduleOnce("flush-log-" + log.topicPartition(), () -> flushQuietly(snapshot, base), 0L);
        return segment;
    }

    private void flushQuietly(Optional<Path> snapshot, long upToOffsetExclusive) {
        try {
            if (snapshot.isPresent()) {
                log.withIOHandling("Error flushing " + snapshot.get(), () -> {
                    AtomicFileWriter.flushFile(snapshot.get());
                    return null;
                });
            }
            flush(upToOffsetExclusive);
        } catch (RuntimeException e) {
            LOG.warn("Flush of {} up to {} failed", log.dir(), upToOffsetExclusive, e);
        }
    }

    void flush(long upToOffsetExclusive) {
        if (upToOffsetExclusive <= log.recoveryPoint || log.isClosed()) {
            return;
        }
        log.withIOHandling("Error flushing " + log.dir(), () -> {
            flushSegments(upToOffsetExclusive);
            return null;
        });
        log.lock.lock();
        try {
            moveRecoveryPoint(upToOffsetExclusive);
        } finally {
            log.lock.unlock();
        }
    }

    /**
     * Fsyncs the segments below {@code upToOffsetExclusive} and the directory. A segment closed
     * meanwhile (deleted, or the log closed) is skipped rather than taken for a disk failure.
     */
    private void flushSegments(long upToOffsetExclusive) {
        log.withIOHandling("Error flushing " + log.dir(), () -> {
            try {
                for (LogSegment segment : log.segments.values(log.recoveryPoint, upToOffsetExclusive)) {
                    try {
                        segment.flush();
                    } catch (ClosedChannelException e) {
                        LOG.debug("Segment {} was closed while flushing", segment);
                    }
                }
                try (FileChannel dirChannel = FileChannel.open(log.dir(), StandardOpenOption.READ)) {
                    dirChannel.force(true);
                }
            } catch (IOException e) {
                if (!log.isClosed()) {
                    throw e;
                }
            }
            return null;
        });
    }

    private void moveRecoveryPoint(long upToOffsetExclusive) {
        long target = Math.min(upToOffsetExclusive, log.logEndOffset());
        if (target > log.recoveryPoint) {
            log.recoveryPoint = target;
        }
        log.lastFlushedMs = log.time.milliseconds();
    }

    /**
     * Brings producer state to {@code logEndOffset}: reload from the newest usable snapshot,
     * then replay the batches after it. Caller holds the lock (or owns the log while loading).
     */
    void rebuildProducerState(long logEndOffset) throws IOException {
        long nowMs = log.time.milliseconds();
        log.producerStateManager.truncateAndReload(log.logStartOffset, logEndOffset, nowMs);
        long from = log.producerStateManager.mapEndOffset();
        for (LogSegment segment : log.segments.values(from, logEndOffset)) {
            int position = segment.offsetIndex().lookup(from).position();
            for (FileChannelRecordBatch batch : segment.log().batchesFrom(position)) {
                if (batch.lastOffset() >= from && batch.baseOffset() < logEndOffset) {
                    log.producerStateManager.replay(batch);
                }
            }
        }
        log.producerStateManager.updateMapEndOffset(logEndOffset);
    }
}
