package io.weir.storage;

import static io.weir.storage.LogTestSupport.recordsAt;
import static io.weir.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.weir.common.MockTime;

class LogSegmentTest {

    @TempDir
    Path tmp;

    private final MockTime time = new MockTime();
    private LogSegment segment;
    private final List<Integer> positions = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        LogConfig config = LogTestSupport.config(Map.of("index.interval.bytes", 1));
        segment = LogSegment.open(tmp, 100, config, time, "", false);
        for (int i = 0; i < 10; i++) {
            positions.add(segment.size());
            // batches of two records: offsets 100+2i and 101+2i, timestamps 1000+10i
            segment.append(101 + 2L * i, recordsAt(100 + 2L * i, 0, 1000 + 10L * i, "a" + i, "b" + i));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        segment.close();
    }

    @Test
    void fileNamesUseTwentyDigitBaseOffset() {
        assertThat(Files.exists(tmp.resolve("00000000000000000100.log"))).isTrue();
        assertThat(Files.exists(tmp.resolve("00000000000000000100.index"))).isTrue();
        assertThat(Files.exists(tmp.resolve("00000000000000000100.timeindex"))).isTrue();
    }

    @Test
    void translateOffsetFindsTheBatchHoldingEachOffset() {
        for (int i = 0; i < 10; i++) {
            for (long offset : new long[] {100 + 2L * i, 101 + 2L * i}) {
                LogSegment.BatchPosition batch = segment.translateOffset(offset);
                assertThat(batch.position()).as("offset %d", offset).isEqualTo(positions.get(i));
                assertThat(batch.lastOffset()).isEqualTo(101 + 2L * i);
            }
        }
        assertThat(segment.translateOffset(120)).isNull();
        assertThat(segment.offsetIndex().entries()).isEqualTo(9);
    }

    @Test
    void readIsBoundedByMaxPositionAndMaxSize() {
        FetchDataInfo all = segment.read(103, Integer.MAX_VALUE, segment.size(), false);
        assertThat(values(all.records())).hasSize(18).startsWith("102:a1");
        FetchDataInfo bounded = segment.read(103, Integer.MAX_VALUE, positions.get(3), false);
        assertThat(values(bounded.records())).containsExactly("102:a1", "103:b1", "104:a2", "105:b2");
        int batchSize = positions.get(1) - positions.get(0);
        assertThat(values(segment.read(100, batchSize * 2 - 1, segment.size(), false).records()))
                .containsExactly("100:a0", "101:b0");
        assertThat(segment.read(121, 1000, segment.size(), true)).isNull();
    }

    @Test
    void truncateToMidBatchRemovesTheWholeBatch() throws Exception {
        int sizeBefore = segment.size();
        int removed = segment.truncateTo(105);
        assertThat(removed).isEqualTo(sizeBefore - positions.get(2));
        assertThat(segment.size()).isEqualTo(positions.get(2));
        assertThat(segment.readNextOffset()).isEqualTo(104);
        assertThat(segment.offsetIndex().lastOffset()).isLessThan(104);
        assertThat(segment.timeIndex().lastEntry().offset()).isLessThan(104);
        assertThat(segment.maxTimestampAndOffsetSoFar()).isEqualTo(new TimestampOffset(1010, 103));
    }

    @Test
    void findsOffsetsByTimestamp() {
        assertThat(segment.findOffsetByTimestamp(0, 0).orElseThrow().offset).isEqualTo(100);
        assertThat(segment.findOffsetByTimestamp(1035, 0).orElseThrow().offset).isEqualTo(108);
        assertThat(segment.findOffsetByTimestamp(1090, 0).orElseThrow().offset).isEqualTo(118);
        assertThat(segment.findOffsetByTimestamp(1091, 0)).isEmpty();
        assertThat(segment.findOffsetByTimestamp(1000, 105).orElseThrow().offset).isEqualTo(105);
    }

    @Test
    void recoverRebuildsIdenticalIndexes() throws Exception {
        List<OffsetPosition> before = new ArrayList<>();
        for (int i = 0; i < segment.offsetIndex().entries(); i++) {
            before.add(segment.offsetIndex().entry(i));
        }
        TimestampOffset lastTime = segment.timeIndex().lastEntry();
        assertThat(segment.recover(100, b -> { })).isZero();
        List<OffsetPosition> after = new ArrayList<>();
        for (int i = 0; i < segment.offsetIndex().entries(); i++) {
            after.add(segment.offsetIndex().entry(i));
        }
        assertThat(after).isEqualTo(before);
        assertThat(segment.timeIndex().lastEntry()).isEqualTo(new TimestampOffset(1090, 119));
        assertThat(lastTime.timestamp()).isLessThanOrEqualTo(1090);
    }

    @Test
    void rollTriggers() {
        LogConfig config = LogTestSupport.config(Map.of("segment.bytes", segment.size() + 50, "segment.ms", 100));
        long now = time.milliseconds();
        assertThat(segment.shouldRoll(config, 10, 1050, 130, now)).isFalse();
        assertThat(segment.shouldRoll(config, 100, 1050, 130, now)).isTrue();
        assertThat(segment.shouldRoll(config, 10, 1101, 130, now)).isTrue();
        assertThat(segment.shouldRoll(config, 10, 1050, 100L + Integer.MAX_VALUE + 1, now)).isTrue();
    }
}
