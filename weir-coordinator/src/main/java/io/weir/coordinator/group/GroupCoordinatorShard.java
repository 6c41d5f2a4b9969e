package io.weir.coordinator.group;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.common.CoordinatorShard;
import io.weir.coordinator.common.CoordinatorTimer;
import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.classic.ClassicGroupHandler;
import io.weir.coordinator.group.classic.ClassicGroupJoinHandler;
import io.weir.coordinator.group.classic.ClassicGroupMember;
import io.weir.coordinator.group.classic.ClassicGroupRebalancer;
import io.weir.coordinator.group.classic.ClassicGroupState;
import io.weir.coordinator.group.classic.TimerKeys;
import io.weir.coordinator.group.consumer.ConsumerGroup;
import io.weir.coordinator.group.consumer.ConsumerGroupHeartbeatHandler;
import io.weir.coordinator.group.offset.OffsetManager;
import io.weir.coordinator.group.offset.OffsetStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator state of one {@code __consumer_offsets} partition: its groups of both
 * protocols and their committed offsets. Operations take a request and the time and return a
 * {@link CoordinatorResult}; {@link #replay} applies committed records and is the only way
 * durable state changes ({@link GroupRecordReplayer}). The in-flight rebalance of classic groups
 * is soft state, as in Kafka (see docs/group-coordinator.md).
 *
 * <p>Not thread-safe: owned by one thread at a time (the runtime's, or a test's).
 */
public final class GroupCoordinatorShard implements CoordinatorShard {

    static final String OFFSET_CLEANUP_TIMER = "offset-cleanup";

    private final GroupCoordinatorConfig config;
    private final CoordinatorTimer timer;
    private final GroupStore groups = new GroupStore();
    private final OffsetStore offsets = new OffsetStore();
    private final GroupRecordReplayer replayer;
    private final ClassicGroupRebalancer rebalancer;
    private final ClassicGroupJoinHandler joinHandler;
    private final ClassicGroupHandler classicHandler;
    private final ConsumerGroupHeartbeatHandler consumerHandler;
    private final OffsetManager offsetManager;
    private final GroupAdminHandler adminHandler;
    private volatile TopicsImage image = TopicsImage.EMPTY;

    public GroupCoordinatorShard(GroupCoordinatorConfig config, CoordinatorTimer timer) {
        this.config = config;
        this.timer = timer;
        this.replayer = new GroupRecordReplayer(groups, offsets);
        this.rebalancer = new ClassicGroupRebalancer(config, groups, timer);
        this.joinHandler = new ClassicGroupJoinHandler(config, groups, timer, rebalancer);
        this.classicHandler = new ClassicGroupHandler(groups, rebalancer);
        this.consumerHandler = new ConsumerGroupHeartbeatHandler(config, groups, timer, () -> image);
        this.offsetManager = new OffsetManager(config, groups, offsets);
        this.adminHandler = new GroupAdminHandler(groups, () -> image);
    }

    // ---- classic protocol ----

    public CoordinatorResult<CompletableFuture<JoinGroupResponseData>> joinGroup(
            RequestContext ctx, JoinGroupRequestData request, long nowMs) {
        return joinHandler.join(ctx, request, nowMs);
    }

    public CoordinatorResult<CompletableFuture<SyncGroupResponseData>> syncGroup(SyncGroupRequestData request,
                                                                                 long nowMs) {
        return classicHandler.sync(request, nowMs);
    }

    public CoordinatorResult<HeartbeatResponseData> heartbeat(HeartbeatRequestData request, long nowMs) {
        return classicHandler.heartbeat(request, nowMs);
    }

    public CoordinatorResult<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, long nowMs) {
        return classicHandler.leave(request, nowMs);
    }

    // ---- consumer protocol (KIP-848) ----

    public CoordinatorResult<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            RequestContext ctx, ConsumerGroupHeartbeatRequestData request, long nowMs) {
        return consumerHandler.heartbeat(ctx, request, nowMs);
    }

    public List<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(List<String> groupIds) {
        return groupIds.stream().map(adminHandler::describeConsumerGroup).toList();
    }

    // ---- offsets ----

    public CoordinatorResult<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, long nowMs) {
        return offsetManager.commit(request, nowMs);
    }

    public OffsetFetchResponseData.OffsetFetchResponseGroup fetchOffsets(
            OffsetFetchRequestData.OffsetFetchRequestGroup request) {
        return offsetManager.fetch(request);
    }

    public CoordinatorResult<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return offsetManager.delete(request);
    }

    // ---- admin ----

    public List<DescribeGroupsResponseData.DescribedGroup> describeGroups(List<String> groupIds) {
        return groupIds.stream().map(adminHandler::describeGroup).toList();
    }

    public List<ListGroupsResponseData.ListedGroup> listGroups(ListGroupsRequestData request) {
        return adminHandler.listGroups(request);
    }

    /** Deletes empty groups: tombstones for their offsets, then for the group. */
    public CoordinatorResult<List<DeleteGroupsResponseData.DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        List<CoordinatorRecord> records = new ArrayList<>();
        List<DeleteGroupsResponseData.DeletableGroupResult> results = new ArrayList<>();
        for (String groupId : groupIds) {
            Errors error = adminHandler.validateDeleteGroup(groupId);
            if (error == Errors.NONE) {
                records.addAll(offsetManager.deleteAllOffsets(groupId));
                records.addAll(adminHandler.groupTombstones(groupId));
            }
            results.add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(error.code()));
        }
        return CoordinatorResult.of(records, results);
    }

    // ---- cluster events and housekeeping ----

    /** Takes the latest topics; a changed partition count of a subscribed topic rebalances consumer groups. */
    public void onNewMetadataImage(TopicsImage newImage) {
        this.image = newImage;
    }

    public TopicsImage image() {
        return image;
    }

    /** Deletes the offsets of deleted partitions. */
    public CoordinatorResult<Void> onPartitionsDeleted(Collection<TopicPartition> partitions) {
        return CoordinatorResult.of(offsetManager.deletePartitions(partitions), null);
    }

    /** Expires offsets, then deletes empty groups that have none left. Runs on a timer. */
    public CoordinatorResult<Void> cleanupGroupMetadata(long nowMs) {
        List<CoordinatorRecord> records = new ArrayList<>();
        Set<String> groupIds = new LinkedHashSet<>(offsets.groupIds());
        groups.all().forEach(g -> groupIds.add(g.groupId()));
        for (String groupId : groupIds) {
            List<CoordinatorRecord> expired = offsetManager.expireOffsets(groupId, nowMs);
            records.addAll(expired);
            Group group = groups.get(groupId);
            boolean noOffsetsLeft = expired.size() == offsets.offsets(groupId).size();
            if (group != null && noOffsetsLeft && isDeletable(group)) {
                records.addAll(adminHandler.groupTombstones(groupId));
            }
        }
        return CoordinatorResult.of(records, null);
    }

    private static boolean isDeletable(Group group) {
        return group.isEmpty() && (!(group instanceof ClassicGroup cg) || cg.isInState(ClassicGroupState.EMPTY));
    }

    private void scheduleCleanup() {
        timer.schedule(OFFSET_CLEANUP_TIMER, config.offsetsRetentionCheckIntervalMs(), nowMs -> {
            scheduleCleanup();
            return cleanupGroupMetadata(nowMs);
        });
    }

    @Override
    public void replay(CoordinatorRecord record) {
        replayer.replay(record);
    }

    /** Starts the timers of what was loaded: offset expiry and every member's session. */
    @Override
    public void onLoaded(long nowMs) {
        scheduleCleanup();
        for (Group group : groups.all()) {
            if (group instanceof ClassicGroup cg) {
                for (ClassicGroupMember m : cg.members()) {
                    rebalancer.scheduleHeartbeatExpiration(cg, m, m.sessionTimeoutMs());
                }
            } else if (group instanceof ConsumerGroup cg) {
                cg.members().keySet().forEach(memberId -> timer.schedule(
                        TimerKeys.consumerSession(cg.groupId(), memberId), config.consumerGroupSessionTimeoutMs(),
                        now -> CoordinatorResult.of(consumerFence(cg.groupId(), memberId), null)));
            }
        }
    }

    private List<CoordinatorRecord> consumerFence(String groupId, String memberId) {
        return consumerHandler.fenceRecords(groupId, memberId);
    }

    @Override
    public void onUnloaded() {
        for (Group group : groups.all()) {
            if (group instanceof ClassicGroup cg) {
                ClassicGroupRebalancer.failParked(cg, Errors.NOT_COORDINATOR);
            }
        }
    }

    // ---- for tests and the facade ----

    public GroupStore groups() {
        return groups;
    }

    public OffsetStore offsets() {
        return offsets;
    }
}
