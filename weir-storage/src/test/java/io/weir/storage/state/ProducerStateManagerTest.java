package io.weir.storage.state;

import static io.weir.storage.state.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weir.common.MockTime;
import io.weir.storage.checkpoint.AtomicFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {

    private static final long EXPIRATION_MS = 60_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private ProducerStateManager manager;
    private final List<RecordBatch> log = new ArrayList<>();

    @BeforeEach
    void setUp() {
        manager = newManager();
    }

    private ProducerStateManager newManager() {
        return new ProducerStateManager(dir, EXPIRATION_MS, time);
    }

    /** Appends a batch as the leader at the log end offset (the size of {@link #log} in offsets). */
    private RecordBatch append(long producerId, short epoch, int firstSeq, int count) {
        long offset = log.isEmpty() ? 0 : log.get(log.size() - 1).nextOffset();
        RecordBatch batch = batch(producerId, epoch, firstSeq, count, offset, time.milliseconds());
        ProducerAppendSession session = manager.beginAppend(true);
        assertThat(session.check(batch).ok()).isTrue();
        session.appended(batch);
        session.commit();
        log.add(batch);
        return batch;
    }

    private long logEndOffset() {
        return log.isEmpty() ? 0 : log.get(log.size() - 1).nextOffset();
    }

    /** What the Log does on open: reload, then replay the batches from the map end offset. */
    private ProducerStateManager reopen(long logStartOffset) throws IOException {
        ProducerStateManager reopened = newManager();
        reopened.truncateAndReload(logStartOffset, logEndOffset(), time.milliseconds());
        for (RecordBatch batch : log) {
            if (batch.baseOffset() >= reopened.mapEndOffset()) {
                reopened.replay(batch);
            }
        }
        return reopened;
    }

    private static String describe(Map<Long, ProducerStateEntry> producers) {
        return producers.toString();
    }

    @Test
    void snapshotRoundTrip() throws IOException {
        for (int i = 0; i < 7; i++) {
            time.advance(5);
            append(1L, (short) 0, i * 3, 3);
            append(2L, (short) 4, i, 1);
        }
        manager.takeSnapshot();

        assertThat(manager.latestSnapshotOffset()).hasValue(logEndOffset());
        assertThat(ProducerSnapshotFile.fileFor(dir, logEndOffset()).getFileName().toString())
                .isEqualTo("00000000000000000028.snapshot");

        ProducerStateManager reloaded = newManager();
        reloaded.truncateAndReload(0, logEndOffset(), time.milliseconds());
        assertThat(reloaded.mapEndOffset()).isEqualTo(logEndOffset());
        assertThat(describe(reloaded.activeProducers())).isEqualTo(describe(manager.activeProducers()));
        // all five retained batches survive the restart, so any retry is still recognised
        for (RecordBatch original : log.subList(log.size() - 10, log.size())) {
            SequenceCheck check = reloaded.beginAppend(true).check(original);
            assertThat(check.isDuplicate()).isTrue();
            assertThat(check.duplicateFirstOffset()).isEqualTo(original.baseOffset());
        }
    }

    @Test
    void emptyStateSnapshotRoundTrips() throws IOException {
        manager.updateMapEndOffset(10);
        manager.takeSnapshot();
        ProducerStateManager reloaded = newManager();
        reloaded.truncateAndReload(0, 10, time.milliseconds());
        assertThat(reloaded.activeProducers()).isEmpty();
        assertThat(reloaded.mapEndOffset()).isEqualTo(10L);
    }

    @Test
    void takeSnapshotTwiceAtTheSameOffsetWritesOnce() throws IOException {
        append(1L, (short) 0, 0, 1);
        manager.takeSnapshot();
        Path file = ProducerSnapshotFile.fileFor(dir, 1);
        Files.write(file, new byte[] {1, 2, 3});
        manager.takeSnapshot();
        assertThat(Files.size(file)).isEqualTo(3L);
    }

    @Test
    void reloadReplaysBatchesAfterTheSnapshot() throws IOException {
        append(1L, (short) 0, 0, 2);
        manager.takeSnapshot();
        append(1L, (short) 0, 2, 2);
        append(3L, (short) 0, 0, 1);

        ProducerStateManager reopened = reopen(0);

        assertThat(describe(reopened.activeProducers())).isEqualTo(describe(manager.activeProducers()));
        assertThat(reopened.mapEndOffset()).isEqualTo(5L);
    }

    @Test
    void corruptSnapshotIsDeletedAndAnOlderOneUsed() throws IOException {
        append(1L, (short) 0, 0, 2);
        manager.takeSnapshot();
        append(1L, (short) 0, 2, 2);
        manager.takeSnapshot();
        Path newest = ProducerSnapshotFile.fileFor(dir, 4);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x5A;
        Files.write(newest, bytes);

        ProducerStateManager reopened = newManager();
        reopened.truncateAndReload(0, 4, time.milliseconds());

        assertThat(reopened.mapEndOffset()).isEqualTo(2L);
        assertThat(newest).doesNotExist();
        assertThat(reopened.latestSnapshotOffset()).hasValue(2L);
        reopened.replay(log.get(1));
        assertThat(describe(reopened.activeProducers())).isEqualTo(describe(manager.activeProducers()));
    }

    @Test
    void everySnapshotCorruptRebuildsFromTheLogStart() throws IOException {
        append(1L, (short) 0, 0, 2);
        manager.takeSnapshot();
        Files.write(ProducerSnapshotFile.fileFor(dir, 2), new byte[] {0, 1, 0});

        ProducerStateManager reopened = reopen(0);

        assertThat(reopened.latestSnapshotOffset()).isEmpty();
        assertThat(describe(reopened.activeProducers())).isEqualTo(describe(manager.activeProducers()));
    }

    @Test
    void corruptionIsDetectedForEveryKindOfDamage() throws IOException {
        append(1L, (short) 0, 0, 2);
        manager.takeSnapshot();
        Path file = ProducerSnapshotFile.fileFor(dir, 2);
        byte[] good = Files.readAllBytes(file);
        assertThat(ProducerSnapshotFile.read(file)).hasSize(1);

        byte[] badVersion = good.clone();
        badVersion[1] = 9;
        assertCorrupt(file, badVersion, "version");
        assertCorrupt(file, java.util.Arrays.copyOf(good, good.length - 1), "checksum");
        assertCorrupt(file, java.util.Arrays.copyOf(good, good.length + 4), "checksum");
        assertCorrupt(file, new byte[0], "bytes");
        for (int i = 2; i < good.length; i++) {
            byte[] flipped = good.clone();
            flipped[i] ^= 1;
            Files.write(file, flipped);
            assertThatThrownBy(() -> ProducerSnapshotFile.read(file)).isInstanceOf(CorruptSnapshotException.class);
        }
    }

    private static void assertCorrupt(Path file, byte[] bytes, String reason) throws IOException {
        Files.write(file, bytes);
        assertThatThrownBy(() -> ProducerSnapshotFile.read(file))
                .isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(reason);
    }

    @Test
    void truncateAndReloadDropsSnapshotsOutOfRangeAndLoadsTheNewest() throws IOException {
        for (int i = 0; i < 4; i++) {
            append(1L, (short) 0, i * 10, 10);
            manager.takeSnapshot();
        }
        assertThat(snapshotOffsets()).containsExactly(10L, 20L, 30L, 40L);

        manager.truncateAndReload(15, 35, time.milliseconds());

        assertThat(snapshotOffsets()).containsExactly(20L, 30L);
        assertThat(manager.mapEndOffset()).isEqualTo(30L);
        assertThat(manager.lastEntry(1L).orElseThrow().lastSequence()).isEqualTo(29);
        assertThat(manager.oldestSnapshotOffset()).hasValue(20L);
    }

    @Test
    void truncateAndReloadWithoutSnapshotStartsEmptyAtTheLogStart() throws IOException {
        append(1L, (short) 0, 0, 10);
        manager.truncateAndReload(3, 5, time.milliseconds());
        assertThat(manager.activeProducers()).isEmpty();
        assertThat(manager.mapEndOffset()).isEqualTo(3L);
    }

    @Test
    void truncateAndReloadAtTheMapEndKeepsTheState() throws IOException {
        append(1L, (short) 0, 0, 10);
        manager.truncateAndReload(0, 10, time.milliseconds());
        assertThat(manager.activeProducers()).containsOnlyKeys(1L);
        assertThat(manager.mapEndOffset()).isEqualTo(10L);
    }

    @Test
    void leftoverTmpFileIsRemovedAndNeverLoaded() throws IOException {
        append(1L, (short) 0, 0, 2);
        manager.takeSnapshot();
        Path tmp = AtomicFileWriter.tmpFileFor(ProducerSnapshotFile.fileFor(dir, 7));
        Files.write(tmp, new byte[] {1, 2, 3, 4});

        ProducerStateManager reopened = newManager();
        assertThat(tmp).doesNotExist();
        assertThat(reopened.latestSnapshotOffset()).hasValue(2L);
    }

    @Test
    void expiredProducersAreRemoved() throws IOException {
        append(1L, (short) 0, 0, 1);
        time.advance(EXPIRATION_MS - 1);
        append(2L, (short) 0, 0, 1);

        manager.removeExpiredProducers(time.milliseconds());
        assertThat(manager.activeProducers()).containsOnlyKeys(1L, 2L);

        time.advance(1);
        manager.removeExpiredProducers(time.milliseconds());
        assertThat(manager.activeProducers()).containsOnlyKeys(2L);
    }

    @Test
    void producerWithOpenTransactionNeverExpires() {
        ProducerAppendSession session = manager.beginAppend(true);
        session.appended(TestBatches.transactional(1L, (short) 0, 0, 1, 0, time.milliseconds()));
        session.commit();
        time.advance(10 * EXPIRATION_MS);
        manager.removeExpiredProducers(time.milliseconds());
        assertThat(manager.activeProducers()).containsOnlyKeys(1L);
    }

    @Test
    void expiredProducersAreNotLoadedFromSnapshot() throws IOException {
        append(1L, (short) 0, 0, 1);
        time.advance(EXPIRATION_MS / 2);
        append(2L, (short) 0, 0, 1);
        manager.takeSnapshot();
        time.advance(EXPIRATION_MS / 2);

        ProducerStateManager reloaded = newManager();
        reloaded.truncateAndReload(0, 2, time.milliseconds());
        assertThat(reloaded.activeProducers()).containsOnlyKeys(2L);
    }

    @Test
    void truncateFullyAndStartAtForgetsEverything() throws IOException {
        append(1L, (short) 0, 0, 5);
        manager.takeSnapshot();

        manager.truncateFullyAndStartAt(100);

        assertThat(manager.activeProducers()).isEmpty();
        assertThat(manager.mapEndOffset()).isEqualTo(100L);
        assertThat(manager.latestSnapshotOffset()).isEmpty();
        assertThat(snapshotFilesOnDisk()).isEmpty();
    }

    @Test
    void deleteSnapshotsBefore() throws IOException {
        for (int i = 0; i < 3; i++) {
            append(1L, (short) 0, i, 1);
            manager.takeSnapshot();
        }
        manager.deleteSnapshotsBefore(2);
        assertThat(snapshotOffsets()).containsExactly(2L, 3L);
        assertThat(snapshotFilesOnDisk()).hasSize(2);
    }

    @Test
    void removeStraySnapshotsKeepsSegmentBasesAndTheNewest() throws IOException {
        for (int i = 0; i < 4; i++) {
            append(1L, (short) 0, i, 1);
            manager.takeSnapshot();
        }
        manager.removeStraySnapshots(List.of(0L, 2L));
        assertThat(snapshotOffsets()).containsExactly(2L, 4L);
    }

    @Test
    void logStartOffsetIncrementMovesTheMapEndForward() {
        manager.onLogStartOffsetIncremented(50);
        assertThat(manager.mapEndOffset()).isEqualTo(50L);
    }

    private List<Long> snapshotOffsets() throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (Path file : snapshotFilesOnDisk()) {
            offsets.add(ProducerSnapshotFile.offsetOf(file).orElseThrow());
        }
        offsets.sort(null);
        return offsets;
    }

    private List<Path> snapshotFilesOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(ProducerSnapshotFile.SUFFIX)).toList();
        }
    }
}
