package io.weir.coordinator.group.consumer;

import io.weir.coordinator.group.Group;
import io.weir.coordinator.group.record.GroupRecords.TopicMetadata;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 consumer group. All of it is durable and changes only through the replay methods
 * (called by the shard's replay): group epoch, members, target assignment and its epoch, the
 * subscribed topics' metadata. Which member owns which partition (at which epoch) is derived
 * from the members' current assignments.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public final class ConsumerGroup implements Group {

    /** Kafka's consumer group states. */
    public enum State {
        EMPTY("Empty"), ASSIGNING("Assigning"), RECONCILING("Reconciling"), STABLE("Stable"), DEAD("Dead");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String groupId;
    private int groupEpoch;
    private int targetAssignmentEpoch;
    private final Map<String, ConsumerGroupMember> members = new LinkedHashMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<Uuid, Map<Integer, Integer>> partitionEpochs = new HashMap<>();
    private List<TopicMetadata> subscriptionMetadata = List.of();

    public ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public Type type() {
        return Type.CONSUMER;
    }

    @Override
    public String stateName() {
        return state().label();
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    public State state() {
        if (members.isEmpty()) {
            return State.EMPTY;
        }
        if (groupEpoch > targetAssignmentEpoch) {
            return State.ASSIGNING;
        }
        for (ConsumerGroupMember m : members.values()) {
            if (m.state() != MemberState.STABLE || m.memberEpoch() != targetAssignmentEpoch) {
                return State.RECONCILING;
            }
        }
        return State.STABLE;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public int targetAssignmentEpoch() {
        return targetAssignmentEpoch;
    }

    public Map<String, ConsumerGroupMember> members() {
        return Collections.unmodifiableMap(members);
    }

    public ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    public String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    public Map<String, Map<Uuid, Set<Integer>>> targetAssignment() {
        return Collections.unmodifiableMap(targetAssignment);
    }

    public Map<Uuid, Set<Integer>> targetAssignment(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    public List<TopicMetadata> subscriptionMetadata() {
        return subscriptionMetadata;
    }

    /** The epoch of the member owning the partition, or -1 when free. */
    public int currentPartitionEpoch(Uuid topicId, int partition) {
        return partitionEpochs.getOrDefault(topicId, Map.of()).getOrDefault(partition, -1);
    }

    @Override
    public boolean isSubscribedToTopic(String topic) {
        return members.values().stream().anyMatch(m -> m.subscribedTopicNames().contains(topic));
    }

    @Override
    public long offsetExpirationBaseMs(long commitTimestampMs) {
        return commitTimestampMs;
    }

    // ---- replay ----

    public void replayGroupEpoch(int epoch) {
        this.groupEpoch = epoch;
    }

    public void replaySubscriptionMetadata(List<TopicMetadata> topics) {
        this.subscriptionMetadata = List.copyOf(topics);
    }

    public void replayTargetAssignmentEpoch(int epoch) {
        this.targetAssignmentEpoch = epoch;
    }

    public void replayTargetAssignment(String memberId, Map<Uuid, Set<Integer>> assignment) {
        if (assignment == null) {
            targetAssignment.remove(memberId);
        } else {
            targetAssignment.put(memberId, assignment);
        }
    }

    /** Adds, updates (or with null removes) a member, keeping owned partitions in step. */
    public void replayMember(String memberId, ConsumerGroupMember member) {
        ConsumerGroupMember old = members.remove(memberId);
        if (old != null) {
            releasePartitions(old);
            if (old.instanceId() != null) {
                staticMembers.remove(old.instanceId(), memberId);
            }
        }
        if (member != null) {
            members.put(memberId, member);
            if (member.instanceId() != null) {
                staticMembers.put(member.instanceId(), memberId);
            }
            ownPartitions(member);
        }
    }

    private void releasePartitions(ConsumerGroupMember m) {
        forEachOwned(m, (topicId, p) -> {
            Map<Integer, Integer> epochs = partitionEpochs.get(topicId);
            if (epochs != null) {
                epochs.remove(p);
                if (epochs.isEmpty()) {
                    partitionEpochs.remove(topicId);
                }
            }
        });
    }

    private void ownPartitions(ConsumerGroupMember m) {
        forEachOwned(m, (topicId, p) -> partitionEpochs.computeIfAbsent(topicId, k -> new HashMap<>())
                .put(p, m.memberEpoch()));
    }

    private static void forEachOwned(ConsumerGroupMember m, java.util.function.BiConsumer<Uuid, Integer> action) {
        m.assignedPartitions().forEach((t, ps) -> ps.forEach(p -> action.accept(t, p)));
        m.partitionsPendingRevocation().forEach((t, ps) -> ps.forEach(p -> action.accept(t, p)));
    }
}
