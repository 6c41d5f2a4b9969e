package io.weir.storage;

import static io.weir.storage.LogTestSupport.idempotent;
import static io.weir.storage.LogTestSupport.records;
import static io.weir.storage.LogTestSupport.recordsAt;
import static io.weir.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.Test;

import io.weir.storage.epoch.OffsetAndEpoch;

class LogTest extends LogTestCase {

    @Test
    void leaderAppendAssignsOffsetsAndEpoch() {
        Log log = open(Map.of());
        long now = t.time.milliseconds();
        LogAppendInfo first = log.appendAsLeader(records(now, "a", "b", "c"), 5);
        LogAppendInfo second = log.appendAsLeader(records(now, "d"), 5);

        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(first.numMessages()).isEqualTo(3);
        assertThat(first.logAppendTimeMs()).isEqualTo(-1);
        assertThat(first.maxTimestamp()).isEqualTo(now);
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(t.readAll()).containsExactly("0:a", "1:b", "2:c", "3:d");
        assertThat(log.latestEpoch()).hasValue(5);
        FetchDataInfo info = log.read(0, 1000, 4, false);
        RecordBatch batch = info.records().batches().iterator().next();
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(5);
        batch.ensureValid();
    }

    @Test
    void logAppendTimeStampsBrokerTime() {
        Log log = open(Map.of("message.timestamp.type", "LogAppendTime"));
        LogAppendInfo info = log.appendAsLeader(records(12345L, "a", "b"), 0);
        assertThat(info.logAppendTimeMs()).isEqualTo(t.time.milliseconds());
        RecordBatch batch = log.read(0, 1000, 2, false).records().batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(t.time.milliseconds());
        batch.ensureValid();
    }

    @Test
    void readStartingInsideBatchReturnsWholeBatch() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a", "b", "c"), 0);
        log.appendAsLeader(records(1, "d", "e"), 0);

        FetchDataInfo info = log.read(1, 10_000, log.logEndOffset(), false);
        assertThat(values(info.records())).containsExactly("0:a", "1:b", "2:c", "3:d", "4:e");
        assertThat(info.fileRecords()).isInstanceOf(FileRecords.class);
        assertThat(info.filePosition()).isZero();
        assertThat(info.lastOffset()).isEqualTo(4);
        assertThat(info.offsetsRead()).isEqualTo(4); // the client drops offset 0
    }

    @Test
    void readRespectsMaxBytesMinOneMessageAndUpperBound() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a", "b"), 0);
        log.appendAsLeader(records(1, "c"), 0);
        log.appendAsLeader(records(1, "d"), 0);
        int firstBatchSize = log.read(0, Integer.MAX_VALUE, 2, false).records().sizeInBytes();

        assertThat(log.read(0, 1, 4, false).isEmpty()).isTrue();
        assertThat(log.read(0, 1, 4, false).offsetsRead()).isZero();
        assertThat(values(log.read(0, 1, 4, true).records())).containsExactly("0:a", "1:b");
        assertThat(log.read(0, 1, 4, true).lastOffset()).isEqualTo(1);
        assertThat(log.read(0, firstBatchSize + 1, 4, false).offsetsRead()).isEqualTo(2);
        assertThat(log.read(0, 100_000, 3, false).lastOffset()).isEqualTo(2);
        assertThat(log.read(0, 100_000, 4, false).offsetsRead()).isEqualTo(4);
        assertThat(values(log.read(0, firstBatchSize + 1, 4, false).records())).containsExactly("0:a", "1:b");
        // upper bound 3 (a high watermark): batches ending at or beyond it are not returned
        assertThat(values(log.read(0, 100_000, 3, false).records())).containsExactly("0:a", "1:b", "2:c");
        assertThat(values(log.read(0, 100_000, 1, false).records())).isEmpty();
        assertThat(log.read(3, 100_000, 3, true).isEmpty()).isTrue();
    }

    /**
     * With every batch indexed, reads count the batches up to the last indexed start below their
     * bound without reading those headers: each read still ends at the last whole batch that fits,
     * with the offsets it holds, in the active segment (read through the channel) and in a sealed
     * one (read through its mapping).
     */
    @Test
    void readsOfIndexedBatchesEndAtTheLastWholeBatchThatFits() {
        Log log = open(Map.of("index.interval.bytes", 1));
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            var batch = records(1, "v" + i, "x".repeat(i * 37 % 300));
            sizes.add(batch.sizeInBytes());
            log.appendAsLeader(batch, 0);
        }
        long end = log.logEndOffset();
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                log.roll();
            }
            for (int firstBatch = 0; firstBatch < 40; firstBatch += 3) {
                for (int maxBytes : new int[] {1, 300, 1000, 2500, 6000, 100_000}) {
                    int expectedBytes = 0;
                    int batches = 0;
                    for (int b = firstBatch; b < 40; b++) {
                        if (expectedBytes + sizes.get(b) > maxBytes && batches > 0) {
                            break;
                        }
                        expectedBytes += sizes.get(b);
                        batches++;
                    }
                    FetchDataInfo info = log.read(2L * firstBatch, maxBytes, end, true);
                    String where = "sealed " + sealed + ", from batch " + firstBatch + ", maxBytes " + maxBytes;
                    assertThat(info.records().sizeInBytes()).as(where).isEqualTo(expectedBytes);
                    assertThat(info.lastOffset()).as(where).isEqualTo(2L * (firstBatch + batches) - 1);
                }
            }
        }
    }

    @Test
    void readAtLogEndIsEmptyAndBeyondIsOutOfRange() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        FetchDataInfo atEnd = log.read(1, 1000, 1, true);
        assertThat(atEnd.error()).isEqualTo(Errors.NONE);
        assertThat(atEnd.isEmpty()).isTrue();
        assertThat(log.read(2, 1000, 2, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(log.read(-1, 1000, 2, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void readsAcrossSegments() {
        Log log = open(Map.of());
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(records(1, "v" + i), 0);
            if (i % 3 == 2) {
                log.roll();
            }
        }
        assertThat(log.numberOfSegments()).isEqualTo(4);
        assertThat(t.readAll()).hasSize(10);
        assertThat(values(log.read(4, 100_000, 10, false).records())).startsWith("4:v4");
        assertThat(values(log.read(3, 100_000, 10, false).records())).containsExactly("3:v3", "4:v4", "5:v5");
        assertThat(log.read(3, 100_000, 10, false).offsetsRead()).isEqualTo(3); // one segment per read
    }

    @Test
    void rollsOnSegmentBytes() {
        Log log = open(Map.of("segment.bytes", 300));
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(records(1, "value-" + i), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        for (LogSegment segment : log.logSegments()) {
            assertThat(segment.size()).isLessThanOrEqualTo(300);
        }
        assertThat(t.readAll()).hasSize(20);
    }

    @Test
    void rollsOnSegmentMs() {
        Log log = open(Map.of("segment.ms", 1000));
        log.appendAsLeader(records(t.time.milliseconds(), "a"), 0);
        t.time.advance(500);
        log.appendAsLeader(records(t.time.milliseconds(), "b"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        t.time.advance(600);
        log.appendAsLeader(records(t.time.milliseconds(), "c"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.activeSegment().baseOffset()).isEqualTo(2);
    }

    @Test
    void rollsWhenIndexIsFull() {
        Log log = open(Map.of("segment.index.bytes", 8 * 3 + 4, "index.interval.bytes", 1));
        for (int i = 0; i < 12; i++) {
            log.appendAsLeader(records(1, "v" + i), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        assertThat(t.readAll()).hasSize(12);
    }

    @Test
    void rollsWhenRelativeOffsetWouldOverflow() {
        Log log = open(Map.of());
        log.appendAsFollower(recordsAt(0, 0, 1, "a"));
        long far = (long) Integer.MAX_VALUE + 10;
        log.appendAsFollower(recordsAt(far, 0, 1, "b"));
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.activeSegment().baseOffset()).isEqualTo(far);
        assertThat(values(log.read(1, 1000, far + 1, false).records())).containsExactly(far + ":b");
    }

    @Test
    void configChangeAppliesAtOnce() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        log.updateConfig(LogTestSupport.config(Map.of("segment.bytes", 150)));
        assertThat(log.appendAsLeader(records(1, "b".repeat(200)), 0).error()).isEqualTo(Errors.RECORD_LIST_TOO_LARGE);
        log.appendAsLeader(records(1, "b".repeat(20)), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        log.updateConfig(LogTestSupport.config(Map.of("max.message.bytes", 10)));
        assertThat(log.appendAsLeader(records(1, "c"), 0).error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void refusesCorruptBatchAndLeavesLogUnchanged() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a"), 0);
        var bad = records(1, "b", "c");
        bad.buffer().put(bad.sizeInBytes() - 1, (byte) 0x42);
        LogAppendInfo info = log.appendAsLeader(bad, 0);
        assertThat(info.error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.size()).isEqualTo(log.read(0, 10_000, 1, true).records().sizeInBytes());
    }

    @Test
    void refusesOldMagicTooLargeAndTruncatedInput() {
        Log log = open(Map.of("max.message.bytes", 200));
        var v1 = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1,
                Compression.NONE, new org.apache.kafka.common.record.internal.SimpleRecord(1L, "k".getBytes(),
                        "v".getBytes()));
        assertThat(log.appendAsLeader(v1, 0).error()).isEqualTo(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT);
        assertThat(log.appendAsLeader(records(1, "x".repeat(300)), 0).error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        var whole = records(1, "a");
        var cut = org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(
                whole.buffer().duplicate().limit(whole.sizeInBytes() - 3).slice());
        assertThat(log.appendAsLeader(cut, 0).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.size()).isZero();
    }

    @Test
    void refusesTimestampsOutOfBounds() {
        Log log = open(Map.of("message.timestamp.before.max.ms", 1000, "message.timestamp.after.max.ms", 1000));
        long now = t.time.milliseconds();
        assertThat(log.appendAsLeader(records(now - 5000, "a"), 0).error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(log.appendAsLeader(records(now + 5000, "a"), 0).error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(log.appendAsLeader(records(now + 500, "a"), 0).error()).isEqualTo(Errors.NONE);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void compactedTopicRequiresKeys() {
        Log log = open(Map.of("cleanup.policy", "compact"));
        var keyless = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(Compression.gzip().build(),
                new org.apache.kafka.common.record.internal.SimpleRecord(1L, "k".getBytes(), "v".getBytes()),
                new org.apache.kafka.common.record.internal.SimpleRecord(1L, null, "v".getBytes()));
        LogAppendInfo info = log.appendAsLeader(keyless, 0);
        assertThat(info.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(info.recordErrors()).extracting(LogAppendInfo.RecordError::batchIndex).containsExactly(1);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(records(Compression.gzip().build(), 1, "a"), 0).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void duplicateIdempotentBatchReturnsOriginalOffsets() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "x"), 0);
        LogAppendInfo first = log.appendAsLeader(idempotent(7L, (short) 0, 0, 1, "a", "b"), 0);
        log.appendAsLeader(records(1, "y"), 0);
        long sizeBefore = log.size();
        LogAppendInfo again = log.appendAsLeader(idempotent(7L, (short) 0, 0, 1, "a", "b"), 0);

        assertThat(again.error()).isEqualTo(Errors.NONE);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(again.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(log.size()).isEqualTo(sizeBefore);
        LogAppendInfo gap = log.appendAsLeader(idempotent(7L, (short) 0, 5, 1, "c"), 0);
        assertThat(gap.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(log.logEndOffset()).isEqualTo(4);
    }

    @Test
    void producerStateSurvivesRestart() {
        Log log = open(Map.of());
        long now = t.time.milliseconds();
        LogAppendInfo first = log.appendAsLeader(idempotent(7L, (short) 0, 0, now, "a"), 0);
        t.reopenClean();
        LogAppendInfo again = t.log.appendAsLeader(idempotent(7L, (short) 0, 0, now, "a"), 0);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.firstOffset()).isEqualTo(first.firstOffset());
        t.log.appendAsLeader(idempotent(7L, (short) 0, 1, now, "b"), 0);
        t.reopenAfterCrash(0);
        assertThat(t.log.appendAsLeader(idempotent(7L, (short) 0, 1, now, "b"), 0).duplicate()).isTrue();
        assertThat(t.log.appendAsLeader(idempotent(7L, (short) 0, 2, now, "c"), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void followerAppendKeepsOffsetsAndRecordsEpochs() {
        Log log = open(Map.of());
        assertThat(log.appendAsFollower(recordsAt(0, 1, 1, "a", "b")).error()).isEqualTo(Errors.NONE);
        assertThat(log.appendAsFollower(recordsAt(2, 3, 1, "c")).error()).isEqualTo(Errors.NONE);
        assertThat(log.appendAsFollower(recordsAt(1, 3, 1, "z")).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.latestEpoch()).hasValue(3);
        assertThat(log.endOffsetForEpoch(1)).contains(new OffsetAndEpoch(2, 1));
        assertThat(log.endOffsetForEpoch(3)).contains(new OffsetAndEpoch(3, 3));
    }

    @Test
    void truncateToRemovesTailAcrossSegments() throws Exception {
        Log log = open(Map.of());
        log.appendAsFollower(recordsAt(0, 1, 1, "a", "b"));
        log.roll();
        log.appendAsFollower(recordsAt(2, 2, 1, "c"));
        log.appendAsFollower(recordsAt(3, 2, 1, "d"));
        log.roll();
        log.appendAsFollower(recordsAt(4, 3, 1, "e"));
        log.updateHighWatermark(5);

        assertThat(log.truncateTo(3)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.latestEpoch()).hasValue(2);
        assertThat(t.readAll()).containsExactly("0:a", "1:b", "2:c");
        assertThat(log.truncateTo(10)).isFalse();
        log.appendAsLeader(records(1, "x"), 4);
        assertThat(t.readAll()).containsExactly("0:a", "1:b", "2:c", "3:x");
        t.scheduler.onTimeUpdated();
        t.time.advance(t.config.fileDeleteDelayMs());
        try (var files = Files.list(t.dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".deleted"));
        }
    }

    @Test
    void truncateFullyAndStartAt() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a", "b"), 0);
        log.roll();
        log.appendAsLeader(records(1, "c"), 0);
        log.truncateFullyAndStartAt(100);
        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.appendAsLeader(records(1, "d"), 0).firstOffset()).isEqualTo(100);
        assertThat(t.readAll()).containsExactly("100:d");
    }

    @Test
    void incrementLogStartOffsetDeletesWholeSegmentsBelowIt() {
        Log log = open(Map.of());
        for (int i = 0; i < 9; i++) {
            log.appendAsLeader(records(1, "v" + i), 0);
            if (i % 3 == 2) {
                log.roll();
            }
        }
        assertThatThrownBy(() -> log.maybeIncrementLogStartOffset(5)).isInstanceOf(OffsetOutOfRangeException.class);
        log.updateHighWatermark(9);
        assertThat(log.maybeIncrementLogStartOffset(4)).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThat(log.logSegments()).extracting(LogSegment::baseOffset).containsExactly(3L, 6L, 9L);
        assertThat(log.read(3, 1000, 9, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(values(log.read(4, 1, 9, true).records())).containsExactly("4:v4");
        assertThat(log.maybeIncrementLogStartOffset(2)).isFalse();
        assertThat(log.fetchOffsetByTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP).orElseThrow().offset)
                .isEqualTo(4);
    }

    @Test
    void retentionByTimeDeletesOldSegmentsOnlyBelowHighWatermark() {
        Log log = open(Map.of("retention.ms", 10_000));
        log.appendAsLeader(records(t.time.milliseconds(), "old1"), 0);
        log.roll();
        log.appendAsLeader(records(t.time.milliseconds(), "old2"), 0);
        log.roll();
        t.time.advance(20_000);
        log.appendAsLeader(records(t.time.milliseconds(), "new"), 0);

        assertThat(log.deleteOldSegments()).isZero();
        log.updateHighWatermark(3);
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        assertThat(log.logStartOffset()).isEqualTo(2);
        assertThat(t.readAll()).containsExactly("2:new");
        t.time.advance(20_000);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void retentionBySize() {
        Log log = open(Map.of());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(records(1, "value-" + i), 0);
            log.roll();
        }
        long segmentSize = log.logSegments().get(0).size();
        log.updateHighWatermark(log.logEndOffset());
        log.updateConfig(LogTestSupport.config(Map.of("retention.bytes", segmentSize * 2, "retention.ms", -1)));
        assertThat(log.deleteOldSegments()).isEqualTo(3);
        assertThat(log.size()).isEqualTo(segmentSize * 2);
        assertThat(t.readAll()).containsExactly("3:value-3", "4:value-4");
    }

    @Test
    void compactOnlyTopicIsNotDeletedByRetention() {
        Log log = open(Map.of("cleanup.policy", "compact", "retention.ms", 1));
        log.appendAsLeader(records(1, "a"), 0);
        log.roll();
        log.updateHighWatermark(1);
        t.time.advance(1000);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void fetchOffsetByTimestamp() {
        Log log = open(Map.of("index.interval.bytes", 1));
        log.appendAsLeader(records(100, "a", "b"), 2);
        log.appendAsLeader(records(200, "c"), 2);
        log.roll();
        log.appendAsLeader(records(300, "d"), 3);
        log.appendAsLeader(records(150, "e"), 3);

        assertThat(log.fetchOffsetByTimestamp(50).orElseThrow().offset).isZero();
        assertThat(log.fetchOffsetByTimestamp(100).orElseThrow().offset).isZero();
        assertThat(log.fetchOffsetByTimestamp(101).orElseThrow().offset).isEqualTo(2);
        assertThat(log.fetchOffsetByTimestamp(250).orElseThrow().offset).isEqualTo(3);
        assertThat(log.fetchOffsetByTimestamp(250).orElseThrow().leaderEpoch).contains(3);
        assertThat(log.fetchOffsetByTimestamp(301)).isEmpty();
        assertThat(log.fetchOffsetByTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP).orElseThrow().offset)
                .isEqualTo(5);
        FileRecords.TimestampAndOffset max = log.fetchOffsetByTimestamp(ListOffsetsRequest.MAX_TIMESTAMP)
                .orElseThrow();
        assertThat(max.timestamp).isEqualTo(300);
        assertThat(max.offset).isEqualTo(3);
        assertThat(log.fetchOffsetByTimestamp(ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP).orElseThrow().offset)
                .isZero();
        t.reopenAfterCrash(0);
        assertThat(t.log.fetchOffsetByTimestamp(250).orElseThrow().offset).isEqualTo(3);
        assertThat(t.log.fetchOffsetByTimestamp(101).orElseThrow().offset).isEqualTo(2);
    }

    @Test
    void highWatermarkIsClamped() {
        Log log = open(Map.of());
        log.appendAsLeader(records(1, "a", "b"), 0);
        assertThat(log.updateHighWatermark(10)).isEqualTo(2);
        assertThat(log.updateHighWatermark(-5)).isZero();
    }

    @Test
    void topicIdIsWrittenInKafkaFormat() throws Exception {
        Log log = open(Map.of());
        Uuid id = Uuid.randomUuid();
        log.assignTopicId(id);
        assertThat(Files.readString(t.dir.resolve("partition.metadata"))).isEqualTo("version: 0\ntopic_id: " + id);
        t.reopenClean();
        assertThat(t.log.topicId()).contains(id);
    }

    @Test
    void flushMessagesMovesRecoveryPoint() {
        Log log = open(Map.of("flush.messages", 2));
        log.appendAsLeader(records(1, "a"), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.appendAsLeader(records(1, "b"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(2);
        log.flush(2);
        assertThat(List.of(log.recoveryPoint())).containsExactly(2L);
    }

    @Test
    void readSliceSurvivesRetentionUntilTheDeleteDelay() throws Exception {
        Log log = open(Map.of("retention.ms", 1_000, "file.delete.delay.ms", 5_000));
        log.appendAsLeader(records(t.time.milliseconds(), "a"), 0);
        log.roll();
        log.appendAsLeader(records(t.time.milliseconds() + 10_000, "b"), 0);
        log.updateHighWatermark(2);
        FetchDataInfo inFlight = log.read(0, 1000, 1, false);
        t.time.advance(2_000);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(values(inFlight.records())).containsExactly("0:a");
        assertThat(Files.exists(t.dir.resolve("00000000000000000000.log.deleted"))).isTrue();
        t.time.advance(5_000);
        assertThat(Files.exists(t.dir.resolve("00000000000000000000.log.deleted"))).isFalse();
        assertThat(Files.exists(t.dir.resolve("00000000000000000000.index.deleted"))).isFalse();
    }
}
