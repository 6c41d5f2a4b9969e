package io.weir.storage.epoch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochFileCacheTest {

    @TempDir
    Path dir;

    private Path file;
    private LeaderEpochFileCache cache;

    @BeforeEach
    void setUp() throws IOException {
        file = LeaderEpochCheckpointFile.fileIn(dir);
        cache = new LeaderEpochFileCache(file);
    }

    private List<EpochEntry> reloaded() throws IOException {
        return new LeaderEpochFileCache(file).epochEntries();
    }

    @Test
    void emptyCache() throws IOException {
        assertThat(cache.latestEpoch()).isEmpty();
        assertThat(cache.epochEntries()).isEmpty();
        assertThat(cache.endOffsetFor(0, 10)).isEqualTo(OffsetAndEpoch.UNDEFINED);
        assertThat(cache.epochForOffset(5)).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void assignAppendsAndFlushes() throws IOException {
        cache.assign(0, 0);
        cache.assign(1, 5);
        cache.assign(3, 12);

        assertThat(cache.latestEpoch()).hasValue(3);
        assertThat(cache.epochEntries()).containsExactly(
                new EpochEntry(0, 0), new EpochEntry(1, 5), new EpochEntry(3, 12));
        assertThat(Files.readString(file)).isEqualTo("0\n3\n0 0\n1 5\n3 12\n");
        assertThat(reloaded()).isEqualTo(cache.epochEntries());
    }

    @Test
    void sameEpochAtLaterOffsetIsIgnored() throws IOException {
        cache.assign(2, 10);
        cache.assign(2, 11);
        cache.assign(2, 50);

        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(2, 10));
    }

    @Test
    void sameEpochAtEarlierOffsetMovesItsStart() throws IOException {
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(2, 8);

        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 8));
    }

    @Test
    void lowerEpochRemovesConflictingEntriesAtTheEnd() throws IOException {
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);

        cache.assign(4, 15);

        assertThat(cache.epochEntries()).containsExactly(
                new EpochEntry(1, 0), new EpochEntry(3, 10), new EpochEntry(4, 15));
        assertThat(reloaded()).isEqualTo(cache.epochEntries());
    }

    @Test
    void higherEpochAtNonIncreasingOffsetRemovesConflictingEntries() throws IOException {
        cache.assign(1, 0);
        cache.assign(2, 10);

        cache.assign(3, 10);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10));

        cache.assign(4, 5);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(4, 5));
    }

    @Test
    void negativeEpochOrOffsetIsRejected() {
        assertThatThrownBy(() -> cache.assign(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.assign(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endOffsetForUndefinedEpoch() {
        cache.assign(2, 0);
        assertThat(cache.endOffsetFor(-1, 100)).isEqualTo(OffsetAndEpoch.UNDEFINED);
    }

    @Test
    void endOffsetForLatestEpochIsLogEndOffset() {
        cache.assign(2, 0);
        cache.assign(4, 10);
        assertThat(cache.endOffsetFor(4, 100)).isEqualTo(new OffsetAndEpoch(100, 4));
    }

    @Test
    void endOffsetForCachedEpochIsStartOfTheNext() {
        cache.assign(2, 0);
        cache.assign(4, 10);
        cache.assign(6, 20);
        assertThat(cache.endOffsetFor(2, 100)).isEqualTo(new OffsetAndEpoch(10, 2));
        assertThat(cache.endOffsetFor(4, 100)).isEqualTo(new OffsetAndEpoch(20, 4));
    }

    @Test
    void endOffsetForEpochInAGapUsesTheEpochBelow() {
        cache.assign(2, 0);
        cache.assign(4, 10);
        cache.assign(6, 20);
        assertThat(cache.endOffsetFor(3, 100)).isEqualTo(new OffsetAndEpoch(10, 2));
        assertThat(cache.endOffsetFor(5, 100)).isEqualTo(new OffsetAndEpoch(20, 4));
    }

    @Test
    void endOffsetForEpochBelowAllIsStartOfTheFirst() {
        cache.assign(2, 7);
        cache.assign(4, 10);
        assertThat(cache.endOffsetFor(1, 100)).isEqualTo(new OffsetAndEpoch(7, 1));
    }

    @Test
    void endOffsetForEpochAboveLatestIsUndefined() {
        cache.assign(2, 0);
        assertThat(cache.endOffsetFor(3, 100)).isEqualTo(OffsetAndEpoch.UNDEFINED);
    }

    @Test
    void truncateFromEndRemovesEntriesAtOrAfterOffset() throws IOException {
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);

        cache.truncateFromEnd(21);
        assertThat(cache.epochEntries()).hasSize(3);

        cache.truncateFromEnd(10);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0));
        assertThat(reloaded()).containsExactly(new EpochEntry(1, 0));

        cache.truncateFromEnd(-1);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0));

        cache.truncateFromEnd(0);
        assertThat(cache.epochEntries()).isEmpty();
    }

    @Test
    void truncateFromStartMovesTheEpochCoveringTheOffset() throws IOException {
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);

        cache.truncateFromStart(15);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(2, 15), new EpochEntry(3, 20));

        cache.truncateFromStart(20);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(3, 20));

        cache.truncateFromStart(30);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(3, 30));
        assertThat(reloaded()).containsExactly(new EpochEntry(3, 30));
    }

    @Test
    void truncateFromStartBeforeFirstEntryIsANoOp() {
        cache.assign(1, 10);
        cache.truncateFromStart(5);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 10));
    }

    @Test
    void clearAndFlush() throws IOException {
        cache.assign(1, 0);
        cache.clearAndFlush();
        assertThat(cache.epochEntries()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("0\n0\n");
        assertThat(reloaded()).isEmpty();
    }

    @Test
    void epochForOffset() {
        cache.assign(1, 5);
        cache.assign(3, 10);
        assertThat(cache.epochForOffset(4)).isEmpty();
        assertThat(cache.epochForOffset(5)).hasValue(1);
        assertThat(cache.epochForOffset(9)).hasValue(1);
        assertThat(cache.epochForOffset(10)).hasValue(3);
        assertThat(cache.epochForOffset(1000)).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void reloadsKafkaWrittenFileApplyingMonotonicity() throws IOException {
        Files.writeString(file, "0\n3\n0 0\n4 100\n2 50\n");
        // Kafka assigns loaded entries one by one, so a non-monotonic tail collapses the same way
        assertThat(new LeaderEpochFileCache(file).epochEntries())
                .containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 50));
    }

    @Test
    void malformedFileFailsToLoad() throws IOException {
        Files.writeString(file, "0\n1\n0 zero\n");
        assertThatThrownBy(() -> new LeaderEpochFileCache(file))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString());
        Files.writeString(file, "0\n1\n-3 0\n");
        assertThatThrownBy(() -> new LeaderEpochFileCache(file)).isInstanceOf(IOException.class);
    }
}
