package io.weir.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Scheduler;
import io.weir.common.Time;
import io.weir.storage.epoch.LeaderEpochFileCache;
import io.weir.storage.epoch.OffsetAndEpoch;
import io.weir.storage.state.ProducerStateEntry;
import io.weir.storage.state.ProducerStateManager;

/**
 * The log of one partition: a directory {@code <topic>-<partition>} of {@link LogSegment}s,
 * with its producer state, leader epoch cache and {@code partition.metadata}.
 *
 * <p>Threading: appends, truncation, roll, retention and segment replacement are serialized by
 * one lock. Reads ({@link #read}, offset and timestamp lookups, accessors) take no lock: they
 * work on a volatile snapshot of the segment map and of the log end offset (with its segment
 * position), so they only ever see whole batches that were completely appended.
 *
 * <p>Errors: expected append failures are {@link LogAppendInfo} values. An I/O error marks the
 * log directory offline in the {@link LogDirFailureChannel} and is thrown as
 * {@link KafkaStorageException}; once offline, every mutation fails the same way.
 */
public final class Log {

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);

    final ReentrantLock lock = new ReentrantLock();
    private final TopicPartition topicPartition;
    private final Path parentDir;
    final Time time;
    final Scheduler scheduler;
    private final LogDirFailureChannel failureChannel;
    final LogSegments segments;
    final ProducerStateManager producerStateManager;
    final LeaderEpochFileCache leaderEpochCache;
    private final PartitionMetadataFile partitionMetadataFile;
    final LogAppender appender;
    private final LogRetention retention;
    private volatile Path dir;
    private volatile LogConfig config;
    private volatile Uuid topicId;
    volatile LogOffsetMetadata nextOffsetMetadata;
    volatile long logStartOffset;
    private volatile long highWatermark;
    volatile long recoveryPoint;
    volatile long lastFlushedMs;
    private volatile boolean closed;

    private Log(Path dir, TopicPartition topicPartition, LogConfig config, LogLoader.Loaded loaded,
                ProducerStateManager producerStateManager, LeaderEpochFileCache leaderEpochCache, Time time,
                Scheduler scheduler, LogDirFailureChannel failureChannel) {
        this.dir = dir;
        this.parentDir = dir.toAbsolutePath().normalize().getParent();
        this.topicPartition = topicPartition;
        this.config = config;
        this.segments = loaded.segments();
        this.logStartOffset = loaded.logStartOffset();
        this.recoveryPoint = loaded.recoveryPoint();
        this.producerStateManager = producerStateManager;
        this.leaderEpochCache = leaderEpochCache;
        this.time = time;
        this.scheduler = scheduler;
        this.failureChannel = failureChannel;
        this.partitionMetadataFile = new PartitionMetadataFile(dir.resolve(LogFileNames.PARTITION_METADATA_FILE));
        this.lastFlushedMs = time.milliseconds();
        LogSegment active = segments.activeSegment();
        for (LogSegment segment : segments.values()) {
            if (segment != active) {
                segment.seal();
            }
        }
        this.nextOffsetMetadata = new LogOffsetMetadata(loaded.nextOffset(), active.baseOffset(), active.size());
        this.highWatermark = loaded.logStartOffset();
        this.appender = new LogAppender(this);
        this.retention = new LogRetention(this);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering it unless
     * {@code hadCleanShutdown}; the offsets are the checkpointed values (0 if unknown).
     *
     * @throws KafkaStorageException on an I/O error (the log dir is then offline)
     */
    public static Log open(Path dir, LogConfig config, long logStartOffset, long recoveryPoint,
                           boolean hadCleanShutdown, Time time, Scheduler scheduler, long producerIdExpirationMs,
                           LogDirFailureChannel failureChannel) {
        TopicPartition tp = LogFileNames.parseTopicPartition(dir.getFileName().toString());
        if (tp == null) {
            throw new IllegalArgumentException("Not a partition directory name: " + dir);
        }
        try {
            Files.createDirectories(dir);
            LeaderEpochFileCache epochs = new LeaderEpochFileCache(dir.resolve(LogFileNames.LEADER_EPOCH_CHECKPOINT_FILE));
            ProducerStateManager producers = new ProducerStateManager(dir, producerIdExpirationMs, time);
            LogLoader.Loaded loaded = new LogLoader(dir, config, time, epochs)
                    .load(logStartOffset, recoveryPoint, hadCleanShutdown);
            Log log = new Log(dir, tp, config, loaded, producers, epochs, time, scheduler, failureChannel);
            log.completeLoad(hadCleanShutdown);
            return log;
        } catch (IOException | UncheckedIOException e) {
            String message = "Error while loading log " + dir;
            failureChannel.maybeAddOfflineLogDir(dir.toAbsolutePath().normalize().getParent(), message,
                    asIOException(e));
            throw new KafkaStorageException(message, e);
        } catch (KafkaException e) {
            if (!(e instanceof KafkaStorageException) && !(e.getCause() instanceof IOException)) {
                throw e;
            }
            String message = "Error while loading log " + dir;
            failureChannel.maybeAddOfflineLogDir(dir.toAbsolutePath().normalize().getParent(), message,
                    asIOException(e));
            throw e instanceof KafkaStorageException ks ? ks : new KafkaStorageException(message, e);
        }
    }

    private void completeLoad(boolean hadCleanShutdown) throws IOException {
        long leo = logEndOffset();
        leaderEpochCache.truncateFromEnd(leo);
        leaderEpochCache.truncateFromStart(logStartOffset);
        List<Long> bases = new ArrayList<>(segments.snapshot().keySet());
        producerStateManager.removeStraySnapshots(bases);
        appender.rebuildProducerState(leo);
        if (!hadCleanShutdown) {
            producerStateManager.takeSnapshot();
        }
        topicId = partitionMetadataFile.read().orElse(null);
        LOG.info("Loaded log {} with {} segments, log start offset {}, log end offset {}, recovery point {}",
                dir, segments.size(), logStartOffset, leo, recoveryPoint);
    }

    // ---- appends ----

    /** {@link #appendAsLeader(MemoryRecords, int, AppendOrigin)} for a client produce request. */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, AppendOrigin.CLIENT);
    }

    /**
     * Validates the batches, checks producer sequences, assigns offsets from the log end offset
     * in place, stamps the leader epoch (and the time for LogAppendTime topics), rolls a new
     * segment if due, and appends. On any error the log is unchanged; a duplicate idempotent
     * batch is answered with its original offsets and not written again.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, AppendOrigin origin) {
        return appender.appendAsLeader(records, leaderEpoch, origin);
    }

    /**
     * Appends replicated batches with their offsets, which must start at or after the log end
     * offset and increase; records the leader epochs of the batches in the epoch cache.
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        return appender.appendAsFollower(records);
    }

    // ---- reads (lock-free) ----

    /**
     * Reads whole batches from the one holding {@code startOffset}: at most {@code maxBytes}
     * (but at least the first batch if {@code minOneMessage}), only batches whose last offset
     * is below {@code maxOffsetExclusive} (the high watermark for consumers, the log end offset
     * for followers). Reading at the log end offset returns no records. An offset below the log
     * start offset or above the log end offset gives {@code Errors.OFFSET_OUT_OF_RANGE} in the
     * result (no exception).
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        return readFromDisk("Error reading",
                () -> LogReader.read(this, startOffset, maxBytes, maxOffsetExclusive, minOneMessage));
    }

    /** Read-path I/O errors mark the dir offline too, unless the log was closed under the reader. */
    private <T> T readFromDisk(String what, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (KafkaException e) {
            if (closed) {
                throw new KafkaStorageException("Log " + dir + " was closed during the read", e);
            }
            return withIOHandling(what + " " + dir, () -> {
                throw e;
            });
        }
    }

    /**
     * The offset for a ListOffsets timestamp: EARLIEST (-2) and EARLIEST_LOCAL (-4) give the log
     * start offset, LATEST (-1) the log end offset (the broker caps it at the high watermark for
     * consumers), MAX (-3) the record with the largest timestamp, and a real timestamp the first
     * record whose timestamp is at or after it (empty if there is none).
     */
    public Optional<FileRecords.TimestampAndOffset> fetchOffsetByTimestamp(long timestamp) {
        return readFromDisk("Error searching", () -> LogReader.fetchOffsetByTimestamp(this, timestamp));
    }

    // ---- truncation and retention ----

    /**
     * Removes every batch from the one holding {@code targetOffset} on (follower truncation).
     *
     * @return whether anything was removed
     */
    public boolean truncateTo(long targetOffset) {
        return retention.truncateTo(targetOffset);
    }

    /** Deletes every segment and restarts the log empty at {@code newOffset}. */
    public void truncateFullyAndStartAt(long newOffset) {
        retention.truncateFullyAndStartAt(newOffset);
    }

    /**
     * Moves the log start offset forward (DeleteRecords) and deletes the segments that end at
     * or before it.
     *
     * @return whether the log start offset moved
     * @throws OffsetOutOfRangeException if {@code newLogStartOffset} is above the high watermark
     */
    public boolean maybeIncrementLogStartOffset(long newLogStartOffset) {
        return retention.maybeIncrementLogStartOffset(newLogStartOffset);
    }

    /**
     * Deletes the segments that are past retention ({@code retention.ms} by each segment's
     * largest timestamp, {@code retention.bytes}) or below the log start offset; only whole
     * segments below the high watermark, rolling the active segment first if it must go.
     *
     * @return the number of segments deleted
     */
    public int deleteOldSegments() {
        return retention.deleteOldSegments();
    }

    /** Starts a new active segment at the log end offset (no-op if the active segment is empty). */
    public LogSegment roll() {
        return appender.roll();
    }

    /**
     * Flushes the segments holding offsets below {@code upToOffsetExclusive} to disk and moves
     * the recovery point there.
     */
    public void flush(long upToOffsetExclusive) {
        appender.flush(upToOffsetExclusive);
    }

    /**
     * Replaces {@code oldSegments} with {@code newSegments} (written by the cleaner with the
     * {@code .cleaned} suffix) crash-safely: {@code .cleaned} to {@code .swap}, swap into the
     * segment map, old files to {@code .deleted}, {@code .swap} to live names. A crash at any
     * point is finished or rolled back by recovery.
     */
    public void replaceSegments(List<LogSegment> newSegments, List<LogSegment> oldSegments) {
        retention.replaceSegments(newSegments, oldSegments);
    }

    // ---- accessors ----

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public Path parentDir() {
        return parentDir;
    }

    public Optional<Uuid> topicId() {
        return Optional.ofNullable(topicId);
    }

    /** Records the topic id in {@code partition.metadata}. */
    public void assignTopicId(Uuid id) {
        if (id.equals(topicId)) {
            return;
        }
        if (topicId != null) {
            throw new org.apache.kafka.common.errors.InconsistentTopicIdException("Log " + dir
                    + " already has topic id " + topicId + ", not " + id);
        }
        withIOHandling("Error writing partition metadata of " + dir, () -> {
            partitionMetadataFile.write(id);
            return null;
        });
        topicId = id;
    }

    public LogConfig config() {
        return config;
    }

    /** Takes effect at once: the next roll check, retention pass and append validation use it. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return nextOffsetMetadata.messageOffset();
    }

    public LogOffsetMetadata logEndOffsetMetadata() {
        return nextOffsetMetadata;
    }

    public long highWatermark() {
        return highWatermark;
    }

    /**
     * Sets the high watermark, clamped to {@code [logStartOffset, logEndOffset]}.
     *
     * @return the high watermark now in effect
     */
    public long updateHighWatermark(long newHighWatermark) {
        lock.lock();
        try {
            long hw = Math.max(logStartOffset, Math.min(newHighWatermark, logEndOffset()));
            highWatermark = hw;
            return hw;
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock after truncation moved the end below the high watermark. */
    void clampHighWatermark() {
        long hw = Math.max(logStartOffset, Math.min(highWatermark, logEndOffset()));
        highWatermark = hw;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    public long lastFlushTimeMs() {
        return lastFlushedMs;
    }

    /** Offsets appended since the last flush. */
    public long unflushedMessages() {
        return logEndOffset() - recoveryPoint;
    }

    /** Bytes of all segments. */
    public long size() {
        return segments.sizeInBytes();
    }

    public int numberOfSegments() {
        return segments.size();
    }

    /** The segments, oldest first (a snapshot). */
    public List<LogSegment> logSegments() {
        return segments.values();
    }

    /** Segments holding offsets in {@code [from, to)}. */
    public List<LogSegment> logSegments(long from, long to) {
        return segments.values(from, to);
    }

    NavigableMap<Long, LogSegment> segmentSnapshot() {
        return segments.snapshot();
    }

    public LogSegment activeSegment() {
        return segments.activeSegment();
    }

    public OptionalInt latestEpoch() {
        return leaderEpochCache.latestEpoch();
    }

    /** Kafka's OffsetsForLeaderEpoch answer; empty when the epoch is undefined here. */
    public Optional<OffsetAndEpoch> endOffsetForEpoch(int leaderEpoch) {
        OffsetAndEpoch result = leaderEpochCache.endOffsetFor(leaderEpoch, logEndOffset());
        return result.leaderEpoch() < 0 ? Optional.empty() : Optional.of(result);
    }

    public LeaderEpochFileCache leaderEpochCache() {
        return leaderEpochCache;
    }

    /**
     * The producer state manager. It is not thread-safe: use it under {@link #lock()}'s
     * protection, or prefer {@link #activeProducers()}.
     */
    public ProducerStateManager producerStateManager() {
        return producerStateManager;
    }

    /** Copies of the producer states, taken under the log lock (DescribeProducers, the cleaner). */
    public Map<Long, ProducerStateEntry> activeProducers() {
        lock.lock();
        try {
            return producerStateManager.activeProducers();
        } finally {
            lock.unlock();
        }
    }

    /** The lock that serializes the log's mutations (for callers that touch producer state directly). */
    public ReentrantLock lock() {
        return lock;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- life cycle ----

    /** Writes a producer snapshot and closes all files (indexes trimmed). The log is unusable afterwards. */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            withIOHandling("Error closing log " + dir, () -> {
                producerStateManager.updateMapEndOffset(logEndOffset());
                producerStateManager.takeSnapshot();
                for (LogSegment segment : segments.values()) {
                    segment.close();
                }
                return null;
            });
        } finally {
            lock.unlock();
        }
    }

    /** Closes file handles without writing anything (the log directory is offline). */
    void closeHandlers() {
        lock.lock();
        try {
            closed = true;
            segments.values().forEach(LogSegment::closeHandlers);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the log and deletes its directory. */
    public void delete() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                segments.values().forEach(LogSegment::closeHandlers);
            }
            segments.clear();
            withIOHandling("Error deleting log " + dir, () -> {
                FileUtils.deleteRecursively(dir);
                return null;
            });
        } finally {
            lock.unlock();
        }
    }

    /** Renames the directory (deletion marks it {@code -delete}); the log must be closed. */
    void renameDir(String newName) {
        lock.lock();
        try {
            Path target = dir.resolveSibling(newName);
            withIOHandling("Error renaming " + dir, () -> {
                Files.move(dir, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return null;
            });
            dir = target;
        } finally {
            lock.unlock();
        }
    }

    // ---- I/O error handling ----

    @FunctionalInterface
    interface IOAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action}; an I/O error (also one wrapped by kafka-clients) marks the log dir
     * offline and becomes a {@link KafkaStorageException}. Refuses to run once the dir is offline.
     */
    <T> T withIOHandling(String message, IOAction<T> action) {
        if (failureChannel.hasOfflineLogDir(parentDir)) {
            throw new KafkaStorageException("The log dir " + parentDir + " is offline; cannot access " + dir);
        }
        try {
            return action.run();
        } catch (IOException | UncheckedIOException e) {
            throw offline(message, asIOException(e));
        } catch (KafkaException e) {
            if (e.getCause() instanceof IOException io) {
                KafkaStorageException wrapped = offline(message, io);
                throw e instanceof KafkaStorageException ? e : wrapped;
            }
            throw e;
        }
    }

    private KafkaStorageException offline(String message, IOException cause) {
        failureChannel.maybeAddOfflineLogDir(parentDir, message, cause);
        return new KafkaStorageException(message, cause);
    }

    private static IOException asIOException(Exception e) {
        if (e instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (e instanceof IOException io) {
            return io;
        }
        return e.getCause() instanceof IOException io ? io : new IOException(e);
    }

    void checkNotClosed() {
        if (closed) {
            throw new KafkaStorageException("Log " + dir + " is closed");
        }
    }

    /** Schedules the deletion of files already renamed with the {@code .deleted} suffix. */
    void scheduleDeletion(Collection<LogSegment> deleted) {
        if (deleted.isEmpty()) {
            return;
        }
        List<LogSegment> toDelete = List.copyOf(deleted);
        Runnable task = () -> {
            for (LogSegment segment : toDelete) {
                try {
                    segment.deleteIfExists();
                } catch (IOException e) {
                    LOG.warn("Failed to delete {}", segment, e);
                }
            }
        };
        scheduler.scheduleOnce("delete-file-" + topicPartition, task, config.fileDeleteDelayMs());
    }

    /** Forgets producers idle for {@code producer.id.expiration.ms}. */
    public void removeExpiredProducers() {
        lock.lock();
        try {
            if (!closed) {
                producerStateManager.removeExpiredProducers(time.milliseconds());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Log(" + dir + ", logStartOffset=" + logStartOffset + ", logEndOffset=" + logEndOffset() + ")";
    }
}
