package io.weir.storage.epoch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader epoch cache of one partition: for every leader epoch that wrote to the log, the
 * offset of its first batch, backed by {@code leader-epoch-checkpoint}. Followers use it to
 * answer and ask OffsetsForLeaderEpoch and truncate a divergent tail.
 *
 * <p>Invariant: epochs and start offsets both strictly increase along the cache. A new entry
 * that would break it removes the conflicting entries at the end first (Kafka's rule: the newest
 * leader's view wins); re-assigning the latest epoch at the same or a later offset is a no-op.
 *
 * <p>Every mutation is flushed to the checkpoint before it returns; an I/O failure surfaces as
 * {@link KafkaStorageException}, for the log dir failure handling to act on.
 *
 * <p>Thread-safe: readers share a read lock, mutations take the write lock.
 */
public final class LeaderEpochFileCache {

    private static final Logger log = LoggerFactory.getLogger(LeaderEpochFileCache.class);

    private final LeaderEpochCheckpointFile checkpoint;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<Integer, EpochEntry> epochs = new TreeMap<>();

    /** Loads the cache from {@code checkpointFile}; a missing file is an empty cache. */
    public LeaderEpochFileCache(Path checkpointFile) throws IOException {
        this.checkpoint = new LeaderEpochCheckpointFile(checkpointFile);
        for (EpochEntry entry : checkpoint.read()) {
            if (entry.epoch() < 0 || entry.startOffset() < 0) {
                throw new IOException("Invalid entry " + entry + " in leader epoch checkpoint " + checkpointFile);
            }
            assignInLock(entry);
        }
    }

    public Path file() {
        return checkpoint.file();
    }

    /**
     * Records that the leader of {@code epoch} wrote its first batch at {@code startOffset}.
     * A no-op if {@code epoch} is already the latest epoch and its start offset is not larger.
     */
    public void assign(int epoch, long startOffset) {
        EpochEntry entry = new EpochEntry(epoch, startOffset);
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("Invalid leader epoch entry " + entry);
        }
        if (!isUpdateNeeded(entry)) {
            return; // the common case: every batch of the current epoch calls assign
        }
        lock.writeLock().lock();
        try {
            if (assignInLock(entry)) {
                flush();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean isUpdateNeeded(EpochEntry entry) {
        return latestEntry()
                .map(latest -> entry.epoch() != latest.epoch() || entry.startOffset() < latest.startOffset())
                .orElse(true);
    }

    private boolean assignInLock(EpochEntry entry) {
        if (!isUpdateNeeded(entry)) {
            return false;
        }
        List<EpochEntry> removed = removeWhile(epochs.descendingMap().values().iterator(),
                e -> e.epoch() >= entry.epoch() || e.startOffset() >= entry.startOffset());
        // Replacing an empty epoch (same start offset) is routine; dropping written ranges is not.
        if (removed.size() > 1 || (removed.size() == 1 && removed.get(0).startOffset() != entry.startOffset())) {
            log.warn("New epoch entry {} removed conflicting entries {} from {}", entry, removed, file());
        }
        epochs.put(entry.epoch(), entry);
        return true;
    }

    private static List<EpochEntry> removeWhile(Iterator<EpochEntry> iterator, Predicate<EpochEntry> predicate) {
        List<EpochEntry> removed = new ArrayList<>();
        while (iterator.hasNext()) {
            EpochEntry entry = iterator.next();
            if (!predicate.test(entry)) {
                break;
            }
            removed.add(entry);
            iterator.remove();
        }
        return removed;
    }

    /** The latest epoch that wrote to the log, if any. */
    public OptionalInt latestEpoch() {
        Optional<EpochEntry> latest = latestEntry();
        return latest.isPresent() ? OptionalInt.of(latest.get().epoch()) : OptionalInt.empty();
    }

    public Optional<EpochEntry> latestEntry() {
        return read(() -> Optional.ofNullable(epochs.lastEntry()).map(Map.Entry::getValue));
    }

    public Optional<EpochEntry> earliestEntry() {
        return read(() -> Optional.ofNullable(epochs.firstEntry()).map(Map.Entry::getValue));
    }

    public Optional<EpochEntry> epochEntry(int epoch) {
        return read(() -> Optional.ofNullable(epochs.get(epoch)));
    }

    public boolean nonEmpty() {
        return read(() -> !epochs.isEmpty());
    }

    /**
     * The end offset of {@code requestedEpoch} and the largest known epoch at or below it, as
     * OffsetsForLeaderEpoch answers:
     * <ul>
     * <li>the latest epoch: {@code (logEndOffset, requestedEpoch)};</li>
     * <li>an epoch with a later one in the cache: the start offset of the first later epoch,
     *     with the largest cached epoch {@code <= requestedEpoch}, or the requested epoch itself
     *     if it is below every cached epoch (that data is gone; the follower starts from the
     *     earliest epoch we know);</li>
     * <li>{@link OffsetAndEpoch#UNDEFINED} for an undefined epoch (-1), an empty cache, or an
     *     epoch above the latest.</li>
     * </ul>
     */
    public OffsetAndEpoch endOffsetFor(int requestedEpoch, long logEndOffset) {
        return read(() -> {
            if (requestedEpoch == OffsetAndEpoch.UNDEFINED_EPOCH || epochs.isEmpty()) {
                return OffsetAndEpoch.UNDEFINED;
            }
            if (epochs.lastKey() == requestedEpoch) {
                return new OffsetAndEpoch(logEndOffset, requestedEpoch);
            }
            Map.Entry<Integer, EpochEntry> higher = epochs.higherEntry(requestedEpoch);
            if (higher == null) {
                return OffsetAndEpoch.UNDEFINED;
            }
            Map.Entry<Integer, EpochEntry> floor = epochs.floorEntry(requestedEpoch);
            int epoch = floor == null ? requestedEpoch : floor.getKey();
            return new OffsetAndEpoch(higher.getValue().startOffset(), epoch);
        });
    }

    /**
     * Removes the entries whose start offset is {@code >= endOffset}: the log was truncated to
     * {@code endOffset}, so those epochs wrote nothing that remains. Negative offsets are ignored.
     */
    public void truncateFromEnd(long endOffset) {
        lock.writeLock().lock();
        try {
            if (endOffset < 0 || epochs.isEmpty() || epochs.lastEntry().getValue().startOffset() < endOffset) {
                return;
            }
            List<EpochEntry> removed = removeWhile(epochs.descendingMap().values().iterator(),
                    e -> e.startOffset() >= endOffset);
            log.debug("Removed {} truncating {} to end offset {}", removed, file(), endOffset);
            flush();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Drops the entries wholly before {@code startOffset} (the log start moved there): the latest
     * epoch starting at or before it is kept, with its start offset moved to {@code startOffset}.
     * So {@code truncateFromStart(6)} keeps an entry at offset 6.
     */
    public void truncateFromStart(long startOffset) {
        lock.writeLock().lock();
        try {
            List<EpochEntry> removed = removeWhile(epochs.values().iterator(), e -> e.startOffset() <= startOffset);
            if (removed.isEmpty()) {
                return;
            }
            EpochEntry lastBefore = removed.get(removed.size() - 1);
            epochs.put(lastBefore.epoch(), new EpochEntry(lastBefore.epoch(), startOffset));
            log.debug("Removed {} truncating {} to start offset {}", removed, file(), startOffset);
            flush();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes every entry and flushes the empty cache. */
    public void clearAndFlush() {
        lock.writeLock().lock();
        try {
            epochs.clear();
            flush();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A copy of the entries, oldest first. */
    public List<EpochEntry> epochEntries() {
        return read(() -> new ArrayList<>(epochs.values()));
    }

    /** The epoch that wrote {@code offset}: the latest entry starting at or before it. */
    public OptionalInt epochForOffset(long offset) {
        return read(() -> {
            OptionalInt epoch = OptionalInt.empty();
            for (EpochEntry entry : epochs.values()) {
                if (entry.startOffset() > offset) {
                    break;
                }
                epoch = OptionalInt.of(entry.epoch());
            }
            return epoch;
        });
    }

    private interface Reader<R> {
        R read();
    }

    private <R> R read(Reader<R> reader) {
        lock.readLock().lock();
        try {
            return reader.read();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Called with the write lock held, so the file always matches the map. */
    private void flush() {
        try {
            checkpoint.write(epochs.values());
        } catch (IOException e) {
            throw new KafkaStorageException("Error writing leader epoch checkpoint " + file(), e);
        }
    }

    @Override
    public String toString() {
        return "LeaderEpochFileCache(" + file() + ", " + epochEntries() + ")";
    }
}
