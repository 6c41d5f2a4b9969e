package io.weir.storage.cleaner;

import io.weir.common.Time;
import io.weir.storage.LogConfig;
import io.weir.storage.LogFileNames;
import io.weir.storage.LogSegment;
import io.weir.storage.OffsetIndex;
import io.weir.storage.TimeIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * A cleaned segment written through the public segment file APIs: the {@code .log.cleaned}
 * file, and {@code .index.cleaned} / {@code .timeindex.cleaned} with one entry per
 * {@code index.interval.bytes}, as a live append writes them. {@link #finish} opens the
 * result as a {@link LogSegment} for {@code Log.replaceSegments}.
 *
 * <p>Not thread-safe; used by the cleaner thread only, and invisible to readers until swapped in.
 */
final class LogCleanedSegment implements CleanedSegment {

    private final Path dir;
    private final long baseOffset;
    private final LogConfig config;
    private final Time time;
    private final FileRecords records;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private long maxTimestamp = -1L;
    private long offsetOfMaxTimestamp;
    private int bytesSinceLastIndexEntry;
    private boolean indexFull;
    private LogSegment segment;

    LogCleanedSegment(Path dir, long baseOffset, LogConfig config, Time time) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.config = config;
        this.time = time;
        this.offsetOfMaxTimestamp = baseOffset;
        String suffix = LogFileNames.CLEANED_FILE_SUFFIX;
        Path logFile = LogFileNames.logFile(dir, baseOffset, suffix);
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, baseOffset, suffix));
        Files.deleteIfExists(LogFileNames.timeIndexFile(dir, baseOffset, suffix));
        this.records = FileRecords.open(logFile.toFile(), false, config.segmentBytes(), false);
        this.offsetIndex = new OffsetIndex(LogFileNames.offsetIndexFile(dir, baseOffset, suffix), baseOffset,
                config.maxIndexSize());
        this.timeIndex = new TimeIndex(LogFileNames.timeIndexFile(dir, baseOffset, suffix), baseOffset,
                config.maxIndexSize());
    }

    @Override
    public long baseOffset() {
        return baseOffset;
    }

    @Override
    public void append(long largestOffset, MemoryRecords batches) throws IOException {
        if (largestOffset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalStateException("Offset " + largestOffset + " does not fit cleaned segment " + baseOffset);
        }
        int position = records.sizeInBytes();
        records.append(batches);
        for (MutableRecordBatch batch : batches.batches()) {
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
            if (bytesSinceLastIndexEntry > config.indexInterval()) {
                addIndexEntries(batch.lastOffset(), position);
                bytesSinceLastIndexEntry = 0;
            }
            bytesSinceLastIndexEntry += batch.sizeInBytes();
            position += batch.sizeInBytes();
        }
    }

    private void addIndexEntries(long offset, int position) {
        if (indexFull) {
            return;
        }
        try {
            offsetIndex.append(offset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp, false);
        } catch (IllegalStateException full) {
            // The indexes are sparse: without further entries lookups scan a little longer.
            indexFull = true;
        }
    }

    @Override
    public void finish(long lastModifiedMs) throws IOException {
        if (maxTimestamp >= 0) {
            try {
                timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp, true);
            } catch (IllegalStateException full) {
                // no room for the final entry; the segment's max timestamp is recomputed on load
            }
        }
        records.flush();
        records.close();
        offsetIndex.close();
        timeIndex.close();
        Path logFile = LogFileNames.logFile(dir, baseOffset, LogFileNames.CLEANED_FILE_SUFFIX);
        Files.setLastModifiedTime(logFile, FileTime.fromMillis(lastModifiedMs));
        segment = LogSegment.open(dir, baseOffset, config, time, LogFileNames.CLEANED_FILE_SUFFIX, false);
    }

    /** The finished segment, to swap in. */
    LogSegment segment() {
        if (segment == null) {
            throw new IllegalStateException("cleaned segment " + baseOffset + " is not finished");
        }
        return segment;
    }

    @Override
    public void deleteIfExists() throws IOException {
        if (segment != null) {
            segment.close();
        } else {
            records.close();
            offsetIndex.close();
            timeIndex.close();
        }
        String suffix = LogFileNames.CLEANED_FILE_SUFFIX;
        Files.deleteIfExists(LogFileNames.logFile(dir, baseOffset, suffix));
        Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, baseOffset, suffix));
        Files.deleteIfExists(LogFileNames.timeIndexFile(dir, baseOffset, suffix));
    }

    @Override
    public String toString() {
        return "LogCleanedSegment(" + LogFileNames.logFile(dir, baseOffset, LogFileNames.CLEANED_FILE_SUFFIX) + ")";
    }
}
