package io.weir.coordinator.group.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupRecords.*;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class GroupCoordinatorRecordSerdeTest {

    private static final Uuid TOPIC = new Uuid(0x0102030405060708L, 0x090a0b0c0d0e0f10L);

    private final GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();

    private static List<CoordinatorRecord> samples() {
        return List.of(
                CoordinatorRecord.record(new OffsetCommitKey("g", "t", 1), new OffsetCommitValue(5, 3, "m", 10, -1)),
                CoordinatorRecord.record(new OffsetCommitKey("g", "t", 2), new OffsetCommitValue(5, -1, "", 10, 99)),
                CoordinatorRecord.tombstone(new OffsetCommitKey("g", "t", 1)),
                CoordinatorRecord.record(new GroupMetadataKey("g"), new GroupMetadataValue("consumer", 4, "range",
                        "m1", 77, List.of(new MemberMetadata("m1", "i1", "c", "/h", 300, 100, new byte[] {1, 2},
                        new byte[] {3}), new MemberMetadata("m2", null, "c", "/h", 300, 100, new byte[0],
                        new byte[0])))),
                CoordinatorRecord.record(new GroupMetadataKey("e"), new GroupMetadataValue("", 1, null, null, 5,
                        List.of())),
                CoordinatorRecord.record(new ConsumerGroupMetadataKey("g"), new ConsumerGroupMetadataValue(7)),
                CoordinatorRecord.record(new ConsumerGroupPartitionMetadataKey("g"),
                        new ConsumerGroupPartitionMetadataValue(List.of(new TopicMetadata(TOPIC, "t", 3)))),
                CoordinatorRecord.record(new ConsumerGroupMemberMetadataKey("g", "m"),
                        new ConsumerGroupMemberMetadataValue("i", "r", "c", "h", List.of("a", "b"), null, 100, "uniform")),
                CoordinatorRecord.record(new ConsumerGroupTargetAssignmentMetadataKey("g"),
                        new ConsumerGroupTargetAssignmentMetadataValue(7)),
                CoordinatorRecord.record(new ConsumerGroupTargetAssignmentMemberKey("g", "m"),
                        new ConsumerGroupTargetAssignmentMemberValue(Map.of(TOPIC, Set.of(2, 1)))),
                CoordinatorRecord.record(new ConsumerGroupCurrentMemberAssignmentKey("g", "m"),
                        new ConsumerGroupCurrentMemberAssignmentValue(7, 6, (byte) 1, Map.of(TOPIC, Set.of(1)),
                                Map.of(TOPIC, Set.of(2)))),
                CoordinatorRecord.tombstone(new ConsumerGroupCurrentMemberAssignmentKey("g", "m")));
    }

    private CoordinatorRecord roundTrip(CoordinatorRecord r) {
        byte[] value = serde.serializeValue(r.value());
        return serde.deserialize(ByteBuffer.wrap(serde.serializeKey(r.key())), value == null ? null : ByteBuffer.wrap(value));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void everyRecordTypeRoundTrips() {
        for (CoordinatorRecord r : samples()) {
            assertThat(roundTrip(r)).isEqualTo(r);
        }
    }

    @Test
    void offsetCommitIsLaidOutAsInKafka() {
        assertThat(hex(serde.serializeKey(new OffsetCommitKey("g", "t", 1))))
                .isEqualTo("0001" + "000167" + "000174" + "00000001");
        assertThat(hex(serde.serializeValue(new OffsetCommitValue(5, 3, "m", 10, -1))))
                .isEqualTo("0003" + "0000000000000005" + "00000003" + "00016d" + "000000000000000a");
        assertThat(hex(serde.serializeValue(new OffsetCommitValue(5, 3, "m", 10, 20))))
                .isEqualTo("0001" + "0000000000000005" + "00016d" + "000000000000000a" + "0000000000000014");
    }

    @Test
    void olderOffsetCommitValuesAreRead() {
        byte[] v0 = HexFormat.of().parseHex("0000" + "0000000000000005" + "00016d" + "000000000000000a");
        CoordinatorRecord r = serde.deserialize(ByteBuffer.wrap(serde.serializeKey(new OffsetCommitKey("g", "t", 1))),
                ByteBuffer.wrap(v0));
        assertThat(r.value()).isEqualTo(new OffsetCommitValue(5, -1, "m", 10, -1));
        byte[] v4 = HexFormat.of().parseHex("0004" + "0000000000000005" + "00000003" + "026d" + "000000000000000a"
                + "01" + "05" + "02" + "abcd"); // one unknown tagged field, skipped
        r = serde.deserialize(ByteBuffer.wrap(serde.serializeKey(new OffsetCommitKey("g", "t", 1))),
                ByteBuffer.wrap(v4));
        assertThat(r.value()).isEqualTo(new OffsetCommitValue(5, 3, "m", 10, -1));
    }

    @Test
    void consumerGroupRecordsAreFlexibleAsInKafka() {
        assertThat(hex(serde.serializeKey(new ConsumerGroupMetadataKey("g")))).isEqualTo("0003000167");
        assertThat(hex(serde.serializeValue(new ConsumerGroupMetadataValue(7)))).isEqualTo("0000" + "00000007" + "00");
        assertThat(hex(serde.serializeValue(new ConsumerGroupTargetAssignmentMemberValue(Map.of(TOPIC, Set.of(2, 1))))))
                .isEqualTo("0000" + "02" + "0102030405060708090a0b0c0d0e0f10" + "03" + "00000001" + "00000002"
                        + "00" + "00");
        assertThat(hex(serde.serializeValue(new ConsumerGroupMemberMetadataValue(null, null, "c", "h", List.of("t"),
                null, 100, "uniform"))))
                .isEqualTo("0000" + "00" + "00" + "0263" + "0268" + "02" + "0274" + "00" + "00000064"
                        + "08" + hex("uniform".getBytes()) + "00");
        assertThat(hex(serde.serializeKey(new ConsumerGroupCurrentMemberAssignmentKey("g", "m"))))
                .isEqualTo("0008" + "000167" + "00016d");
    }

    @Test
    void truncatedRecordsAreRejectedNotMisread() {
        for (CoordinatorRecord r : samples()) {
            byte[] key = serde.serializeKey(r.key());
            byte[] value = serde.serializeValue(r.value());
            for (int cut = 0; cut < key.length; cut++) {
                byte[] k = Arrays.copyOf(key, cut);
                assertThatThrownBy(() -> serde.deserialize(ByteBuffer.wrap(k), null))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            for (int cut = 0; value != null && cut < value.length; cut++) {
                byte[] v = Arrays.copyOf(value, cut);
                assertThatThrownBy(() -> serde.deserialize(ByteBuffer.wrap(key), ByteBuffer.wrap(v)))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void unknownKeyVersionsAreReportedForSkipping() {
        assertThatThrownBy(() -> serde.deserialize(ByteBuffer.wrap(new byte[] {0, 11, 0, 0}), null))
                .isInstanceOf(GroupCoordinatorRecordSerde.UnknownRecordTypeException.class);
    }
}
