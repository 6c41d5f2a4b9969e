package io.weir.storage.cleaner;

import io.weir.storage.LogSegment;
import java.util.List;

/**
 * A compacted log chosen for cleaning, with its clean head {@code [logStart, firstDirtyOffset)}
 * and cleanable dirty section {@code [firstDirtyOffset, firstUncleanableOffset)}.
 *
 * @param log the log
 * @param firstDirtyOffset where the last cleaning stopped (the cleaner checkpoint)
 * @param firstUncleanableOffset the first offset that must not be cleaned yet
 * @param needCompactionNow whether {@code max.compaction.lag.ms} has passed for dirty data
 * @param cleanBytes the size of the segments before {@code firstDirtyOffset}
 * @param cleanableBytes the size of the segments in the cleanable dirty section
 */
public record LogToClean(CleanableLog log, long firstDirtyOffset, long firstUncleanableOffset,
                         boolean needCompactionNow, long cleanBytes, long cleanableBytes) {

    static LogToClean of(CleanableLog log, long firstDirtyOffset, long firstUncleanableOffset,
                         boolean needCompactionNow) {
        List<LogSegment> segments = log.logSegments();
        long clean = sizeOf(Segments.between(segments, -1L, firstDirtyOffset));
        long cleanable = sizeOf(Segments.between(segments, firstDirtyOffset,
                Math.max(firstDirtyOffset, firstUncleanableOffset)));
        return new LogToClean(log, firstDirtyOffset, firstUncleanableOffset, needCompactionNow, clean, cleanable);
    }

    private static long sizeOf(List<LogSegment> segments) {
        long total = 0;
        for (LogSegment segment : segments) {
            total += segment.size();
        }
        return total;
    }

    public long totalBytes() {
        return cleanBytes + cleanableBytes;
    }

    /** The share of the log that is dirty and cleanable, compared with {@code min.cleanable.dirty.ratio}. */
    public double cleanableRatio() {
        long total = totalBytes();
        return total == 0 ? 0.0 : (double) cleanableBytes / total;
    }
}
