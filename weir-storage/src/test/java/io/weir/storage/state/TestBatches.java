package io.weir.storage.state;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds single record batches for producer state tests. */
final class TestBatches {

    private TestBatches() {
    }

    /** An idempotent batch of {@code count} records with offsets from {@code baseOffset}. */
    static RecordBatch batch(long producerId, short epoch, int firstSeq, int count, long baseOffset, long timestamp) {
        return build(producerId, epoch, firstSeq, count, baseOffset, timestamp, false);
    }

    static RecordBatch transactional(long producerId, short epoch, int firstSeq, int count, long baseOffset,
                                     long timestamp) {
        return build(producerId, epoch, firstSeq, count, baseOffset, timestamp, true);
    }

    /** A batch without producer id. */
    static RecordBatch plain(int count, long baseOffset, long timestamp) {
        return build(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, count,
                baseOffset, timestamp, false);
    }

    static RecordBatch commitMarker(long producerId, short epoch, int coordinatorEpoch, long offset, long timestamp) {
        EndTransactionMarker marker = new EndTransactionMarker(ControlRecordType.COMMIT, coordinatorEpoch);
        return MemoryRecords.withEndTransactionMarker(offset, timestamp, 0, producerId, epoch, marker)
                .batches().iterator().next();
    }

    private static RecordBatch build(long producerId, short epoch, int firstSeq, int count, long baseOffset,
                                     long timestamp, boolean transactional) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords memoryRecords = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset,
                Compression.NONE, TimestampType.CREATE_TIME, producerId, epoch, firstSeq, 0, transactional, records);
        return memoryRecords.batches().iterator().next();
    }
}
