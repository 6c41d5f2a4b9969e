package io.weir.storage.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The state of one producer id on one partition: its epoch, the metadata of its last
 * {@value #NUM_BATCHES_TO_RETAIN} batches (a producer has at most five requests in flight, so a
 * retry is always among them), and transaction bookkeeping.
 *
 * <p>Not thread-safe; owned by a {@link ProducerStateManager} (under the owning Log's lock).
 * Only this package mutates an entry; others read copies handed out by the manager.
 */
public final class ProducerStateEntry {

    /** The most batches a producer may have in flight, hence the retries we can recognise. */
    public static final int NUM_BATCHES_TO_RETAIN = 5;

    private final long producerId;
    private final ArrayDeque<BatchMetadata> batchMetadata;
    private short producerEpoch;
    private int coordinatorEpoch;
    private long lastTimestamp;
    private OptionalLong currentTxnFirstOffset;

    ProducerStateEntry(long producerId, short producerEpoch, int coordinatorEpoch, long lastTimestamp,
                       OptionalLong currentTxnFirstOffset, Collection<BatchMetadata> batchMetadata) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.coordinatorEpoch = coordinatorEpoch;
        this.lastTimestamp = lastTimestamp;
        this.currentTxnFirstOffset = currentTxnFirstOffset;
        this.batchMetadata = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);
        batchMetadata.forEach(this::addBatchMetadata);
    }

    /** A producer id we know nothing about yet. */
    static ProducerStateEntry empty(long producerId) {
        return new ProducerStateEntry(producerId, RecordBatch.NO_PRODUCER_EPOCH, -1, RecordBatch.NO_TIMESTAMP,
                OptionalLong.empty(), List.of());
    }

    ProducerStateEntry copy() {
        return new ProducerStateEntry(producerId, producerEpoch, coordinatorEpoch, lastTimestamp,
                currentTxnFirstOffset, batchMetadata);
    }

    public long producerId() {
        return producerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    public int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    /** The max timestamp of the producer's last batch, or -1; expiry is measured from it. */
    public long lastTimestamp() {
        return lastTimestamp;
    }

    /** The first offset of the producer's open transaction, if one is open. */
    public OptionalLong currentTxnStartOffset() {
        return currentTxnFirstOffset;
    }

    /** The last sequence written under the current epoch, or -1 if none is retained. */
    public int lastSequence() {
        return batchMetadata.isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.getLast().lastSeq();
    }

    /** The first sequence of the oldest retained batch, or -1. */
    public int firstSequence() {
        return batchMetadata.isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.getFirst().firstSeq();
    }

    /** The last offset of the producer's last data batch, or -1 if none is retained. */
    public long lastDataOffset() {
        return batchMetadata.isEmpty() ? -1L : batchMetadata.getLast().lastOffset();
    }

    /** The retained batches, oldest first. */
    public List<BatchMetadata> batchMetadata() {
        return new ArrayList<>(batchMetadata);
    }

    public boolean isEmpty() {
        return batchMetadata.isEmpty();
    }

    /** The retained batch that {@code batch} repeats: same epoch, same sequence range. */
    Optional<BatchMetadata> findDuplicateBatch(RecordBatch batch) {
        if (batch.producerEpoch() != producerEpoch) {
            return Optional.empty();
        }
        int firstSeq = batch.baseSequence();
        int lastSeq = batch.lastSequence();
        for (BatchMetadata metadata : batchMetadata) {
            if (metadata.firstSeq() == firstSeq && metadata.lastSeq() == lastSeq) {
                return Optional.of(metadata);
            }
        }
        return Optional.empty();
    }

    /** A new epoch starts a new sequence space, so the batches of the old one are forgotten. */
    void maybeUpdateProducerEpoch(short newEpoch) {
        if (producerEpoch != newEpoch) {
            batchMetadata.clear();
            producerEpoch = newEpoch;
        }
    }

    void addBatch(short epoch, BatchMetadata metadata) {
        maybeUpdateProducerEpoch(epoch);
        addBatchMetadata(metadata);
        lastTimestamp = metadata.timestamp();
    }

    private void addBatchMetadata(BatchMetadata metadata) {
        if (batchMetadata.size() == NUM_BATCHES_TO_RETAIN) {
            batchMetadata.removeFirst();
        }
        batchMetadata.addLast(metadata);
    }

    void setCoordinatorEpoch(int coordinatorEpoch) {
        this.coordinatorEpoch = coordinatorEpoch;
    }

    void setLastTimestamp(long lastTimestamp) {
        this.lastTimestamp = lastTimestamp;
    }

    void setCurrentTxnFirstOffset(OptionalLong currentTxnFirstOffset) {
        this.currentTxnFirstOffset = currentTxnFirstOffset;
    }

    @Override
    public String toString() {
        return "ProducerStateEntry(producerId=" + producerId + ", producerEpoch=" + producerEpoch
                + ", coordinatorEpoch=" + coordinatorEpoch + ", lastTimestamp=" + lastTimestamp
                + ", currentTxnFirstOffset=" + currentTxnFirstOffset + ", batchMetadata=" + batchMetadata + ")";
    }
}
