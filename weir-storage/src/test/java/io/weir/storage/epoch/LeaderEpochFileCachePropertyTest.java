package io.weir.storage.epoch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;

class LeaderEpochFileCachePropertyTest {

    /** 0 = assign, 1 = truncateFromEnd, 2 = truncateFromStart. */
    @Provide
    Arbitrary<List<Tuple3<Integer, Integer, Long>>> operations() {
        return Arbitraries.integers().between(0, 2)
                .flatMap(op -> Arbitraries.integers().between(0, 20)
                        .flatMap(epoch -> Arbitraries.longs().between(0, 200)
                                .map(offset -> Tuple.of(op, epoch, offset))))
                .list().ofMaxSize(40);
    }

    @Property(tries = 200)
    void epochsAndOffsetsStayStrictlyIncreasingAndSurviveReload(
            @ForAll("operations") List<Tuple3<Integer, Integer, Long>> operations) throws IOException {
        Path dir = Files.createTempDirectory("epoch-cache");
        try {
            Path file = LeaderEpochCheckpointFile.fileIn(dir);
            LeaderEpochFileCache cache = new LeaderEpochFileCache(file);
            for (Tuple3<Integer, Integer, Long> op : operations) {
                switch (op.get1()) {
                    case 0 -> cache.assign(op.get2(), op.get3());
                    case 1 -> cache.truncateFromEnd(op.get3());
                    default -> cache.truncateFromStart(op.get3());
                }
                assertStrictlyIncreasing(cache.epochEntries());
            }
            assertThat(new LeaderEpochFileCache(file).epochEntries()).isEqualTo(cache.epochEntries());
        } finally {
            Files.deleteIfExists(LeaderEpochCheckpointFile.fileIn(dir));
            Files.delete(dir);
        }
    }

    private static void assertStrictlyIncreasing(List<EpochEntry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).epoch()).isGreaterThan(entries.get(i - 1).epoch());
            assertThat(entries.get(i).startOffset()).isGreaterThan(entries.get(i - 1).startOffset());
        }
    }
}
