package io.weir.coordinator.group;

import io.weir.common.Scheduler;
import io.weir.common.Time;
import io.weir.coordinator.common.CoordinatorLoader;
import io.weir.coordinator.common.CoordinatorRuntime;
import io.weir.coordinator.common.PartitionWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.*;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * The group coordinator as the broker's request handlers see it: one method per API, each
 * answering with the API's response data (errors are inside, never thrown), plus the events the
 * broker feeds in: leadership of {@code __consumer_offsets} partitions, new topic metadata,
 * deleted partitions. Groups live on the shard of partition {@link #partitionFor}.
 *
 * <p>Thread-safe; responses complete on a shard thread.
 */
public final class GroupCoordinator implements AutoCloseable {

    private final GroupCoordinatorConfig config;
    private final CoordinatorRuntime<GroupCoordinatorShard> runtime;
    private volatile TopicsImage image = TopicsImage.EMPTY;

    public GroupCoordinator(GroupCoordinatorConfig config, Time time, Scheduler scheduler, Executor executor,
                            PartitionWriter writer, CoordinatorLoader loader) {
        this.config = config;
        this.runtime = CoordinatorRuntime.<GroupCoordinatorShard>builder()
                .time(time).scheduler(scheduler).executor(executor).partitionWriter(writer).loader(loader)
                .shardFactory((tp, timer) -> {
                    GroupCoordinatorShard shard = new GroupCoordinatorShard(config, timer);
                    shard.onNewMetadataImage(image);
                    return shard;
                })
                .build();
    }

    public GroupCoordinatorConfig config() {
        return config;
    }

    /** The {@code __consumer_offsets} partition of a group: Kafka's hash. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % config.offsetsTopicNumPartitions();
    }

    public TopicPartition topicPartitionFor(String groupId) {
        return new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partitionFor(groupId));
    }

    /** This broker became leader of {@code __consumer_offsets}-{@code partition}: load it. */
    public CompletableFuture<Void> onElection(int partition, int partitionLeaderEpoch) {
        TopicPartition tp = offsetsPartition(partition);
        // The image may have changed while the partition loaded: hand the shard the latest one.
        return runtime.scheduleLoadOperation(tp, partitionLeaderEpoch)
                .thenCompose(v -> runtime.scheduleReadOperation("metadata-image-after-load", tp, (shard, now) -> {
                    shard.onNewMetadataImage(image);
                    return null;
                }))
                .thenApply(v -> null);
    }

    /** This broker is no longer leader of the partition: drop its groups. */
    public CompletableFuture<Void> onResignation(int partition) {
        return runtime.scheduleUnloadOperation(offsetsPartition(partition));
    }

    // ---- classic protocol ----

    public CompletableFuture<JoinGroupResponseData> joinGroup(RequestContext ctx, JoinGroupRequestData request) {
        return runtime.scheduleWriteOperation("join-group", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.joinGroup(ctx, request, now))
                .thenCompose(Function.identity())
                .exceptionally(e -> new JoinGroupResponseData().setErrorCode(CoordinatorErrors.normalize(e).code())
                        .setMemberId(request.memberId()).setGenerationId(-1).setProtocolName(null).setLeader(""));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(RequestContext ctx, SyncGroupRequestData request) {
        return runtime.scheduleWriteOperation("sync-group", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.syncGroup(request, now))
                .thenCompose(Function.identity())
                .exceptionally(e -> new SyncGroupResponseData().setErrorCode(CoordinatorErrors.normalize(e).code())
                        .setAssignment(new byte[0]));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(RequestContext ctx, HeartbeatRequestData request) {
        return runtime.scheduleWriteOperation("heartbeat", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.heartbeat(request, now))
                .exceptionally(e -> new HeartbeatResponseData().setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(RequestContext ctx, LeaveGroupRequestData request) {
        return runtime.scheduleWriteOperation("leave-group", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.leaveGroup(request, now))
                .exceptionally(e -> new LeaveGroupResponseData().setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    // ---- consumer protocol ----

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            RequestContext ctx, ConsumerGroupHeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("GroupId can't be empty."));
        }
        return runtime.scheduleWriteOperation("consumer-group-heartbeat", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.consumerGroupHeartbeat(ctx, request, now))
                .exceptionally(e -> {
                    Errors error = CoordinatorErrors.normalize(e);
                    return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code())
                            .setErrorMessage(CoordinatorErrors.message(e, error));
                });
    }

    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            RequestContext ctx, List<String> groupIds) {
        return fanOut(groupIds, (tp, ids) -> runtime.scheduleReadOperation("consumer-group-describe", tp,
                        (shard, now) -> shard.consumerGroupDescribe(ids)),
                (id, e) -> new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(id)
                        .setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    // ---- offsets ----

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(RequestContext ctx, OffsetCommitRequestData request) {
        return runtime.scheduleWriteOperation("commit-offsets", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.commitOffsets(request, now))
                .exceptionally(e -> offsetCommitError(request, CoordinatorErrors.normalize(e)));
    }

    /** OffsetFetch of several groups (v8+); one group of older versions is a list of one. */
    public CompletableFuture<List<OffsetFetchResponseData.OffsetFetchResponseGroup>> fetchOffsets(
            RequestContext ctx, List<OffsetFetchRequestData.OffsetFetchRequestGroup> groups) {
        List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> futures = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : groups) {
            futures.add(runtime.scheduleReadOperation("fetch-offsets", topicPartitionFor(group.groupId()),
                            (shard, now) -> shard.fetchOffsets(group))
                    .exceptionally(e -> new OffsetFetchResponseData.OffsetFetchResponseGroup()
                            .setGroupId(group.groupId()).setErrorCode(CoordinatorErrors.normalize(e).code())));
        }
        return allOf(futures);
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(RequestContext ctx, OffsetDeleteRequestData request) {
        return runtime.scheduleWriteOperation("delete-offsets", topicPartitionFor(request.groupId()),
                        (shard, now) -> shard.deleteOffsets(request))
                .exceptionally(e -> new OffsetDeleteResponseData().setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    // ---- admin ----

    public CompletableFuture<List<DescribeGroupsResponseData.DescribedGroup>> describeGroups(
            RequestContext ctx, List<String> groupIds) {
        return fanOut(groupIds, (tp, ids) -> runtime.scheduleReadOperation("describe-groups", tp,
                        (shard, now) -> shard.describeGroups(ids)),
                (id, e) -> new DescribeGroupsResponseData.DescribedGroup().setGroupId(id)
                        .setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    /** The groups of every partition this broker coordinates; a loading partition is an error. */
    public CompletableFuture<ListGroupsResponseData> listGroups(RequestContext ctx, ListGroupsRequestData request) {
        List<CompletableFuture<List<ListGroupsResponseData.ListedGroup>>> futures = new ArrayList<>();
        for (TopicPartition tp : runtime.partitions()) {
            futures.add(runtime.scheduleReadOperation("list-groups", tp, (shard, now) -> shard.listGroups(request)));
        }
        ListGroupsResponseData response = new ListGroupsResponseData();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (CompletableFuture<List<ListGroupsResponseData.ListedGroup>> f : futures) {
            all = all.thenCombine(f.handle((groups, e) -> {
                synchronized (response) {
                    if (e != null) {
                        Errors error = CoordinatorErrors.normalize(e);
                        if (error != Errors.NOT_COORDINATOR) {
                            response.setErrorCode(error.code());
                        }
                    } else {
                        response.groups().addAll(groups);
                    }
                }
                return null;
            }), (a, b) -> null);
        }
        return all.thenApply(v -> response);
    }

    public CompletableFuture<List<DeleteGroupsResponseData.DeletableGroupResult>> deleteGroups(
            RequestContext ctx, List<String> groupIds) {
        return fanOut(groupIds, (tp, ids) -> runtime.scheduleWriteOperation("delete-groups", tp,
                        (shard, now) -> shard.deleteGroups(ids)),
                (id, e) -> new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(id)
                        .setErrorCode(CoordinatorErrors.normalize(e).code()));
    }

    // ---- cluster events ----

    /** Partitions were deleted: their committed offsets go too. */
    public CompletableFuture<Void> onPartitionsDeleted(Collection<TopicPartition> partitions) {
        List<TopicPartition> copy = List.copyOf(partitions);
        return CompletableFuture.allOf(runtime.scheduleWriteAllOperation("on-partitions-deleted",
                (shard, now) -> shard.onPartitionsDeleted(copy)).toArray(CompletableFuture[]::new));
    }

    /**
     * New topic metadata. A consumer group whose subscribed topic changed its partition count
     * bumps its epoch at its next heartbeat (classic groups: the clients' leader notices).
     */
    public CompletableFuture<Void> onNewMetadataImage(TopicsImage newImage) {
        this.image = newImage;
        return CompletableFuture.allOf(runtime.scheduleWriteAllOperation("on-new-metadata-image",
                (shard, now) -> {
                    shard.onNewMetadataImage(newImage);
                    return io.weir.coordinator.common.CoordinatorResult.<Void>empty();
                }).toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        runtime.close();
    }

    // ---- helpers ----

    private static TopicPartition offsetsPartition(int partition) {
        return new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, partition);
    }

    private <R> CompletableFuture<List<R>> fanOut(List<String> groupIds,
                                                  java.util.function.BiFunction<TopicPartition, List<String>,
                                                          CompletableFuture<List<R>>> op,
                                                  java.util.function.BiFunction<String, Throwable, R> onError) {
        Map<TopicPartition, List<String>> byPartition = new LinkedHashMap<>();
        groupIds.forEach(id -> byPartition.computeIfAbsent(topicPartitionFor(id), k -> new ArrayList<>()).add(id));
        List<CompletableFuture<List<R>>> futures = new ArrayList<>();
        byPartition.forEach((tp, ids) -> futures.add(op.apply(tp, ids)
                .exceptionally(e -> ids.stream().map(id -> onError.apply(id, e)).toList())));
        return allOf(futures).thenApply(lists -> lists.stream().flatMap(List::stream).toList());
    }

    private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }

    private static OffsetCommitResponseData offsetCommitError(OffsetCommitRequestData request, Errors error) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        request.topics().forEach(t -> {
            var topic = new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            t.partitions().forEach(p -> topic.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            response.topics().add(topic);
        });
        return response;
    }
}
