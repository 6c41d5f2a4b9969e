package io.weir.storage;

import static io.weir.storage.LogTestSupport.idempotent;
import static io.weir.storage.LogTestSupport.records;
import static io.weir.storage.LogTestSupport.recordsAt;
import static io.weir.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.weir.storage.state.ProducerSnapshotFile;

class LogRecoveryTest {

    @TempDir
    Path tmp;

    private LogTestSupport t;

    @AfterEach
    void tearDown() throws Exception {
        if (t != null) {
            LogTestSupport.close(t.log);
        }
    }

    private Log open(Path root, Map<String, ?> overrides) {
        t = new LogTestSupport(root, overrides);
        return t.open();
    }

    private static Path segmentFile(Path dir, long base, String suffix) {
        return dir.resolve(LogFileNames.filenamePrefixFromOffset(base) + suffix);
    }

    @Test
    void tornLastBatchIsTruncatedAtEveryByte() throws Exception {
        Log log = open(tmp.resolve("source"), Map.of());
        log.appendAsLeader(records(1, "a", "b"), 0);
        log.appendAsLeader(records(1, "c"), 0);
        int goodSize = (int) log.size();
        log.appendAsLeader(records(1, "d", "e", "f"), 0);
        int fullSize = (int) log.size();
        log.close();
        byte[] bytes = Files.readAllBytes(segmentFile(t.dir, 0, ".log"));

        for (int cut = goodSize; cut < fullSize; cut++) {
            Path dir = tmp.resolve("cut-" + cut).resolve("topic-0");
            Files.createDirectories(dir);
            Files.write(segmentFile(dir, 0, ".log"), java.util.Arrays.copyOf(bytes, cut));
            LogTestSupport crashed = new LogTestSupport(dir.getParent(), Map.of());
            Log recovered = crashed.open(0, 0, false);
            assertThat(recovered.logEndOffset()).as("cut at %d", cut).isEqualTo(3);
            assertThat(recovered.size()).isEqualTo(goodSize);
            assertThat(crashed.readAll()).containsExactly("0:a", "1:b", "2:c");
            assertThat(recovered.appendAsLeader(records(1, "g"), 0).firstOffset()).isEqualTo(3);
            recovered.close();
        }
    }

    /**
     * A roll writes its producer snapshot without fsync (its scheduled flush fsyncs it before the
     * recovery point passes it), so a crash before that flush may leave the file empty.
     */
    @Test
    void aRollsSnapshotLeftEmptyByACrashIsRebuiltFromTheLog() throws Exception {
        Log log = open(tmp, Map.of());
        long now = t.time.milliseconds();
        log.appendAsLeader(idempotent(7L, (short) 0, 0, now, "a"), 0);
        log.roll();
        log.appendAsLeader(idempotent(7L, (short) 0, 1, now, "b"), 0);
        Path snapshot = ProducerSnapshotFile.fileFor(t.dir, 1);
        assertThat(snapshot).exists();
        Files.write(snapshot, new byte[0]);

        Log recovered = t.reopenAfterCrash(0);

        assertThat(recovered.appendAsLeader(idempotent(7L, (short) 0, 0, now, "a"), 0).duplicate()).isTrue();
        assertThat(recovered.appendAsLeader(idempotent(7L, (short) 0, 1, now, "b"), 0).duplicate()).isTrue();
        assertThat(recovered.appendAsLeader(idempotent(7L, (short) 0, 2, now, "c"), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void garbageAfterLastBatchIsTruncated() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        long size = log.size();
        log.closeHandlers();
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            byte[] garbage = new byte[1 + random.nextInt(200)];
            random.nextBytes(garbage);
            if (round % 2 == 0 && garbage.length > 20) {
                // Looks like a batch header: a plausible offset, small size, magic 2.
                ByteBuffer.wrap(garbage).putLong(2L).putInt(garbage.length - 12).putInt(0).put((byte) 2);
            }
            Files.write(segmentFile(t.dir, 0, ".log"), garbage, StandardOpenOption.APPEND);
            Log recovered = t.open(0, 0, false);
            assertThat(recovered.size()).isEqualTo(size);
            assertThat(t.readAll()).containsExactly("0:a", "1:b");
            recovered.closeHandlers();
        }
    }

    @Test
    void zeroFilledTailOfPreallocatedSegmentIsTruncated() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        long size = log.size();
        log.closeHandlers();
        Files.write(segmentFile(t.dir, 0, ".log"), new byte[4096], StandardOpenOption.APPEND);
        Log recovered = t.open(0, 0, false);
        assertThat(recovered.size()).isEqualTo(size);
        assertThat(recovered.appendAsLeader(records(1, "b"), 0).firstOffset()).isEqualTo(1);
    }

    @Test
    void corruptBatchInEarlierSegmentDropsEverythingAfterIt() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        log.roll();
        log.appendAsLeader(records(1, "c"), 0);
        int firstBatch = log.read(0, 1, 3, true).records().sizeInBytes();
        log.closeHandlers();
        try (FileChannel ch = FileChannel.open(segmentFile(t.dir, 0, ".log"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), firstBatch + 40);
        }
        Log recovered = t.open(0, 0, false);
        assertThat(t.readAll()).containsExactly("0:a");
        assertThat(recovered.numberOfSegments()).isEqualTo(1);
        assertThat(recovered.logEndOffset()).isEqualTo(1);
    }

    @Test
    void missingIndexesAreRebuilt() throws Exception {
        Log log = open(tmp, Map.of("index.interval.bytes", 1));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(records(100 + i, "v" + i), 0);
            if (i == 4) {
                log.roll();
            }
        }
        Log clean = t.reopenClean();
        List<OffsetPosition> offsetEntries = offsetEntries(clean.logSegments().get(0));
        List<TimestampOffset> timeEntries = timeEntries(clean.logSegments().get(0));
        clean.close();
        Files.delete(segmentFile(t.dir, 0, ".index"));
        Files.delete(segmentFile(t.dir, 0, ".timeindex"));
        Files.delete(segmentFile(t.dir, 5, ".index"));
        Log reopened = t.open(0, 10, true);
        assertThat(offsetEntries).hasSizeGreaterThan(2);
        assertThat(offsetEntries(reopened.logSegments().get(0))).isEqualTo(offsetEntries);
        assertThat(timeEntries(reopened.logSegments().get(0))).isEqualTo(timeEntries);
        assertThat(values(reopened.read(3, 1, 10, true).records())).containsExactly("3:v3");
        assertThat(values(reopened.read(7, 1, 10, true).records())).containsExactly("7:v7");
        assertThat(reopened.fetchOffsetByTimestamp(102).orElseThrow().offset).isEqualTo(2);
        assertThat(reopened.fetchOffsetByTimestamp(108).orElseThrow().offset).isEqualTo(8);
    }

    private static List<OffsetPosition> offsetEntries(LogSegment segment) {
        List<OffsetPosition> out = new java.util.ArrayList<>();
        for (int i = 0; i < segment.offsetIndex().entries(); i++) {
            out.add(segment.offsetIndex().entry(i));
        }
        return out;
    }

    private static List<TimestampOffset> timeEntries(LogSegment segment) {
        List<TimestampOffset> out = new java.util.ArrayList<>();
        for (int i = 0; i < segment.timeIndex().entries(); i++) {
            out.add(segment.timeIndex().entry(i));
        }
        return out;
    }

    @Test
    void corruptIndexIsRebuilt() throws Exception {
        Log log = open(tmp, Map.of("index.interval.bytes", 1));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(records(100 + i, "v" + i), 0);
            if (i == 4) {
                log.roll();
            }
        }
        t.reopenClean().close();
        Path index = segmentFile(t.dir, 0, ".index");
        byte[] bytes = Files.readAllBytes(index);
        ByteBuffer.wrap(bytes).putInt(8, 0).putInt(12, 99_999);
        Files.write(index, bytes);
        Files.write(segmentFile(t.dir, 0, ".timeindex"), new byte[] {1, 2, 3, 4, 5});
        Log reopened = t.open(0, 10, true);
        assertThat(values(reopened.read(3, 1, 10, true).records())).containsExactly("3:v3");
        assertThat(reopened.fetchOffsetByTimestamp(103).orElseThrow().offset).isEqualTo(3);
    }

    @Test
    void cleanShutdownSkipsTheScan() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        log.close();
        // Flip a byte inside the first batch: only a CRC scan notices.
        try (FileChannel ch = FileChannel.open(segmentFile(t.dir, 0, ".log"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9}), 65);
        }
        long size = Files.size(segmentFile(t.dir, 0, ".log"));

        Log trusted = t.open(0, 2, true);
        assertThat(trusted.size()).isEqualTo(size);
        assertThat(trusted.logEndOffset()).isEqualTo(2);
        trusted.close();
        Log recovered = t.open(0, 2, false);
        assertThat(recovered.logEndOffset()).isZero();
        assertThat(recovered.size()).isZero();
    }

    @Test
    void tornTailIsRecoveredEvenAfterCleanShutdown() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.close();
        byte[] partial = java.util.Arrays.copyOf(records(1, "b").buffer().array(), 30);
        Files.write(segmentFile(t.dir, 0, ".log"), partial, StandardOpenOption.APPEND);
        Log reopened = t.open(0, 1, true);
        assertThat(reopened.logEndOffset()).isEqualTo(1);
        assertThat(reopened.appendAsLeader(records(1, "c"), 0).firstOffset()).isEqualTo(1);
        assertThat(t.readAll()).containsExactly("0:a", "1:c");
    }

    @Test
    void recoveryStartsAtRecoveryPointSegment() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.roll();
        log.appendAsLeader(records(1, "b"), 0);
        log.closeHandlers();
        // Corrupt the first segment, which lies below the recovery point: it is not re-scanned.
        try (FileChannel ch = FileChannel.open(segmentFile(t.dir, 0, ".log"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9}), 50);
        }
        Log recovered = t.open(0, 1, false);
        assertThat(recovered.numberOfSegments()).isEqualTo(2);
        assertThat(recovered.logEndOffset()).isEqualTo(2);
    }

    @Test
    void epochCacheIsTruncatedToRecoveredEnd() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsFollower(recordsAt(0, 1, 1, "a"));
        int size = (int) log.size();
        log.appendAsFollower(recordsAt(1, 2, 1, "b"));
        assertThat(log.latestEpoch()).hasValue(2);
        log.closeHandlers();
        try (FileChannel ch = FileChannel.open(segmentFile(t.dir, 0, ".log"), StandardOpenOption.WRITE)) {
            ch.truncate(size + 10);
        }
        Log recovered = t.open(0, 0, false);
        assertThat(recovered.logEndOffset()).isEqualTo(1);
        assertThat(recovered.latestEpoch()).hasValue(1);
    }

    @Test
    void interruptedSwapIsRolledBackAndCompletedSwapIsFinished() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        log.roll();
        log.appendAsLeader(records(1, "c"), 0);
        log.close();
        // Rolled back: a .cleaned segment (cleaning not finished) is dropped, the old one stays.
        LogSegment cleaned = LogSegment.open(t.dir, 0, t.config, t.time, LogFileNames.CLEANED_FILE_SUFFIX, false);
        cleaned.append(1, recordsAt(1, 0, 1, "b'"));
        cleaned.close();
        Log reopened = t.open(0, 3, false);
        assertThat(t.readAll()).containsExactly("0:a", "1:b", "2:c");
        reopened.close();
        // Finished: a complete .swap replaces the segment(s) in its range.
        LogSegment swap = LogSegment.open(t.dir, 0, t.config, t.time, LogFileNames.SWAP_FILE_SUFFIX, false);
        swap.append(1, recordsAt(1, 0, 1, "b'"));
        swap.close();
        Log swapped = t.open(0, 3, false);
        assertThat(t.readAll()).containsExactly("1:b'", "2:c");
        try (var files = Files.list(t.dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(n -> n.endsWith(".swap") || n.endsWith(".cleaned"));
        }
        assertThat(swapped.logEndOffset()).isEqualTo(3);
    }

    @Test
    void replaceSegmentsSwapsInCleanedSegment() throws Exception {
        Log log = open(tmp, Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        log.roll();
        log.appendAsLeader(records(1, "c"), 0);
        log.roll();
        log.appendAsLeader(records(1, "d"), 0);
        List<LogSegment> old = log.logSegments().subList(0, 2);
        LogSegment cleaned = LogSegment.open(t.dir, 0, t.config, t.time, LogFileNames.CLEANED_FILE_SUFFIX, false);
        cleaned.append(1, recordsAt(1, 0, 1, "b"));
        cleaned.append(2, recordsAt(2, 0, 1, "c"));
        log.replaceSegments(List.of(cleaned), old);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(t.readAll()).containsExactly("1:b", "2:c", "3:d");
        t.reopenAfterCrash(0);
        assertThat(t.readAll()).containsExactly("1:b", "2:c", "3:d");
    }

    @Test
    void rebuildWithSmallerIndexSizeKeepsASparserIndex() throws Exception {
        Log log = open(tmp, Map.of("index.interval.bytes", 1));
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(records(100 + i, "v" + i), 0);
        }
        log.closeHandlers();
        t.config = LogTestSupport.config(Map.of("index.interval.bytes", 1, "segment.index.bytes", 40));
        Log recovered = t.open(0, 0, false);
        assertThat(recovered.logEndOffset()).isEqualTo(20);
        assertThat(values(recovered.read(13, 1, 20, true).records())).containsExactly("13:v13");
        assertThat(recovered.fetchOffsetByTimestamp(117).orElseThrow().offset).isEqualTo(17);
        assertThat(recovered.appendAsLeader(records(200, "next"), 0).firstOffset()).isEqualTo(20);
    }
}
