package io.weir.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The {@code .timeindex} file of a segment: sparse map from timestamp to offset. Entry format
 * (12 bytes, big-endian): 8-byte timestamp, 4-byte offset relative to the segment's base
 * offset. An entry (T, o) says that the largest timestamp of the segment up to and including
 * the batch whose last offset is {@code o} is T, and that no earlier batch reached T. Both
 * columns increase strictly (timestamps) and weakly (offsets).
 *
 * <p>One slot is kept free while the segment is active so that the final (max timestamp)
 * entry always fits when the segment rolls.
 *
 * <p>Threading: see {@link AbstractIndex}.
 */
public final class TimeIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize);
    }

    @Override
    int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    @Override
    long keyAt(MappedByteBuffer buffer, int slot) {
        return buffer.getLong(slot * ENTRY_SIZE);
    }

    private TimestampOffset entryAt(MappedByteBuffer buffer, int slot) {
        return new TimestampOffset(buffer.getLong(slot * ENTRY_SIZE),
                baseOffset() + buffer.getInt(slot * ENTRY_SIZE + 8));
    }

    /** The last entry, or (NO_TIMESTAMP, baseOffset) when empty. */
    public TimestampOffset lastEntry() {
        return read(buffer -> {
            int n = entries();
            return n == 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset()) : entryAt(buffer, n - 1);
        });
    }

    public TimestampOffset entry(int slot) {
        return read(buffer -> entryAt(buffer, slot));
    }

    /**
     * The entry with the largest timestamp <= {@code targetTimestamp}, or (NO_TIMESTAMP,
     * baseOffset) when every entry is later: the offset where a search for the first record
     * at or after the target timestamp may start.
     */
    public TimestampOffset lookup(long targetTimestamp) {
        return read(buffer -> {
            int slot = largestLowerBoundSlot(buffer, targetTimestamp, entries());
            return slot < 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset()) : entryAt(buffer, slot);
        });
    }

    /**
     * Appends (timestamp, offset) if the timestamp is larger than the last entry's. Caller
     * holds the log lock. {@code skipFullCheck} lets the final entry at roll use the reserved
     * slot.
     */
    public void maybeAppend(long timestamp, long offset, boolean skipFullCheck) {
        int n = entries();
        if (!skipFullCheck && isFull() || n >= maxEntries()) {
            throw new IllegalStateException("Attempt to append to a full time index " + file());
        }
        TimestampOffset last = lastEntry();
        if (n > 0 && offset < last.offset()) {
            throw new InvalidOffsetException("Attempt to append offset " + offset + " to slot " + n
                    + " smaller than the last offset " + last.offset() + " in " + file());
        }
        if (timestamp > last.timestamp()) {
            MappedByteBuffer buffer = writerBuffer(n);
            buffer.putLong(n * ENTRY_SIZE, timestamp);
            buffer.putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
            publishEntry(n);
        }
    }

    /** Removes entries for offsets >= {@code offset}. */
    public void truncateTo(long offset) {
        int keep = entries();
        while (keep > 0 && entry(keep - 1).offset() >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }

    /** Like {@link OffsetIndex#sanityCheck()}: cheap checks plus a sample at both ends. */
    @Override
    void sanityCheck() {
        if (entries() > 0 && (lastEntry().offset() < baseOffset() || lastEntry().timestamp() < entry(0).timestamp())) {
            throw new CorruptIndexException("Corrupt time index " + file() + ": last entry " + lastEntry()
                    + ", first entry " + entry(0) + ", base offset " + baseOffset());
        }
        for (int[] range : sampleRanges()) {
            TimestampOffset previous = null;
            for (int slot = range[0]; slot < range[1]; slot++) {
                TimestampOffset e = entry(slot);
                if (e.offset() < baseOffset() || previous != null
                        && (e.timestamp() <= previous.timestamp() || e.offset() < previous.offset())) {
                    throw new CorruptIndexException("Corrupt time index " + file() + ": entry " + slot + " " + e
                            + " does not follow " + previous);
                }
                previous = e;
            }
        }
    }

    @Override
    public String toString() {
        return "TimeIndex(file=" + file() + ", entries=" + entries() + ")";
    }
}
