package io.weir.broker.server;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * What one partition contributes to a fetch response: an error, or records (a file slice)
 * with the partition's high watermark, last stable offset and log start offset, and how many
 * offsets the records cover from the fetch offset on (the records the consumer gets, unless
 * compaction removed some of them; see {@code FetchDataInfo.offsetsRead}).
 */
public record FetchPartitionResult(Errors error, long highWatermark, long lastStableOffset, long logStartOffset,
                                   Records records, long offsetsRead) {

    public static FetchPartitionResult error(Errors error) {
        return new FetchPartitionResult(error, -1L, -1L, -1L, MemoryRecords.EMPTY, 0L);
    }

    public int sizeInBytes() {
        return records == null ? 0 : records.sizeInBytes();
    }
}
