package io.weir.coordinator.group.consumer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;

/**
 * Moves one member one step toward its target assignment, revoke before assign: partitions it
 * must give up go to "pending revocation" first (its epoch stays), and only once the member
 * reports it no longer owns them does it advance to the target epoch and get new partitions;
 * a new partition is given only when no other member still owns it.
 *
 * <p>Stateless and thread-safe.
 */
public final class CurrentAssignmentBuilder {

    /** The owner epoch of a partition, -1 when free. */
    @FunctionalInterface
    public interface PartitionEpochs {
        int currentEpoch(Uuid topicId, int partition);
    }

    private CurrentAssignmentBuilder() {
    }

    /**
     * @param member         the member now
     * @param targetEpoch    the target assignment's epoch
     * @param target         the member's target assignment
     * @param owned          what the member says it owns (null when the heartbeat did not say)
     * @param epochs         the owners of partitions
     */
    public static ConsumerGroupMember build(ConsumerGroupMember member, int targetEpoch,
                                            Map<Uuid, Set<Integer>> target,
                                            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned,
                                            PartitionEpochs epochs) {
        switch (member.state()) {
            case STABLE:
                if (member.memberEpoch() == targetEpoch) {
                    return member;
                }
                return computeNextAssignment(member, targetEpoch, target, epochs);
            case UNREVOKED_PARTITIONS:
                if (owned != null && ownsNone(owned, member.partitionsPendingRevocation())) {
                    return computeNextAssignment(member, targetEpoch, target, epochs);
                }
                return member;
            case UNRELEASED_PARTITIONS:
                return computeNextAssignment(member, targetEpoch, target, epochs);
            default:
                throw new IllegalStateException("member " + member.memberId() + " in state " + member.state());
        }
    }

    private static ConsumerGroupMember computeNextAssignment(ConsumerGroupMember member, int targetEpoch,
                                                             Map<Uuid, Set<Integer>> target, PartitionEpochs epochs) {
        Map<Uuid, Set<Integer>> retained = new HashMap<>();
        Map<Uuid, Set<Integer>> revoking = new HashMap<>();
        Map<Uuid, Set<Integer>> assigning = new HashMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new HashSet<>(member.assignedPartitions().keySet());
        topics.addAll(target.keySet());
        for (Uuid topicId : topics) {
            Set<Integer> current = member.assignedPartitions().getOrDefault(topicId, Set.of());
            Set<Integer> wanted = target.getOrDefault(topicId, Set.of());
            for (int p : current) {
                (wanted.contains(p) ? retained : revoking).computeIfAbsent(topicId, k -> new TreeSet<>()).add(p);
            }
            for (int p : wanted) {
                if (current.contains(p)) {
                    continue;
                }
                if (epochs.currentEpoch(topicId, p) == -1) {
                    assigning.computeIfAbsent(topicId, k -> new TreeSet<>()).add(p);
                } else {
                    unreleased = true;
                }
            }
        }
        if (!revoking.isEmpty()) {
            return member.withAssignment(member.memberEpoch(), member.previousMemberEpoch(),
                    MemberState.UNREVOKED_PARTITIONS, retained, revoking);
        }
        assigning.forEach((t, ps) -> retained.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        int previousEpoch = member.memberEpoch() == targetEpoch ? member.previousMemberEpoch() : member.memberEpoch();
        return member.withAssignment(targetEpoch, previousEpoch,
                unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE, retained, Map.of());
    }

    private static boolean ownsNone(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned,
                                    Map<Uuid, Set<Integer>> revoking) {
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : owned) {
            Set<Integer> pending = revoking.getOrDefault(tp.topicId(), Set.of());
            for (int p : tp.partitions()) {
                if (pending.contains(p)) {
                    return false;
                }
            }
        }
        return true;
    }
}
