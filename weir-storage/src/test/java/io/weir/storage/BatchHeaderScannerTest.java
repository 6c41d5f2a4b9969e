package io.weir.storage;

import static io.weir.storage.LogTestSupport.recordsAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header scanner against the code it replaces ({@code FileRecords.slice(0, end).batchesFrom}
 * with {@code lastOffset()} per batch): same batch, same end, same exception, whether it reads
 * through the mapping or the channel window, for files cut at every byte and for garbled headers.
 */
class BatchHeaderScannerTest {

    @TempDir
    Path tmp;

    private final List<Integer> starts = new ArrayList<>();
    private final List<Long> targets = new ArrayList<>();

    /** Small batches (many per window), one larger than the window, then small ones again. */
    private byte[] segmentBytes() throws IOException {
        ByteBuffer all = ByteBuffer.allocate(64 * 1024);
        long offset = 0;
        int[] valuesPerBatch = {1, 3, 2, 1, 60, 1, 2, 1};
        for (int n : valuesPerBatch) {
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                values[i] = "value-" + offset + "-" + i + "-" + "x".repeat(40);
            }
            MemoryRecords batch = recordsAt(offset, 0, 1000, values);
            starts.add(all.position());
            targets.add(offset);
            targets.add(offset + n - 1);
            all.put(batch.buffer().duplicate());
            offset += n;
        }
        targets.add(offset);
        starts.add(1);
        starts.add(all.position() / 2);
        byte[] bytes = new byte[all.position()];
        all.flip().get(bytes);
        return bytes;
    }

    @Test
    void fileCutAtEveryByteGivesTheSameBatchesAsFileLogInputStream() throws Exception {
        byte[] bytes = segmentBytes();
        File file = tmp.resolve("cut.log").toFile();
        for (int length : cuts(bytes.length)) {
            Files.write(file.toPath(), java.util.Arrays.copyOf(bytes, length));
            compareAll(file, length);
            compareAll(file, Integer.MAX_VALUE);
        }
    }

    @Test
    void endBeforeTheFileEndGivesTheSameBatches() throws Exception {
        byte[] bytes = segmentBytes();
        File file = tmp.resolve("whole.log").toFile();
        Files.write(file.toPath(), bytes);
        for (int end : cuts(bytes.length)) {
            compareAll(file, end);
        }
    }

    @Test
    void garbledHeadersGiveTheSameBatchesOrExceptions() throws Exception {
        byte[] clean = segmentBytes();
        File file = tmp.resolve("garbled.log").toFile();
        int[] sizes = {Integer.MIN_VALUE, -1, 0, 5, 13, 14, 20, 48, 49, 50, 200, 5000, Integer.MAX_VALUE};
        byte[] magics = {0, 1, 3, -1};
        for (int start : starts.subList(0, starts.size() - 2)) {
            for (int size : sizes) {
                byte[] bytes = clean.clone();
                ByteBuffer.wrap(bytes).putInt(start + 8, size);
                Files.write(file.toPath(), bytes);
                compareAll(file, bytes.length);
            }
            for (byte magic : magics) {
                byte[] bytes = clean.clone();
                bytes[start + 16] = magic;
                Files.write(file.toPath(), bytes);
                compareAll(file, bytes.length);
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = clean.clone();
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
            Files.write(file.toPath(), bytes);
            compareAll(file, bytes.length);
        }
    }

    /**
     * Every length within a v2 header's reach (61 bytes) of a batch boundary, every 29th byte
     * inside the records of a batch (where a cut only makes that batch incomplete).
     */
    private List<Integer> cuts(int total) {
        List<Integer> cuts = new ArrayList<>();
        for (int length = 0; length <= total; length++) {
            int fromBoundary = Integer.MAX_VALUE;
            for (int start : starts.subList(0, starts.size() - 2)) {
                fromBoundary = Math.min(fromBoundary, Math.abs(length - start));
            }
            fromBoundary = Math.min(fromBoundary, total - length);
            if (fromBoundary <= 64 || length % 29 == 0) {
                cuts.add(length);
            }
        }
        return cuts;
    }

    private void compareAll(File file, int endPosition) throws Exception {
        try (FileRecords records = FileRecords.open(file, false)) {
            MappedLogFile mapping = MappedLogFile.map(records);
            assertThat(mapping.tryAcquire()).isTrue();
            try {
                for (int start : starts) {
                    for (long target : targets) {
                        compareFind(records, mapping, start, endPosition, target);
                    }
                    for (int maxSize : new int[] {0, 1, 100, 1000, Integer.MAX_VALUE}) {
                        compareBytes(records, mapping, start, endPosition, maxSize);
                    }
                }
            } finally {
                mapping.release();
                mapping.retire();
            }
        }
    }

    private void compareFind(FileRecords records, MappedLogFile mapping, int start, int end, long target) {
        String where = "file " + records.sizeInBytes() + " bytes, start " + start + ", end " + end + ", target " + target;
        String expected = outcome(() -> referenceFind(records, start, end, target));
        assertThat(outcome(() -> find(records, mapping, start, end, target))).as("mapped, " + where).isEqualTo(expected);
        assertThat(outcome(() -> find(records, null, start, end, target))).as("channel, " + where).isEqualTo(expected);
    }

    private void compareBytes(FileRecords records, MappedLogFile mapping, int start, int end, int maxSize) {
        for (boolean minOne : new boolean[] {false, true}) {
            String where = "file " + records.sizeInBytes() + " bytes, start " + start + ", end " + end + ", maxSize "
                    + maxSize + ", minOne " + minOne;
            String expected = outcome(() -> referenceRead(records, start, end, maxSize, minOne));
            assertThat(outcome(() -> read(records, mapping, start, end, maxSize, minOne))).as("mapped, " + where)
                    .isEqualTo(expected);
            assertThat(outcome(() -> read(records, null, start, end, maxSize, minOne))).as("channel, " + where)
                    .isEqualTo(expected);
        }
    }

    private static Object find(FileRecords records, MappedLogFile mapping, int start, int end, long target) {
        try (BatchHeaderScanner scanner = BatchHeaderScanner.open(records, mapping, start, end)) {
            return scanner.findBatch(target);
        }
    }

    private static Object read(FileRecords records, MappedLogFile mapping, int start, int end, int maxSize,
                               boolean minOne) {
        try (BatchHeaderScanner scanner = BatchHeaderScanner.open(records, mapping, start, end)) {
            LogSegment.BatchPosition first = scanner.findBatch(-1);
            return first == null ? null : first + " " + scanner.bytesFrom(first, maxSize, minOne, -1);
        }
    }

    /** LogSegment.translateOffset before the scanner. */
    private static Object referenceFind(FileRecords records, int start, int end, long target) {
        for (FileChannelRecordBatch batch : records.slice(0, end).batchesFrom(start)) {
            long last = batch.lastOffset();
            if (last >= target) {
                return new LogSegment.BatchPosition(last, batch.position(), batch.sizeInBytes());
            }
        }
        return null;
    }

    /** LogSegment.read before the scanner (first batch from {@code start}, then whole batches up to maxSize). */
    private static Object referenceRead(FileRecords records, int start, int end, int maxSize, boolean minOne) {
        LogSegment.BatchPosition first = (LogSegment.BatchPosition) referenceFind(records, start, end, -1);
        if (first == null) {
            return null;
        }
        int bytes = 0;
        for (FileChannelRecordBatch batch : records.slice(0, end).batchesFrom(first.position())) {
            int next = bytes + batch.sizeInBytes();
            if (next > maxSize && !(bytes == 0 && minOne)) {
                break;
            }
            bytes = next;
        }
        return first + " " + bytes;
    }

    private static String outcome(Callable<Object> call) {
        try {
            return String.valueOf(call.call());
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage() + (e.getCause() == null ? ""
                    : " caused by " + e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
        }
    }

    /**
     * An indexed batch start lets a read count the batches before it without their headers: with
     * a garbled header among them (which a walk would fail on) the read still ends where the
     * clean file's walk ends, with the same last offset, through the mapping and the channel.
     */
    @Test
    void anIndexedBatchStartIsReachedWithoutReadingTheHeadersBeforeIt() throws Exception {
        byte[] clean = segmentBytes();
        int batches = starts.size() - 2;
        File cleanFile = tmp.resolve("clean.log").toFile();
        Files.write(cleanFile.toPath(), clean);
        byte[] garbled = clean.clone();
        ByteBuffer.wrap(garbled).putInt(starts.get(2) + 8, 5);
        File garbledFile = tmp.resolve("garbled-before-jump.log").toFile();
        Files.write(garbledFile.toPath(), garbled);
        for (int maxSize : new int[] {starts.get(5) + 1, starts.get(6), clean.length}) {
            String expected = readWithLast(cleanFile, null, maxSize, -1);
            assertThat(expected).doesNotContain("Exception");
            assertThat(readWithLast(garbledFile, null, maxSize, -1)).as("a walk reads the garbled header")
                .contains("Exception");
            for (boolean mapped : new boolean[] {false, true}) {
                assertThat(readWithLast(garbledFile, mapped, maxSize, starts.get(5)))
                    .as("mapped " + mapped + ", maxSize " + maxSize).isEqualTo(expected);
            }
        }
        assertThat(batches).isEqualTo(8);
    }

    /** bytesFrom from the first batch, with its last offset; {@code mapped} null: through the channel. */
    private static String readWithLast(File file, Boolean mapped, int maxSize, int indexedStart) {
        try (FileRecords records = FileRecords.open(file, false)) {
            MappedLogFile mapping = Boolean.TRUE.equals(mapped) ? MappedLogFile.map(records) : null;
            if (mapping != null) {
                assertThat(mapping.tryAcquire()).isTrue();
            }
            try (BatchHeaderScanner scanner = BatchHeaderScanner.open(records, mapping, 0, Integer.MAX_VALUE)) {
                LogSegment.BatchPosition first = scanner.findBatch(-1);
                int bytes = scanner.bytesFrom(first, maxSize, false, indexedStart);
                return bytes + " bytes, last offset " + scanner.lastOffsetOfRead();
            } finally {
                if (mapping != null) {
                    mapping.release();
                    mapping.retire();
                }
            }
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void windowSpansManySmallBatchesAndRefillsForLargeOnes() throws Exception {
        byte[] bytes = segmentBytes();
        File file = tmp.resolve("window.log").toFile();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.write(bytes);
        }
        try (FileRecords records = FileRecords.open(file, false);
             BatchHeaderScanner scanner = BatchHeaderScanner.open(records, null, 0, Integer.MAX_VALUE)) {
            List<Integer> seen = new ArrayList<>();
            while (scanner.next()) {
                seen.add(scanner.position());
            }
            assertThat(seen).isEqualTo(starts.subList(0, starts.size() - 2));
        }
    }
}
