package io.weir.bench;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.weir.storage.FetchDataInfo;
import io.weir.storage.Log;

/**
 * Random offset lookups in a multi-segment log (default 1 GiB in 128 MiB segments, 16 KiB
 * batches): segment floor, sparse index, short scan to the batch that holds the offset, and the
 * file slice a fetch sends (what every fetch does first); the same at the log's end, where
 * caught-up fetches read; and 1 MiB fetches (max.partition.fetch.bytes) of a consumer that is
 * behind, in the sealed segments (headers through a mapping) and in the active one (headers
 * through positional reads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class OffsetLookupBenchmark {

    @Param("1024")
    public int logSizeMiB;

    private Log log;
    private long endOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        log = BenchLogs.filled("lookup-0", 128 * 1024 * 1024, logSizeMiB);
        endOffset = log.logEndOffset();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchLogs.closeAndDelete(log);
    }

    @Benchmark
    public int lookup() {
        long offset = ThreadLocalRandom.current().nextLong(endOffset);
        FetchDataInfo info = log.read(offset, 1, endOffset, true);
        return info.filePosition();
    }

    /**
     * The fetch of a follower or a consumer that has caught up: one of the last 64 offsets, in the
     * active segment, and a slice of up to 1 MiB (max.partition.fetch.bytes).
     */
    @Benchmark
    public int readTail() {
        long offset = endOffset - 1 - ThreadLocalRandom.current().nextLong(64);
        FetchDataInfo info = log.read(offset, 1024 * 1024, endOffset, true);
        return info.filePosition();
    }

    /** A consumer behind: 1 MiB from a random offset of the whole log (mostly sealed segments). */
    @Benchmark
    public int readMiB() {
        long offset = ThreadLocalRandom.current().nextLong(endOffset);
        return log.read(offset, 1024 * 1024, endOffset, true).records().sizeInBytes();
    }

    /** A consumer behind within the active segment: 1 MiB from a random offset of it. */
    @Benchmark
    public int readMiBActive(ActiveLog active) {
        long offset = ThreadLocalRandom.current().nextLong(active.endOffset);
        return active.log.read(offset, 1024 * 1024, active.endOffset, true).records().sizeInBytes();
    }

    /** One 256 MiB segment that is still active (segment.bytes 1 GiB): its headers are read with pread. */
    @State(Scope.Benchmark)
    public static class ActiveLog {

        private Log log;
        private long endOffset;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            log = BenchLogs.filled("active-0", 1024 * 1024 * 1024, 256);
            endOffset = log.logEndOffset();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            BenchLogs.closeAndDelete(log);
        }
    }
}
