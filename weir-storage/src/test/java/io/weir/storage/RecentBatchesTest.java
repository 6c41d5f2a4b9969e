package io.weir.storage;

import static io.weir.storage.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

/** Reads near the end of the active segment, answered from its latest batches ({@link RecentBatches}). */
class RecentBatchesTest extends LogTestCase {

    private final List<Integer> positions = new ArrayList<>();

    /** Batch {@code i} holds offsets 2i and 2i + 1; value sizes vary so that batches differ in size. */
    private void appendBatches(Log log, int from, int count) {
        for (int i = from; i < from + count; i++) {
            positions.add((int) log.activeSegment().size());
            assertThat(log.appendAsLeader(records(1, "v" + i, "x".repeat(i * 53 % 400)), 0).lastOffset())
                    .isEqualTo(2L * i + 1);
        }
    }

    private static String describe(FetchDataInfo info) {
        return info.filePosition() + "+" + info.records().sizeInBytes() + " last " + info.lastOffset();
    }

    /**
     * With the headers of the latest batches garbled on disk, reads among them still come back
     * right: they never touch the file. A read of an older batch goes to the file and meets the
     * garbage, which shows the file path would have been taken without them.
     */
    @Test
    void tailReadsAreAnsweredWithoutReadingTheFile() throws Exception {
        Log log = open(Map.of());
        int batches = RecentBatches.CAPACITY + 10;
        int garbledFrom = batches - 5;
        appendBatches(log, 0, batches);
        long end = log.logEndOffset();
        List<String> expected = new ArrayList<>();
        for (int i = garbledFrom; i < batches; i++) {
            expected.add(describe(log.read(2L * i, 100_000, end, true)));
        }
        Path file = log.activeSegment().log().file().toPath();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = garbledFrom; i < batches; i++) {
                raf.seek(positions.get(i) + 8);
                raf.writeInt(7);
            }
        }
        for (int i = garbledFrom; i < batches; i++) {
            assertThat(describe(log.read(2L * i, 100_000, end, true))).isEqualTo(expected.get(i - garbledFrom));
        }
        assertThat(describe(log.read(2L * garbledFrom + 1, 1, end, false)))
                .isEqualTo(positions.get(garbledFrom) + "+0 last -1");
        assertThatThrownBy(() -> log.read(0, 100_000, end, true)).isInstanceOf(CorruptRecordException.class);
    }

    /**
     * Every read of the active segment (from its latest batches where it can, else from the file)
     * equals the same read once the segment is sealed and read through its mapping: reads from
     * every offset, many sizes and bounds, over more batches than are kept.
     */
    @Test
    void readsOfTheActiveSegmentEqualThoseOfTheSealedOne() {
        Log log = open(Map.of());
        int batches = RecentBatches.CAPACITY * 2;
        appendBatches(log, 0, batches);
        long end = log.logEndOffset();
        List<String> active = readAll(log, end);
        log.roll();
        assertThat(readAll(log, end)).isEqualTo(active);
    }

    private List<String> readAll(Log log, long end) {
        List<String> out = new ArrayList<>();
        for (long offset = 0; offset < end; offset++) {
            for (long upTo : new long[] {end, end - 2, offset + 1}) {
                for (int maxBytes : new int[] {0, 1, 200, 700, 2000, 100_000}) {
                    for (boolean minOne : new boolean[] {false, true}) {
                        FetchDataInfo info = log.read(offset, maxBytes, upTo, minOne);
                        out.add(offset + " " + upTo + " " + maxBytes + " " + minOne + ": " + describe(info));
                    }
                }
            }
        }
        return out;
    }

    /**
     * After a truncation the batches kept start again, past batches still in the file: a read of
     * an offset before them goes to the file and finds its own batch.
     */
    @Test
    void aReadBeforeTheBatchesKeptSinceATruncationGoesToTheFile() {
        Log log = open(Map.of());
        appendBatches(log, 0, 10);
        log.truncateTo(12);
        positions.subList(6, positions.size()).clear();
        appendBatches(log, 6, 3);
        long end = log.logEndOffset();
        assertThat(log.read(2, 1, end, true).filePosition()).isEqualTo(positions.get(1));
        assertThat(log.read(13, 1, end, true).filePosition()).isEqualTo(positions.get(6));
        assertThat(LogTestSupport.values(log.read(0, 100_000, end, true).records())).hasSize(18);
    }

    /**
     * Readers at the end while a writer appends: every read starts at the batch holding its offset
     * and holds only whole, valid batches.
     */
    @Test
    void readsRacingAppendsSeeWholeBatchesFromTheRightOne() throws Exception {
        Log log = open(Map.of());
        appendBatches(log, 0, 1);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                results.add(readers.submit(() -> {
                    Random random = new Random(seed);
                    int reads = 0;
                    while (!stop.get()) {
                        long end = log.logEndOffset();
                        long offset = Math.max(0, end - 1 - random.nextInt(80));
                        FetchDataInfo info = log.read(offset, random.nextInt(3000), end, true);
                        List<RecordBatch> batches = new ArrayList<>();
                        MemoryRecords.readableRecords(readBytes(info)).batches().forEach(batches::add);
                        assertThat(batches).isNotEmpty();
                        assertThat(batches.get(0).baseOffset()).isLessThanOrEqualTo(offset);
                        assertThat(batches.get(0).lastOffset()).isGreaterThanOrEqualTo(offset);
                        batches.forEach(RecordBatch::ensureValid);
                        assertThat(batches.get(batches.size() - 1).lastOffset()).isEqualTo(info.lastOffset());
                        reads++;
                    }
                    return reads;
                }));
            }
            appendBatches(log, 1, 3000);
            stop.set(true);
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            stop.set(true);
            readers.shutdownNow();
            assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static java.nio.ByteBuffer readBytes(FetchDataInfo info) throws java.io.IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(info.records().sizeInBytes());
        info.fileRecords().channel().read(buffer, info.filePosition());
        return buffer.flip();
    }
}
