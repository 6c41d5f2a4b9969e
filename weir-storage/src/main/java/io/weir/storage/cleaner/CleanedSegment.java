package io.weir.storage.cleaner;

import java.io.IOException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A segment being written by the cleaner (files with the {@code .cleaned} suffix), invisible to
 * readers until {@link CleanableLog#replaceSegments} swaps it in. The Log's implementation wraps
 * a {@code LogSegment} opened with {@code LogFileNames.CLEANED_FILE_SUFFIX}.
 *
 * <p>Not thread-safe; used by the cleaner thread only.
 */
public interface CleanedSegment {

    long baseOffset();

    /** Appends retained batches, which keep their original offsets, indexing as a live append does. */
    void append(long largestOffset, MemoryRecords records) throws IOException;

    /**
     * Completes the segment: final time index entry, indexes trimmed, everything flushed, and
     * the last-modified time set to {@code lastModifiedMs} (that of the newest source segment,
     * which retention and the compaction lag read).
     */
    void finish(long lastModifiedMs) throws IOException;

    /** Closes and deletes the files (an aborted cleaning). */
    void deleteIfExists() throws IOException;
}
