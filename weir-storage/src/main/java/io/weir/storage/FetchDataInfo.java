package io.weir.storage;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * The result of {@link Log#read}: whole record batches as a slice of a segment file, never
 * copied to the heap. For zero-copy sends, {@link #records()} is a {@link FileRecords} whose
 * bytes are {@code [filePosition, filePosition + records.sizeInBytes())} of
 * {@code fileRecords().channel()}; {@code records.writeTo(channel, offset, length)} uses
 * {@code FileChannel.transferTo}.
 *
 * <p>{@code error} is {@link Errors#NONE} or {@link Errors#OFFSET_OUT_OF_RANGE} (the requested
 * offset is below the log start offset or above the log end offset); records are then empty.
 *
 * <p>Immutable; the slice stays readable while the segment file is open (deleted segments are
 * closed only after {@code file.delete.delay.ms}).
 *
 * @param fetchOffset       the offset asked for
 * @param segmentBaseOffset base offset of the segment read, -1 when nothing was read
 * @param filePosition      byte position of the first batch in that segment's file
 * @param records           a {@link FileRecords} slice, or {@link MemoryRecords#EMPTY}
 * @param lastOffset        the last offset of the last batch in {@code records} (or above it, below the next
 *                          batch, where compaction left a gap), -1 when empty
 */
public record FetchDataInfo(long fetchOffset, long segmentBaseOffset, int filePosition, Records records,
                            Errors error, String errorMessage, long lastOffset) {

    static FetchDataInfo empty(long fetchOffset) {
        return new FetchDataInfo(fetchOffset, -1L, 0, MemoryRecords.EMPTY, Errors.NONE, null, -1L);
    }

    static FetchDataInfo outOfRange(long fetchOffset, String message) {
        return new FetchDataInfo(fetchOffset, -1L, 0, MemoryRecords.EMPTY, Errors.OFFSET_OUT_OF_RANGE, message, -1L);
    }

    /**
     * Offsets from the fetch offset to the last one read: the records a consumer gets from this
     * read (records before the fetch offset in the first batch are dropped by the client), exact
     * unless compaction removed records in between; 0 when empty.
     */
    public long offsetsRead() {
        return lastOffset < fetchOffset ? 0L : lastOffset - fetchOffset + 1;
    }

    /** The slice for zero-copy transfer, or null when the result is empty. */
    public FileRecords fileRecords() {
        return records instanceof FileRecords f ? f : null;
    }

    public boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }
}
