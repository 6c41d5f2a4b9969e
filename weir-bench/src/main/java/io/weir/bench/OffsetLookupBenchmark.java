package io.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
 * Random offset lookups in a multi-segment log (default 1 GiB in 128 MiB segments): segment floor,
 * sparse index, short scan to the batch that holds the offset, and the file slice a fetch sends
 * (what every fetch does first); and the same at the log's end, where caught-up fetches read.
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

    private Path dir;
    private Log log;
    private long endOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("weir-bench").resolve("lookup-0");
        log = BenchLogs.open(dir, Map.of("segment.bytes", String.valueOf(128 * 1024 * 1024)), true);
        BenchLogs.fill(log, logSizeMiB);
        endOffset = log.logEndOffset();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        BenchLogs.deleteRecursively(dir.getParent());
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
}
