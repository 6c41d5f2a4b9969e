package io.weir.coordinator.group;

import io.weir.common.MockTime;
import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.*;
import org.apache.kafka.common.protocol.Errors;

/**
 * Runs one {@link GroupCoordinatorShard} on the test's thread with a {@link MockTime}: every
 * operation's records are "committed" at once (kept in {@link #history()}, replayed, append
 * future completed); {@link #sleep(long)} moves the clock and fires due timers the same way.
 *
 * <p>Not thread-safe.
 */
final class GroupCoordinatorShardTestContext {

    static final class Builder {
        private final Map<String, Object> props = new HashMap<>();
        private final List<TopicsImage.Topic> topics = new ArrayList<>();

        Builder withConfig(String name, Object value) {
            props.put(name, value);
            return this;
        }

        Builder withTopic(String name, int partitions) {
            topics.add(new TopicsImage.Topic(name, Uuid.randomUuid(), partitions));
            return this;
        }

        GroupCoordinatorShardTestContext build() {
            return new GroupCoordinatorShardTestContext(GroupCoordinatorConfig.fromProperties(props),
                    new TopicsImage(topics));
        }
    }

    final MockTime time = new MockTime();
    final MockCoordinatorTimer timer = new MockCoordinatorTimer(time);
    final GroupCoordinatorConfig config;
    final GroupCoordinatorShard shard;
    private final List<CoordinatorRecord> history = new ArrayList<>();
    /** Set to make the next write fail like a lost leadership. */
    RuntimeException failNextWrite;

    private GroupCoordinatorShardTestContext(GroupCoordinatorConfig config, TopicsImage image) {
        this.config = config;
        this.shard = new GroupCoordinatorShard(config, timer);
        shard.onNewMetadataImage(image);
    }

    List<CoordinatorRecord> history() {
        return history;
    }

    Uuid topicId(String name) {
        return shard.image().topic(name).id();
    }

    /** Commits the result's records (or fails them) and returns its response. */
    <T> T commit(CoordinatorResult<T> result) {
        if (!result.records().isEmpty() && failNextWrite != null) {
            RuntimeException error = failNextWrite;
            failNextWrite = null;
            if (result.appendFuture() != null) {
                result.appendFuture().completeExceptionally(error);
            }
            throw error;
        }
        history.addAll(result.records());
        if (result.replayRecords()) {
            result.records().forEach(shard::replay);
        }
        if (result.appendFuture() != null) {
            result.appendFuture().complete(null);
        }
        return result.response();
    }

    void sleep(long ms) {
        time.sleep(ms);
        timer.poll(this::commit);
    }

    long now() {
        return time.milliseconds();
    }

    // ---- classic ----

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, int version) {
        return commit(shard.joinGroup(new RequestContext((short) version, "client", "/127.0.0.1"), request, now()));
    }

    CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        return commit(shard.syncGroup(request, now()));
    }

    Errors heartbeat(String groupId, String memberId, int generation) {
        return Errors.forCode(commit(shard.heartbeat(new HeartbeatRequestData().setGroupId(groupId)
                .setMemberId(memberId).setGenerationId(generation), now())).errorCode());
    }

    LeaveGroupResponseData leave(String groupId, String memberId) {
        return commit(shard.leaveGroup(new LeaveGroupRequestData().setGroupId(groupId).setMembers(List.of(
                new LeaveGroupRequestData.MemberIdentity().setMemberId(memberId))), now()));
    }

    static JoinGroupRequestData joinRequest(String groupId, String memberId, String instanceId, String... protocols) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection collection =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        for (String p : protocols) {
            collection.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(p).setMetadata(p.getBytes()));
        }
        return new JoinGroupRequestData().setGroupId(groupId).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setProtocolType("consumer").setProtocols(collection).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(60_000);
    }

    // ---- consumer protocol ----

    ConsumerGroupHeartbeatResponseData consumerHeartbeat(ConsumerGroupHeartbeatRequestData request) {
        return commit(shard.consumerGroupHeartbeat(new RequestContext((short) 1, "client", "/127.0.0.1"), request,
                now()));
    }

    // ---- offsets ----

    OffsetCommitResponseData commitOffset(String groupId, int generation, String memberId, String topic,
                                          int partition, long offset) {
        return commit(shard.commitOffsets(new OffsetCommitRequestData().setGroupId(groupId)
                .setGenerationIdOrMemberEpoch(generation).setMemberId(memberId)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition).setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(3).setCommittedMetadata("meta"))))), now()));
    }

    long committedOffset(String groupId, String topic, int partition) {
        OffsetFetchResponseData.OffsetFetchResponseGroup group = shard.fetchOffsets(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(groupId).setMemberEpoch(-1)
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(topic)
                                .setPartitionIndexes(List.of(partition)))));
        return group.topics().get(0).partitions().get(0).committedOffset();
    }
}
