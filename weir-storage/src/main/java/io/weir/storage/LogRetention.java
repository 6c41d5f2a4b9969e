package io.weir.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paths of a {@link Log} that remove data: truncation (follower), retention by time and
 * size, log start offset moves (DeleteRecords), and the cleaner's segment replacement.
 * Removed segments are renamed {@code .deleted} at once and deleted after
 * {@code file.delete.delay.ms}, so that a reader still holding them finishes its read.
 *
 * <p>Threading: every method takes the log's lock.
 */
final class LogRetention {

    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);

    /** Decides whether a segment (with the one after it, if any) may be deleted. */
    @FunctionalInterface
    private interface SegmentPredicate {
        boolean test(LogSegment segment, Optional<LogSegment> next) throws IOException;
    }

    private final Log log;

    LogRetention(Log log) {
        this.log = log;
    }

    boolean truncateTo(long targetOffset) {
        if (targetOffset < 0) {
            throw new IllegalArgumentException("Cannot truncate " + log + " to a negative offset " + targetOffset);
        }
        log.lock.lock();
        try {
            if (targetOffset >= log.logEndOffset()) {
                return false;
            }
            return log.withIOHandling("Error truncating " + log.dir(), () -> {
                log.checkNotClosed();
                LogSegment first = log.segments.firstSegment().orElseThrow();
                if (first.baseOffset() > targetOffset) {
                    truncateFullyLocked(targetOffset);
                } else {
                    truncateLocked(targetOffset);
                }
                return true;
            });
        } finally {
            log.lock.unlock();
        }
    }

    private void truncateLocked(long targetOffset) throws IOException {
        List<LogSegment> removed = new ArrayList<>(log.segments.snapshot().tailMap(targetOffset, false).values());
        removeSegments(removed);
        LogSegment active = log.segments.activeSegment();
        active.truncateTo(targetOffset);
        active.resizeIndexes(log.config().maxIndexSize());
        long newEnd = active.readNextOffset();
        log.nextOffsetMetadata = new LogOffsetMetadata(newEnd, active.baseOffset(), active.size());
        log.leaderEpochCache.truncateFromEnd(newEnd);
        log.recoveryPoint = Math.min(log.recoveryPoint, newEnd);
        log.logStartOffset = Math.min(log.logStartOffset, newEnd);
        log.clampHighWatermark();
        log.appender.rebuildProducerState(newEnd);
        LOG.info("Truncated {} to {}", log.dir(), newEnd);
    }

    void truncateFullyAndStartAt(long newOffset) {
        log.lock.lock();
        try {
            log.withIOHandling("Error truncating " + log.dir(), () -> {
                log.checkNotClosed();
                truncateFullyLocked(newOffset);
                return null;
            });
        } finally {
            log.lock.unlock();
        }
    }

    private void truncateFullyLocked(long newOffset) throws IOException {
        List<LogSegment> others = new ArrayList<>();
        for (LogSegment segment : log.segments.values()) {
            if (segment.baseOffset() == newOffset) {
                // The new segment takes these file names: delete at once rather than rename.
                log.segments.remove(segment);
                segment.deleteIfExists();
            } else {
                others.add(segment);
            }
        }
        removeSegments(others);
        LogSegment fresh = LogSegment.open(log.dir(), newOffset, log.config(), log.time, "",
                log.config().preallocate());
        log.segments.add(fresh);
        log.nextOffsetMetadata = new LogOffsetMetadata(newOffset, newOffset, 0);
        log.logStartOffset = newOffset;
        log.recoveryPoint = newOffset;
        log.clampHighWatermark();
        log.leaderEpochCache.clearAndFlush();
        log.producerStateManager.truncateFullyAndStartAt(newOffset);
        LOG.info("Truncated {} fully, it now starts at {}", log.dir(), newOffset);
    }

    boolean maybeIncrementLogStartOffset(long newLogStartOffset) {
        log.lock.lock();
        try {
            if (newLogStartOffset > log.highWatermark()) {
                throw new OffsetOutOfRangeException("Cannot increment the log start offset of " + log.topicPartition()
                        + " to " + newLogStartOffset + ": it is above the high watermark " + log.highWatermark());
            }
            if (newLogStartOffset <= log.logStartOffset) {
                return false;
            }
            return log.withIOHandling("Error moving the log start offset of " + log.dir(), () -> {
                log.checkNotClosed();
                log.logStartOffset = newLogStartOffset;
                log.leaderEpochCache.truncateFromStart(newLogStartOffset);
                log.producerStateManager.onLogStartOffsetIncremented(newLogStartOffset);
                deleteSegmentsLocked((segment, next) -> next.isPresent()
                        && next.get().baseOffset() <= log.logStartOffset);
                return true;
            });
        } finally {
            log.lock.unlock();
        }
    }

    int deleteOldSegments() {
        log.lock.lock();
        try {
            return log.withIOHandling("Error deleting old segments of " + log.dir(), () -> {
                log.checkNotClosed();
                LogConfig config = log.config();
                int deleted = deleteSegmentsLocked((segment, next) -> next.isPresent()
                        && next.get().baseOffset() <= log.logStartOffset);
                if (config.delete()) {
                    deleted += deleteRetentionMsBreached(config);
                    deleted += deleteRetentionSizeBreached(config);
                }
                return deleted;
            });
        } finally {
            log.lock.unlock();
        }
    }

    private int deleteRetentionMsBreached(LogConfig config) throws IOException {
        if (config.retentionMs() < 0) {
            return 0;
        }
        long nowMs = log.time.milliseconds();
        return deleteSegmentsLocked((segment, next) -> nowMs - segment.largestTimestamp() > config.retentionMs());
    }

    private int deleteRetentionSizeBreached(LogConfig config) throws IOException {
        if (config.retentionBytes() < 0 || log.size() < config.retentionBytes()) {
            return 0;
        }
        long[] excess = {log.size() - config.retentionBytes()};
        return deleteSegmentsLocked((segment, next) -> {
            if (excess[0] - segment.size() >= 0) {
                excess[0] -= segment.size();
                return true;
            }
            return false;
        });
    }

    /**
     * Deletes segments from the oldest while {@code predicate} holds and the segment lies
     * wholly below the high watermark; a non-empty active segment that qualifies is rolled
     * first, so the log always keeps one segment.
     */
    private int deleteSegmentsLocked(SegmentPredicate predicate) throws IOException {
        List<LogSegment> deletable = new ArrayList<>();
        List<LogSegment> all = log.segments.values();
        long highWatermark = log.highWatermark();
        for (int i = 0; i < all.size(); i++) {
            LogSegment segment = all.get(i);
            Optional<LogSegment> next = i + 1 < all.size() ? Optional.of(all.get(i + 1)) : Optional.empty();
            long upperBound = next.map(LogSegment::baseOffset).orElse(log.logEndOffset());
            boolean lastAndEmpty = next.isEmpty() && segment.size() == 0;
            if (highWatermark >= upperBound && !lastAndEmpty && predicate.test(segment, next)) {
                deletable.add(segment);
            } else {
                break;
            }
        }
        if (deletable.isEmpty()) {
            return 0;
        }
        if (deletable.get(deletable.size() - 1) == log.segments.activeSegment()) {
            log.appender.rollLocked(log.logEndOffset());
        }
        removeSegments(deletable);
        long newStart = log.segments.firstSegment().orElseThrow().baseOffset();
        if (newStart > log.logStartOffset) {
            log.logStartOffset = newStart;
            log.leaderEpochCache.truncateFromStart(newStart);
            log.producerStateManager.onLogStartOffsetIncremented(newStart);
        }
        log.producerStateManager.deleteSnapshotsBefore(log.segments.firstSegment().orElseThrow().baseOffset());
        LOG.debug("Deleted {} segments of {}, log start offset now {}", deletable.size(), log.dir(),
            log.logStartOffset);
        return deletable.size();
    }

    /** Takes segments out of the map, renames them {@code .deleted} and schedules their deletion. */
    private void removeSegments(List<LogSegment> removed) throws IOException {
        if (removed.isEmpty()) {
            return;
        }
        log.segments.replace(removed, List.of());
        for (LogSegment segment : removed) {
            segment.changeFileSuffixes("", LogFileNames.DELETED_FILE_SUFFIX);
        }
        log.scheduleDeletion(removed);
    }

    void replaceSegments(List<LogSegment> newSegments, List<LogSegment> oldSegments) {
        log.lock.lock();
        try {
            log.withIOHandling("Error replacing segments of " + log.dir(), () -> {
                log.checkNotClosed();
                replaceLocked(newSegments, oldSegments);
                return null;
            });
        } finally {
            log.lock.unlock();
        }
    }

    private void replaceLocked(List<LogSegment> newSegments, List<LogSegment> oldSegments) throws IOException {
        for (LogSegment segment : newSegments) {
            segment.flush();
            segment.changeFileSuffixes(LogFileNames.CLEANED_FILE_SUFFIX, LogFileNames.SWAP_FILE_SUFFIX);
        }
        List<LogSegment> stillPresent = new ArrayList<>();
        for (LogSegment old : oldSegments) {
            if (log.segments.snapshot().get(old.baseOffset()) == old) {
                stillPresent.add(old);
            }
        }
        log.segments.replace(stillPresent, newSegments);
        List<LogSegment> renamed = new ArrayList<>();
        for (LogSegment old : stillPresent) {
            old.changeFileSuffixes("", LogFileNames.DELETED_FILE_SUFFIX);
            renamed.add(old);
        }
        log.scheduleDeletion(renamed);
        for (LogSegment segment : newSegments) {
            segment.changeFileSuffixes(LogFileNames.SWAP_FILE_SUFFIX, "");
            if (segment != log.segments.activeSegment()) {
                segment.seal();
            }
        }
    }
}
