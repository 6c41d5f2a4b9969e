package io.weir.coordinator.group;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.classic.ClassicGroupMember;
import io.weir.coordinator.group.classic.ClassicGroupState;
import io.weir.coordinator.group.consumer.ConsumerGroup;
import io.weir.coordinator.group.consumer.ConsumerGroupMember;
import io.weir.coordinator.group.consumer.ConsumerGroupRecords;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups, ListGroups, ConsumerGroupDescribe and the records that delete a group.
 *
 * <p>Not thread-safe: runs on its shard's thread. Changes nothing.
 */
public final class GroupAdminHandler {

    private final GroupStore groups;
    private final Supplier<TopicsImage> image;

    public GroupAdminHandler(GroupStore groups, Supplier<TopicsImage> image) {
        this.groups = groups;
        this.image = image;
    }

    public DescribeGroupsResponseData.DescribedGroup describeGroup(String groupId) {
        Group group = groups.get(groupId);
        DescribeGroupsResponseData.DescribedGroup described = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId);
        if (group == null) {
            return described.setGroupState(ClassicGroupState.DEAD.label()).setProtocolType("").setProtocolData("");
        }
        if (!(group instanceof ClassicGroup classic)) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a classic group.");
        }
        boolean stable = classic.isInState(ClassicGroupState.STABLE);
        described.setGroupState(classic.stateName()).setProtocolType(classic.protocolType())
                .setProtocolData(stable ? classic.protocolName() : "");
        for (ClassicGroupMember m : classic.members()) {
            byte[] metadata = stable ? m.metadata(classic.protocolName()) : null;
            described.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                    .setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(stable ? m.assignment() : new byte[0]));
        }
        return described;
    }

    public List<ListGroupsResponseData.ListedGroup> listGroups(ListGroupsRequestData request) {
        Set<String> states = lower(request.statesFilter());
        Set<String> types = lower(request.typesFilter());
        List<ListGroupsResponseData.ListedGroup> listed = new ArrayList<>();
        for (Group g : groups.all()) {
            if ((states.isEmpty() || states.contains(g.stateName().toLowerCase(Locale.ROOT)))
                    && (types.isEmpty() || types.contains(g.type().toString()))) {
                listed.add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                        .setProtocolType(g.protocolType()).setGroupState(g.stateName())
                        .setGroupType(g.type().toString()));
            }
        }
        return listed;
    }

    private static Set<String> lower(List<String> values) {
        return values == null ? Set.of()
                : values.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    public ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(String groupId) {
        ConsumerGroupDescribeResponseData.DescribedGroup described =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " not found.");
        }
        described.setGroupState(group.stateName()).setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.targetAssignmentEpoch());
        for (ConsumerGroupMember m : group.members().values()) {
            described.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId()).setInstanceId(m.instanceId()).setRackId(m.rackId())
                    .setMemberEpoch(m.memberEpoch()).setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                    .setSubscribedTopicRegex(m.subscribedTopicRegex())
                    .setAssignment(assignment(m.assignedPartitions()))
                    .setTargetAssignment(assignment(group.targetAssignment(m.memberId()))));
        }
        return described;
    }

    private ConsumerGroupDescribeResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> tps = new ArrayList<>();
        partitions.forEach((topicId, ps) -> {
            TopicsImage.Topic topic = image.get().topic(topicId);
            tps.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                    .setTopicName(topic == null ? "" : topic.name()).setPartitions(new ArrayList<>(ps)));
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(tps);
    }

    /** Why the group cannot be deleted, or NONE. */
    public Errors validateDeleteGroup(String groupId) {
        Group group = groups.get(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (group instanceof ClassicGroup cg && cg.isInState(ClassicGroupState.DEAD)) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return group.isEmpty() ? Errors.NONE : Errors.NON_EMPTY_GROUP;
    }

    /** The tombstones that delete an empty group's own records (not its offsets). */
    public List<CoordinatorRecord> groupTombstones(String groupId) {
        Group group = groups.get(groupId);
        if (group instanceof ConsumerGroup cg) {
            return ConsumerGroupRecords.deleteGroup(cg);
        }
        return List.of(CoordinatorRecord.tombstone(new GroupMetadataKey(groupId)));
    }
}
