package io.weir.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.coordinator.common.CoordinatorLoader;
import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.PartitionWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The facade over the runtime: ownership, loading, and responses released only after commit. */
class GroupCoordinatorRuntimeTest {

    private static final RequestContext CTX = RequestContext.of(8);

    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    /** The committed log of every partition, as the broker's log would hold it. */
    private final List<CoordinatorRecord> log = new ArrayList<>();
    private final Deque<CompletableFuture<Long>> pendingWrites = new ArrayDeque<>();
    private boolean autoCommit = true;
    private CompletableFuture<Void> loadGate = CompletableFuture.completedFuture(null);

    private final PartitionWriter writer = (tp, records) -> {
        CompletableFuture<Long> f = new CompletableFuture<>();
        f.thenRun(() -> log.addAll(records));
        if (autoCommit) {
            f.complete((long) log.size() + records.size());
        } else {
            pendingWrites.add(f);
        }
        return f;
    };
    private final CoordinatorLoader loader = (tp, replay) -> loadGate.thenRun(() -> log.forEach(replay));

    private final GroupCoordinator coordinator = new GroupCoordinator(
            GroupCoordinatorConfig.fromProperties(java.util.Map.of(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS, 1)),
            time, scheduler, Runnable::run, writer, loader);

    private CompletableFuture<OffsetCommitResponseData> commit(long offset) {
        return coordinator.commitOffsets(CTX, new OffsetCommitRequestData().setGroupId("g")
                .setGenerationIdOrMemberEpoch(-1).setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t").setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset))))));
    }

    private long fetch() {
        return coordinator.fetchOffsets(CTX, List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                        .setGroupId("g").setMemberEpoch(-1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                .setName("t").setPartitionIndexes(List.of(0))))))
                .join().get(0).topics().get(0).partitions().get(0).committedOffset();
    }

    private static short error(OffsetCommitResponseData r) {
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    @Test
    void partitionForUsesKafkasHash() {
        GroupCoordinator fifty = new GroupCoordinator(GroupCoordinatorConfig.defaults(), time, scheduler,
                Runnable::run, writer, loader);
        assertThat(fifty.partitionFor("my-group")).isEqualTo(
                org.apache.kafka.common.utils.Utils.abs("my-group".hashCode()) % 50);
        assertThat(fifty.topicPartitionFor("g")).isEqualTo(new TopicPartition("__consumer_offsets",
                fifty.partitionFor("g")));
    }

    @Test
    void answersNotCoordinatorThenLoadInProgressThenServes() {
        assertThat(error(commit(1).join())).isEqualTo(Errors.NOT_COORDINATOR.code());
        loadGate = new CompletableFuture<>();
        CompletableFuture<Void> loaded = coordinator.onElection(0, 1);
        assertThat(error(commit(1).join())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(coordinator.heartbeat(CTX, new HeartbeatRequestData().setGroupId("g")).join().errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        loadGate.complete(null);
        assertThat(loaded).isCompleted();
        assertThat(error(commit(1).join())).isEqualTo(Errors.NONE.code());
        coordinator.onResignation(0).join();
        assertThat(error(commit(2).join())).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void theResponseIsReleasedOnlyAfterTheWriteCommits() {
        coordinator.onElection(0, 1).join();
        autoCommit = false;
        CompletableFuture<OffsetCommitResponseData> first = commit(5);
        CompletableFuture<OffsetCommitResponseData> second = commit(6);
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(pendingWrites).hasSize(1); // the shard waits for the first write
        pendingWrites.poll().complete(1L);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        pendingWrites.poll().complete(2L);
        assertThat(second).isCompleted();
        autoCommit = true;
        assertThat(fetch()).isEqualTo(6);
    }

    @Test
    void aFailedWriteLeavesTheStateUnchanged() {
        coordinator.onElection(0, 1).join();
        commit(5).join();
        autoCommit = false;
        CompletableFuture<OffsetCommitResponseData> failing = commit(6);
        pendingWrites.poll().completeExceptionally(new NotLeaderOrFollowerException("lost leadership"));
        assertThat(error(failing.join())).isEqualTo(Errors.NOT_COORDINATOR.code());
        autoCommit = true;
        assertThat(fetch()).isEqualTo(5);
    }

    @Test
    void aNewLeaderLoadsTheGroupsFromTheLog() {
        coordinator.onElection(0, 1).join();
        commit(5).join();
        coordinator.onResignation(0).join();
        coordinator.onElection(0, 2).join();
        assertThat(fetch()).isEqualTo(5);
        assertThat(coordinator.listGroups(CTX, new ListGroupsRequestData()).join().groups())
                .extracting(g -> g.groupId()).containsExactly("g");
    }

    @Test
    void timersRunThroughTheScheduler() {
        coordinator.onElection(0, 1).join();
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        CompletableFuture<JoinGroupResponseData> join = coordinator.joinGroup(RequestContext.of(3),
                new JoinGroupRequestData().setGroupId("cg").setMemberId("").setProtocolType("consumer")
                        .setProtocols(protocols).setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(20_000));
        assertThat(join).isNotDone();
        time.advance(3000); // group.initial.rebalance.delay.ms
        assertThat(join.join().generationId()).isEqualTo(1);
        assertThat(log).isEmpty(); // a join phase alone writes nothing
        time.advance(10_000); // the member never syncs nor heartbeats: its session expires
        assertThat(log).hasSize(1);
        var value = (io.weir.coordinator.group.record.GroupRecords.GroupMetadataValue) log.get(0).value();
        assertThat(value.generation()).isEqualTo(2);
        assertThat(value.members()).isEmpty();
    }

    @Test
    void unloadingAnswersParkedJoinsWithNotCoordinator() {
        coordinator.onElection(0, 1).join();
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        CompletableFuture<JoinGroupResponseData> join = coordinator.joinGroup(RequestContext.of(3),
                new JoinGroupRequestData().setGroupId("cg").setMemberId("").setProtocolType("consumer")
                        .setProtocols(protocols).setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(20_000));
        coordinator.onResignation(0).join();
        assertThat(join.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        time.advance(60_000); // the shard's timers are gone with it
        assertThat(log).isEmpty();
    }

    @Test
    void aThreadPoolRunsEachShardSerially() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            GroupCoordinator threaded = new GroupCoordinator(GroupCoordinatorConfig.fromProperties(
                    java.util.Map.of(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS, 3)), time, scheduler, pool,
                    (tp, records) -> CompletableFuture.supplyAsync(() -> 1L, pool), (tp, replay) ->
                    CompletableFuture.completedFuture(null));
            for (int p = 0; p < 3; p++) {
                threaded.onElection(p, 1).get(10, TimeUnit.SECONDS);
            }
            List<CompletableFuture<OffsetCommitResponseData>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(threaded.commitOffsets(CTX, new OffsetCommitRequestData().setGroupId("g" + (i % 7))
                        .setGenerationIdOrMemberEpoch(-1).setTopics(List.of(
                                new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                                                .setCommittedOffset(i)))))));
            }
            for (CompletableFuture<OffsetCommitResponseData> f : futures) {
                assertThat(error(f.get(10, TimeUnit.SECONDS))).isZero();
            }
            var fetched = threaded.fetchOffsets(CTX, List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                    .setGroupId("g0").setMemberEpoch(-1).setTopics(null))).get(10, TimeUnit.SECONDS);
            assertThat(fetched.get(0).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(294);
        } finally {
            pool.shutdownNow();
        }
    }
}
