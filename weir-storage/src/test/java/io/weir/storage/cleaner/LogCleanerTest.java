package io.weir.storage.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.weir.storage.LogSegment;
import io.weir.storage.cleaner.CleanerTestContext.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {

    @TempDir
    Path tempDir;

    /** Latest entry per key among {@code entries}, in offset order. */
    private static List<Entry> latestPerKey(List<Entry> entries) {
        Map<String, Entry> latest = new LinkedHashMap<>();
        for (Entry entry : entries) {
            latest.remove(entry.key());
            latest.put(entry.key(), entry);
        }
        List<Entry> result = new ArrayList<>(latest.values());
        result.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        return result;
    }

    @Test
    void keepsTheLatestValuePerKeyWithItsOriginalOffset() throws IOException {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 5; k++) {
                ctx.append("k" + k, "v" + round + "-" + k);
            }
            ctx.roll();
        }
        ctx.append("k0", "active-1", "k1", "active-2");
        List<Entry> before = ctx.entries();
        LogSegment active = ctx.log.activeSegment();
        int activeSize = active.size();

        assertThat(ctx.cleaner.doWork()).isEqualTo(1);

        List<Entry> after = ctx.entries();
        List<Entry> closedBefore = before.subList(0, 20);
        assertThat(after.subList(0, 5)).isEqualTo(latestPerKey(closedBefore));
        assertThat(after.subList(0, 5)).extracting(Entry::offset).containsExactly(15L, 16L, 17L, 18L, 19L);
        assertThat(after.subList(5, after.size())).isEqualTo(before.subList(20, before.size()));
        assertThat(ctx.log.activeSegment()).isSameAs(active);
        assertThat(active.size()).isEqualTo(activeSize);
        assertThat(ctx.log.logEndOffset()).isEqualTo(22L);
        assertThat(ctx.cleaner.checkpointOf(ctx.logDir, ctx.log.topicPartition())).hasValue(20L);
        assertThat(Files.readString(ctx.logDir.resolve("cleaner-offset-checkpoint"))).isEqualTo("0\n1\ncompacted 0 20\n");
    }

    @Test
    void nothingToCleanWhenOnlyTheActiveSegmentIsDirty() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        for (int i = 0; i < 10; i++) {
            ctx.append("k", "v" + i);
        }
        List<Entry> before = ctx.entries();

        assertThat(ctx.cleaner.doWork()).isZero();
        assertThat(ctx.entries()).isEqualTo(before);
    }

    @Test
    void cleanLogIsNotCleanedAgainUntilNewDirtyDataArrives() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        ctx.append("a", "1", "a", "2");
        ctx.roll();
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.cleaner.doWork()).isZero();

        ctx.append("a", "3");
        ctx.roll();
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).containsExactly(new Entry(2, "a", "3"));
    }

    @Test
    void neverCleansBeyondTheHighWatermark() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        ctx.append("a", "1");
        ctx.roll();
        ctx.append("a", "2");
        ctx.roll();
        ctx.log.updateHighWatermark(0);

        assertThat(ctx.cleaner.doWork()).isZero();
        assertThat(ctx.entries()).hasSize(2);
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterCleaningThenGo() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of("delete.retention.ms", "1000"));
        ctx.append("a", "1", "b", "1");
        ctx.roll();
        ctx.append("a", null);
        ctx.append("c", "1");
        ctx.roll();

        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).containsExactly(new Entry(1, "b", "1"), new Entry(2, "a", null), new Entry(3, "c", "1"));

        ctx.time.advance(999);
        ctx.append("d", "1");
        ctx.roll();
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).extracting(Entry::key).containsExactly("b", "a", "c", "d");

        ctx.time.advance(1);
        ctx.append("e", "1");
        ctx.roll();
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).containsExactly(new Entry(1, "b", "1"), new Entry(3, "c", "1"),
                new Entry(4, "d", "1"), new Entry(5, "e", "1"));
    }

    @Test
    void respectsMinCompactionLag() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of("min.compaction.lag.ms", "60000"));
        ctx.append("a", "1");
        ctx.roll();
        ctx.append("a", "2");
        ctx.roll();

        assertThat(ctx.cleaner.doWork()).isZero();

        ctx.time.advance(60_001);
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
        assertThat(ctx.entries()).containsExactly(new Entry(1, "a", "2"));
    }

    @Test
    void nonCompactedLogsAreIgnored() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of("cleanup.policy", "delete"));
        ctx.append("a", "1");
        ctx.roll();
        ctx.append("a", "2");
        ctx.roll();
        assertThat(ctx.cleaner.doWork()).isZero();
    }

    @Test
    void keepsAnEmptyBatchForTheLastBatchOfAnActiveProducer() {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        ctx.appendIdempotent(7L, (short) 0, 0, "a", "p0");
        ctx.appendIdempotent(7L, (short) 0, 1, "a", "p1");
        ctx.append("a", "plain");
        ctx.roll();
        ctx.append("z", "1");
        ctx.roll();

        assertThat(ctx.cleaner.doWork()).isEqualTo(1);

        assertThat(ctx.entries()).containsExactly(new Entry(2, "a", "plain"), new Entry(3, "z", "1"));
        List<RecordBatch> producerBatches = ctx.batches().stream().filter(RecordBatch::hasProducerId).toList();
        assertThat(producerBatches).hasSize(1);
        RecordBatch kept = producerBatches.get(0);
        assertThat(kept.baseSequence()).isEqualTo(1);
        assertThat(kept.baseOffset()).isEqualTo(1L);
        assertThat(kept.countOrNull()).isZero();
    }

    @Test
    void pausedPartitionIsSkippedUntilResumed() throws Exception {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        ctx.append("a", "1", "a", "2");
        ctx.roll();

        ctx.cleaner.abortAndPauseCleaning(ctx.log.topicPartition());
        ctx.cleaner.abortAndPauseCleaning(ctx.log.topicPartition());
        assertThat(ctx.cleaner.doWork()).isZero();
        ctx.cleaner.resumeCleaning(ctx.log.topicPartition());
        assertThat(ctx.cleaner.doWork()).isZero();
        ctx.cleaner.resumeCleaning(ctx.log.topicPartition());
        assertThat(ctx.cleaner.doWork()).isEqualTo(1);
    }

    @Test
    void truncationMovesTheCheckpointBack() throws IOException {
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of());
        ctx.append("a", "1", "a", "2", "b", "1");
        ctx.roll();
        ctx.cleaner.doWork();
        assertThat(ctx.cleaner.checkpointOf(ctx.logDir, ctx.log.topicPartition())).hasValue(3L);

        ctx.cleaner.maybeTruncateCheckpoint(ctx.logDir, ctx.log.topicPartition(), 2L);
        assertThat(ctx.cleaner.checkpointOf(ctx.logDir, ctx.log.topicPartition())).hasValue(2L);
        ctx.cleaner.removeCheckpoint(ctx.logDir, ctx.log.topicPartition());
        assertThat(ctx.cleaner.checkpointOf(ctx.logDir, ctx.log.topicPartition())).isEmpty();
    }

    @Test
    void smallOffsetMapCleansInSeveralRounds() {
        CleanerConfig tiny = new CleanerConfig(true, SkimpyOffsetMap.BYTES_PER_ENTRY * 4L, 0.75, 1024, 1 << 20, 1000);
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of(), tiny);
        List<Entry> written = new ArrayList<>();
        long offset = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 6; k++) {
                ctx.append("k" + k, "v" + round);
                written.add(new Entry(offset++, "k" + k, "v" + round));
            }
            ctx.roll();
        }
        int rounds = 0;
        while (ctx.cleaner.doWork() > 0) {
            rounds++;
        }
        assertThat(rounds).isGreaterThan(1);
        assertThat(ctx.entries()).isEqualTo(latestPerKey(written));
    }

    @Test
    void cleanerThreadCleansAndStops() throws Exception {
        CleanerConfig fast = new CleanerConfig(true, 1 << 20, 0.9, 4096, 1 << 20, 1);
        CleanerTestContext ctx = new CleanerTestContext(tempDir, Map.of(), fast);
        ctx.append("a", "1", "a", "2");
        ctx.roll();
        ctx.cleaner.startup();
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                while (ctx.cleaner.checkpointOf(ctx.logDir, ctx.log.topicPartition()).isEmpty()) {
                    Thread.onSpinWait();
                }
            });
        } finally {
            ctx.cleaner.shutdown();
        }
        assertThat(ctx.entries()).containsExactly(new Entry(1, "a", "2"));
    }
}
