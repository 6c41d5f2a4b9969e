package io.weir.broker.server;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * What one partition contributes to a fetch response: an error, or records (a file slice)
 * with the partition's high watermark, last stable offset and log start offset, and how many
 * offsets the records cover from the fetch offset on (the records the consumer gets, unless
 * compaction removed some of them; see {@code FetchDataInfo.offsetsRead}); or, from a leader to a
 * consumer (KIP-392), no records and the {@code preferredReadReplica} to fetch from instead (-1:
 * none). {@code atEnd}: the fetch offset was where the client may read to (the log end offset for
 * a follower, the high watermark for a consumer), so it has nothing more to read until the
 * partition changes.
 */
public record FetchPartitionResult(Errors error, long highWatermark, long lastStableOffset, long logStartOffset,
                                   Records records, long offsetsRead, int preferredReadReplica, boolean atEnd) {

    public static final int NO_PREFERRED_REPLICA = -1;

    public FetchPartitionResult(Errors error, long highWatermark, long lastStableOffset, long logStartOffset,
                                Records records, long offsetsRead) {
        this(error, highWatermark, lastStableOffset, logStartOffset, records, offsetsRead, NO_PREFERRED_REPLICA);
    }

    public FetchPartitionResult(Errors error, long highWatermark, long lastStableOffset, long logStartOffset,
                                Records records, long offsetsRead, int preferredReadReplica) {
        this(error, highWatermark, lastStableOffset, logStartOffset, records, offsetsRead, preferredReadReplica,
            false);
    }

    public static FetchPartitionResult error(Errors error) {
        return new FetchPartitionResult(error, -1L, -1L, -1L, MemoryRecords.EMPTY, 0L);
    }

    public int sizeInBytes() {
        return records == null ? 0 : records.sizeInBytes();
    }

    public boolean hasPreferredReadReplica() {
        return preferredReadReplica != NO_PREFERRED_REPLICA;
    }
}
