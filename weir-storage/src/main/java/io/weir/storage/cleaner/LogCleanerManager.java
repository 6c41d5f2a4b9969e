package io.weir.storage.cleaner;

import io.weir.storage.LogSegment;
import io.weir.storage.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which compacted log to clean next, and the cleaning state of each partition: where cleaning
 * stopped last (the {@code cleaner-offset-checkpoint} of each log dir), which partition is
 * being cleaned, and which are paused (truncation, deletion).
 *
 * <p>Thread-safe: one lock guards the state; the cleaner thread and the threads that pause
 * cleaning (replica fetchers, log deletion) meet here.
 */
final class LogCleanerManager {

    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    private static final Logger log = LoggerFactory.getLogger(LogCleanerManager.class);

    private enum State { IN_PROGRESS, ABORTED, PAUSED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pausedCleaning = lock.newCondition();
    private final Map<Path, OffsetCheckpointFile> checkpoints = new HashMap<>();
    private final Map<TopicPartition, State> states = new HashMap<>();
    private final Map<TopicPartition, Integer> pauseCounts = new HashMap<>();
    private final Set<TopicPartition> uncleanable = new HashSet<>();

    /** The checkpointed first dirty offsets of all logs in {@code logDirs}. */
    private Map<TopicPartition, Long> checkpointsOf(Collection<Path> logDirs) throws IOException {
        Map<TopicPartition, Long> all = new HashMap<>();
        for (Path dir : logDirs) {
            all.putAll(checkpointFile(dir).read());
        }
        return all;
    }

    private OffsetCheckpointFile checkpointFile(Path logDir) {
        return checkpoints.computeIfAbsent(logDir, d -> new OffsetCheckpointFile(d.resolve(CHECKPOINT_FILE)));
    }

    static Path logDirOf(CleanableLog cleanLog) {
        return cleanLog.dir().toAbsolutePath().getParent();
    }

    /**
     * Picks the compacted log with the highest cleanable ratio above its
     * {@code min.cleanable.dirty.ratio} (or past {@code max.compaction.lag.ms}) and marks it in
     * progress; empty if none needs cleaning.
     */
    Optional<LogToClean> grabFilthiestCompactedLog(Collection<? extends CleanableLog> logs, long nowMs)
            throws IOException {
        lock.lock();
        try {
            Set<Path> dirs = new HashSet<>();
            logs.forEach(l -> dirs.add(logDirOf(l)));
            Map<TopicPartition, Long> lastClean = checkpointsOf(dirs);
            LogToClean filthiest = null;
            for (CleanableLog candidate : logs) {
                TopicPartition tp = candidate.topicPartition();
                if (!candidate.config().compact() || states.containsKey(tp) || uncleanable.contains(tp)) {
                    continue;
                }
                LogToClean ltc = cleanableOffsets(candidate, lastClean.get(tp), nowMs);
                boolean needsCleaning = (ltc.needCompactionNow() && ltc.cleanableBytes() > 0)
                        || ltc.cleanableRatio() > candidate.config().minCleanableRatio();
                if (ltc.totalBytes() > 0 && needsCleaning
                        && (filthiest == null || ltc.cleanableRatio() > filthiest.cleanableRatio())) {
                    filthiest = ltc;
                }
            }
            if (filthiest != null) {
                states.put(filthiest.log().topicPartition(), State.IN_PROGRESS);
            }
            return Optional.ofNullable(filthiest);
        } finally {
            lock.unlock();
        }
    }

    /** Kafka's cleanable range: from the checkpoint (reset if out of range) to the first uncleanable offset. */
    static LogToClean cleanableOffsets(CleanableLog cleanLog, Long checkpoint, long nowMs) throws IOException {
        long logStart = cleanLog.logStartOffset();
        long firstDirty = checkpoint == null ? logStart : checkpoint;
        if (firstDirty < logStart || firstDirty > cleanLog.logEndOffset()) {
            if (checkpoint != null) {
                log.warn("Resetting first dirty offset of {} to log start offset {}: checkpointed offset {} is "
                        + "out of range", cleanLog.topicPartition(), logStart, checkpoint);
            }
            firstDirty = logStart;
        }
        List<LogSegment> segments = cleanLog.logSegments();
        List<LogSegment> dirtyNonActive = Segments.nonActiveFrom(segments, firstDirty);
        long firstUncleanable = Math.min(cleanLog.lastStableOffset(), segments.get(segments.size() - 1).baseOffset());
        long minLagMs = cleanLog.config().minCompactionLagMs();
        if (minLagMs > 0) {
            for (LogSegment segment : dirtyNonActive) {
                if (segment.largestTimestamp() > nowMs - minLagMs) {
                    firstUncleanable = Math.min(firstUncleanable, segment.baseOffset());
                    break;
                }
            }
        }
        boolean needCompactionNow = needCompactionNow(cleanLog, dirtyNonActive, nowMs);
        return LogToClean.of(cleanLog, firstDirty, Math.max(firstDirty, firstUncleanable), needCompactionNow);
    }

    /** Whether the oldest dirty record is older than {@code max.compaction.lag.ms}. */
    private static boolean needCompactionNow(CleanableLog cleanLog, List<LogSegment> dirtyNonActive, long nowMs) {
        long maxLagMs = cleanLog.config().maxCompactionLagMs();
        if (maxLagMs == Long.MAX_VALUE || dirtyNonActive.isEmpty()) {
            return false;
        }
        for (var batch : dirtyNonActive.get(0).log().batches()) {
            return batch.maxTimestamp() >= 0 && batch.maxTimestamp() < nowMs - maxLagMs;
        }
        return false;
    }

    /** Throws {@link LogCleaningAbortedException} if cleaning of {@code tp} was aborted. */
    void checkCleaningAborted(TopicPartition tp) {
        lock.lock();
        try {
            if (states.get(tp) == State.ABORTED) {
                throw new LogCleaningAbortedException();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the cleaning of {@code tp}: records {@code endOffset} as its new first dirty offset,
     * or, if the cleaning was aborted meanwhile, leaves the checkpoint alone and marks it paused.
     */
    void doneCleaning(TopicPartition tp, Path logDir, long endOffset, boolean completed) throws IOException {
        lock.lock();
        try {
            State state = states.get(tp);
            if (state == State.ABORTED) {
                states.put(tp, State.PAUSED);
                pauseCounts.merge(tp, 1, Integer::sum);
                pausedCleaning.signalAll();
                return;
            }
            states.remove(tp);
            if (completed) {
                updateCheckpoint(logDir, tp, endOffset);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops cleaning {@code tp} until a matching {@link #resumeCleaning}; waits for a running cleaning to stop. */
    void abortAndPauseCleaning(TopicPartition tp) throws InterruptedException {
        lock.lock();
        try {
            State state = states.get(tp);
            if (state == null) {
                states.put(tp, State.PAUSED);
                pauseCounts.put(tp, 1);
            } else if (state == State.IN_PROGRESS) {
                states.put(tp, State.ABORTED);
            } else if (state == State.PAUSED) {
                pauseCounts.merge(tp, 1, Integer::sum);
            }
            while (states.get(tp) != State.PAUSED) {
                pausedCleaning.await(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    void resumeCleaning(TopicPartition tp) {
        lock.lock();
        try {
            if (states.get(tp) != State.PAUSED) {
                throw new IllegalStateException("Cleaning of " + tp + " is not paused: " + states.get(tp));
            }
            int remaining = pauseCounts.merge(tp, -1, Integer::sum);
            if (remaining <= 0) {
                pauseCounts.remove(tp);
                states.remove(tp);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Excludes {@code tp} from cleaning until restart (an unexpected error while cleaning it). */
    void markUncleanable(TopicPartition tp) {
        lock.lock();
        try {
            uncleanable.add(tp);
        } finally {
            lock.unlock();
        }
    }

    /** The checkpoint of {@code tp} moves back to {@code offset} if the log was truncated below it. */
    void maybeTruncateCheckpoint(Path logDir, TopicPartition tp, long offset) throws IOException {
        lock.lock();
        try {
            Long current = checkpointFile(logDir).read().get(tp);
            if (current != null && current > offset) {
                updateCheckpoint(logDir, tp, offset);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code tp} (its log was deleted). */
    void removeCheckpoint(Path logDir, TopicPartition tp) throws IOException {
        lock.lock();
        try {
            OffsetCheckpointFile file = checkpointFile(logDir);
            Map<TopicPartition, Long> offsets = file.read();
            if (offsets.remove(tp) != null) {
                file.write(offsets);
            }
            uncleanable.remove(tp);
        } finally {
            lock.unlock();
        }
    }

    Optional<Long> checkpointOf(Path logDir, TopicPartition tp) throws IOException {
        lock.lock();
        try {
            return Optional.ofNullable(checkpointFile(logDir).read().get(tp));
        } finally {
            lock.unlock();
        }
    }

    private void updateCheckpoint(Path logDir, TopicPartition tp, long offset) throws IOException {
        OffsetCheckpointFile file = checkpointFile(logDir);
        Map<TopicPartition, Long> offsets = file.read();
        offsets.put(tp, offset);
        file.write(offsets);
    }
}
