package io.weir.coordinator.group.consumer;

import io.weir.coordinator.group.record.GroupRecords;
import io.weir.coordinator.group.record.GroupRecords.ConsumerGroupCurrentMemberAssignmentValue;
import io.weir.coordinator.group.record.GroupRecords.ConsumerGroupMemberMetadataValue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A member of a KIP-848 consumer group: its subscription (the MemberMetadata record) and its
 * reconciliation state (the CurrentMemberAssignment record). Assigned partitions and those
 * pending revocation are both owned by the member until it acknowledges the revocation.
 *
 * <p>Immutable.
 */
public record ConsumerGroupMember(
        String memberId,
        String instanceId,
        String rackId,
        String clientId,
        String clientHost,
        List<String> subscribedTopicNames,
        String subscribedTopicRegex,
        int rebalanceTimeoutMs,
        String serverAssignor,
        int memberEpoch,
        int previousMemberEpoch,
        MemberState state,
        Map<Uuid, Set<Integer>> assignedPartitions,
        Map<Uuid, Set<Integer>> partitionsPendingRevocation) {

    /** Member epoch of a LeaveGroup heartbeat. */
    public static final int LEAVE_GROUP_MEMBER_EPOCH = -1;
    /** Member epoch of a static member that leaves for now and will be back. */
    public static final int LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

    public ConsumerGroupMember {
        subscribedTopicNames = List.copyOf(subscribedTopicNames);
        assignedPartitions = GroupRecords.copyOf(assignedPartitions);
        partitionsPendingRevocation = GroupRecords.copyOf(partitionsPendingRevocation);
    }

    public static ConsumerGroupMember newMember(String memberId) {
        return new ConsumerGroupMember(memberId, null, null, "", "", List.of(), null, -1, null, 0, 0,
                MemberState.STABLE, Map.of(), Map.of());
    }

    public ConsumerGroupMember withMetadata(ConsumerGroupMemberMetadataValue v) {
        return new ConsumerGroupMember(memberId, v.instanceId(), v.rackId(), v.clientId(), v.clientHost(),
                v.subscribedTopicNames(), v.subscribedTopicRegex(), v.rebalanceTimeoutMs(), v.serverAssignor(),
                memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation);
    }

    public ConsumerGroupMember withAssignment(ConsumerGroupCurrentMemberAssignmentValue v) {
        return withAssignment(v.memberEpoch(), v.previousMemberEpoch(), MemberState.fromCode(v.state()),
                v.assignedPartitions(), v.partitionsPendingRevocation());
    }

    public ConsumerGroupMember withAssignment(int epoch, int previousEpoch, MemberState newState,
                                              Map<Uuid, Set<Integer>> assigned, Map<Uuid, Set<Integer>> revoking) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, epoch, previousEpoch, newState, assigned,
                revoking);
    }

    public ConsumerGroupMember withMemberId(String newMemberId) {
        return new ConsumerGroupMember(newMemberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation);
    }

    public ConsumerGroupMemberMetadataValue toMetadataValue() {
        return new ConsumerGroupMemberMetadataValue(instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor);
    }

    public ConsumerGroupCurrentMemberAssignmentValue toAssignmentValue() {
        return new ConsumerGroupCurrentMemberAssignmentValue(memberEpoch, previousMemberEpoch, state.code(),
                assignedPartitions, partitionsPendingRevocation);
    }
}
