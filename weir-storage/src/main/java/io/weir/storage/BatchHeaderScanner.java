package io.weir.storage;

import static org.apache.kafka.common.record.internal.DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET;
import static org.apache.kafka.common.record.internal.DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
import static org.apache.kafka.common.record.internal.Records.HEADER_SIZE_UP_TO_MAGIC;
import static org.apache.kafka.common.record.internal.Records.LOG_OVERHEAD;
import static org.apache.kafka.common.record.internal.Records.MAGIC_OFFSET;
import static org.apache.kafka.common.record.internal.Records.OFFSET_OFFSET;
import static org.apache.kafka.common.record.internal.Records.SIZE_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;

import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.LegacyRecord;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * A flyweight over the batch headers of one segment file, walked from a start position up to
 * an end: what {@code FileRecords.slice(0, end).batchesFrom(start)} yields, without its two
 * reads per batch (17 bytes for the size, then the 61-byte header for the last offset).
 * Headers come from the segment's read-only mapping when the caller holds one
 * ({@link MappedLogFile}), else from a {@value #WINDOW_BYTES}-byte window filled by one
 * positional read (small batches share a read).
 *
 * <p>Only well-formed v2 headers are parsed here (v2 layout: base offset at 0, batch length at
 * 8, magic at 16, last offset delta at 23). At anything else (a size below the minimum, another
 * magic, a length shorter than the v2 header, a header cut short by a concurrent truncation)
 * that one batch is read through kafka-clients' {@code FileLogInputStream}, so exceptions and
 * end handling are exactly those of {@code batchesFrom}.
 *
 * <p>Threading: not thread-safe; {@link #open} hands each thread its own instance, for one scan
 * at a time, which {@link #close()} ends.
 */
final class BatchHeaderScanner implements AutoCloseable {

    static final int WINDOW_BYTES = 4096;

    private static final ThreadLocal<BatchHeaderScanner> PER_THREAD = ThreadLocal.withInitial(BatchHeaderScanner::new);

    private final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW_BYTES);
    private boolean inUse;
    private FileRecords file;
    private ByteBuffer mapped;
    private int end;
    private int windowStart;
    private int windowLength;
    private int cursor;
    private int position;
    private int sizeInBytes;
    private long baseOffset;
    private long lastOffset;
    private long lastIncludedOffset;

    /**
     * Starts a scan of {@code file} at {@code start}, never past {@code min(endPosition, size)};
     * {@code mapping}, if not null, must be held by the caller until {@link #close()}.
     */
    static BatchHeaderScanner open(FileRecords file, MappedLogFile mapping, int start, int endPosition) {
        BatchHeaderScanner scanner = PER_THREAD.get();
        if (scanner.inUse) {
            scanner = new BatchHeaderScanner();
        }
        scanner.inUse = true;
        scanner.file = file;
        scanner.end = Math.min(endPosition, file.sizeInBytes());
        scanner.mapped = mapping != null && scanner.end <= mapping.length() ? mapping.buffer() : null;
        scanner.windowLength = 0;
        scanner.cursor = start;
        return scanner;
    }

    /** The first batch from here whose last offset is at least {@code offset}, or null at the end. */
    LogSegment.BatchPosition findBatch(long offset) {
        while (next()) {
            if (lastOffset >= offset) {
                return new LogSegment.BatchPosition(lastOffset, position, sizeInBytes);
            }
        }
        return null;
    }

    /**
     * Bytes of whole batches from {@code first} (the batch just found) on, at most
     * {@code maxSize}, except that with {@code minOneMessage} the first batch counts even if larger.
     * Each header is read whole (its last offset comes from the same read as its size), so
     * {@link #lastOffsetOfRead()} costs nothing more.
     *
     * <p>{@code indexedStart}, if not -1, is where a batch starts after {@code first} and before
     * {@code first}'s position plus {@code maxSize} (the offset index's last entry below that
     * bound): the batches before it are whole and fit, so they are counted without reading their
     * headers, and the last offset read becomes the one before that batch's base offset (higher
     * than the true one only where compaction left a gap, which no record fills).
     */
    int bytesFrom(LogSegment.BatchPosition first, int maxSize, boolean minOneMessage, int indexedStart) {
        int bytes = 0;
        int size = first.size();
        cursor = first.position() + size;
        lastOffset = first.lastOffset();
        while (bytes + size <= maxSize || bytes == 0 && minOneMessage) {
            bytes += size;
            lastIncludedOffset = lastOffset;
            if (indexedStart > cursor && indexedStart - first.position() <= maxSize) {
                int resume = cursor;
                cursor = indexedStart;
                indexedStart = -1;
                if (next() && baseOffset >= 0) {
                    bytes = position - first.position();
                    lastIncludedOffset = baseOffset - 1;
                    size = sizeInBytes;
                    continue;
                }
                cursor = resume;
            }
            if (!next()) {
                break;
            }
            size = sizeInBytes;
        }
        return bytes;
    }

    /** The last offset of the last batch {@link #bytesFrom} counted. */
    long lastOffsetOfRead() {
        return lastIncludedOffset;
    }

    /** Moves to the batch at the cursor and reads its last offset; false at the end (no whole batch fits before it). */
    boolean next() {
        int p = cursor;
        if (p >= end - HEADER_SIZE_UP_TO_MAGIC) {
            return false;
        }
        ByteBuffer header = headerAt(p, HEADER_SIZE_UP_TO_MAGIC);
        if (header == null) {
            return slowNext(p);
        }
        int base = header == mapped ? p : p - windowStart;
        int length = header.getInt(base + SIZE_OFFSET);
        if (length < LegacyRecord.RECORD_OVERHEAD_V0) {
            return slowNext(p);
        }
        if (p > end - LOG_OVERHEAD - length) {
            return false;
        }
        if (header.get(base + MAGIC_OFFSET) != RecordBatch.MAGIC_VALUE_V2
                || LOG_OVERHEAD + length < RECORD_BATCH_OVERHEAD) {
            return slowNext(p);
        }
        header = headerAt(p, RECORD_BATCH_OVERHEAD);
        if (header == null) {
            return slowNext(p);
        }
        base = header == mapped ? p : p - windowStart;
        baseOffset = header.getLong(base + OFFSET_OFFSET);
        lastOffset = baseOffset + header.getInt(base + LAST_OFFSET_DELTA_OFFSET);
        return moveTo(p, LOG_OVERHEAD + length);
    }

    private boolean moveTo(int p, int size) {
        position = p;
        sizeInBytes = size;
        cursor = p + size;
        return true;
    }

    /** A buffer holding {@code [p, p + need)}: the mapping, or the window (refilled if needed); null if cut short. */
    private ByteBuffer headerAt(int p, int need) {
        if (mapped != null) {
            return mapped;
        }
        if (p >= windowStart && p + need <= windowStart + windowLength) {
            return window;
        }
        window.clear().limit(Math.min(WINDOW_BYTES, end - p));
        windowStart = p;
        try {
            int read;
            do {
                read = file.channel().read(window, p + window.position());
            } while (read > 0 && window.hasRemaining());
        } catch (IOException e) {
            // The batch is read again through FileLogInputStream, which reports the error as before.
            window.clear();
        }
        windowLength = window.position();
        return windowLength >= need ? window : null;
    }

    /** Reads the batch at {@code p} as {@code FileRecords.batchesFrom} does, with its exceptions. */
    private boolean slowNext(int p) {
        Iterator<FileChannelRecordBatch> batches = file.slice(0, end).batchesFrom(p).iterator();
        if (!batches.hasNext()) {
            return false;
        }
        FileChannelRecordBatch batch = batches.next();
        // A legacy batch's base offset would load the whole batch: unknown here, so no jump lands on it.
        baseOffset = batch.magic() >= RecordBatch.MAGIC_VALUE_V2 ? batch.baseOffset() : -1L;
        lastOffset = batch.lastOffset();
        return moveTo(p, batch.sizeInBytes());
    }

    int position() {
        return position;
    }

    int sizeInBytes() {
        return sizeInBytes;
    }

    long lastOffset() {
        return lastOffset;
    }

    /** Ends the scan: drops the file and the mapping, which the caller may release now. */
    @Override
    public void close() {
        file = null;
        mapped = null;
        inUse = false;
    }
}
