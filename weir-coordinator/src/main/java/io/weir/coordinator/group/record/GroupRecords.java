package io.weir.coordinator.group.record;

import io.weir.coordinator.common.CoordinatorRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * The keys and values of {@code __consumer_offsets}, one record type per Kafka schema
 * ({@code group-coordinator/src/main/resources/common/message/*Key.json, *Value.json}).
 * {@link GroupCoordinatorRecordSerde} gives their bytes; the key's version is the record type.
 *
 * <p>All types are immutable values.
 */
public final class GroupRecords {

    private GroupRecords() {
    }

    /** A partition assignment: topic id to partition numbers. */
    public static Map<Uuid, Set<Integer>> copyOf(Map<Uuid, Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> copy = new java.util.TreeMap<>();
        assignment.forEach((topicId, partitions) -> {
            if (!partitions.isEmpty()) {
                copy.put(topicId, java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(partitions)));
            }
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    // ---- committed offsets (key version 0 and 1) ----

    public record OffsetCommitKey(String group, String topic, int partition) implements CoordinatorRecord.Key {
    }

    /** {@code expireTimestamp} is -1 unless written by a pre-2.1 client (value version 1). */
    public record OffsetCommitValue(long offset, int leaderEpoch, String metadata, long commitTimestamp,
                                    long expireTimestamp) implements CoordinatorRecord.Value {
        public OffsetCommitValue {
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    // ---- classic groups (key version 2) ----

    public record GroupMetadataKey(String group) implements CoordinatorRecord.Key {
    }

    public record GroupMetadataValue(String protocolType, int generation, String protocol, String leader,
                                     long currentStateTimestamp, List<MemberMetadata> members)
            implements CoordinatorRecord.Value {
        public GroupMetadataValue {
            members = List.copyOf(members);
        }
    }

    /** A classic member: its metadata for the selected protocol and its assignment, as bytes. */
    public record MemberMetadata(String memberId, String groupInstanceId, String clientId, String clientHost,
                                 int rebalanceTimeout, int sessionTimeout, byte[] subscription, byte[] assignment) {
        @Override
        public boolean equals(Object o) {
            return o instanceof MemberMetadata m && memberId.equals(m.memberId)
                    && Objects.equals(groupInstanceId, m.groupInstanceId) && clientId.equals(m.clientId)
                    && clientHost.equals(m.clientHost) && rebalanceTimeout == m.rebalanceTimeout
                    && sessionTimeout == m.sessionTimeout && Arrays.equals(subscription, m.subscription)
                    && Arrays.equals(assignment, m.assignment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout,
                    Arrays.hashCode(subscription), Arrays.hashCode(assignment));
        }

        @Override
        public String toString() {
            return "MemberMetadata(" + memberId + ", instance=" + groupInstanceId + ", client=" + clientId + ")";
        }
    }

    // ---- consumer groups, KIP-848 (key versions 3 to 8) ----

    public record ConsumerGroupMetadataKey(String groupId) implements CoordinatorRecord.Key {
    }

    public record ConsumerGroupMetadataValue(int epoch) implements CoordinatorRecord.Value {
    }

    public record ConsumerGroupPartitionMetadataKey(String groupId) implements CoordinatorRecord.Key {
    }

    /** The subscribed topics as the last group epoch saw them; a change of partitions bumps the epoch. */
    public record ConsumerGroupPartitionMetadataValue(List<TopicMetadata> topics) implements CoordinatorRecord.Value {
        public ConsumerGroupPartitionMetadataValue {
            topics = List.copyOf(topics);
        }
    }

    public record TopicMetadata(Uuid topicId, String topicName, int numPartitions) {
    }

    public record ConsumerGroupMemberMetadataKey(String groupId, String memberId) implements CoordinatorRecord.Key {
    }

    public record ConsumerGroupMemberMetadataValue(String instanceId, String rackId, String clientId,
                                                   String clientHost, List<String> subscribedTopicNames,
                                                   String subscribedTopicRegex, int rebalanceTimeoutMs,
                                                   String serverAssignor) implements CoordinatorRecord.Value {
        public ConsumerGroupMemberMetadataValue {
            subscribedTopicNames = List.copyOf(subscribedTopicNames);
        }
    }

    public record ConsumerGroupTargetAssignmentMetadataKey(String groupId) implements CoordinatorRecord.Key {
    }

    public record ConsumerGroupTargetAssignmentMetadataValue(int assignmentEpoch) implements CoordinatorRecord.Value {
    }

    public record ConsumerGroupTargetAssignmentMemberKey(String groupId, String memberId)
            implements CoordinatorRecord.Key {
    }

    public record ConsumerGroupTargetAssignmentMemberValue(Map<Uuid, Set<Integer>> topicPartitions)
            implements CoordinatorRecord.Value {
        public ConsumerGroupTargetAssignmentMemberValue {
            topicPartitions = copyOf(topicPartitions);
        }
    }

    public record ConsumerGroupCurrentMemberAssignmentKey(String groupId, String memberId)
            implements CoordinatorRecord.Key {
    }

    /** {@code state} is a {@code MemberState} code: 0 stable, 1 unrevoked, 2 unreleased partitions. */
    public record ConsumerGroupCurrentMemberAssignmentValue(int memberEpoch, int previousMemberEpoch, byte state,
                                                            Map<Uuid, Set<Integer>> assignedPartitions,
                                                            Map<Uuid, Set<Integer>> partitionsPendingRevocation)
            implements CoordinatorRecord.Value {
        public ConsumerGroupCurrentMemberAssignmentValue {
            assignedPartitions = copyOf(assignedPartitions);
            partitionsPendingRevocation = copyOf(partitionsPendingRevocation);
        }
    }
}
