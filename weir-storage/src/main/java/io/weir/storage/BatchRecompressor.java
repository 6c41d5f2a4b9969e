package io.weir.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/**
 * A leader's {@code compression.type}: when a topic names a codec (not {@code producer}), a
 * client batch in another codec is rebuilt in the topic's, at its {@code compression.<codec>.level},
 * as Kafka's leader does. The rebuilt batch keeps the producer id, epoch, base sequence,
 * transactional flag, record offsets, timestamps and headers, so offset assignment, the
 * sequence check and the reply see the same batch as before. A batch already in the topic's
 * codec (at any level) is kept byte for byte, and followers never rebuild: they store the
 * leader's bytes.
 *
 * <p>Stateless and thread-safe; it runs before the log lock is taken.
 */
final class BatchRecompressor {

    private BatchRecompressor() {
    }

    /** {@code validated} itself when nothing needs rebuilding, else the same batches in the topic's codec. */
    static LogValidator.Validated maybeRecompress(LogValidator.Validated validated, LogConfig config,
                                                  long logStartOffset) {
        Compression target = config.targetCompression();
        if (target == null || validated.batches().stream().allMatch(b -> keeps(b, target))) {
            return validated;
        }
        ByteBufferOutputStream out = new ByteBufferOutputStream(validated.records().sizeInBytes());
        try {
            for (MutableRecordBatch batch : validated.batches()) {
                if (keeps(batch, target)) {
                    batch.writeTo(out);
                } else {
                    out.write(rebuild(batch, target));
                }
            }
        } catch (InvalidRecordException e) {
            return LogValidator.fail(LogAppendInfo.failed(Errors.INVALID_RECORD, e.getMessage(), logStartOffset));
        } catch (KafkaException e) {
            return LogValidator.fail(LogAppendInfo.failed(Errors.CORRUPT_MESSAGE,
                    "Record batch cannot be decompressed: " + e.getMessage(), logStartOffset));
        }
        MemoryRecords rebuilt = MemoryRecords.readableRecords(out.buffer().flip());
        if (rebuilt.sizeInBytes() > config.segmentBytes()) {
            return LogValidator.fail(LogAppendInfo.failed(Errors.RECORD_LIST_TOO_LARGE, "Record set of "
                    + rebuilt.sizeInBytes() + " bytes in " + target.type().name + " exceeds segment.bytes "
                    + config.segmentBytes(), logStartOffset));
        }
        List<MutableRecordBatch> batches = new ArrayList<>(validated.batches().size());
        for (MutableRecordBatch batch : rebuilt.batches()) {
            if (batch.sizeInBytes() > config.maxMessageSize()) {
                return LogValidator.fail(LogAppendInfo.failed(Errors.MESSAGE_TOO_LARGE, "Record batch of "
                        + batch.sizeInBytes() + " bytes in " + target.type().name + " exceeds max.message.bytes "
                        + config.maxMessageSize(), logStartOffset));
            }
            batches.add(batch);
        }
        return new LogValidator.Validated(rebuilt, batches, validated.validBytes(), validated.numMessages(), null);
    }

    /** Control batches (transaction markers) are written by the broker and stay as they are. */
    private static boolean keeps(RecordBatch batch, Compression target) {
        return batch.compressionType() == target.type() || batch.isControlBatch();
    }

    private static ByteBuffer rebuild(RecordBatch batch, Compression target) {
        long logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME
                ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP;
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(batch.sizeInBytes()),
                RecordBatch.MAGIC_VALUE_V2, target, batch.timestampType(), batch.baseOffset(), logAppendTime,
                batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(),
                batch.partitionLeaderEpoch());
        long expected = batch.baseOffset();
        for (Record record : batch) {
            // Kafka's leader asks the same of the records it rebuilds: offsets follow one another.
            if (record.offset() != expected) {
                throw new InvalidRecordException("Record at offset " + record.offset() + " of a batch based at "
                        + batch.baseOffset() + " should be at " + expected);
            }
            builder.appendWithOffset(expected++, record.timestamp(), record.key(), record.value(), record.headers());
        }
        return builder.build().buffer();
    }
}
