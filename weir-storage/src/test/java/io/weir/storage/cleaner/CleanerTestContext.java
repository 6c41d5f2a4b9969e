package io.weir.storage.cleaner;

import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;
import io.weir.storage.LogSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Utils;

/** A real compacted Log in a temporary log dir, a cleaner over it, and helpers to write and read keyed records. */
final class CleanerTestContext {

    /** One record as read back from the log. */
    record Entry(long offset, String key, String value) {
    }

    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final Path logDir;
    final Path partitionDir;
    final LogConfig config;
    Log log;
    CleanableLog cleanable;
    final LogCleaner cleaner;

    CleanerTestContext(Path tempDir, Map<String, Object> overrides) {
        this(tempDir, overrides, CleanerConfig.defaults());
    }

    CleanerTestContext(Path tempDir, Map<String, Object> overrides, CleanerConfig cleanerConfig) {
        this.logDir = tempDir.resolve("data");
        this.partitionDir = logDir.resolve("compacted-0");
        Map<String, Object> props = new HashMap<>();
        props.put("cleanup.policy", "compact");
        props.put("min.cleanable.dirty.ratio", "0.01");
        props.put("segment.bytes", "1048576");
        props.put("index.interval.bytes", "64");
        props.putAll(overrides);
        this.config = LogConfig.fromProps(Map.of(), props);
        open();
        this.cleaner = new LogCleaner(cleanerConfig, () -> List.of(cleanable), time);
    }

    void open() {
        log = Log.open(partitionDir, config, 0L, 0L, false, time, scheduler, 86_400_000L, new LogDirFailureChannel());
        cleanable = LogCleanableAdapter.of(log, time);
    }

    /**
     * Opens the log again without closing it first, as after a crash: the files stay as they
     * are. The high watermark is not the Log's to persist, so it is restored here as the
     * replica manager would from its checkpoint.
     */
    void reopenAfterCrash() {
        open();
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Appends {@code key=value} pairs as one batch ({@code null} value = tombstone); HW follows. */
    void append(String... keyValues) {
        append(MemoryRecords.withRecords(Compression.NONE, records(keyValues)));
    }

    void appendIdempotent(long producerId, short epoch, int sequence, String... keyValues) {
        append(MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence, records(keyValues)));
    }

    private void append(MemoryRecords records) {
        log.appendAsLeader(records, 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    private SimpleRecord[] records(String... keyValues) {
        SimpleRecord[] records = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            String value = keyValues[2 * i + 1];
            records[i] = new SimpleRecord(time.milliseconds(), bytes(keyValues[2 * i]), value == null ? null : bytes(value));
        }
        return records;
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    void roll() {
        log.roll();
    }

    /** Every record in the log, in offset order. */
    List<Entry> entries() {
        return entries(log.logSegments());
    }

    static List<Entry> entries(List<LogSegment> segments) {
        List<Entry> result = new ArrayList<>();
        for (LogSegment segment : segments) {
            for (RecordBatch batch : segment.log().batches()) {
                for (Record record : batch) {
                    result.add(new Entry(record.offset(), string(record.key()), string(record.value())));
                }
            }
        }
        return result;
    }

    List<RecordBatch> batches() {
        List<RecordBatch> result = new ArrayList<>();
        for (LogSegment segment : log.logSegments()) {
            segment.log().batches().forEach(result::add);
        }
        return result;
    }

    private static String string(java.nio.ByteBuffer buffer) {
        return buffer == null ? null : Utils.utf8(buffer);
    }
}
