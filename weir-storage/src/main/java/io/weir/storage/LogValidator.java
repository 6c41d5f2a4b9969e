package io.weir.storage;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Checks incoming record batches before they reach the log. Everything here reads batch
 * headers only (size, magic, CRC32C over the whole batch, offset delta versus record count,
 * base and max timestamps), except two steps that iterate records and so decompress: the key
 * check of compacted topics, and the leader's rebuild of a batch whose codec is not the
 * topic's {@code compression.type} (when that is not {@code producer}).
 *
 * <p>Stateless and thread-safe; it runs before the log lock is taken.
 */
final class LogValidator {

    /**
     * Batches that passed validation and the bytes that hold them, which are what the log
     * writes (the input, cut before a partial tail, or rebuilt in the topic's codec), or the
     * failure to return. {@code validBytes} counts the input's bytes.
     */
    record Validated(MemoryRecords records, List<MutableRecordBatch> batches, int validBytes, int numMessages,
                     LogAppendInfo failure) {

        boolean failed() {
            return failure != null;
        }
    }

    private LogValidator() {
    }

    /** Validates a produce request's batches; offsets are assigned later, under the log lock. */
    static Validated validateForLeader(MemoryRecords records, LogConfig config, long nowMs, boolean fromClient,
                                       long logStartOffset) {
        Validated parsed = parse(records, logStartOffset, false);
        if (parsed.failed()) {
            return parsed;
        }
        if (records.sizeInBytes() > config.segmentBytes()) {
            return fail(LogAppendInfo.failed(Errors.RECORD_LIST_TOO_LARGE, "Record set of " + records.sizeInBytes()
                    + " bytes exceeds segment.bytes " + config.segmentBytes(), logStartOffset));
        }
        for (MutableRecordBatch batch : parsed.batches()) {
            LogAppendInfo failure = validateLeaderBatch(batch, config, nowMs, fromClient, logStartOffset);
            if (failure != null) {
                return fail(failure);
            }
        }
        return BatchRecompressor.maybeRecompress(parsed, config, logStartOffset);
    }

    /**
     * Validates replicated batches: CRC and magic, offsets increasing from
     * {@code logEndOffset}. A partial batch at the end (a fetch cut at max bytes) is dropped.
     */
    static Validated validateForFollower(MemoryRecords records, long logEndOffset, long logStartOffset) {
        Validated parsed = parse(records, logStartOffset, true);
        if (parsed.failed()) {
            return parsed;
        }
        long expected = logEndOffset;
        for (MutableRecordBatch batch : parsed.batches()) {
            LogAppendInfo failure = checkIntegrity(batch, logStartOffset);
            if (failure != null) {
                return fail(failure);
            }
            if (batch.baseOffset() < expected) {
                return fail(LogAppendInfo.failed(Errors.OFFSET_OUT_OF_RANGE, "Replicated batch at offset "
                        + batch.baseOffset() + " is below the expected offset " + expected, logStartOffset));
            }
            expected = batch.nextOffset();
        }
        return parsed;
    }

    static Validated fail(LogAppendInfo failure) {
        return new Validated(MemoryRecords.EMPTY, List.of(), 0, 0, failure);
    }

    /** Splits into batches; a partial trailing batch fails a leader append and is cut from a follower's. */
    private static Validated parse(MemoryRecords records, long logStartOffset, boolean allowPartialTail) {
        List<MutableRecordBatch> batches = new ArrayList<>();
        int bytes = 0;
        int messages = 0;
        try {
            for (MutableRecordBatch batch : records.batches()) {
                batches.add(batch);
                bytes += batch.sizeInBytes();
                Integer count = batch.countOrNull();
                messages += count == null ? 0 : count;
            }
        } catch (CorruptRecordException e) {
            return fail(LogAppendInfo.failed(Errors.CORRUPT_MESSAGE, e.getMessage(), logStartOffset));
        }
        if (bytes != records.sizeInBytes() && !allowPartialTail) {
            return fail(LogAppendInfo.failed(Errors.CORRUPT_MESSAGE, "Record set of " + records.sizeInBytes()
                    + " bytes holds only " + bytes + " bytes of complete batches", logStartOffset));
        }
        MemoryRecords valid = bytes == records.sizeInBytes() ? records : records.slice(0, bytes);
        return new Validated(valid, batches, bytes, messages, null);
    }

    private static LogAppendInfo checkIntegrity(RecordBatch batch, long logStartOffset) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            return LogAppendInfo.failed(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "Record batch magic "
                    + batch.magic() + " is not supported; only magic v2 can be stored", logStartOffset);
        }
        if (!batch.isValid()) {
            return LogAppendInfo.failed(Errors.CORRUPT_MESSAGE, "Record batch of " + batch.sizeInBytes()
                    + " bytes is corrupt (bad size or CRC " + batch.checksum() + ")", logStartOffset);
        }
        Integer count = batch.countOrNull();
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (count == null || count <= 0 || countFromOffsets != count) {
            return LogAppendInfo.failed(Errors.INVALID_RECORD, "Record batch has " + count
                    + " records but an offset range of " + countFromOffsets, logStartOffset);
        }
        return null;
    }

    private static LogAppendInfo validateLeaderBatch(MutableRecordBatch batch, LogConfig config, long nowMs,
                                                     boolean fromClient, long logStartOffset) {
        if (batch.magic() == RecordBatch.MAGIC_VALUE_V2 && batch.sizeInBytes() > config.maxMessageSize()) {
            return LogAppendInfo.failed(Errors.MESSAGE_TOO_LARGE, "Record batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes " + config.maxMessageSize(), logStartOffset);
        }
        LogAppendInfo integrity = checkIntegrity(batch, logStartOffset);
        if (integrity != null) {
            return integrity;
        }
        if (fromClient && batch.isControlBatch()) {
            return LogAppendInfo.failed(Errors.INVALID_RECORD, "Clients are not allowed to write control records",
                    logStartOffset);
        }
        LogAppendInfo timestamps = validateTimestamps(batch, config, nowMs, logStartOffset);
        if (timestamps != null) {
            return timestamps;
        }
        return config.compact() ? validateRecords(batch, config, logStartOffset) : null;
    }

    private static LogAppendInfo validateTimestamps(RecordBatch batch, LogConfig config, long nowMs,
                                                    long logStartOffset) {
        if (config.messageTimestampType() != TimestampType.CREATE_TIME) {
            return null;
        }
        long base = batch instanceof DefaultRecordBatch d ? d.baseTimestamp() : batch.maxTimestamp();
        for (long ts : new long[] {base, batch.maxTimestamp()}) {
            if (ts == RecordBatch.NO_TIMESTAMP) {
                continue;
            }
            if (nowMs - ts > config.messageTimestampBeforeMaxMs() || ts - nowMs > config.messageTimestampAfterMaxMs()) {
                String message = "Timestamp " + ts + " of a record batch is out of range: it must be within ["
                        + safeSub(nowMs, config.messageTimestampBeforeMaxMs()) + ", "
                        + safeAdd(nowMs, config.messageTimestampAfterMaxMs()) + "]";
                // The header does not say which record is out of range: no per-record errors.
                return LogAppendInfo.failed(Errors.INVALID_TIMESTAMP, message, logStartOffset);
            }
        }
        return null;
    }

    private static long safeSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long safeAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * Compacted topics need a key on every record, and no record may exceed
     * {@code max.decompressed.message.bytes}: the only check that decompresses.
     */
    private static LogAppendInfo validateRecords(RecordBatch batch, LogConfig config, long logStartOffset) {
        if (batch.isControlBatch()) {
            return null;
        }
        List<LogAppendInfo.RecordError> errors = new ArrayList<>();
        int index = 0;
        try {
            for (Record record : batch) {
                if (!record.hasKey()) {
                    errors.add(new LogAppendInfo.RecordError(index, "Compacted topic cannot accept message without key"));
                } else if (record.sizeInBytes() > config.maxDecompressedMessageSize()) {
                    errors.add(new LogAppendInfo.RecordError(index, "Record of " + record.sizeInBytes()
                            + " bytes exceeds max.decompressed.message.bytes " + config.maxDecompressedMessageSize()));
                }
                index++;
            }
        } catch (KafkaException e) {
            return LogAppendInfo.failed(Errors.CORRUPT_MESSAGE, "Record batch cannot be decompressed: "
                    + e.getMessage(), logStartOffset);
        }
        if (errors.isEmpty()) {
            return null;
        }
        return LogAppendInfo.failed(Errors.INVALID_RECORD, errors.get(0).message() + " (" + errors.size()
                + " records)", logStartOffset, errors);
    }

    /**
     * Stamps offsets from {@code firstOffset}, the leader epoch and, for LogAppendTime topics,
     * the broker time into one batch (its CRC is recomputed where the CRC covers the field).
     *
     * @return the next offset
     */
    static long assignOffsets(MutableRecordBatch batch, long firstOffset, int leaderEpoch, LogConfig config,
                              long nowMs) {
        long lastOffset = firstOffset + (batch.lastOffset() - batch.baseOffset());
        batch.setLastOffset(lastOffset);
        batch.setPartitionLeaderEpoch(leaderEpoch);
        if (config.messageTimestampType() == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
        }
        return lastOffset + 1;
    }
}
