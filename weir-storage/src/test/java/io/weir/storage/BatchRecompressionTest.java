package io.weir.storage;

import static io.weir.storage.LogTestSupport.idempotent;
import static io.weir.storage.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.Test;

/** A topic's {@code compression.type}: the leader stores client batches in the topic's codec. */
class BatchRecompressionTest extends LogTestCase {

    private static List<RecordBatch> stored(Log log) {
        List<RecordBatch> batches = new ArrayList<>();
        log.read(0, Integer.MAX_VALUE, log.logEndOffset(), true).records().batches().forEach(batches::add);
        return batches;
    }

    @Test
    void batchesInAnotherCodecAreStoredInTheTopicsCodec() {
        Log log = open(Map.of("compression.type", "zstd"));
        long now = t.time.milliseconds();
        LogAppendInfo plain = log.appendAsLeader(records(now, "a", "b", "c"), 3);
        LogAppendInfo gzip = log.appendAsLeader(records(Compression.gzip().build(), now, "d", "e"), 3);

        assertThat(plain.error()).isEqualTo(Errors.NONE);
        assertThat(gzip.error()).isEqualTo(Errors.NONE);
        assertThat(gzip.firstOffset()).isEqualTo(3);
        assertThat(gzip.lastOffset()).isEqualTo(4);
        assertThat(t.readAll()).containsExactly("0:a", "1:b", "2:c", "3:d", "4:e");
        List<RecordBatch> batches = stored(log);
        assertThat(batches).extracting(RecordBatch::compressionType)
                .containsExactly(CompressionType.ZSTD, CompressionType.ZSTD);
        assertThat(batches).extracting(RecordBatch::baseOffset).containsExactly(0L, 3L);
        assertThat(batches).extracting(RecordBatch::partitionLeaderEpoch).containsExactly(3, 3);
        batches.forEach(RecordBatch::ensureValid);
        assertThat(log.size()).isEqualTo(batches.stream().mapToInt(RecordBatch::sizeInBytes).sum());
    }

    @Test
    void keysTimestampsAndHeadersSurviveTheRebuild() {
        Log log = open(Map.of("compression.type", "lz4"));
        long now = t.time.milliseconds();
        MemoryRecords input = MemoryRecords.withRecords(0L, Compression.NONE,
                new SimpleRecord(now - 7, "k1".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8),
                        new RecordHeader[] {new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8))}),
                new SimpleRecord(now, (byte[]) null, (byte[]) null));
        assertThat(log.appendAsLeader(input, 0).error()).isEqualTo(Errors.NONE);

        RecordBatch batch = stored(log).get(0);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.LZ4);
        List<Record> records = new ArrayList<>();
        batch.forEach(records::add);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).timestamp()).isEqualTo(now - 7);
        assertThat(StandardCharsets.UTF_8.decode(records.get(0).key()).toString()).isEqualTo("k1");
        assertThat(records.get(0).headers())
                .containsExactly(new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8)));
        assertThat(records.get(1).timestamp()).isEqualTo(now);
        assertThat(records.get(1).hasKey()).isFalse();
        assertThat(records.get(1).hasValue()).isFalse();
        assertThat(batch.maxTimestamp()).isEqualTo(now);
    }

    @Test
    void uncompressedTopicDecompresses() {
        Log log = open(Map.of("compression.type", "uncompressed"));
        assertThat(log.appendAsLeader(records(Compression.lz4().build(), 1, "a", "b"), 0).error())
                .isEqualTo(Errors.NONE);
        assertThat(stored(log)).extracting(RecordBatch::compressionType).containsExactly(CompressionType.NONE);
        assertThat(t.readAll()).containsExactly("0:a", "1:b");
    }

    @Test
    void aBatchInTheTopicsCodecAtAnotherLevelIsKeptAsItCame() {
        Log gzipTopic = open(Map.of("compression.type", "gzip", "compression.gzip.level", 9));
        MemoryRecords fast = records(Compression.gzip().level(1).build(), 1, "a".repeat(200), "b".repeat(200));
        long checksum = fast.batches().iterator().next().checksum();
        int size = fast.sizeInBytes();
        gzipTopic.appendAsLeader(fast, 0);
        RecordBatch kept = stored(gzipTopic).get(0);
        assertThat(kept.checksum()).isEqualTo(checksum);
        assertThat(kept.sizeInBytes()).isEqualTo(size);
    }

    @Test
    void producerCompressionTypeStoresEveryCodecAsItCame() {
        Log log = open(Map.of());
        log.appendAsLeader(records(Compression.snappy().build(), 1, "a"), 0);
        log.appendAsLeader(records(1, "b"), 0);
        assertThat(stored(log)).extracting(RecordBatch::compressionType)
                .containsExactly(CompressionType.SNAPPY, CompressionType.NONE);
    }

    @Test
    void idempotentBatchesKeepTheirProducerFieldsAndDuplicatesAreStillFound() {
        Log log = open(Map.of("compression.type", "zstd"));
        LogAppendInfo first = log.appendAsLeader(idempotent(9L, (short) 2, 0, 1, "a", "b"), 0);
        long size = log.size();
        LogAppendInfo again = log.appendAsLeader(idempotent(9L, (short) 2, 0, 1, "a", "b"), 0);
        LogAppendInfo next = log.appendAsLeader(idempotent(9L, (short) 2, 2, 1, "c"), 0);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(next.error()).isEqualTo(Errors.NONE);
        assertThat(next.firstOffset()).isEqualTo(2);
        RecordBatch batch = stored(log).get(0);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.ZSTD);
        assertThat(batch.producerId()).isEqualTo(9L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 2);
        assertThat(batch.baseSequence()).isZero();
        assertThat(batch.lastSequence()).isEqualTo(1);
        assertThat(log.size()).isGreaterThan(size);
    }

    @Test
    void aBatchTooLargeOnceDecompressedIsRefusedAndTheLogIsUnchanged() {
        Log log = open(Map.of("compression.type", "uncompressed", "max.message.bytes", 1000));
        log.appendAsLeader(records(1, "a"), 0);
        long size = log.size();
        MemoryRecords packed = records(Compression.gzip().build(), 1, "x".repeat(5000));
        assertThat(packed.sizeInBytes()).isLessThan(1000);

        LogAppendInfo info = log.appendAsLeader(packed, 0);

        assertThat(info.error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.size()).isEqualTo(size);
    }

    @Test
    void aRequestLargerThanASegmentOnceDecompressedIsRefused() {
        Log log = open(Map.of("compression.type", "uncompressed", "segment.bytes", 4000,
                "max.message.bytes", 1_000_000));
        MemoryRecords packed = records(Compression.gzip().build(), 1, "x".repeat(5000));
        assertThat(packed.sizeInBytes()).isLessThan(4000);

        LogAppendInfo info = log.appendAsLeader(packed, 0);

        assertThat(info.error()).isEqualTo(Errors.RECORD_LIST_TOO_LARGE);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.size()).isZero();
    }

    @Test
    void recordsWhoseOffsetsDoNotFollowOneAnotherAreRefused() {
        Log log = open(Map.of("compression.type", "gzip"));
        MemoryRecords input = records(1, "a", "b");
        // The second record's offset delta (a zigzag varint, 2 for delta 1) becomes 0: the header
        // still says two records over offsets 0-1, so only the records themselves are wrong.
        ByteBuffer buffer = input.buffer();
        int firstRecord = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        int secondRecord = firstRecord + recordSize(buffer, firstRecord);
        int deltaAt = secondRecord + 1 + 1 + varintLength(buffer, secondRecord + 2);
        assertThat(buffer.get(deltaAt)).isEqualTo((byte) 2);
        buffer.put(deltaAt, (byte) 0);
        int crcFrom = DefaultRecordBatch.CRC_OFFSET + 4;   // the CRC covers the attributes onwards
        buffer.putInt(DefaultRecordBatch.CRC_OFFSET,
                (int) Crc32C.compute(buffer, crcFrom, buffer.limit() - crcFrom));

        LogAppendInfo info = log.appendAsLeader(input, 0);

        assertThat(info.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(log.logEndOffset()).isZero();
    }

    /** Bytes of the record at {@code at}: its varint length prefix plus the length. */
    private static int recordSize(ByteBuffer buffer, int at) {
        int zigzag = buffer.get(at);
        return 1 + (zigzag >>> 1 ^ -(zigzag & 1));
    }

    /** Length of the varint at {@code at} (the timestamp delta here: one byte for small deltas). */
    private static int varintLength(ByteBuffer buffer, int at) {
        int n = 1;
        while ((buffer.get(at + n - 1) & 0x80) != 0) {
            n++;
        }
        return n;
    }
}
