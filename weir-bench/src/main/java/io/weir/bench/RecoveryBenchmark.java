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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.weir.storage.Log;

/**
 * Recovery of an unclean log (default 1 GiB): every batch past the recovery point (0 here) is
 * re-read and CRC-checked and the indexes are rebuilt. One op = one full recovery (seconds).
 * The files stay in the page cache, so this measures CPU cost, the floor of recovery time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RecoveryBenchmark {

    @Param("1024")
    public int logSizeMiB;

    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("weir-bench").resolve("recovery-0");
        Log log = BenchLogs.open(dir, Map.of("segment.bytes", String.valueOf(128 * 1024 * 1024)), true);
        BenchLogs.fill(log, logSizeMiB);
        log.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchLogs.deleteRecursively(dir.getParent());
    }

    @Benchmark
    public long recoverUncleanLog() {
        // Unclean: no clean-shutdown marker, recovery point 0, so every segment is scanned and re-indexed.
        Log log = BenchLogs.open(dir, Map.of("segment.bytes", String.valueOf(128 * 1024 * 1024)), false);
        long end = log.logEndOffset();
        log.close();
        return end;
    }
}
