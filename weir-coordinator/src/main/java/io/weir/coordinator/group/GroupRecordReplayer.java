package io.weir.coordinator.group;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.consumer.ConsumerGroup;
import io.weir.coordinator.group.consumer.ConsumerGroupMember;
import io.weir.coordinator.group.consumer.MemberState;
import io.weir.coordinator.group.offset.OffsetAndMetadata;
import io.weir.coordinator.group.offset.OffsetStore;
import io.weir.coordinator.group.record.GroupRecords.*;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies committed {@code __consumer_offsets} records to a shard's groups and offsets: the
 * only code that changes durable state, for the leader's own writes and for loading alike.
 *
 * <p>Not thread-safe: runs on its shard's thread.
 */
final class GroupRecordReplayer {

    private final GroupStore groups;
    private final OffsetStore offsets;

    GroupRecordReplayer(GroupStore groups, OffsetStore offsets) {
        this.groups = groups;
        this.offsets = offsets;
    }

    void replay(CoordinatorRecord record) {
        CoordinatorRecord.Key key = record.key();
        CoordinatorRecord.Value value = record.value();
        if (key instanceof OffsetCommitKey k) {
            replayOffset(k, (OffsetCommitValue) value);
        } else if (key instanceof GroupMetadataKey k) {
            replayClassicGroup(k.group(), (GroupMetadataValue) value);
        } else if (key instanceof ConsumerGroupMetadataKey k) {
            if (value == null) {
                removeConsumerGroup(k.groupId());
            } else {
                consumerGroup(k.groupId()).replayGroupEpoch(((ConsumerGroupMetadataValue) value).epoch());
            }
        } else if (key instanceof ConsumerGroupPartitionMetadataKey k) {
            ifGroup(k.groupId(), value, g -> g.replaySubscriptionMetadata(
                    value == null ? List.of() : ((ConsumerGroupPartitionMetadataValue) value).topics()));
        } else if (key instanceof ConsumerGroupMemberMetadataKey k) {
            ifGroup(k.groupId(), value, g -> replayMemberMetadata(g, k.memberId(), (ConsumerGroupMemberMetadataValue) value));
        } else if (key instanceof ConsumerGroupTargetAssignmentMetadataKey k) {
            ifGroup(k.groupId(), value, g -> g.replayTargetAssignmentEpoch(
                    value == null ? 0 : ((ConsumerGroupTargetAssignmentMetadataValue) value).assignmentEpoch()));
        } else if (key instanceof ConsumerGroupTargetAssignmentMemberKey k) {
            ifGroup(k.groupId(), value, g -> g.replayTargetAssignment(k.memberId(),
                    value == null ? null : ((ConsumerGroupTargetAssignmentMemberValue) value).topicPartitions()));
        } else if (key instanceof ConsumerGroupCurrentMemberAssignmentKey k) {
            ifGroup(k.groupId(), value, g -> replayCurrentAssignment(g, k.memberId(),
                    (ConsumerGroupCurrentMemberAssignmentValue) value));
        } else {
            throw new IllegalArgumentException("unknown record key " + key);
        }
    }

    private void replayOffset(OffsetCommitKey k, OffsetCommitValue value) {
        TopicPartition tp = new TopicPartition(k.topic(), k.partition());
        if (value != null && groups.get(k.group()) == null) {
            groups.put(new ClassicGroup(k.group(), value.commitTimestamp())); // a simple group: offsets only
        }
        offsets.replay(k.group(), tp, value == null ? null : OffsetAndMetadata.fromRecord(value));
    }

    private void replayClassicGroup(String groupId, GroupMetadataValue value) {
        if (value == null) {
            if (groups.classicGroup(groupId) != null) {
                groups.remove(groupId);
            }
            return;
        }
        groups.put(ClassicGroup.fromRecord(groupId, value));
    }

    private static void replayMemberMetadata(ConsumerGroup group, String memberId, ConsumerGroupMemberMetadataValue v) {
        ConsumerGroupMember member = group.member(memberId);
        if (v == null) {
            group.replayMember(memberId, null);
            return;
        }
        group.replayMember(memberId, (member == null ? ConsumerGroupMember.newMember(memberId) : member).withMetadata(v));
    }

    private static void replayCurrentAssignment(ConsumerGroup group, String memberId,
                                                ConsumerGroupCurrentMemberAssignmentValue v) {
        ConsumerGroupMember member = group.member(memberId);
        if (v == null) {
            if (member != null) {
                group.replayMember(memberId, member.withAssignment(0, 0, MemberState.STABLE, Map.of(), Map.of()));
            }
            return;
        }
        group.replayMember(memberId, (member == null ? ConsumerGroupMember.newMember(memberId) : member).withAssignment(v));
    }

    private ConsumerGroup consumerGroup(String groupId) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null) {
            group = new ConsumerGroup(groupId);
            groups.put(group);
        }
        return group;
    }

    private void removeConsumerGroup(String groupId) {
        if (groups.consumerGroup(groupId) != null) {
            groups.remove(groupId);
        }
    }

    private void ifGroup(String groupId, Object value, java.util.function.Consumer<ConsumerGroup> action) {
        ConsumerGroup group = value == null ? groups.consumerGroup(groupId) : consumerGroup(groupId);
        if (group != null) {
            action.accept(group);
        }
    }
}
