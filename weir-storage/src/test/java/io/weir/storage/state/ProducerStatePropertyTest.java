package io.weir.storage.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.weir.common.MockTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.record.internal.RecordBatch;

class ProducerStatePropertyTest {

    /** One attempted produce: a producer, an epoch, a first sequence, a count, and whether to snapshot after. */
    record Attempt(long producerId, short epoch, int firstSeq, int count, boolean snapshotAfter) {
    }

    @Provide
    Arbitrary<List<Attempt>> attempts() {
        return Combinators.combine(
                        Arbitraries.longs().between(1, 3),
                        Arbitraries.shorts().between((short) 0, (short) 2),
                        Arbitraries.integers().between(0, 12),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.of(true, false, false, false))
                .as(Attempt::new)
                .list().ofMaxSize(60);
    }

    /**
     * Whatever clients send, the accepted batches of a producer epoch form one contiguous
     * sequence run, and reloading from the newest snapshot plus replaying the log tail gives
     * back the leader's state.
     */
    @Property(tries = 150)
    void leaderStateIsRebuiltBySnapshotAndReplay(@ForAll("attempts") List<Attempt> attempts) throws IOException {
        Path dir = Files.createTempDirectory("producer-state");
        try {
            MockTime time = new MockTime();
            ProducerStateManager leader = new ProducerStateManager(dir, 3_600_000L, time);
            List<RecordBatch> log = new ArrayList<>();
            long nextOffset = 0;
            for (Attempt attempt : attempts) {
                time.advance(1);
                RecordBatch batch = TestBatches.batch(attempt.producerId(), attempt.epoch(), attempt.firstSeq(),
                        attempt.count(), nextOffset, time.milliseconds());
                ProducerAppendSession session = leader.beginAppend(true);
                SequenceCheck check = session.check(batch);
                if (check.ok() && !check.isDuplicate()) {
                    assertContinues(leader, batch);
                    session.appended(batch);
                    session.commit();
                    log.add(batch);
                    nextOffset = batch.nextOffset();
                }
                if (attempt.snapshotAfter()) {
                    leader.takeSnapshot();
                }
            }
            ProducerStateManager reopened = new ProducerStateManager(dir, 3_600_000L, time);
            reopened.truncateAndReload(0, nextOffset, time.milliseconds());
            for (RecordBatch batch : log) {
                if (batch.baseOffset() >= reopened.mapEndOffset()) {
                    reopened.replay(batch);
                }
            }
            assertThat(reopened.activeProducers().toString()).isEqualTo(leader.activeProducers().toString());
            assertThat(reopened.mapEndOffset()).isEqualTo(leader.mapEndOffset());
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void assertContinues(ProducerStateManager state, RecordBatch batch) {
        state.lastEntry(batch.producerId()).ifPresent(entry -> {
            if (entry.producerEpoch() == batch.producerEpoch()) {
                assertThat(batch.baseSequence()).isEqualTo(entry.lastSequence() + 1);
            } else {
                assertThat(batch.producerEpoch()).isGreaterThan(entry.producerEpoch());
                assertThat(batch.baseSequence()).isZero();
            }
        });
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
