package io.weir.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import io.weir.common.KafkaScheduler;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;

/**
 * Shared set-up for the benchmarks: logs in temp dirs, batches of N records of M bytes. Public for
 * the benchmarks that live in the package of the package-private class they measure.
 */
public final class BenchLogs {

    private BenchLogs() {
    }

    /**
     * Runs the log's background work (the flush of a rolled segment) off the appending thread, as a
     * broker does. Started on the first {@link #open}, so benchmarks that only build batches start no thread.
     */
    private static final class Scheduler {
        static final KafkaScheduler INSTANCE = start();

        private static KafkaScheduler start() {
            KafkaScheduler scheduler = new KafkaScheduler(1, "bench-scheduler");
            scheduler.startup();
            return scheduler;
        }
    }

    static Log open(Path dir, Map<String, ?> overrides, boolean cleanShutdown) {
        return Log.open(dir, LogConfig.fromProps(Map.of(), overrides), 0L, 0L, cleanShutdown, Time.SYSTEM,
            Scheduler.INSTANCE, 86_400_000L, new LogDirFailureChannel());
    }

    /** A batch of {@code count} records of {@code size} random-ish bytes each. */
    public static MemoryRecords batch(int count, int size) {
        SimpleRecord[] records = new SimpleRecord[count];
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        long now = Time.SYSTEM.milliseconds();
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(now, null, value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** The bytes of one 16-record batch of ~1 KiB records (16 KiB), to copy per append. */
    static byte[] batchBytes() {
        MemoryRecords template = batch(16, 1024 - 20);
        byte[] bytes = new byte[template.sizeInBytes()];
        template.buffer().duplicate().get(bytes);
        return bytes;
    }

    /** A fresh copy of a batch, as a produce request's buffer would be (the leader rewrites offsets in place). */
    static MemoryRecords copyOf(byte[] batchBytes) {
        return MemoryRecords.readableRecords(ByteBuffer.wrap(batchBytes.clone()));
    }

    /** Appends 16 KiB batches until the log holds {@code sizeMiB} MiB. */
    static void fill(Log log, int sizeMiB) {
        byte[] bytes = batchBytes();
        long target = (long) sizeMiB * 1024 * 1024;
        while (log.size() < target) {
            log.appendAsLeader(copyOf(bytes), 0);
        }
    }

    /** A log in a new temporary directory, {@code segmentBytes} per segment, filled to {@code sizeMiB} MiB. */
    static Log filled(String name, long segmentBytes, int sizeMiB) throws IOException {
        Log log = open(Files.createTempDirectory("weir-bench").resolve(name),
            Map.of("segment.bytes", String.valueOf(segmentBytes)), true);
        fill(log, sizeMiB);
        return log;
    }

    /** Closes a log that {@link #filled} made and deletes its temporary directory. */
    static void closeAndDelete(Log log) throws IOException {
        log.close();
        deleteRecursively(log.dir().getParent());
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
