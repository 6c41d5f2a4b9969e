package io.weir.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;

import io.weir.common.MockScheduler;
import io.weir.common.MockTime;

/** A log in a temporary directory with a mock clock and scheduler, plus record builders. */
final class LogTestSupport {

    final Path root;
    final Path dir;
    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final LogDirFailureChannel failureChannel = new LogDirFailureChannel();
    LogConfig config;
    Log log;

    LogTestSupport(Path root, Map<String, ?> overrides) {
        this.root = root;
        this.dir = root.resolve("topic-0");
        this.config = config(overrides);
    }

    static LogConfig config(Map<String, ?> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("message.timestamp.after.max.ms", Long.MAX_VALUE);
        props.putAll(overrides);
        return LogConfig.fromProps(Map.of(), props);
    }

    Log open() {
        return open(0L, 0L, true);
    }

    Log open(long logStartOffset, long recoveryPoint, boolean cleanShutdown) {
        log = Log.open(dir, config, logStartOffset, recoveryPoint, cleanShutdown, time, scheduler, 86_400_000L,
                failureChannel);
        return log;
    }

    /** Closes cleanly and reopens as after a clean shutdown. */
    Log reopenClean() {
        long logStart = log.logStartOffset();
        long end = log.logEndOffset();
        log.flush(end);
        log.close();
        return open(logStart, end, true);
    }

    /** Drops the log without closing it (files stay as written) and reopens with recovery. */
    Log reopenAfterCrash(long recoveryPoint) {
        long logStart = log.logStartOffset();
        log.closeHandlers();
        return open(logStart, recoveryPoint, false);
    }

    static MemoryRecords records(long timestamp, String... values) {
        return records(Compression.NONE, timestamp, values);
    }

    static MemoryRecords records(Compression compression, long timestamp, String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(timestamp, ("k-" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(0L, compression, simple);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int sequence, long timestamp, String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(timestamp, ("k-" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE, producerId,
                epoch, sequence, 0, simple);
    }

    /** Follower-style batch with fixed offsets and leader epoch. */
    static MemoryRecords recordsAt(long baseOffset, int leaderEpoch, long timestamp, String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(timestamp, ("k-" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, Compression.NONE,
                TimestampType.CREATE_TIME, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, leaderEpoch, false, simple);
    }

    /** (offset, value) of every record in {@code records}. */
    static List<String> values(Records records) {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            for (Record record : batch) {
                out.add(record.offset() + ":" + StandardCharsets.UTF_8.decode(record.value()));
            }
        }
        return out;
    }

    /** Everything in the log from its start, as (offset:value). */
    List<String> readAll() {
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            FetchDataInfo info = log.read(offset, Integer.MAX_VALUE, log.logEndOffset(), true);
            if (info.isEmpty()) {
                break;
            }
            for (RecordBatch batch : info.records().batches()) {
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        out.add(record.offset() + ":" + StandardCharsets.UTF_8.decode(record.value()));
                    }
                }
                offset = batch.nextOffset();
            }
        }
        return out;
    }

    static void close(Log log) throws IOException {
        if (log != null && !log.isClosed()) {
            log.close();
        }
    }
}
