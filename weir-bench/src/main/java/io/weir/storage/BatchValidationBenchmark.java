package io.weir.storage;

import java.nio.ByteBuffer;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import io.weir.bench.BenchLogs;
import io.weir.bench.ShortBenchmark;
import io.weir.common.Time;

/**
 * What the leader does to a produce request's records before they reach the segment file:
 * {@link LogValidator#validateForLeader} (batch header checks and one CRC32C over each batch) and
 * {@link LogValidator#assignOffsets} (offsets and leader epoch stamped in place), and what a
 * follower does to fetched records ({@link LogValidator#validateForFollower}). One uncompressed
 * batch per operation, of the shapes the side-by-side benchmark sends: 16 records of ~1 KiB (a
 * 16 KiB batch, as in (d1)) and 580 records of 100 B (a 64 KiB batch, as in (a) and (b)).
 *
 * <p>In package {@code io.weir.storage} because the validator is package-private.
 */
public class BatchValidationBenchmark extends ShortBenchmark {

    /** Records per batch and bytes per record value. */
    @Param({"16x1004", "580x100"})
    public String shape;

    private final LogConfig config = LogConfig.defaults();
    private MemoryRecords records;
    private long followerEndOffset;
    private long offset;

    @Setup
    public void setUp() {
        String[] parts = shape.split("x");
        MemoryRecords built = BenchLogs.batch(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        // A direct buffer, as a produce request's records are a slice of the pooled request frame.
        ByteBuffer direct = ByteBuffer.allocateDirect(built.sizeInBytes());
        direct.put(built.buffer().duplicate()).flip();
        records = MemoryRecords.readableRecords(direct);
        followerEndOffset = records.batches().iterator().next().baseOffset();
    }

    @Benchmark
    public int validateForLeader() {
        return LogValidator.validateForLeader(records, config, Time.SYSTEM.milliseconds(), true, 0L).validBytes();
    }

    @Benchmark
    public long validateForLeaderAndAssignOffsets() {
        LogValidator.Validated validated =
            LogValidator.validateForLeader(records, config, Time.SYSTEM.milliseconds(), true, 0L);
        long next = offset;
        for (MutableRecordBatch batch : validated.batches()) {
            next = LogValidator.assignOffsets(batch, next, 7, config, 0L);
        }
        offset = next;
        return next;
    }

    @Benchmark
    public int validateForFollower() {
        return LogValidator.validateForFollower(records, followerEndOffset, 0L).validBytes();
    }
}
