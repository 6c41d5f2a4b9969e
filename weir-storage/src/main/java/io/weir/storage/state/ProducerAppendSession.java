package io.weir.storage.state;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer state changes of one append to a Log (one produce request, one follower fetch
 * response, or one batch of recovery replay), staged until {@link #commit()}.
 *
 * <p>The Log calls {@link #check(RecordBatch)} on each incoming batch, then, once offsets are
 * assigned and the batch is written, {@link #appended(RecordBatch)}, and finally
 * {@link #commit()}. Checks see the batches appended earlier in the same session. Nothing changes
 * in the {@link ProducerStateManager} before commit, so a failed append is simply abandoned.
 *
 * <p>A leader session applies Kafka's rules for client produce requests: fencing by epoch,
 * duplicate detection over the last five batches, and sequence continuity. A follower session
 * (replication or recovery) trusts the leader: it skips sequence checks and records everything.
 *
 * <p>Not thread-safe; used under the owning Log's lock, like the manager.
 */
public final class ProducerAppendSession {

    private static final Logger log = LoggerFactory.getLogger(ProducerAppendSession.class);

    private final ProducerStateManager manager;
    private final boolean asLeader;
    private final Map<Long, ProducerStateEntry> updatedEntries = new HashMap<>();
    private long endOffset = -1L;

    ProducerAppendSession(ProducerStateManager manager, boolean asLeader) {
        this.manager = manager;
        this.asLeader = asLeader;
    }

    public boolean asLeader() {
        return asLeader;
    }

    /**
     * Checks {@code batch} before it is appended. Batches without a producer id always pass.
     * A duplicate passes with {@link SequenceCheck#isDuplicate()}; the Log then skips it and
     * answers with the original offsets.
     */
    public SequenceCheck check(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return SequenceCheck.OK;
        }
        ProducerStateEntry current = entryFor(batch.producerId());
        if (current == null) {
            return checkUnknownProducer(batch);
        }
        if (asLeader && !batch.isControlBatch()) {
            Optional<BatchMetadata> duplicate = current.findDuplicateBatch(batch);
            if (duplicate.isPresent()) {
                return SequenceCheck.duplicate(duplicate.get());
            }
        }
        if (batch.producerEpoch() < current.producerEpoch()) {
            String message = "Epoch of producer " + batch.producerId() + " at offset " + batch.baseOffset()
                    + " is " + batch.producerEpoch() + ", which is smaller than the last seen epoch "
                    + current.producerEpoch();
            if (asLeader) {
                // Kafka answers fencing of a produce with INVALID_PRODUCER_EPOCH since 2.7 (KIP-588).
                return SequenceCheck.rejected(Errors.INVALID_PRODUCER_EPOCH, message);
            }
            log.warn("{} (accepted from the leader)", message);
            return SequenceCheck.OK;
        }
        if (!asLeader || batch.isControlBatch()) {
            return SequenceCheck.OK;
        }
        return checkSequence(current, batch);
    }

    /**
     * A producer this partition has no state for must start at sequence 0 on the leader. Kafka
     * (since KIP-360) accepts any sequence here, because the state may have expired or gone with
     * the log head; but then a new producer whose first batch was refused with a retriable error
     * (NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_ID from a broker that was not leader yet) while the
     * batches pipelined after it got in can never place that first batch: the Java client retries
     * its OUT_OF_ORDER_SEQUENCE_NUMBER for as long as delivery.timeout.ms allows, seen in FaultIT.
     * Refusing the gap sends the later batches back behind the first one. A producer whose state
     * was really lost gets OUT_OF_ORDER_SEQUENCE_NUMBER on its next batch; the Java client then
     * bumps its epoch itself (KIP-360) and starts again at 0. Followers and control batches are not checked.
     */
    private SequenceCheck checkUnknownProducer(RecordBatch batch) {
        if (!asLeader || batch.isControlBatch() || batch.baseSequence() == 0) {
            return SequenceCheck.OK;
        }
        return SequenceCheck.rejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                "Out of order sequence number for producer " + batch.producerId() + ": " + batch.baseSequence()
                        + " (incoming seq. number) from a producer this partition has no state for (expected 0)");
    }

    private static SequenceCheck checkSequence(ProducerStateEntry current, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        int firstSeq = batch.baseSequence();
        if (current.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH) {
            return SequenceCheck.OK;
        }
        if (epoch != current.producerEpoch()) {
            if (firstSeq == 0) {
                return SequenceCheck.OK;
            }
            return SequenceCheck.rejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "Invalid sequence number for new epoch of producer " + batch.producerId() + ": " + epoch
                            + " (request epoch), " + firstSeq + " (seq. number), " + current.producerEpoch()
                            + " (current producer epoch)");
        }
        int lastSeq = current.lastSequence();
        if (inSequence(lastSeq, firstSeq)) {
            return SequenceCheck.OK;
        }
        return SequenceCheck.rejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                "Out of order sequence number for producer " + batch.producerId() + ": " + firstSeq
                        + " (incoming seq. number), " + lastSeq + " (current end sequence number)");
    }

    /** Sequences wrap from {@link Integer#MAX_VALUE} to 0. */
    static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /**
     * Records {@code batch}, which now carries its final offsets, in the staged state. Every
     * appended batch should be passed, with or without producer id: the session also tracks the
     * end offset it reached, which {@link #commit()} moves the map end offset to.
     */
    public void appended(RecordBatch batch) {
        endOffset = Math.max(endOffset, batch.lastOffset() + 1);
        if (!batch.hasProducerId()) {
            return;
        }
        ProducerStateEntry entry = updatedEntries.computeIfAbsent(batch.producerId(), manager::stagingCopy);
        if (batch.isControlBatch()) {
            appendControlBatch(entry, batch);
        } else {
            appendDataBatch(entry, batch);
        }
    }

    private static void appendDataBatch(ProducerStateEntry entry, RecordBatch batch) {
        entry.addBatch(batch.producerEpoch(), new BatchMetadata(batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp()));
        if (batch.isTransactional() && entry.currentTxnStartOffset().isEmpty()) {
            entry.setCurrentTxnFirstOffset(OptionalLong.of(batch.baseOffset()));
        }
    }

    /** A transaction marker ends the producer's open transaction (transactions: later phase). */
    private static void appendControlBatch(ProducerStateEntry entry, RecordBatch batch) {
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return; // an empty control batch left behind by the cleaner
        }
        Record record = records.next();
        ControlRecordType type = ControlRecordType.parse(record.key());
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            return;
        }
        EndTransactionMarker marker = EndTransactionMarker.deserialize(record);
        entry.maybeUpdateProducerEpoch(batch.producerEpoch());
        entry.setCoordinatorEpoch(marker.coordinatorEpoch());
        entry.setCurrentTxnFirstOffset(OptionalLong.empty());
        entry.setLastTimestamp(batch.maxTimestamp());
    }

    /** Applies the staged changes to the manager; the session must not be used afterwards. */
    public void commit() {
        manager.commit(updatedEntries.values(), endOffset);
        updatedEntries.clear();
    }

    private ProducerStateEntry entryFor(long producerId) {
        ProducerStateEntry staged = updatedEntries.get(producerId);
        return staged != null ? staged : manager.lastEntryInternal(producerId);
    }
}
