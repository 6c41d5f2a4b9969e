package io.weir.storage;

import static io.weir.storage.LogTestSupport.recordsAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.common.MockTime;

/**
 * The mapping of sealed segments on real files: its life cycle, and lookups racing truncation
 * and deletion, which must never crash the JVM (SIGBUS, unmapped memory) nor return a batch
 * that was not in the segment while the lookup ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogFileMappingTest {

    private static final int BATCHES = 200;

    @TempDir
    Path tmp;

    private final MockTime time = new MockTime();
    private LogSegment segment;

    @AfterEach
    void tearDown() throws IOException {
        if (segment != null) {
            segment.close();
        }
    }

    private LogSegment segmentWithBatches(long base, int batches) throws IOException {
        LogConfig config = LogTestSupport.config(Map.of("index.interval.bytes", 300));
        LogSegment s = LogSegment.open(tmp, base, config, time, "", false);
        appendFrom(s, base, batches);
        return s;
    }

    /** Batches of two records each, offsets from {@code from}. */
    private static void appendFrom(LogSegment s, long from, int batches) throws IOException {
        for (int i = 0; i < batches; i++) {
            long offset = from + 2L * i;
            s.append(offset + 1, recordsAt(offset, 0, 1000, "a" + offset, "b" + offset));
        }
    }

    @Test
    void mapsOnlyWhileSealed() throws IOException {
        segment = segmentWithBatches(0, 10);
        LogFileMapping mapping = new LogFileMapping(segment.log());
        assertThat(mapping.acquire()).as("not sealed").isNull();
        mapping.seal();
        MappedLogFile first = mapping.acquire();
        assertThat(first).isNotNull();
        assertThat(first.length()).isEqualTo(segment.size());
        first.release();
        mapping.unseal();
        assertThat(first.tryAcquire()).as("retired").isFalse();
        assertThat(mapping.acquire()).isNull();
        mapping.seal();
        MappedLogFile second = mapping.acquire();
        assertThat(second).isNotNull().isNotSameAs(first);
        second.release();
        mapping.close();
        mapping.seal();
        assertThat(mapping.acquire()).as("closed").isNull();
    }

    @Test
    void unsealWaitsForTheReaderHoldingTheMapping() throws Exception {
        segment = segmentWithBatches(0, 10);
        LogFileMapping mapping = new LogFileMapping(segment.log());
        mapping.seal();
        MappedLogFile held = mapping.acquire();
        CompletableFuture<Void> unseal = CompletableFuture.runAsync(mapping::unseal);
        Thread.sleep(200);
        assertThat(unseal).as("waits for the reader").isNotDone();
        assertThat(held.buffer().getLong(0)).as("still mapped").isZero();
        assertThat(mapping.acquire()).as("no new readers once unsealing").isNull();
        held.release();
        unseal.get(10, TimeUnit.SECONDS);
        assertThat(held.tryAcquire()).isFalse();
    }

    @Test
    void rolledSegmentIsSealedAndTruncationUnsealsIt() throws IOException {
        segment = segmentWithBatches(0, 10);
        segment.onBecomeInactiveSegment();
        assertThat(segment.isSealed()).isTrue();
        assertThat(segment.read(7, 1, segment.size(), true).records().batches().iterator().next().lastOffset())
                .isEqualTo(7);
        segment.truncateTo(6);
        assertThat(segment.isSealed()).isFalse();
        assertThat(segment.read(7, 1, segment.size(), true)).isNull();
        appendFrom(segment, 6, 1);
        assertThat(segment.read(7, 1, segment.size(), true).records().batches().iterator().next().baseOffset())
                .isEqualTo(6);
    }

    @Test
    void deletedSegmentIsUnmappedAtOnce() throws IOException {
        segment = segmentWithBatches(0, 10);
        segment.onBecomeInactiveSegment();
        assertThat(segment.read(3, 1, segment.size(), true)).isNotNull();
        Path file = segment.log().file().toPath().toAbsolutePath();
        assertThat(mappedFiles()).contains(file.toString());
        segment.deleteIfExists();
        segment = null;
        assertThat(Files.exists(file)).isFalse();
        assertThat(mappedFiles()).doesNotContain(file.toString(), file + " (deleted)");
    }

    private static String mappedFiles() throws IOException {
        return Files.readString(Path.of("/proc/self/maps"));
    }

    /**
     * Readers look up random offsets of a sealed segment while it is truncated at random
     * offsets, refilled and sealed again. A lookup that no mutation overlapped must find the
     * batch holding its offset, within the segment; one that overlapped may fail with a
     * KafkaException (as channel reads always could), but never with an Error.
     */
    @Test
    void lookupsRacingTruncationSeeOnlyBatchesOfTheSegment() throws Exception {
        segment = segmentWithBatches(0, BATCHES);
        segment.onBecomeInactiveSegment();
        AtomicLong generation = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong verified = new AtomicLong();
        List<CompletableFuture<long[]>> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(CompletableFuture.supplyAsync(() -> readUntil(done, generation, verified)));
        }
        for (int round = 0; round < 150; round++) {
            long target = 2L * ThreadLocalRandom.current().nextInt(BATCHES);
            generation.incrementAndGet();
            segment.truncateTo(target);
            appendFrom(segment, target, (int) (2L * BATCHES - target) / 2);
            segment.onBecomeInactiveSegment();
            generation.incrementAndGet();
            awaitMoreLookups(verified, readers);
        }
        done.set(true);
        for (CompletableFuture<long[]> reader : readers) {
            long[] counts = reader.get(30, TimeUnit.SECONDS);
            assertThat(counts[0]).as("verified lookups").isPositive();
            assertThat(counts[1]).as("lookups through the mapping").isPositive();
        }
    }

    /** Lets the readers verify a few lookups between two truncations (on 2 cores they would rarely get to). */
    private static void awaitMoreLookups(AtomicLong verified, List<CompletableFuture<long[]>> readers) {
        long target = verified.get() + 3;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (verified.get() < target && System.nanoTime() < deadline && readers.stream().noneMatch(r -> r.isDone())) {
            Thread.onSpinWait();
        }
    }

    /** Reads until done; returns {lookups verified, of which the segment was sealed}. */
    private long[] readUntil(AtomicBoolean done, AtomicLong generation, AtomicLong verifiedTotal) {
        long verified = 0;
        long sealed = 0;
        while (!done.get()) {
            long before = generation.get();
            long offset = ThreadLocalRandom.current().nextLong(2L * BATCHES);
            boolean wasSealed = segment.isSealed();
            try {
                FetchDataInfo info = segment.read(offset, 1, segment.size(), true);
                RecordBatch batch = info == null ? null : firstBatchOrNull(info);
                int size = segment.size();
                if (before % 2 == 0 && generation.get() == before) {
                    assertThat(batch).isNotNull();
                    assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
                    assertThat(batch.lastOffset()).isGreaterThanOrEqualTo(offset);
                    assertThat(info.filePosition() + info.records().sizeInBytes()).isLessThanOrEqualTo(size);
                    verified++;
                    verifiedTotal.incrementAndGet();
                    sealed += wasSealed ? 1 : 0;
                }
            } catch (KafkaException | IllegalArgumentException e) {
                boolean overlapped = before % 2 == 1 || generation.get() != before;
                assertThat(overlapped).as("failed without a concurrent truncation: %s", e).isTrue();
            }
        }
        return new long[] {verified, sealed};
    }

    /** Null for an empty slice: what a lookup sees when a truncation shrank the file under it. */
    private static RecordBatch firstBatchOrNull(FetchDataInfo info) {
        Iterator<? extends RecordBatch> batches = info.records().batches().iterator();
        return batches.hasNext() ? batches.next() : null;
    }

    /** Readers of a sealed segment while it is deleted: old bytes or an exception, never a crash. */
    @Test
    void lookupsRacingDeletionNeverCrash() throws Exception {
        for (int round = 0; round < 20; round++) {
            long base = 1000L * round;
            LogSegment victim = segmentWithBatches(base, 50);
            victim.onBecomeInactiveSegment();
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                int ok = 0;
                while (!done.get()) {
                    try {
                        long offset = base + ThreadLocalRandom.current().nextLong(100);
                        ok += victim.read(offset, 1, victim.size(), true) != null ? 1 : 0;
                    } catch (KafkaException e) {
                        // the file was closed under the lookup, as with channel reads
                    }
                }
                return ok;
            });
            while (!reader.isDone() && ThreadLocalRandom.current().nextInt(1000) != 0) {
                Thread.onSpinWait();
            }
            victim.deleteIfExists();
            done.set(true);
            reader.get(30, TimeUnit.SECONDS);
        }
    }
}
