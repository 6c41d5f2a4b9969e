package io.weir.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import org.apache.kafka.common.errors.InvalidOffsetException;

/**
 * The {@code .index} file of a segment: sparse map from offset to the byte position of the
 * batch holding it. Entry format (8 bytes, big-endian): 4-byte offset relative to the
 * segment's base offset, 4-byte position in the {@code .log} file. Each entry maps the
 * <em>last</em> offset of a batch to the position where that batch starts, so the entry
 * found for a target offset points at or before the batch that contains it.
 *
 * <p>Threading: see {@link AbstractIndex}.
 */
public final class OffsetIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize);
    }

    @Override
    int entrySize() {
        return ENTRY_SIZE;
    }

    @Override
    long keyAt(MappedByteBuffer buffer, int slot) {
        return baseOffset() + buffer.getInt(slot * ENTRY_SIZE);
    }

    private OffsetPosition entryAt(MappedByteBuffer buffer, int slot) {
        return new OffsetPosition(baseOffset() + buffer.getInt(slot * ENTRY_SIZE),
                buffer.getInt(slot * ENTRY_SIZE + 4));
    }

    /** The last entry, or (baseOffset, 0) when empty. */
    public OffsetPosition lastEntry() {
        return read(buffer -> {
            int n = entries();
            return n == 0 ? new OffsetPosition(baseOffset(), 0) : entryAt(buffer, n - 1);
        });
    }

    public long lastOffset() {
        return lastEntry().offset();
    }

    /**
     * The entry with the largest offset <= {@code targetOffset}, or (baseOffset, 0) when the
     * target is below every entry: where a scan for the target's batch may start.
     */
    public OffsetPosition lookup(long targetOffset) {
        return read(buffer -> {
            int slot = largestLowerBoundSlot(buffer, targetOffset, entries());
            return slot < 0 ? new OffsetPosition(baseOffset(), 0) : entryAt(buffer, slot);
        });
    }

    /**
     * The entry with the largest position below {@code position}, or null if none: the start of
     * an indexed batch, with whole batches between any earlier batch start and it. Positions
     * increase with the slots, as offsets do.
     */
    public OffsetPosition lastEntryBelow(int position) {
        return read(buffer -> {
            int slot = largestSlotAtMost(i -> buffer.getInt(i * ENTRY_SIZE + 4), position - 1L, entries());
            return slot < 0 ? null : entryAt(buffer, slot);
        });
    }

    public OffsetPosition entry(int slot) {
        return read(buffer -> entryAt(buffer, slot));
    }

    /** Appends an entry; offsets must increase strictly. Caller holds the log lock. */
    public void append(long offset, int position) {
        int n = entries();
        if (n >= maxEntries()) {
            throw new IllegalStateException("Attempt to append to a full index " + file());
        }
        if (n > 0 && offset <= lastOffset()) {
            throw new InvalidOffsetException("Attempt to append offset " + offset + " to position " + n
                    + " no larger than the last offset appended (" + lastOffset() + ") to " + file());
        }
        MappedByteBuffer buffer = writerBuffer(n);
        buffer.putInt(n * ENTRY_SIZE, relativeOffset(offset));
        buffer.putInt(n * ENTRY_SIZE + 4, position);
        publishEntry(n);
    }

    /** Removes entries for offsets >= {@code offset}. */
    public void truncateTo(long offset) {
        truncateToKey(offset);
    }

    /**
     * Kafka's cheap checks (last offset not below the base offset) plus monotonic offsets and
     * positions over the first and last {@link #SANITY_SAMPLE} entries, so that startup does
     * not read every index in full.
     */
    @Override
    void sanityCheck() {
        if (entries() != 0 && lastOffset() < baseOffset()) {
            throw new CorruptIndexException("Corrupt index found, index file (" + file() + ") has non-zero size but "
                    + "the last offset is " + lastOffset() + " which is less than the base offset " + baseOffset());
        }
        for (int[] range : sampleRanges()) {
            OffsetPosition previous = null;
            for (int slot = range[0]; slot < range[1]; slot++) {
                OffsetPosition e = entry(slot);
                if (e.position() < 0 || previous != null
                        && (e.offset() <= previous.offset() || e.position() <= previous.position())) {
                    throw new CorruptIndexException("Corrupt index " + file() + ": entry " + slot + " " + e
                            + " does not follow " + previous);
                }
                previous = e;
            }
        }
    }

    @Override
    public String toString() {
        return "OffsetIndex(file=" + file() + ", entries=" + entries() + ")";
    }
}
