package io.weir.storage.state;

import static io.weir.storage.state.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.weir.common.MockTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerAppendSessionTest {

    private static final long PID = 1000L;
    private static final short EPOCH = 0;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private ProducerStateManager manager;
    private long nextOffset;

    @BeforeEach
    void setUp() {
        manager = new ProducerStateManager(dir, 86_400_000L, time);
        nextOffset = 0;
    }

    /** Checks and appends one batch as the leader, asserting it is accepted. */
    private RecordBatch appendAsLeader(short epoch, int firstSeq, int count) {
        RecordBatch batch = batch(PID, epoch, firstSeq, count, nextOffset, time.milliseconds());
        ProducerAppendSession session = manager.beginAppend(true);
        SequenceCheck check = session.check(batch);
        assertThat(check.ok()).as("%s", check).isTrue();
        assertThat(check.isDuplicate()).isFalse();
        session.appended(batch);
        session.commit();
        nextOffset += count;
        return batch;
    }

    /** Appends one batch as a follower (no sequence checks), as state replicated from a leader. */
    private void appendAsFollower(short epoch, int firstSeq, int count) {
        ProducerAppendSession session = manager.beginAppend(false);
        session.appended(batch(PID, epoch, firstSeq, count, nextOffset, time.milliseconds()));
        session.commit();
        nextOffset += count;
    }

    private SequenceCheck checkAsLeader(short epoch, int firstSeq, int count) {
        return manager.beginAppend(true).check(batch(PID, epoch, firstSeq, count, -1L, time.milliseconds()));
    }

    @Test
    void batchesInSequenceAreAccepted() {
        appendAsLeader(EPOCH, 0, 5);
        appendAsLeader(EPOCH, 5, 1);
        appendAsLeader(EPOCH, 6, 3);

        ProducerStateEntry entry = manager.lastEntry(PID).orElseThrow();
        assertThat(entry.lastSequence()).isEqualTo(8);
        assertThat(entry.producerEpoch()).isEqualTo(EPOCH);
        assertThat(entry.lastDataOffset()).isEqualTo(8L);
        assertThat(manager.mapEndOffset()).isEqualTo(9L);
    }

    @Test
    void batchWithoutProducerIdIsAlwaysAccepted() {
        appendAsLeader(EPOCH, 0, 1);
        ProducerAppendSession session = manager.beginAppend(true);
        RecordBatch plain = TestBatches.plain(3, 1, time.milliseconds());

        assertThat(session.check(plain)).isEqualTo(SequenceCheck.OK);
        session.appended(plain);
        session.commit();
        assertThat(manager.activeProducers()).containsOnlyKeys(PID);
        assertThat(manager.mapEndOffset()).isEqualTo(4L);
    }

    @Test
    void duplicateOfEachOfTheLastFiveBatchesReturnsTheOriginalOffsets() {
        List<RecordBatch> appended = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            time.advance(10);
            appended.add(appendAsLeader(EPOCH, i * 2, 2));
        }
        for (RecordBatch original : appended.subList(1, 6)) {
            SequenceCheck check = checkAsLeader(EPOCH, original.baseSequence(), 2);
            assertThat(check.isDuplicate()).as("retry of %s", original).isTrue();
            assertThat(check.ok()).isTrue();
            assertThat(check.duplicateFirstOffset()).isEqualTo(original.baseOffset());
            assertThat(check.duplicateLastOffset()).isEqualTo(original.lastOffset());
            assertThat(check.duplicateTimestamp()).isEqualTo(original.maxTimestamp());
        }
        // the sixth batch back is no longer retained: its retry is out of order, as in Kafka
        assertThat(checkAsLeader(EPOCH, 0, 2).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }

    @Test
    void sameSequenceRangeUnderAnotherEpochIsNotADuplicate() {
        appendAsLeader(EPOCH, 0, 2);
        appendAsLeader((short) 1, 0, 2);

        assertThat(checkAsLeader(EPOCH, 0, 2).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(checkAsLeader((short) 1, 0, 2).isDuplicate()).isTrue();
    }

    @Test
    void partialOverlapWithACachedBatchIsOutOfOrder() {
        appendAsLeader(EPOCH, 0, 4);
        assertThat(checkAsLeader(EPOCH, 0, 3).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(checkAsLeader(EPOCH, 2, 2).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }

    @Test
    void gapInSequenceIsOutOfOrder() {
        appendAsLeader(EPOCH, 0, 5);
        SequenceCheck check = checkAsLeader(EPOCH, 6, 1);

        assertThat(check.ok()).isFalse();
        assertThat(check.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(check.message()).contains("6").contains("4");
        assertThat(checkAsLeader(EPOCH, 5, 1).ok()).isTrue();
    }

    @Test
    void epochBumpMustStartAtSequenceZero() {
        appendAsLeader(EPOCH, 0, 5);

        assertThat(checkAsLeader((short) 1, 5, 1).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        appendAsLeader((short) 1, 0, 1);

        ProducerStateEntry entry = manager.lastEntry(PID).orElseThrow();
        assertThat(entry.producerEpoch()).isEqualTo((short) 1);
        assertThat(entry.batchMetadata()).hasSize(1);
    }

    @Test
    void lowerEpochIsFenced() {
        appendAsLeader((short) 3, 0, 1);

        SequenceCheck check = checkAsLeader((short) 2, 1, 1);
        assertThat(check.error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(check.isDuplicate()).isFalse();
    }

    @Test
    void sequenceWrapsAroundAfterIntMax() {
        appendAsFollower(EPOCH, Integer.MAX_VALUE - 1, 2);
        assertThat(manager.lastEntry(PID).orElseThrow().lastSequence()).isEqualTo(Integer.MAX_VALUE);

        appendAsLeader(EPOCH, 0, 1);
        assertThat(checkAsLeader(EPOCH, Integer.MAX_VALUE - 1, 2).isDuplicate()).isTrue();
    }

    @Test
    void batchSpanningTheWrapIsTracked() {
        appendAsFollower(EPOCH, Integer.MAX_VALUE - 1, 4);

        assertThat(manager.lastEntry(PID).orElseThrow().lastSequence()).isEqualTo(1);
        assertThat(checkAsLeader(EPOCH, Integer.MAX_VALUE - 1, 4).isDuplicate()).isTrue();
        assertThat(checkAsLeader(EPOCH, 2, 1).ok()).isTrue();
        assertThat(checkAsLeader(EPOCH, 0, 1).ok()).isFalse();
    }

    /**
     * A leader refuses a gap before a producer's first batch: the batch at sequence 0 may still be
     * on its way (refused elsewhere with a retriable error), and once a later one is in it could
     * never be placed. A follower takes what the leader wrote.
     */
    @Test
    void unknownProducerMustStartAtSequenceZeroOnTheLeader() {
        SequenceCheck gap = checkAsLeader((short) 7, 42, 3);
        assertThat(gap.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(gap.message()).contains("42").contains("no state");
        assertThat(manager.beginAppend(false).check(batch(PID, (short) 7, 42, 3, -1L, time.milliseconds())).ok())
            .isTrue();

        appendAsLeader((short) 7, 0, 3);
        assertThat(checkAsLeader((short) 7, 3, 1).ok()).isTrue();
        assertThat(checkAsLeader((short) 7, 4, 1).ok()).isFalse();
    }

    @Test
    void sessionChecksSeeEarlierBatchesOfTheSameSession() {
        appendAsLeader(EPOCH, 0, 1);
        ProducerAppendSession session = manager.beginAppend(true);
        RecordBatch first = batch(PID, EPOCH, 1, 2, 1, time.milliseconds());
        RecordBatch second = batch(PID, EPOCH, 3, 2, 3, time.milliseconds());
        RecordBatch gap = batch(PID, EPOCH, 9, 1, 5, time.milliseconds());

        assertThat(session.check(first).ok()).isTrue();
        session.appended(first);
        assertThat(session.check(second).ok()).isTrue();
        assertThat(session.check(first).isDuplicate()).isTrue();
        session.appended(second);
        assertThat(session.check(gap).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);

        // nothing is visible before commit
        assertThat(manager.lastEntry(PID).orElseThrow().lastSequence()).isZero();
        assertThat(manager.mapEndOffset()).isEqualTo(1L);

        session.commit();
        assertThat(manager.lastEntry(PID).orElseThrow().lastSequence()).isEqualTo(4);
        assertThat(manager.mapEndOffset()).isEqualTo(5L);
    }

    @Test
    void abandonedSessionChangesNothing() {
        appendAsLeader(EPOCH, 0, 1);
        ProducerAppendSession session = manager.beginAppend(true);
        session.appended(batch(PID, EPOCH, 1, 1, 1, time.milliseconds()));
        session.appended(batch(2000L, EPOCH, 0, 1, 2, time.milliseconds()));

        assertThat(manager.activeProducers()).containsOnlyKeys(PID);
        assertThat(manager.lastEntry(PID).orElseThrow().lastSequence()).isZero();
        assertThat(manager.mapEndOffset()).isEqualTo(1L);
    }

    @Test
    void followerSkipsSequenceChecksButRecords() {
        appendAsLeader((short) 3, 0, 1);
        ProducerAppendSession session = manager.beginAppend(false);
        RecordBatch outOfOrder = batch(PID, (short) 3, 10, 1, 1, time.milliseconds());
        RecordBatch olderEpoch = batch(PID, (short) 2, 0, 1, 2, time.milliseconds());

        assertThat(session.check(outOfOrder).ok()).isTrue();
        session.appended(outOfOrder);
        assertThat(session.check(olderEpoch).ok()).isTrue();
        session.appended(olderEpoch);
        session.commit();

        ProducerStateEntry entry = manager.lastEntry(PID).orElseThrow();
        assertThat(entry.producerEpoch()).isEqualTo((short) 2);
        assertThat(entry.lastSequence()).isZero();
        assertThat(manager.mapEndOffset()).isEqualTo(3L);
    }

    @Test
    void followerNeverReportsDuplicates() {
        RecordBatch original = appendAsLeader(EPOCH, 0, 2);
        assertThat(manager.beginAppend(false).check(original).isDuplicate()).isFalse();
    }

    @Test
    void transactionalBatchOpensATransactionAndTheMarkerClosesIt() {
        ProducerAppendSession session = manager.beginAppend(true);
        RecordBatch data = TestBatches.transactional(PID, EPOCH, 0, 2, 0, time.milliseconds());
        assertThat(session.check(data).ok()).isTrue();
        session.appended(data);
        session.commit();
        assertThat(manager.lastEntry(PID).orElseThrow().currentTxnStartOffset()).hasValue(0L);

        manager.replay(TestBatches.commitMarker(PID, EPOCH, 4, 2, time.milliseconds()));

        ProducerStateEntry entry = manager.lastEntry(PID).orElseThrow();
        assertThat(entry.currentTxnStartOffset()).isEmpty();
        assertThat(entry.coordinatorEpoch()).isEqualTo(4);
        assertThat(entry.lastSequence()).isEqualTo(1);
        assertThat(manager.mapEndOffset()).isEqualTo(3L);
    }

    @Test
    void returnedEntriesAreCopies() {
        appendAsLeader(EPOCH, 0, 1);
        manager.activeProducers().get(PID).addBatch((short) 9, new BatchMetadata(1, 1, 1, 1, 1));
        assertThat(manager.lastEntry(PID).orElseThrow().producerEpoch()).isEqualTo(EPOCH);
    }
}
