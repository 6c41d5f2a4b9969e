package io.weir.coordinator.group.consumer;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupRecords.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * The records that change a consumer group, in the order Kafka writes them.
 *
 * <p>Stateless.
 */
public final class ConsumerGroupRecords {

    private ConsumerGroupRecords() {
    }

    public static CoordinatorRecord memberMetadata(String groupId, ConsumerGroupMember m) {
        return CoordinatorRecord.record(new ConsumerGroupMemberMetadataKey(groupId, m.memberId()), m.toMetadataValue());
    }

    public static CoordinatorRecord currentAssignment(String groupId, ConsumerGroupMember m) {
        return CoordinatorRecord.record(new ConsumerGroupCurrentMemberAssignmentKey(groupId, m.memberId()),
                m.toAssignmentValue());
    }

    public static CoordinatorRecord targetAssignment(String groupId, String memberId, Map<Uuid, Set<Integer>> a) {
        return CoordinatorRecord.record(new ConsumerGroupTargetAssignmentMemberKey(groupId, memberId),
                new ConsumerGroupTargetAssignmentMemberValue(a));
    }

    public static CoordinatorRecord targetAssignmentEpoch(String groupId, int epoch) {
        return CoordinatorRecord.record(new ConsumerGroupTargetAssignmentMetadataKey(groupId),
                new ConsumerGroupTargetAssignmentMetadataValue(epoch));
    }

    public static CoordinatorRecord groupEpoch(String groupId, int epoch) {
        return CoordinatorRecord.record(new ConsumerGroupMetadataKey(groupId), new ConsumerGroupMetadataValue(epoch));
    }

    public static CoordinatorRecord subscriptionMetadata(String groupId, List<TopicMetadata> topics) {
        return CoordinatorRecord.record(new ConsumerGroupPartitionMetadataKey(groupId),
                new ConsumerGroupPartitionMetadataValue(topics));
    }

    /** Removes a member: its current assignment, its target assignment, then its subscription. */
    public static List<CoordinatorRecord> removeMember(String groupId, String memberId) {
        return List.of(
                CoordinatorRecord.tombstone(new ConsumerGroupCurrentMemberAssignmentKey(groupId, memberId)),
                CoordinatorRecord.tombstone(new ConsumerGroupTargetAssignmentMemberKey(groupId, memberId)),
                CoordinatorRecord.tombstone(new ConsumerGroupMemberMetadataKey(groupId, memberId)));
    }

    /** Deletes an empty group: target assignment epoch, subscription metadata, then the group epoch. */
    public static List<CoordinatorRecord> deleteGroup(ConsumerGroup group) {
        List<CoordinatorRecord> records = new ArrayList<>();
        group.targetAssignment().keySet().forEach(memberId -> records.add(
                CoordinatorRecord.tombstone(new ConsumerGroupTargetAssignmentMemberKey(group.groupId(), memberId))));
        records.add(CoordinatorRecord.tombstone(new ConsumerGroupTargetAssignmentMetadataKey(group.groupId())));
        records.add(CoordinatorRecord.tombstone(new ConsumerGroupPartitionMetadataKey(group.groupId())));
        records.add(CoordinatorRecord.tombstone(new ConsumerGroupMetadataKey(group.groupId())));
        return records;
    }
}
