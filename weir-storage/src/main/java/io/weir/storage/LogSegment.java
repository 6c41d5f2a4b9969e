package io.weir.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import io.weir.common.Time;

/**
 * One segment of a partition log: the {@code .log} file (record batches exactly as appended,
 * magic v2) with its {@code .index} ({@link OffsetIndex}) and {@code .timeindex}
 * ({@link TimeIndex}), all named after the base offset. One index entry is written per
 * {@code index.interval.bytes} of batches.
 *
 * <p>Threading: mutators (append, truncate, recover, roll, rename) are called with the owning
 * {@link Log}'s lock held; reads and lookups are lock-free and see only fully appended
 * batches (the file size is published after the write). A segment that stopped being active
 * is sealed: lookups read its batch headers from a read-only mapping ({@link LogFileMapping}),
 * which every path that writes or shrinks the file retires first.
 */
public final class LogSegment implements Closeable {

    /** A batch's position and size in the segment file. */
    record BatchPosition(long lastOffset, int position, int size) {
    }

    private final FileRecords log;
    private final LogFileMapping mapping;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long baseOffset;
    private final int indexIntervalBytes;
    private final long rollJitterMs;
    private final Time time;
    private volatile long createdMs;
    private volatile long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile TimestampOffset maxTimestampAndOffsetSoFar;
    private int bytesSinceLastIndexEntry;
    /** The active segment's latest batches, for reads near its end; null when sealed, truncated or not appended to. */
    private volatile RecentBatches recent;

    LogSegment(FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex, long baseOffset,
               int indexIntervalBytes, long rollJitterMs, Time time) {
        this.log = log;
        this.mapping = new LogFileMapping(log);
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.rollJitterMs = rollJitterMs;
        this.time = time;
        this.createdMs = time.milliseconds();
        this.maxTimestampAndOffsetSoFar = new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
    }

    /**
     * Opens (or creates) the segment files in {@code dir} with the given name suffix ("" for
     * live segments, {@code .cleaned} or {@code .swap} for the cleaner).
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, String fileSuffix,
                                  boolean preallocate) throws IOException {
        Path logFile = LogFileNames.logFile(dir, baseOffset, fileSuffix);
        boolean exists = Files.exists(logFile);
        FileRecords records = FileRecords.open(logFile.toFile(), exists, config.segmentBytes(), preallocate && !exists);
        OffsetIndex offsetIndex = new OffsetIndex(LogFileNames.offsetIndexFile(dir, baseOffset, fileSuffix),
                baseOffset, config.maxIndexSize());
        TimeIndex timeIndex = new TimeIndex(LogFileNames.timeIndexFile(dir, baseOffset, fileSuffix),
                baseOffset, config.maxIndexSize());
        LogSegment segment = new LogSegment(records, offsetIndex, timeIndex, baseOffset, config.indexInterval(),
                config.randomSegmentJitterMs(), time);
        if (exists) {
            segment.loadTimestamps();
        }
        return segment;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public FileRecords log() {
        return log;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    public int size() {
        return log.sizeInBytes();
    }

    public long rollJitterMs() {
        return rollJitterMs;
    }

    /** The largest timestamp in the segment, or the file's last-modified time if it has none. */
    public long largestTimestamp() throws IOException {
        long ts = maxTimestampAndOffsetSoFar.timestamp();
        return ts >= 0 ? ts : lastModifiedMs();
    }

    public TimestampOffset maxTimestampAndOffsetSoFar() {
        return maxTimestampAndOffsetSoFar;
    }

    public long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(log.file().toPath()).toMillis();
    }

    boolean canConvertToRelativeOffset(long offset) {
        long relative = offset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    /**
     * Appends batches that already carry their final offsets, indexing one batch per
     * {@code index.interval.bytes}. Caller holds the log lock and has checked that
     * {@code largestOffset} fits this segment.
     */
    void append(long largestOffset, MemoryRecords records) throws IOException {
        if (records.sizeInBytes() == 0) {
            return;
        }
        if (!canConvertToRelativeOffset(largestOffset)) {
            throw new IndexOffsetOverflowException("Offset " + largestOffset + " does not fit segment " + baseOffset);
        }
        mapping.unseal();
        int position = log.sizeInBytes();
        if (position == 0) {
            rollingBasedTimestamp = records.batches().iterator().next().maxTimestamp();
        }
        log.append(records);
        RecentBatches latest = recent;
        if (latest == null) {
            recent = latest = new RecentBatches();
        }
        for (MutableRecordBatch batch : records.batches()) {
            onBatchWritten(batch, position);
            latest.add(batch.baseOffset(), batch.lastOffset(), position, batch.sizeInBytes());
            position += batch.sizeInBytes();
        }
    }

    private void onBatchWritten(RecordBatch batch, int position) {
        if (batch.maxTimestamp() > maxTimestampAndOffsetSoFar.timestamp()) {
            maxTimestampAndOffsetSoFar = new TimestampOffset(batch.maxTimestamp(), batch.lastOffset());
        }
        // A full index (only possible while rebuilding with a smaller segment.index.bytes) just stays sparser.
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull() && !timeIndex.isFull()) {
            offsetIndex.append(batch.lastOffset(), position);
            TimestampOffset max = maxTimestampAndOffsetSoFar;
            timeIndex.maybeAppend(max.timestamp(), max.offset(), false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
    }

    /**
     * The first batch whose last offset is >= {@code offset}, searching from the index entry
     * at or below it; null if the segment has none.
     */
    BatchPosition translateOffset(long offset, int endPosition) {
        MappedLogFile mapped = mapping.acquire();
        try (BatchHeaderScanner scanner = scanFromIndex(offset, endPosition, mapped)) {
            return scanner.findBatch(offset);
        } finally {
            if (mapped != null) {
                mapped.release();
            }
        }
    }

    /** A header scan from the index entry at or below {@code offset}, ending at {@code endPosition}. */
    private BatchHeaderScanner scanFromIndex(long offset, int endPosition, MappedLogFile mapped) {
        int position = Math.min(offsetIndex.lookup(offset).position(), endPosition);
        return BatchHeaderScanner.open(log, mapped, position, endPosition);
    }

    BatchPosition translateOffset(long offset) {
        return translateOffset(offset, log.sizeInBytes());
    }

    /**
     * Whole batches from the one holding {@code startOffset}, up to {@code maxSize} bytes and
     * ending before {@code maxPosition}; with {@code minOneMessage} the first batch is
     * returned even if it is larger than {@code maxSize}. Null if the offset is past the
     * segment's end.
     */
    FetchDataInfo read(long startOffset, int maxSize, int maxPosition, boolean minOneMessage) {
        RecentBatches latest = recent;
        RecentBatches.Slice slice = latest == null ? null
                : latest.read(startOffset, maxSize, maxPosition, minOneMessage);
        if (slice != null) {
            return new FetchDataInfo(startOffset, baseOffset, slice.position(),
                    log.slice(slice.position(), slice.bytes()), Errors.NONE, null,
                    slice.bytes() == 0 ? -1L : slice.lastOffset());
        }
        MappedLogFile mapped = mapping.acquire();
        try (BatchHeaderScanner scanner = scanFromIndex(startOffset, maxPosition, mapped)) {
            BatchPosition first = scanner.findBatch(startOffset);
            if (first == null) {
                return null;
            }
            int bytes = scanner.bytesFrom(first, maxSize, minOneMessage,
                    indexedStartBelow(first, maxSize, maxPosition));
            return new FetchDataInfo(startOffset, baseOffset, first.position(), log.slice(first.position(), bytes),
                    Errors.NONE, null, bytes == 0 ? -1L : scanner.lastOffsetOfRead());
        } finally {
            if (mapped != null) {
                mapped.release();
            }
        }
    }

    /**
     * Where the last indexed batch after {@code first} starts below {@code first}'s position plus
     * {@code maxSize} and {@code maxPosition}, or -1: a read counts the batches before it without
     * reading their headers (a 1 MiB fetch of 16 KiB batches reads 3 headers, not 64).
     */
    private int indexedStartBelow(BatchPosition first, int maxSize, int maxPosition) {
        long bound = Math.min((long) first.position() + maxSize, maxPosition);
        if (bound <= (long) first.position() + first.size()) {
            return -1;
        }
        OffsetPosition entry = offsetIndex.lastEntryBelow((int) bound);
        return entry == null ? -1 : entry.position();
    }

    /** The offset after the last batch, or the base offset when empty. */
    public long readNextOffset() {
        return scanTail().nextOffset();
    }

    /** Where the complete batches end: the next offset and byte position, and whether the rest is unreadable. */
    record Tail(long nextOffset, int endPosition, boolean clean) {
    }

    /** Walks the batches after the last index entry (headers only). */
    Tail scanTail() {
        OffsetPosition last = offsetIndex.lastEntry();
        long next = baseOffset;
        int end = Math.min(last.position(), log.sizeInBytes());
        try {
            for (FileChannelRecordBatch batch : log.batchesFrom(end)) {
                next = batch.nextOffset();
                end = batch.position() + batch.sizeInBytes();
            }
        } catch (RuntimeException e) {
            rethrowUnlessCorrupt(e);
            return new Tail(next, end, false);
        }
        return new Tail(next, end, end == log.sizeInBytes());
    }

    /**
     * Rebuilds the indexes and max timestamp from the log file, checking every batch (CRC,
     * magic v2, offsets increasing); truncates the file at the first invalid or incomplete
     * batch. {@code onValidBatch} sees each valid batch in order (producer state, epochs).
     *
     * @return the number of bytes truncated
     */
    int recover(long minBaseOffset, Consumer<RecordBatch> onValidBatch) throws IOException {
        mapping.unseal();
        recent = null;
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestampAndOffsetSoFar = new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        int validBytes = 0;
        long nextOffset = Math.max(minBaseOffset, baseOffset);
        try {
            for (FileChannelRecordBatch batch : log.batches()) {
                checkRecoveredBatch(batch, nextOffset);
                if (validBytes == 0) {
                    rollingBasedTimestamp = batch.maxTimestamp();
                }
                onBatchWritten(batch, validBytes);
                onValidBatch.accept(batch);
                validBytes += batch.sizeInBytes();
                nextOffset = batch.nextOffset();
            }
        } catch (RuntimeException e) {
            // A torn write or garbage: everything from here on is dropped.
            rethrowUnlessCorrupt(e);
        }
        int truncated = log.sizeInBytes() - validBytes;
        if (truncated > 0) {
            log.truncateTo(validBytes);
        }
        if (timeIndex.entries() < timeIndex.maxEntries()) {
            timeIndex.maybeAppend(maxTimestampAndOffsetSoFar.timestamp(), maxTimestampAndOffsetSoFar.offset(), true);
        }
        return truncated;
    }

    /**
     * Bytes that do not parse as a batch (bad size, CRC, a header cut short) are corruption,
     * for recovery to truncate; anything else (a real I/O error) propagates.
     */
    static void rethrowUnlessCorrupt(RuntimeException e) {
        boolean corrupt = e instanceof CorruptRecordException || e instanceof InvalidRecordException
                || e instanceof KafkaException && e.getCause() instanceof EOFException;
        if (!corrupt) {
            throw e;
        }
    }

    private void checkRecoveredBatch(FileChannelRecordBatch batch, long expectedMinOffset) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new CorruptRecordException("Unsupported magic " + batch.magic() + " at " + batch.position());
        }
        batch.ensureValid();
        if (batch.baseOffset() < expectedMinOffset || batch.lastOffset() < batch.baseOffset()
                || !canConvertToRelativeOffset(batch.lastOffset())) {
            throw new CorruptRecordException("Batch offsets [" + batch.baseOffset() + ", " + batch.lastOffset()
                    + "] out of order at " + batch.position() + " of " + log.file());
        }
    }

    /** Checks both indexes; throws {@link AbstractIndex.CorruptIndexException} if one is unusable. */
    void sanityCheck() {
        offsetIndex.sanityCheck();
        timeIndex.sanityCheck();
        OffsetPosition last = offsetIndex.lastEntry();
        if (last.position() > log.sizeInBytes()) {
            throw new AbstractIndex.CorruptIndexException("Index " + offsetIndex.file() + " points at position "
                    + last.position() + " beyond the end of " + log.file());
        }
    }

    /**
     * Removes everything from the batch holding {@code offset} on.
     *
     * @return the number of bytes removed
     */
    int truncateTo(long offset) throws IOException {
        mapping.unseal();
        recent = null;
        BatchPosition batch = translateOffset(offset);
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        offsetIndex.resize(offsetIndex.maxIndexSize());
        timeIndex.resize(timeIndex.maxIndexSize());
        int removed = batch == null ? 0 : log.truncateTo(batch.position());
        bytesSinceLastIndexEntry = 0;
        if (log.sizeInBytes() == 0) {
            createdMs = time.milliseconds();
            rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        }
        loadTimestamps();
        return removed;
    }

    /** Loads the max timestamp (scanning batches after the last time index entry) and the first batch's timestamp. */
    private void loadTimestamps() {
        TimestampOffset lastEntry = timeIndex.lastEntry();
        TimestampOffset max = new TimestampOffset(lastEntry.timestamp(), lastEntry.offset());
        int position = offsetIndex.lookup(lastEntry.offset()).position();
        try {
            for (FileChannelRecordBatch batch : log.batchesFrom(Math.min(position, log.sizeInBytes()))) {
                if (batch.maxTimestamp() > max.timestamp()) {
                    max = new TimestampOffset(batch.maxTimestamp(), batch.lastOffset());
                }
            }
            for (FileChannelRecordBatch batch : log.batches()) {
                rollingBasedTimestamp = batch.maxTimestamp();
                break;
            }
        } catch (RuntimeException e) {
            // An unreadable tail: recovery will truncate it and load the timestamps again.
            rethrowUnlessCorrupt(e);
        }
        maxTimestampAndOffsetSoFar = max;
    }

    /**
     * How long the segment has been open for the {@code segment.ms} check: from the first
     * batch's timestamp to the timestamp of the new batch, or by wall clock if it has none.
     */
    long timeWaitedForRoll(long nowMs, long messageTimestamp) {
        long first = rollingBasedTimestamp;
        return first >= 0 ? messageTimestamp - first : nowMs - createdMs;
    }

    /** Whether an append of {@code messagesSize} bytes up to {@code maxOffset} must go to a new segment. */
    boolean shouldRoll(LogConfig config, int messagesSize, long maxTimestamp, long maxOffset, long nowMs) {
        int size = size();
        boolean full = size > 0 && size > config.segmentBytes() - messagesSize;
        boolean old = size > 0 && timeWaitedForRoll(nowMs, maxTimestamp) > config.segmentMs() - rollJitterMs;
        boolean indexFull = offsetIndex.isFull() || timeIndex.isFull();
        return full || old || (size > 0 && indexFull) || !canConvertToRelativeOffset(maxOffset);
    }

    /** The segment is no longer active: write the final time index entry and trim the files. */
    void onBecomeInactiveSegment() throws IOException {
        TimestampOffset max = maxTimestampAndOffsetSoFar;
        if (timeIndex.entries() < timeIndex.maxEntries()) {
            timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        log.trim();
        seal();
    }

    /**
     * The file will not change until a truncation or recovery unseals it: lookups may read it
     * through a mapping. Caller holds the log lock (or owns the segment alone).
     */
    void seal() {
        recent = null;
        mapping.seal();
    }

    boolean isSealed() {
        return mapping.isSealed();
    }

    /**
     * The first record at or after {@code timestamp} with offset >= {@code startingOffset}
     * (decompresses the batch that holds it).
     */
    Optional<FileRecords.TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) {
        TimestampOffset entry = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(Math.max(entry.offset(), startingOffset)).position();
        for (FileChannelRecordBatch batch : log.batchesFrom(position)) {
            if (batch.maxTimestamp() < timestamp || batch.lastOffset() < startingOffset) {
                continue;
            }
            for (Record record : batch) {
                if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                    return Optional.of(new FileRecords.TimestampAndOffset(record.timestamp(), record.offset(),
                            leaderEpoch(batch)));
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Integer> leaderEpoch(RecordBatch batch) {
        int epoch = batch.partitionLeaderEpoch();
        return epoch == RecordBatch.NO_PARTITION_LEADER_EPOCH ? Optional.empty() : Optional.of(epoch);
    }

    /** Restores the preallocated index size so that a loaded segment can take appends again. */
    void resizeIndexes(int maxIndexSize) throws IOException {
        offsetIndex.updateMaxIndexSize(maxIndexSize);
        timeIndex.updateMaxIndexSize(maxIndexSize);
        offsetIndex.resize(maxIndexSize);
        timeIndex.resize(maxIndexSize);
    }

    public void flush() throws IOException {
        log.flush();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames all files from suffix {@code oldSuffix} to {@code newSuffix} ("" for none). */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        log.renameTo(withSuffix(log.file().toPath(), oldSuffix, newSuffix).toFile());
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), oldSuffix, newSuffix));
        timeIndex.renameTo(withSuffix(timeIndex.file(), oldSuffix, newSuffix));
    }

    private static Path withSuffix(Path file, String oldSuffix, String newSuffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(oldSuffix)) {
            throw new IllegalStateException("File " + file + " does not have suffix '" + oldSuffix + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - oldSuffix.length()) + newSuffix);
    }

    /** Whether this segment's files carry {@code suffix}. */
    boolean hasSuffix(String suffix) {
        return log.file().getName().endsWith(LogFileNames.LOG_FILE_SUFFIX + suffix);
    }

    /** Closes and deletes the files. */
    void deleteIfExists() throws IOException {
        mapping.close();
        log.close();
        Files.deleteIfExists(log.file().toPath());
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
    }

    @Override
    public void close() throws IOException {
        TimestampOffset max = maxTimestampAndOffsetSoFar;
        if (max.timestamp() >= 0 && Files.exists(timeIndex.file()) && timeIndex.entries() < timeIndex.maxEntries()) {
            timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
        }
        mapping.close();
        offsetIndex.close();
        timeIndex.close();
        log.close();
    }

    /** Closes the file handles without touching the files (the log dir is offline). */
    void closeHandlers() {
        mapping.close();
        try {
            log.close();
        } catch (IOException e) {
            // The directory already failed; nothing more to do with this handle.
        }
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size() + ", file=" + log.file() + ")";
    }
}
