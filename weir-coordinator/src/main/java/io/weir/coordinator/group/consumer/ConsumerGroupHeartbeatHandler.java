package io.weir.coordinator.group.consumer;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.common.CoordinatorTimer;
import io.weir.coordinator.group.Group;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.coordinator.group.GroupStore;
import io.weir.coordinator.group.RequestContext;
import io.weir.coordinator.group.TopicsImage;
import io.weir.coordinator.group.assignor.PartitionAssignor;
import io.weir.coordinator.group.classic.TimerKeys;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataKey;
import io.weir.coordinator.group.record.GroupRecords.TopicMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, subscription changes, the group epoch, the target
 * assignment computed by a server-side assignor, each member's reconciliation toward it, and
 * leaving. Each heartbeat moves only its own member; no group-wide barrier.
 *
 * <p>Not thread-safe: runs on its shard's thread. Changes nothing: returns records.
 */
public final class ConsumerGroupHeartbeatHandler {

    private final GroupCoordinatorConfig config;
    private final GroupStore groups;
    private final CoordinatorTimer timer;
    private final Supplier<TopicsImage> image;

    public ConsumerGroupHeartbeatHandler(GroupCoordinatorConfig config, GroupStore groups, CoordinatorTimer timer,
                                         Supplier<TopicsImage> image) {
        this.config = config;
        this.groups = groups;
        this.timer = timer;
        this.image = image;
    }

    public CoordinatorResult<ConsumerGroupHeartbeatResponseData> heartbeat(
            RequestContext ctx, ConsumerGroupHeartbeatRequestData request, long nowMs) {
        validate(request, ctx.apiVersion());
        if (request.memberEpoch() < 0) {
            return leave(request);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        ConsumerGroup group = groupForHeartbeat(request, records);
        ConsumerGroupMember member = memberForHeartbeat(group, request, records);
        boolean isNew = member.memberEpoch() == 0 && group.member(member.memberId()) == null;
        ConsumerGroupMember updated = withSubscription(member, request, ctx);
        String groupId = group.groupId();
        boolean bump = isNew || !updated.subscribedTopicNames().equals(member.subscribedTopicNames())
                || !Objects.equals(updated.serverAssignor(), member.serverAssignor());
        if (isNew || !updated.toMetadataValue().equals(member.toMetadataValue())) {
            records.add(ConsumerGroupRecords.memberMetadata(groupId, updated));
        }
        Map<String, ConsumerGroupMember> view = new LinkedHashMap<>(group.members());
        view.remove(group.staticMemberId(updated.instanceId()));
        view.put(updated.memberId(), updated);
        List<TopicMetadata> metadata = subscriptionMetadata(view);
        if (!metadata.equals(group.subscriptionMetadata())) {
            records.add(ConsumerGroupRecords.subscriptionMetadata(groupId, metadata));
            bump = true;
        }
        int groupEpoch = group.groupEpoch() + (bump ? 1 : 0);
        if (bump) {
            records.add(ConsumerGroupRecords.groupEpoch(groupId, groupEpoch));
        }
        int targetEpoch = group.targetAssignmentEpoch();
        Map<Uuid, Set<Integer>> target = group.targetAssignment(targetOwner(group, updated));
        if (groupEpoch > targetEpoch) {
            target = computeTargetAssignment(group, view, metadata, groupEpoch, records).get(updated.memberId());
            targetEpoch = groupEpoch;
        }
        ConsumerGroupMember reconciled = CurrentAssignmentBuilder.build(updated, targetEpoch, target,
                request.topicPartitions(), group::currentPartitionEpoch);
        if (isNew || !reconciled.toAssignmentValue().equals(member.toAssignmentValue())) {
            records.add(ConsumerGroupRecords.currentAssignment(groupId, reconciled));
        }
        scheduleTimers(groupId, member, reconciled);
        return CoordinatorResult.of(records, response(request, member, reconciled));
    }

    /** Whose committed target a member has: its own, or that of the static member it replaces. */
    private static String targetOwner(ConsumerGroup group, ConsumerGroupMember member) {
        String previous = group.staticMemberId(member.instanceId());
        return group.member(member.memberId()) == null && previous != null ? previous : member.memberId();
    }

    private ConsumerGroup groupForHeartbeat(ConsumerGroupHeartbeatRequestData request, List<CoordinatorRecord> records) {
        ConsumerGroup group = groups.consumerGroup(request.groupId());
        if (group != null) {
            return group;
        }
        Group other = groups.get(request.groupId());
        if (other != null && !other.isEmpty()) {
            throw new GroupIdNotFoundException("Group " + request.groupId() + " is not a consumer group.");
        }
        if (request.memberEpoch() != 0) {
            throw new UnknownMemberIdException("Group " + request.groupId() + " does not exist.");
        }
        if (other != null) {
            // An empty classic group becomes a consumer group; its offsets stay.
            records.add(CoordinatorRecord.tombstone(new GroupMetadataKey(request.groupId())));
        }
        return new ConsumerGroup(request.groupId());
    }

    private ConsumerGroupMember memberForHeartbeat(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request,
                                                   List<CoordinatorRecord> records) {
        String memberId = request.memberId();
        ConsumerGroupMember member = group.member(memberId);
        if (request.memberEpoch() == 0) {
            if (member != null) {
                return member; // a rejoin with a known id starts over from epoch 0
            }
            if (group.members().size() >= config.consumerGroupMaxSize()) {
                throw new GroupMaxSizeReachedException("The group " + group.groupId() + " is full.");
            }
            String oldMemberId = group.staticMemberId(request.instanceId());
            if (oldMemberId == null) {
                return ConsumerGroupMember.newMember(memberId);
            }
            return replaceStaticMember(group, group.member(oldMemberId), memberId, records);
        }
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not a member of " + group.groupId());
        }
        validateEpoch(member, request);
        return member;
    }

    private ConsumerGroupMember replaceStaticMember(ConsumerGroup group, ConsumerGroupMember old, String newMemberId,
                                                    List<CoordinatorRecord> records) {
        if (old.memberEpoch() != ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new UnreleasedInstanceIdException("Static member " + old.instanceId() + " is still in the group.");
        }
        records.addAll(ConsumerGroupRecords.removeMember(group.groupId(), old.memberId()));
        timer.cancel(TimerKeys.consumerSession(group.groupId(), old.memberId()));
        ConsumerGroupMember replacement = old.withMemberId(newMemberId).withAssignment(old.previousMemberEpoch(),
                old.previousMemberEpoch(), old.state(), old.assignedPartitions(), old.partitionsPendingRevocation());
        records.add(ConsumerGroupRecords.memberMetadata(group.groupId(), replacement));
        records.add(ConsumerGroupRecords.targetAssignment(group.groupId(), newMemberId,
                group.targetAssignment(old.memberId())));
        records.add(ConsumerGroupRecords.currentAssignment(group.groupId(), replacement));
        return replacement;
    }

    private static void validateEpoch(ConsumerGroupMember member, ConsumerGroupHeartbeatRequestData request) {
        int received = request.memberEpoch();
        if (received == member.memberEpoch()) {
            return;
        }
        if (received == member.previousMemberEpoch() && request.topicPartitions() != null
                && ownsSubsetOf(request.topicPartitions(), member.assignedPartitions())) {
            return; // the member missed the response that bumped its epoch
        }
        throw new FencedMemberEpochException("Member " + member.memberId() + " sent epoch " + received
                + ", expected " + member.memberEpoch());
    }

    private static boolean ownsSubsetOf(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned,
                                        Map<Uuid, Set<Integer>> assigned) {
        return owned.stream().allMatch(tp -> assigned.getOrDefault(tp.topicId(), Set.of()).containsAll(tp.partitions()));
    }

    private static ConsumerGroupMember withSubscription(ConsumerGroupMember m, ConsumerGroupHeartbeatRequestData r,
                                                        RequestContext ctx) {
        return new ConsumerGroupMember(r.memberId(), r.instanceId() != null ? r.instanceId() : m.instanceId(),
                r.rackId() != null ? r.rackId() : m.rackId(), ctx.clientId(), ctx.clientHost(),
                r.subscribedTopicNames() != null ? sorted(r.subscribedTopicNames()) : m.subscribedTopicNames(),
                r.subscribedTopicRegex() != null ? r.subscribedTopicRegex() : m.subscribedTopicRegex(),
                r.rebalanceTimeoutMs() != -1 ? r.rebalanceTimeoutMs() : m.rebalanceTimeoutMs(),
                r.serverAssignor() != null ? r.serverAssignor() : m.serverAssignor(),
                m.memberEpoch(), m.previousMemberEpoch(), m.state(), m.assignedPartitions(),
                m.partitionsPendingRevocation());
    }

    private static List<String> sorted(List<String> topics) {
        return List.copyOf(new TreeSet<>(topics));
    }

    /** The subscribed topics that exist, sorted by name; a change bumps the group epoch. */
    private List<TopicMetadata> subscriptionMetadata(Map<String, ConsumerGroupMember> members) {
        Set<String> names = new TreeSet<>();
        members.values().forEach(m -> names.addAll(m.subscribedTopicNames()));
        List<TopicMetadata> topics = new ArrayList<>();
        for (String name : names) {
            TopicsImage.Topic topic = image.get().topic(name);
            if (topic != null) {
                topics.add(new TopicMetadata(topic.id(), topic.name(), topic.numPartitions()));
            }
        }
        return topics;
    }

    private Map<String, Map<Uuid, Set<Integer>>> computeTargetAssignment(
            ConsumerGroup group, Map<String, ConsumerGroupMember> members, List<TopicMetadata> metadata,
            int groupEpoch, List<CoordinatorRecord> records) {
        Map<String, Uuid> ids = new HashMap<>();
        Map<Uuid, Integer> counts = new HashMap<>();
        metadata.forEach(t -> {
            ids.put(t.topicName(), t.topicId());
            counts.put(t.topicId(), t.numPartitions());
        });
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        Map<String, Map<Uuid, Set<Integer>>> current = new HashMap<>();
        members.values().forEach(m -> {
            Set<Uuid> topics = new TreeSet<>();
            m.subscribedTopicNames().forEach(n -> {
                if (ids.containsKey(n)) {
                    topics.add(ids.get(n));
                }
            });
            subscriptions.put(m.memberId(), topics);
            current.put(m.memberId(), group.targetAssignment(targetOwner(group, m)));
        });
        Map<String, Map<Uuid, Set<Integer>>> target = assignor(members).assign(subscriptions, counts, current);
        target.keySet().stream().sorted(Comparator.naturalOrder()).forEach(memberId -> {
            Map<Uuid, Set<Integer>> next = io.weir.coordinator.group.record.GroupRecords.copyOf(target.get(memberId));
            if (!next.equals(group.targetAssignment(memberId)) || !group.targetAssignment().containsKey(memberId)) {
                records.add(ConsumerGroupRecords.targetAssignment(group.groupId(), memberId, next));
            }
            target.put(memberId, next);
        });
        records.add(ConsumerGroupRecords.targetAssignmentEpoch(group.groupId(), groupEpoch));
        return target;
    }

    /** The assignor most members prefer, else the first configured one. */
    private PartitionAssignor assignor(Map<String, ConsumerGroupMember> members) {
        Map<String, Integer> votes = new HashMap<>();
        members.values().stream().map(ConsumerGroupMember::serverAssignor).filter(Objects::nonNull)
                .forEach(a -> votes.merge(a, 1, Integer::sum));
        String name = votes.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(config.defaultAssignor());
        return PartitionAssignor.named(name);
    }

    private void scheduleTimers(String groupId, ConsumerGroupMember before, ConsumerGroupMember after) {
        String memberId = after.memberId();
        timer.schedule(TimerKeys.consumerSession(groupId, memberId), config.consumerGroupSessionTimeoutMs(),
                now -> fence(groupId, memberId, "session timeout expired"));
        if (after.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (before.state() != MemberState.UNREVOKED_PARTITIONS || before.memberEpoch() != after.memberEpoch()
                    || !timer.isScheduled(TimerKeys.consumerRebalance(groupId, memberId))) {
                int epoch = after.memberEpoch();
                timer.schedule(TimerKeys.consumerRebalance(groupId, memberId), after.rebalanceTimeoutMs(),
                        now -> fenceIfStillRevoking(groupId, memberId, epoch));
            }
        } else {
            timer.cancel(TimerKeys.consumerRebalance(groupId, memberId));
        }
    }

    private CoordinatorResult<Void> fenceIfStillRevoking(String groupId, String memberId, int epoch) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        ConsumerGroupMember member = group == null ? null : group.member(memberId);
        if (member == null || member.state() != MemberState.UNREVOKED_PARTITIONS || member.memberEpoch() != epoch) {
            return CoordinatorResult.empty();
        }
        return fence(groupId, memberId, "did not revoke partitions within the rebalance timeout");
    }

    /** Removes a member that died or stalled, and bumps the group epoch so the others rebalance. */
    CoordinatorResult<Void> fence(String groupId, String memberId, String reason) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null || group.member(memberId) == null) {
            return CoordinatorResult.empty();
        }
        org.slf4j.LoggerFactory.getLogger(ConsumerGroupHeartbeatHandler.class)
                .info("Fencing member {} of group {}: {}", memberId, groupId, reason);
        return CoordinatorResult.of(removeMemberRecords(group, memberId), null);
    }

    /** The records that fence a member (none when it is gone already). */
    public List<CoordinatorRecord> fenceRecords(String groupId, String memberId) {
        CoordinatorResult<Void> result = fence(groupId, memberId, "session timeout expired");
        return result.records();
    }

    private List<CoordinatorRecord> removeMemberRecords(ConsumerGroup group, String memberId) {
        timer.cancel(TimerKeys.consumerSession(group.groupId(), memberId));
        timer.cancel(TimerKeys.consumerRebalance(group.groupId(), memberId));
        List<CoordinatorRecord> records = new ArrayList<>(ConsumerGroupRecords.removeMember(group.groupId(), memberId));
        Map<String, ConsumerGroupMember> view = new LinkedHashMap<>(group.members());
        view.remove(memberId);
        List<TopicMetadata> metadata = subscriptionMetadata(view);
        if (!metadata.equals(group.subscriptionMetadata())) {
            records.add(ConsumerGroupRecords.subscriptionMetadata(group.groupId(), metadata));
        }
        records.add(ConsumerGroupRecords.groupEpoch(group.groupId(), group.groupEpoch() + 1));
        return records;
    }

    private CoordinatorResult<ConsumerGroupHeartbeatResponseData> leave(ConsumerGroupHeartbeatRequestData request) {
        ConsumerGroup group = groups.consumerGroupOrThrow(request.groupId());
        ConsumerGroupMember member = group.member(request.memberId());
        if (member == null) {
            throw new UnknownMemberIdException("Member " + request.memberId() + " is not a member of "
                    + request.groupId());
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId()).setMemberEpoch(request.memberEpoch());
        if (request.memberEpoch() == ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH && member.instanceId() != null) {
            ConsumerGroupMember away = member.withAssignment(request.memberEpoch(), member.memberEpoch(),
                    member.state(), member.assignedPartitions(), member.partitionsPendingRevocation());
            return CoordinatorResult.of(List.of(ConsumerGroupRecords.currentAssignment(group.groupId(), away)), response);
        }
        return CoordinatorResult.of(removeMemberRecords(group, member.memberId()), response);
    }

    private ConsumerGroupHeartbeatResponseData response(ConsumerGroupHeartbeatRequestData request,
                                                        ConsumerGroupMember before, ConsumerGroupMember after) {
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(after.memberId())
                .setMemberEpoch(after.memberEpoch())
                .setHeartbeatIntervalMs(config.consumerGroupHeartbeatIntervalMs());
        boolean fullRequest = request.memberEpoch() == 0 || (request.rebalanceTimeoutMs() != -1
                && request.subscribedTopicNames() != null && request.topicPartitions() != null);
        if (fullRequest || !after.assignedPartitions().equals(before.assignedPartitions())) {
            List<ConsumerGroupHeartbeatResponseData.TopicPartitions> tps = new ArrayList<>();
            after.assignedPartitions().forEach((topicId, ps) -> tps.add(
                    new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topicId)
                            .setPartitions(new ArrayList<>(ps))));
            response.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(tps));
        }
        return response;
    }

    private void validate(ConsumerGroupHeartbeatRequestData r, short apiVersion) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty.");
        }
        if (r.instanceId() != null && r.instanceId().isEmpty()) {
            throw new InvalidRequestException("InstanceId can't be empty.");
        }
        if (r.rackId() != null && r.rackId().isEmpty()) {
            throw new InvalidRequestException("RackId can't be empty.");
        }
        if (r.memberId() == null || r.memberId().isEmpty()) {
            throw new InvalidRequestException("MemberId can't be empty.");
        }
        if (r.memberEpoch() == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                throw new InvalidRequestException("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (r.memberEpoch() < ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
        if (r.subscribedTopicRegex() != null) {
            throw new InvalidRequestException("SubscribedTopicRegex is not supported by this coordinator yet.");
        }
        if (r.serverAssignor() != null && !config.consumerGroupAssignors().contains(r.serverAssignor())) {
            throw new UnsupportedAssignorException("ServerAssignor " + r.serverAssignor() + " is not supported.");
        }
    }
}
