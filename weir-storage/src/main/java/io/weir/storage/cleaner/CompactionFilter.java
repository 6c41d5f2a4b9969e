package io.weir.storage.cleaner;

import io.weir.storage.state.ProducerStateEntry;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Decides, batch by batch and record by record, what compaction keeps (Kafka's rules):
 * <ul>
 * <li>a keyed record is kept if it is the latest for its key in the offset map, or lies above
 *     the map's coverage;</li>
 * <li>a tombstone (null value) is kept until its batch's delete horizon has passed; the first
 *     cleaning that sees it stamps the horizon {@code now + delete.retention.ms} into the batch
 *     header (KIP-534), so tombstones live at least that long after being cleaned;</li>
 * <li>records without a key are dropped (they have no place in a compacted topic);</li>
 * <li>the batch holding an active producer's last data offset is kept even when all its
 *     records go, as an empty batch, so the producer's sequence survives; so is the last
 *     batch of the cleaned range, so the log keeps its end offset;</li>
 * <li>control batches are kept (transactions are a later phase).</li>
 * </ul>
 * Not thread-safe; one per cleaned segment group.
 */
final class CompactionFilter extends MemoryRecords.RecordFilter {

    private final SkimpyOffsetMap offsetMap;
    private final Map<Long, ProducerStateEntry> activeProducers;
    private final long upperBoundOffset;
    private final CleanerStats stats;

    CompactionFilter(long nowMs, long deleteRetentionMs, SkimpyOffsetMap offsetMap,
                     Map<Long, ProducerStateEntry> activeProducers, long upperBoundOffset, CleanerStats stats) {
        super(nowMs, deleteRetentionMs);
        this.offsetMap = offsetMap;
        this.activeProducers = activeProducers;
        this.upperBoundOffset = upperBoundOffset;
        this.stats = stats;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        BatchRetention retention;
        if (batch.hasProducerId() && isLastBatchOfActiveProducer(batch)) {
            retention = BatchRetention.RETAIN_EMPTY;
        } else if (batch.nextOffset() == upperBoundOffset) {
            retention = BatchRetention.RETAIN_EMPTY;
        } else {
            retention = BatchRetention.DELETE_EMPTY;
        }
        return new BatchRetentionResult(retention, false);
    }

    private boolean isLastBatchOfActiveProducer(RecordBatch batch) {
        ProducerStateEntry producer = activeProducers.get(batch.producerId());
        if (producer == null) {
            return false;
        }
        long lastDataOffset = producer.lastDataOffset();
        if (lastDataOffset >= 0) {
            return batch.lastOffset() == lastDataOffset;
        }
        // only a transaction marker is left: it carries the epoch that fences zombies
        return batch.isControlBatch() && batch.producerEpoch() == producer.producerEpoch();
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (batch.isControlBatch()) {
            return true;
        }
        if (record.offset() > offsetMap.latestOffset()) {
            return true;
        }
        if (!record.hasKey()) {
            stats.invalidMessages++;
            return false;
        }
        ByteBuffer key = record.key();
        boolean latestForKey = record.offset() >= offsetMap.get(key);
        boolean retainTombstone = batch.deleteHorizonMs().isEmpty() || currentTime < batch.deleteHorizonMs().getAsLong();
        return latestForKey && (record.hasValue() || retainTombstone);
    }
}
