package io.weir.coordinator.group.offset;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.group.Group;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.coordinator.group.GroupStore;
import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.classic.ClassicGroupState;
import io.weir.coordinator.group.consumer.ConsumerGroup;
import io.weir.coordinator.group.consumer.ConsumerGroupMember;
import io.weir.coordinator.group.record.GroupRecords.OffsetCommitKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit, OffsetFetch, OffsetDelete and the expiry of committed offsets.
 *
 * <p>Not thread-safe: runs on its shard's thread. Changes nothing: returns records.
 */
public final class OffsetManager {

    private final GroupCoordinatorConfig config;
    private final GroupStore groups;
    private final OffsetStore offsets;

    public OffsetManager(GroupCoordinatorConfig config, GroupStore groups, OffsetStore offsets) {
        this.config = config;
        this.groups = groups;
        this.offsets = offsets;
    }

    public CoordinatorResult<OffsetCommitResponseData> commit(OffsetCommitRequestData request, long nowMs) {
        Errors groupError = validateCommit(request);
        List<CoordinatorRecord> records = new ArrayList<>();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic topicResponse =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(topic.name())
                            .setTopicId(topic.topicId());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = groupError;
                String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                if (error == Errors.NONE && metadata.length() > config.offsetMetadataMaxBytes()) {
                    error = Errors.OFFSET_METADATA_TOO_LARGE;
                }
                if (error == Errors.NONE) {
                    long expire = request.retentionTimeMs() == -1 ? -1 : nowMs + request.retentionTimeMs();
                    records.add(CoordinatorRecord.record(
                            new OffsetCommitKey(request.groupId(), topic.name(), p.partitionIndex()),
                            new OffsetAndMetadata(p.committedOffset(), p.committedLeaderEpoch(), metadata, nowMs, expire)
                                    .toRecord()));
                }
                topicResponse.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        return CoordinatorResult.of(records, response);
    }

    private Errors validateCommit(OffsetCommitRequestData request) {
        int generation = request.generationIdOrMemberEpoch();
        Group group = groups.get(request.groupId());
        if (group == null) {
            return generation < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        if (group instanceof ConsumerGroup cg) {
            if (generation < 0 && cg.isEmpty()) {
                return Errors.NONE;
            }
            ConsumerGroupMember member = cg.member(request.memberId());
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return generation == member.memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
        }
        return validateClassicCommit((ClassicGroup) group, request);
    }

    private static Errors validateClassicCommit(ClassicGroup group, OffsetCommitRequestData request) {
        if (group.isInState(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (request.generationIdOrMemberEpoch() < 0 && group.isInState(ClassicGroupState.EMPTY)) {
            return Errors.NONE; // a commit from a simple consumer or an admin
        }
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        String instanceId = request.groupInstanceId();
        String staticMemberId = group.staticMemberId(instanceId);
        if (instanceId != null && staticMemberId != null && !staticMemberId.equals(request.memberId())) {
            return Errors.FENCED_INSTANCE_ID;
        }
        if (!group.hasMember(request.memberId())) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (request.generationIdOrMemberEpoch() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return Errors.NONE;
    }

    /** The committed offsets of one group; -1 for partitions with none. */
    public OffsetFetchResponseData.OffsetFetchResponseGroup fetch(OffsetFetchRequestData.OffsetFetchRequestGroup request) {
        OffsetFetchResponseData.OffsetFetchResponseGroup response =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(request.groupId());
        Errors error = validateFetch(request);
        if (error != Errors.NONE) {
            return response.setErrorCode(error.code());
        }
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new java.util.LinkedHashMap<>();
            offsets.offsets(request.groupId()).forEach((tp, o) -> byTopic
                    .computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t))
                    .partitions().add(partition(tp.partition(), o)));
            return response.setTopics(new ArrayList<>(byTopic.values()));
        }
        for (OffsetFetchRequestData.OffsetFetchRequestTopics topic : request.topics()) {
            OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName(topic.name()).setTopicId(topic.topicId());
            for (int p : topic.partitionIndexes()) {
                t.partitions().add(partition(p, offsets.get(request.groupId(), new TopicPartition(topic.name(), p))));
            }
            response.topics().add(t);
        }
        return response;
    }

    private Errors validateFetch(OffsetFetchRequestData.OffsetFetchRequestGroup request) {
        if (request.memberEpoch() < 0 || !(groups.get(request.groupId()) instanceof ConsumerGroup group)) {
            return Errors.NONE;
        }
        ConsumerGroupMember member = group.member(request.memberId());
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return member.memberEpoch() == request.memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(int p, OffsetAndMetadata o) {
        OffsetFetchResponseData.OffsetFetchResponsePartitions r =
                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p);
        if (o == null) {
            return r.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return r.setCommittedOffset(o.offset()).setCommittedLeaderEpoch(o.leaderEpoch()).setMetadata(o.metadata());
    }

    public CoordinatorResult<OffsetDeleteResponseData> delete(OffsetDeleteRequestData request) {
        Group group = groups.get(request.groupId());
        Errors error = validateDelete(group);
        if (error != Errors.NONE) {
            return CoordinatorResult.of(new OffsetDeleteResponseData().setErrorCode(error.code()));
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.topics()) {
            var t = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(topic.name());
            boolean subscribed = group.isSubscribedToTopic(topic.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
                Errors partitionError = subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (!subscribed && offsets.get(request.groupId(), tp) != null) {
                    records.add(tombstone(request.groupId(), tp));
                }
                t.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(partitionError.code()));
            }
            response.topics().add(t);
        }
        return CoordinatorResult.of(records, response);
    }

    private static Errors validateDelete(Group group) {
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (group instanceof ClassicGroup cg) {
            if (cg.isInState(ClassicGroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!cg.isInState(ClassicGroupState.EMPTY)
                    && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(cg.protocolType())) {
                return Errors.NON_EMPTY_GROUP;
            }
        }
        return Errors.NONE;
    }

    /** Tombstones for every offset of the group (DeleteGroups). */
    public List<CoordinatorRecord> deleteAllOffsets(String groupId) {
        List<CoordinatorRecord> records = new ArrayList<>();
        offsets.offsets(groupId).keySet().forEach(tp -> records.add(tombstone(groupId, tp)));
        return records;
    }

    /** Tombstones for the offsets of deleted partitions, in every group. */
    public List<CoordinatorRecord> deletePartitions(java.util.Collection<TopicPartition> deleted) {
        List<CoordinatorRecord> records = new ArrayList<>();
        for (String groupId : List.copyOf(offsets.groupIds())) {
            offsets.offsets(groupId).keySet().stream().filter(deleted::contains)
                    .forEach(tp -> records.add(tombstone(groupId, tp)));
        }
        return records;
    }

    /**
     * Tombstones for expired offsets: older than offsets.retention.minutes, counted from when a
     * classic group became empty (or from the commit for simple groups and topics the group no
     * longer subscribes to), never for topics the group subscribes to.
     */
    public List<CoordinatorRecord> expireOffsets(String groupId, long nowMs) {
        Group group = groups.get(groupId);
        List<CoordinatorRecord> records = new ArrayList<>();
        offsets.offsets(groupId).forEach((tp, o) -> {
            if (isExpired(group, tp, o, nowMs)) {
                records.add(tombstone(groupId, tp));
            }
        });
        return records;
    }

    private boolean isExpired(Group group, TopicPartition tp, OffsetAndMetadata o, long nowMs) {
        if (o.expireTimestampMs() != -1) {
            return nowMs >= o.expireTimestampMs();
        }
        if (group != null && group.isSubscribedToTopic(tp.topic())) {
            return false;
        }
        long baseMs = group == null ? o.commitTimestampMs() : group.offsetExpirationBaseMs(o.commitTimestampMs());
        return baseMs != -1 && nowMs - baseMs >= config.offsetsRetentionMs();
    }

    private static CoordinatorRecord tombstone(String groupId, TopicPartition tp) {
        return CoordinatorRecord.tombstone(new OffsetCommitKey(groupId, tp.topic(), tp.partition()));
    }
}
