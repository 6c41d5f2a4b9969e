package io.weir.coordinator.group.record;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupRecords.*;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The bytes of {@code __consumer_offsets} messages, laid out as Kafka lays them out so that
 * Kafka's tools read our offsets topic and we read theirs. Key and value each start with an
 * int16 version; the key version says what the record is:
 * <pre>
 *  key v0/1 OffsetCommit               value v0-4 (we write v3, or v1 with an expire timestamp)
 *  key v2   GroupMetadata (classic)    value v0-4 (we write v3)
 *  key v3   ConsumerGroupMetadata      value v0 (flexible)
 *  key v4   ConsumerGroupPartitionMetadata
 *  key v5   ConsumerGroupMemberMetadata
 *  key v6   ConsumerGroupTargetAssignmentMetadata
 *  key v7   ConsumerGroupTargetAssignmentMember
 *  key v8   ConsumerGroupCurrentMemberAssignment
 * </pre>
 * Keys are never flexible; values are flexible from the version their schema says. A
 * tombstone's value is null. Unknown key versions (share groups, newer Kafka) raise
 * {@link UnknownRecordTypeException}, which a loader skips.
 *
 * <p>Stateless and thread-safe.
 */
public final class GroupCoordinatorRecordSerde {

    /** A key version this coordinator does not know; the record should be skipped. */
    public static final class UnknownRecordTypeException extends RuntimeException {
        private final short version;

        public UnknownRecordTypeException(short version) {
            super("unknown __consumer_offsets record key version " + version);
            this.version = version;
        }

        public short version() {
            return version;
        }
    }

    public byte[] serializeKey(CoordinatorRecord.Key key) {
        BytesWriter w = new BytesWriter();
        if (key instanceof OffsetCommitKey k) {
            w.int16(1);
            w.string(k.group());
            w.string(k.topic());
            w.int32(k.partition());
        } else if (key instanceof GroupMetadataKey k) {
            w.int16(2);
            w.string(k.group());
        } else if (key instanceof ConsumerGroupMetadataKey k) {
            groupKey(w, 3, k.groupId(), null);
        } else if (key instanceof ConsumerGroupPartitionMetadataKey k) {
            groupKey(w, 4, k.groupId(), null);
        } else if (key instanceof ConsumerGroupMemberMetadataKey k) {
            groupKey(w, 5, k.groupId(), k.memberId());
        } else if (key instanceof ConsumerGroupTargetAssignmentMetadataKey k) {
            groupKey(w, 6, k.groupId(), null);
        } else if (key instanceof ConsumerGroupTargetAssignmentMemberKey k) {
            groupKey(w, 7, k.groupId(), k.memberId());
        } else if (key instanceof ConsumerGroupCurrentMemberAssignmentKey k) {
            groupKey(w, 8, k.groupId(), k.memberId());
        } else {
            throw new IllegalArgumentException("not a group coordinator key: " + key);
        }
        return w.toByteArray();
    }

    /** The value's bytes, or null for a tombstone. */
    public byte[] serializeValue(CoordinatorRecord.Value value) {
        if (value == null) {
            return null;
        }
        BytesWriter w = new BytesWriter();
        if (value instanceof OffsetCommitValue v) {
            writeOffsetCommit(w, v);
        } else if (value instanceof GroupMetadataValue v) {
            writeGroupMetadata(w, v);
        } else {
            w.int16(0);
            w.flexible(true);
            writeConsumerGroupValue(w, value);
            w.emptyTaggedFields();
        }
        return w.toByteArray();
    }

    public CoordinatorRecord deserialize(ByteBuffer key, ByteBuffer value) {
        BytesReader r = new BytesReader(key);
        short version = r.int16();
        CoordinatorRecord.Key k = switch (version) {
            case 0, 1 -> new OffsetCommitKey(r.string(), r.string(), r.int32());
            case 2 -> new GroupMetadataKey(r.string());
            case 3 -> new ConsumerGroupMetadataKey(r.string());
            case 4 -> new ConsumerGroupPartitionMetadataKey(r.string());
            case 5 -> new ConsumerGroupMemberMetadataKey(r.string(), r.string());
            case 6 -> new ConsumerGroupTargetAssignmentMetadataKey(r.string());
            case 7 -> new ConsumerGroupTargetAssignmentMemberKey(r.string(), r.string());
            case 8 -> new ConsumerGroupCurrentMemberAssignmentKey(r.string(), r.string());
            default -> throw new UnknownRecordTypeException(version);
        };
        if (value == null) {
            return CoordinatorRecord.tombstone(k);
        }
        return CoordinatorRecord.record(k, readValue(version, new BytesReader(value)));
    }

    private static void groupKey(BytesWriter w, int version, String groupId, String memberId) {
        w.int16(version);
        w.string(groupId);
        if (memberId != null) {
            w.string(memberId);
        }
    }

    private static void writeOffsetCommit(BytesWriter w, OffsetCommitValue v) {
        boolean legacy = v.expireTimestamp() != -1;
        w.int16(legacy ? 1 : 3);
        w.int64(v.offset());
        if (!legacy) {
            w.int32(v.leaderEpoch());
        }
        w.string(v.metadata());
        w.int64(v.commitTimestamp());
        if (legacy) {
            w.int64(v.expireTimestamp());
        }
    }

    private static void writeGroupMetadata(BytesWriter w, GroupMetadataValue v) {
        w.int16(3);
        w.string(v.protocolType());
        w.int32(v.generation());
        w.nullableString(v.protocol());
        w.nullableString(v.leader());
        w.int64(v.currentStateTimestamp());
        w.arrayLength(v.members().size());
        for (MemberMetadata m : v.members()) {
            w.string(m.memberId());
            w.nullableString(m.groupInstanceId());
            w.string(m.clientId());
            w.string(m.clientHost());
            w.int32(m.rebalanceTimeout());
            w.int32(m.sessionTimeout());
            w.bytes(m.subscription());
            w.bytes(m.assignment());
        }
    }

    private static void writeConsumerGroupValue(BytesWriter w, CoordinatorRecord.Value value) {
        if (value instanceof ConsumerGroupMetadataValue v) {
            w.int32(v.epoch());
        } else if (value instanceof ConsumerGroupPartitionMetadataValue v) {
            w.arrayLength(v.topics().size());
            for (TopicMetadata t : v.topics()) {
                w.uuid(t.topicId());
                w.string(t.topicName());
                w.int32(t.numPartitions());
                w.arrayLength(0); // PartitionMetadata: racks, unused since Kafka 4.0
                w.emptyTaggedFields();
            }
        } else if (value instanceof ConsumerGroupMemberMetadataValue v) {
            w.nullableString(v.instanceId());
            w.nullableString(v.rackId());
            w.string(v.clientId());
            w.string(v.clientHost());
            w.stringArray(v.subscribedTopicNames());
            w.nullableString(v.subscribedTopicRegex());
            w.int32(v.rebalanceTimeoutMs());
            w.nullableString(v.serverAssignor());
        } else if (value instanceof ConsumerGroupTargetAssignmentMetadataValue v) {
            w.int32(v.assignmentEpoch());
        } else if (value instanceof ConsumerGroupTargetAssignmentMemberValue v) {
            writeAssignment(w, v.topicPartitions());
        } else if (value instanceof ConsumerGroupCurrentMemberAssignmentValue v) {
            w.int32(v.memberEpoch());
            w.int32(v.previousMemberEpoch());
            w.int8(v.state());
            writeAssignment(w, v.assignedPartitions());
            writeAssignment(w, v.partitionsPendingRevocation());
        } else {
            throw new IllegalArgumentException("not a group coordinator value: " + value);
        }
    }

    private static void writeAssignment(BytesWriter w, Map<Uuid, Set<Integer>> assignment) {
        w.arrayLength(assignment.size());
        assignment.forEach((topicId, partitions) -> {
            w.uuid(topicId);
            w.int32Array(partitions);
            w.emptyTaggedFields();
        });
    }

    private static CoordinatorRecord.Value readValue(short keyVersion, BytesReader r) {
        short version = r.int16();
        return switch (keyVersion) {
            case 0, 1 -> readOffsetCommit(version, r);
            case 2 -> readGroupMetadata(version, r);
            default -> readConsumerGroupValue(keyVersion, version, r);
        };
    }

    private static OffsetCommitValue readOffsetCommit(short version, BytesReader r) {
        checkVersion("OffsetCommitValue", version, 4);
        r.flexible(version >= 4);
        long offset = r.int64();
        int leaderEpoch = version >= 3 ? r.int32() : -1;
        String metadata = r.string();
        long commitTimestamp = r.int64();
        long expireTimestamp = version == 1 ? r.int64() : -1;
        r.skipTaggedFields();
        return new OffsetCommitValue(offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
    }

    private static GroupMetadataValue readGroupMetadata(short version, BytesReader r) {
        checkVersion("GroupMetadataValue", version, 4);
        r.flexible(version >= 4);
        String protocolType = r.string();
        int generation = r.int32();
        String protocol = r.nullableString();
        String leader = r.nullableString();
        long currentStateTimestamp = version >= 2 ? r.int64() : -1;
        int n = r.arrayLength();
        List<MemberMetadata> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String memberId = r.string();
            String instanceId = version >= 3 ? r.nullableString() : null;
            String clientId = r.string();
            String clientHost = r.string();
            int rebalanceTimeout = version >= 1 ? r.int32() : -1;
            members.add(new MemberMetadata(memberId, instanceId, clientId, clientHost, rebalanceTimeout, r.int32(),
                    r.bytes(), r.bytes()));
            r.skipTaggedFields();
        }
        r.skipTaggedFields();
        return new GroupMetadataValue(protocolType, generation, protocol, leader, currentStateTimestamp, members);
    }

    private static CoordinatorRecord.Value readConsumerGroupValue(short keyVersion, short version, BytesReader r) {
        checkVersion("consumer group value", version, 0);
        r.flexible(true);
        CoordinatorRecord.Value value = switch (keyVersion) {
            case 3 -> new ConsumerGroupMetadataValue(r.int32());
            case 4 -> new ConsumerGroupPartitionMetadataValue(readTopicMetadata(r));
            case 5 -> new ConsumerGroupMemberMetadataValue(r.nullableString(), r.nullableString(), r.string(),
                    r.string(), r.stringArray(), r.nullableString(), r.int32(), r.nullableString());
            case 6 -> new ConsumerGroupTargetAssignmentMetadataValue(r.int32());
            case 7 -> new ConsumerGroupTargetAssignmentMemberValue(readAssignment(r));
            case 8 -> new ConsumerGroupCurrentMemberAssignmentValue(r.int32(), r.int32(), r.int8(),
                    readAssignment(r), readAssignment(r));
            default -> throw new UnknownRecordTypeException(keyVersion);
        };
        r.skipTaggedFields();
        return value;
    }

    private static List<TopicMetadata> readTopicMetadata(BytesReader r) {
        int n = r.arrayLength();
        List<TopicMetadata> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(new TopicMetadata(r.uuid(), r.string(), r.int32()));
            int racks = r.arrayLength();
            for (int j = 0; j < racks; j++) {
                r.int32();
                r.stringArray();
                r.skipTaggedFields();
            }
            r.skipTaggedFields();
        }
        return topics;
    }

    private static Map<Uuid, Set<Integer>> readAssignment(BytesReader r) {
        int n = r.arrayLength();
        Map<Uuid, Set<Integer>> assignment = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            assignment.put(r.uuid(), new TreeSet<>(r.int32Array()));
            r.skipTaggedFields();
        }
        return assignment;
    }

    private static void checkVersion(String what, short version, int highest) {
        if (version < 0 || version > highest) {
            throw new IllegalArgumentException(what + " version " + version + " is not in 0.." + highest);
        }
    }
}
