package io.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;

/**
 * Appends 16 KiB batches of 1 KiB records to one partition as leader (validation, offset
 * assignment, write to the page cache, indexing, rolls at 256 MiB). Bytes/s = ops/s x 16 KiB.
 * Iterations are short (1 s, about 1 GB) and each starts from an empty log that is deleted
 * afterwards, so the data fits in the page cache: longer runs pile up dirty pages until the
 * kernel throttles writers to the disk's speed, which would measure the disk, not Weir.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class LogAppendBenchmark {

    private Path dir;
    private Log log;
    private byte[] templateBytes;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("weir-bench").resolve("bench-0");
        log = BenchLogs.open(dir, Map.of("segment.bytes", String.valueOf(256 * 1024 * 1024)), true);
        templateBytes = BenchLogs.batchBytes();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        log.close();
        BenchLogs.deleteRecursively(dir.getParent());
    }

    @Benchmark
    public long append16KiBBatch() {
        LogAppendInfo info = log.appendAsLeader(BenchLogs.copyOf(templateBytes), 0);
        return info.lastOffset();
    }
}
