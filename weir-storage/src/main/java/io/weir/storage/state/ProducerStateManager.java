package io.weir.storage.state;

import io.weir.common.Time;
import io.weir.storage.checkpoint.AtomicFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent producer state of one partition: for each producer id, its epoch and last
 * batches ({@link ProducerStateEntry}), as of {@link #mapEndOffset()}; persisted in
 * {@code <offset>.snapshot} files ({@link ProducerSnapshotFile}) in the partition directory.
 *
 * <p>Life cycle, driven by the owning Log: construct (scans the snapshot files), then
 * {@link #truncateAndReload} with the log's start and end offsets (loads the newest usable
 * snapshot), then {@link #replay} every batch from {@link #mapEndOffset()} to the log end offset.
 * Appends go through {@link #beginAppend}; the Log takes a snapshot at each segment roll and on
 * close, and deletes old snapshots with the segments they belong to.
 *
 * <p>Threading: mutations, sessions and snapshots are called under the owning Log's lock.
 * {@link #lastEntry(long)} and {@link #activeProducers()} may be called from any thread (the
 * log cleaner, DescribeProducers): committed entries are immutable and published through a
 * concurrent map, and those methods return copies.
 */
public final class ProducerStateManager {

    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final Path logDir;
    private final long producerIdExpirationMs;
    private final Time time;
    /** Entries are never changed once put here (sessions stage copies), so readers need no lock. */
    private final Map<Long, ProducerStateEntry> producers = new ConcurrentHashMap<>();
    private final TreeMap<Long, Path> snapshots = new TreeMap<>();
    private long lastMapOffset = 0L;

    /**
     * Scans {@code logDir} for snapshot files (and removes temporary files of interrupted
     * snapshot writes). The state stays empty until {@link #truncateAndReload}.
     *
     * @throws KafkaStorageException if the directory cannot be read
     */
    public ProducerStateManager(Path logDir, long producerIdExpirationMs, Time time) {
        if (producerIdExpirationMs <= 0) {
            throw new IllegalArgumentException("producer.id.expiration.ms must be positive, got " + producerIdExpirationMs);
        }
        this.logDir = logDir;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.time = time;
        try {
            loadSnapshotFiles();
        } catch (IOException | UncheckedIOException e) {
            throw new KafkaStorageException("Error scanning producer snapshots in " + logDir, e);
        }
    }

    private void loadSnapshotFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(ProducerSnapshotFile.SUFFIX + AtomicFileWriter.TMP_SUFFIX)) {
                    Files.deleteIfExists(file);
                    continue;
                }
                OptionalLong offset = ProducerSnapshotFile.offsetOf(file);
                if (offset.isPresent()) {
                    snapshots.put(offset.getAsLong(), file);
                }
            }
        }
    }

    public Path logDir() {
        return logDir;
    }

    public long producerIdExpirationMs() {
        return producerIdExpirationMs;
    }

    /** Starts staging the producer state changes of one append. */
    public ProducerAppendSession beginAppend(boolean asLeader) {
        return new ProducerAppendSession(this, asLeader);
    }

    /** Records one batch read back from the log (recovery), as a follower would; advances the map end offset. */
    public void replay(RecordBatch batch) {
        ProducerAppendSession session = beginAppend(false);
        session.appended(batch);
        session.commit();
    }

    void commit(Collection<ProducerStateEntry> updatedEntries, long endOffset) {
        for (ProducerStateEntry entry : updatedEntries) {
            producers.put(entry.producerId(), entry);
        }
        if (endOffset > lastMapOffset) {
            lastMapOffset = endOffset;
        }
    }

    /** The committed entry itself, for checks inside this package. */
    ProducerStateEntry lastEntryInternal(long producerId) {
        return producers.get(producerId);
    }

    /** A mutable copy of the committed entry (or an empty one) for a session to stage changes on. */
    ProducerStateEntry stagingCopy(long producerId) {
        ProducerStateEntry current = producers.get(producerId);
        return current != null ? current.copy() : ProducerStateEntry.empty(producerId);
    }

    /** A copy of the state of {@code producerId}, if it is known. */
    public Optional<ProducerStateEntry> lastEntry(long producerId) {
        return Optional.ofNullable(producers.get(producerId)).map(ProducerStateEntry::copy);
    }

    /** Copies of all producer states, by producer id (for DescribeProducers and the cleaner). */
    public Map<Long, ProducerStateEntry> activeProducers() {
        Map<Long, ProducerStateEntry> copy = new TreeMap<>();
        producers.forEach((id, entry) -> copy.put(id, entry.copy()));
        return copy;
    }

    public boolean isEmpty() {
        return producers.isEmpty();
    }

    /** The offset up to which (exclusive) the state includes the log's batches. */
    public long mapEndOffset() {
        return lastMapOffset;
    }

    /** Moves the map end offset, e.g. to the log end offset after an append the Log did not pass through a session. */
    public void updateMapEndOffset(long lastOffset) {
        this.lastMapOffset = lastOffset;
    }

    /** Writes a snapshot at the map end offset, unless one is already there, and fsyncs it. */
    public void takeSnapshot() throws IOException {
        takeSnapshot(true);
    }

    /**
     * Writes a snapshot at the map end offset, unless one is already there. Without {@code sync}
     * it is not fsynced (a roll writes it under the log's lock and leaves the fsync to its
     * scheduled flush, as Kafka does); a crash before that fsync may leave it torn, and a torn
     * snapshot fails its CRC on load and is deleted.
     *
     * @return the file written, or empty if there already was one
     */
    public Optional<Path> takeSnapshot(boolean sync) throws IOException {
        if (snapshots.containsKey(lastMapOffset)) {
            return Optional.empty();
        }
        long start = time.hiResClockMs();
        Path file = ProducerSnapshotFile.fileFor(logDir, lastMapOffset);
        ProducerSnapshotFile.write(file, producers.values(), sync);
        snapshots.put(lastMapOffset, file);
        log.debug("Wrote producer snapshot {} with {} producers in {} ms", file, producers.size(),
                time.hiResClockMs() - start);
        return Optional.of(file);
    }

    /**
     * Brings the state in line with a log that now spans {@code [logStartOffset, logEndOffset)}
     * (after loading, or truncation): deletes snapshots above the end or below the start; unless
     * the state is already at the end, reloads from the newest remaining snapshot that reads
     * cleanly (corrupt ones are deleted), or starts empty at the log start. The Log then replays
     * the batches from {@link #mapEndOffset()} to the end. Expired producers are not loaded.
     *
     * <p>Unlike Kafka, a snapshot exactly at the log start offset is kept: it is valid state
     * there and keeps deduplication working for producers whose batches were deleted.
     */
    public void truncateAndReload(long logStartOffset, long logEndOffset, long nowMs) throws IOException {
        for (Long offset : snapshots.keySet().toArray(new Long[0])) {
            if (offset > logEndOffset || offset < logStartOffset) {
                removeAndDeleteSnapshot(offset);
            }
        }
        if (logEndOffset != lastMapOffset) {
            producers.clear();
            loadFromSnapshot(logStartOffset, nowMs);
        } else {
            onLogStartOffsetIncremented(logStartOffset);
        }
    }

    private void loadFromSnapshot(long logStartOffset, long nowMs) throws IOException {
        while (!snapshots.isEmpty()) {
            Map.Entry<Long, Path> latest = snapshots.lastEntry();
            try {
                for (ProducerStateEntry entry : ProducerSnapshotFile.read(latest.getValue())) {
                    if (!isProducerExpired(nowMs, entry)) {
                        producers.put(entry.producerId(), entry);
                    }
                }
                lastMapOffset = latest.getKey();
                log.info("Loaded {} producers from snapshot {}", producers.size(), latest.getValue());
                return;
            } catch (CorruptSnapshotException e) {
                log.warn("Ignoring and deleting producer snapshot: {}", e.getMessage());
                producers.clear();
                removeAndDeleteSnapshot(latest.getKey());
            }
        }
        lastMapOffset = logStartOffset;
    }

    /** The log start moved forward (retention, DeleteRecords): the state cannot start before it. */
    public void onLogStartOffsetIncremented(long logStartOffset) {
        if (lastMapOffset < logStartOffset) {
            lastMapOffset = logStartOffset;
        }
    }

    /** Forgets everything and deletes every snapshot: the log was emptied and restarts at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        producers.clear();
        for (Long snapshotOffset : snapshots.keySet().toArray(new Long[0])) {
            removeAndDeleteSnapshot(snapshotOffset);
        }
        lastMapOffset = offset;
    }

    /** Deletes the snapshots below {@code offset} (their segments are gone). */
    public void deleteSnapshotsBefore(long offset) throws IOException {
        for (Long snapshotOffset : snapshots.headMap(offset, false).keySet().toArray(new Long[0])) {
            removeAndDeleteSnapshot(snapshotOffset);
        }
    }

    /**
     * Deletes snapshots that match no segment base offset, except the newest snapshot (written at
     * shutdown at the log end offset, which is no segment's base). Kafka runs this on log load.
     */
    public void removeStraySnapshots(Collection<Long> segmentBaseOffsets) throws IOException {
        OptionalLong latest = latestSnapshotOffset();
        for (Long offset : snapshots.keySet().toArray(new Long[0])) {
            boolean isLatest = latest.isPresent() && latest.getAsLong() == offset;
            if (!isLatest && !segmentBaseOffsets.contains(offset)) {
                removeAndDeleteSnapshot(offset);
            }
        }
    }

    private void removeAndDeleteSnapshot(long offset) throws IOException {
        Path file = snapshots.remove(offset);
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    public OptionalLong latestSnapshotOffset() {
        return snapshots.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshots.lastKey());
    }

    public OptionalLong oldestSnapshotOffset() {
        return snapshots.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshots.firstKey());
    }

    /** The snapshot file at exactly {@code offset}, if there is one. */
    public Optional<Path> snapshotFileAt(long offset) {
        return Optional.ofNullable(snapshots.get(offset));
    }

    /** Forgets producers idle for {@code producer.id.expiration.ms} without an open transaction. */
    public void removeExpiredProducers(long nowMs) {
        producers.values().removeIf(entry -> isProducerExpired(nowMs, entry));
    }

    private boolean isProducerExpired(long nowMs, ProducerStateEntry entry) {
        return entry.currentTxnStartOffset().isEmpty() && nowMs - entry.lastTimestamp() >= producerIdExpirationMs;
    }
}
