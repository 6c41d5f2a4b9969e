package io.weir.storage;

import java.util.List;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The outcome of an append. Expected failures (bad CRC, too large, bad timestamp, producer
 * sequence problems) are values: {@link #error()} is not {@link Errors#NONE} and the log is
 * unchanged. A duplicate idempotent batch is a success ({@code NONE}) carrying the offsets it
 * was originally written at, with {@link #duplicate()} true; nothing was written.
 *
 * <p>Immutable.
 *
 * @param firstOffset      offset of the first record written (or of the original duplicate)
 * @param lastOffset       offset of the last record
 * @param maxTimestamp     largest timestamp in the append (the log append time for LogAppendTime)
 * @param logAppendTimeMs  the broker time stamped into the batches, -1 for CreateTime topics
 * @param logStartOffset   the log start offset after the append
 * @param validBytes       bytes of the append that passed validation
 * @param numMessages      number of records
 * @param recordErrors     per-record errors (index within the batch and message), may be empty
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long logAppendTimeMs,
                            long logStartOffset, int validBytes, int numMessages, boolean duplicate,
                            Errors error, String errorMessage, List<RecordError> recordErrors) {

    /** An error about one record of the produce request (Kafka's ProduceResponse record errors). */
    public record RecordError(int batchIndex, String message) {
    }

    public LogAppendInfo {
        recordErrors = List.copyOf(recordErrors);
    }

    static LogAppendInfo failed(Errors error, String message, long logStartOffset) {
        return failed(error, message, logStartOffset, List.of());
    }

    static LogAppendInfo failed(Errors error, String message, long logStartOffset, List<RecordError> recordErrors) {
        return new LogAppendInfo(-1L, -1L, RecordBatch.NO_TIMESTAMP, -1L, logStartOffset, 0, 0, false,
                error, message, recordErrors);
    }

    static LogAppendInfo duplicateOf(long firstOffset, long lastOffset, long timestamp, long logStartOffset) {
        return new LogAppendInfo(firstOffset, lastOffset, timestamp, -1L, logStartOffset, 0, 0, true,
                Errors.NONE, null, List.of());
    }

    public boolean ok() {
        return error == Errors.NONE;
    }
}
