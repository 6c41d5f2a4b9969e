package io.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;

/** Shared set-up for the storage benchmarks: logs in temp dirs, batches of N records of M bytes. */
final class BenchLogs {

    private BenchLogs() {
    }

    static Log open(Path dir, Map<String, ?> overrides, boolean cleanShutdown) {
        return Log.open(dir, LogConfig.fromProps(Map.of(), overrides), 0L, 0L, cleanShutdown, Time.SYSTEM,
            new MockScheduler(new MockTime()), 86_400_000L, new LogDirFailureChannel());
    }

    /** A batch of {@code count} records of {@code size} random-ish bytes each. */
    static MemoryRecords batch(int count, int size) {
        SimpleRecord[] records = new SimpleRecord[count];
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(now, null, value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
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
