package io.weir.broker.server;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

import io.weir.storage.FetchDataInfo;
import io.weir.storage.Log;

/**
 * One log read turned into an error code or records (a file slice), with the offsets they cover
 * from the fetch offset.
 */
record LogReadResult(Errors error, Records records, long offsetsRead) {

    /** A read at the upper bound it may read to: no records, no error. */
    static final LogReadResult NOTHING_NEW = new LogReadResult(Errors.NONE, MemoryRecords.EMPTY, 0L);

    static LogReadResult read(Log log, long offset, int maxBytes, long upperBound, boolean minOneMessage) {
        try {
            FetchDataInfo info = log.read(offset, maxBytes, upperBound, minOneMessage);
            return new LogReadResult(info.error(), info.records(), info.offsetsRead());
        } catch (OffsetOutOfRangeException e) {
            return new LogReadResult(Errors.OFFSET_OUT_OF_RANGE, MemoryRecords.EMPTY, 0L);
        }
    }
}
