package io.weir.storage;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * The read path of a {@link Log}: fetches and ListOffsets lookups. Lock-free: it reads the
 * log end offset (with the active segment's size that matches it) first, then the segment
 * snapshot, and never reads past that end.
 *
 * <p>Stateless and thread-safe.
 */
final class LogReader {

    private LogReader() {
    }

    static FetchDataInfo read(Log log, long startOffset, int maxBytes, long maxOffsetExclusive,
                              boolean minOneMessage) {
        LogOffsetMetadata end = log.nextOffsetMetadata;
        long logStartOffset = log.logStartOffset;
        if (startOffset > end.messageOffset() || startOffset < logStartOffset) {
            return FetchDataInfo.outOfRange(startOffset, "Offset " + startOffset + " is out of range for "
                    + log.topicPartition() + ": log start offset " + logStartOffset + ", log end offset "
                    + end.messageOffset());
        }
        long upper = Math.min(maxOffsetExclusive, end.messageOffset());
        if (startOffset >= upper) {
            return FetchDataInfo.empty(startOffset);
        }
        NavigableMap<Long, LogSegment> segments = log.segmentSnapshot();
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        if (entry == null) {
            entry = segments.firstEntry();
        }
        while (entry != null && entry.getKey() < upper) {
            LogSegment segment = entry.getValue();
            Map.Entry<Long, LogSegment> next = segments.higherEntry(entry.getKey());
            boolean holdsUpper = next == null || next.getKey() > upper;
            int maxPosition = maxPosition(segment, end, upper, holdsUpper);
            FetchDataInfo info = segment.read(startOffset, maxBytes, maxPosition, minOneMessage);
            if (info != null || holdsUpper) {
                return info != null ? info : FetchDataInfo.empty(startOffset);
            }
            entry = next;
        }
        return FetchDataInfo.empty(startOffset);
    }

    /** Where reading must stop in {@code segment}: the log end, or the batch holding {@code upper}. */
    private static int maxPosition(LogSegment segment, LogOffsetMetadata end, long upper, boolean holdsUpper) {
        int limit = segment.baseOffset() == end.segmentBaseOffset()
                ? end.relativePositionInSegment() : segment.size();
        if (holdsUpper && upper < end.messageOffset()) {
            LogSegment.BatchPosition batch = segment.translateOffset(upper, limit);
            if (batch != null) {
                return Math.min(limit, batch.position());
            }
        }
        return limit;
    }

    static Optional<FileRecords.TimestampAndOffset> fetchOffsetByTimestamp(Log log, long timestamp) {
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            long start = log.logStartOffset;
            return Optional.of(new FileRecords.TimestampAndOffset(RecordBatch.NO_TIMESTAMP, start,
                    epochOf(log, start)));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            long end = log.logEndOffset();
            Optional<Integer> epoch = log.latestEpoch().isPresent()
                    ? Optional.of(log.latestEpoch().getAsInt()) : Optional.empty();
            return Optional.of(new FileRecords.TimestampAndOffset(RecordBatch.NO_TIMESTAMP, end, epoch));
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return maxTimestamp(log);
        }
        if (timestamp < 0) {
            return Optional.empty();
        }
        for (LogSegment segment : log.segmentSnapshot().values()) {
            if (segment.maxTimestampAndOffsetSoFar().timestamp() >= timestamp) {
                Optional<FileRecords.TimestampAndOffset> found =
                        segment.findOffsetByTimestamp(timestamp, log.logStartOffset);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> epochOf(Log log, long offset) {
        var epoch = log.leaderEpochCache.epochForOffset(offset);
        return epoch.isPresent() ? Optional.of(epoch.getAsInt()) : Optional.empty();
    }

    /** The first record carrying the largest timestamp of the log (decompresses that batch). */
    private static Optional<FileRecords.TimestampAndOffset> maxTimestamp(Log log) {
        LogSegment best = null;
        for (LogSegment segment : log.segmentSnapshot().values()) {
            if (best == null || segment.maxTimestampAndOffsetSoFar().timestamp()
                    > best.maxTimestampAndOffsetSoFar().timestamp()) {
                best = segment;
            }
        }
        if (best == null || best.maxTimestampAndOffsetSoFar().timestamp() < 0) {
            return Optional.empty();
        }
        TimestampOffset max = best.maxTimestampAndOffsetSoFar();
        int position = best.offsetIndex().lookup(max.offset()).position();
        for (FileChannelRecordBatch batch : best.log().batchesFrom(position)) {
            if (batch.maxTimestamp() != max.timestamp()) {
                continue;
            }
            for (Record record : batch) {
                if (record.timestamp() == max.timestamp() || batch.timestampType()
                        == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
                    return Optional.of(new FileRecords.TimestampAndOffset(max.timestamp(), record.offset(),
                            LogSegment.leaderEpoch(batch)));
                }
            }
        }
        return Optional.empty();
    }
}
