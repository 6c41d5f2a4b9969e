package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrByBroker;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrInfo;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrPartitions;
import static io.weir.cluster.controller.ControllerTestContext.stopReplicas;
import static io.weir.cluster.controller.ControllerTestContext.tp;
import static io.weir.cluster.controller.ControllerTestContext.updateMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.zk.LeaderAndIsr;

class ControllerEventsTest {

    private static final TopicPartition T0 = tp("t", 0);
    private static final TopicPartition T1 = tp("t", 1);

    @Test
    void startupTellsEveryBrokerEverythingAndElectsWhereTheLeaderIsGone() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2).controllerEpoch(7)
            .topic("t", assignment(0, List.of(1, 2), 1, List.of(3, 2)))
            .state("t", 0, 1, 4, List.of(1, 2))
            .state("t", 1, 3, 2, List.of(3, 2))
            .build();
        ControllerResult r = ctx.lastResult;

        assertThat(r.zkWrites()).containsExactly(new ZkWrite.UpdatePartitionState(T1,
            new LeaderAndIsr(2, 3, List.of(2), 7, 4), 3));
        assertThat(updateMetadata(r)).extracting(UpdateMetadataRequest::brokerId).containsExactly(1, 2);
        assertThat(updateMetadata(r)).allSatisfy(um -> {
            assertThat(um.full()).isTrue();
            assertThat(um.controllerEpoch()).isEqualTo(7);
            assertThat(um.partitions()).extracting(PartitionInfo::partition).containsExactly(T0, T1);
        });
        assertThat(leaderAndIsrPartitions(r)).isEqualTo(Map.of(1, Set.of(T0), 2, Set.of(T0, T1)));
        assertThat(leaderAndIsrInfo(r, 2, T1).leader()).isEqualTo(2);
        assertThat(leaderAndIsrInfo(r, 2, T1).offlineReplicas()).containsExactly(3);
        assertThat(ctx.state.partitionState(T1)).isEqualTo(PartitionState.ONLINE);
        assertThat(ctx.state.replicaState(new PartitionReplica(T1, 3))).isEqualTo(ReplicaState.OFFLINE);
    }

    @Test
    void newTopicGetsFirstLiveReplicaAsLeaderAndLiveReplicasAsIsr() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3).build();
        ctx.zk.createTopic("t", assignment(0, List.of(1, 2), 1, List.of(4, 3)), false);

        ControllerResult r = ctx.handle(new ControllerEvent.TopicChange(ctx.zk.describeAll()));

        assertThat(r.zkWrites()).containsExactly(
            new ZkWrite.CreatePartitionState(T0, new LeaderAndIsr(1, 0, List.of(1, 2), 1, 0)),
            new ZkWrite.CreatePartitionState(T1, new LeaderAndIsr(3, 0, List.of(3), 1, 0)));
        assertThat(leaderAndIsrPartitions(r)).isEqualTo(Map.of(1, Set.of(T0), 2, Set.of(T0), 3, Set.of(T1)));
        assertThat(leaderAndIsrInfo(r, 2, T0).isNew()).isTrue();
        assertThat(updateMetadata(r)).extracting(UpdateMetadataRequest::brokerId).containsExactly(1, 2, 3);
        assertThat(updateMetadata(r).get(0).partitions()).extracting(PartitionInfo::partition)
            .containsExactly(T0, T1);
        assertThat(ctx.state.replicaState(new PartitionReplica(T1, 4))).isEqualTo(ReplicaState.OFFLINE);
        assertThat(ctx.state.replicaState(new PartitionReplica(T1, 3))).isEqualTo(ReplicaState.ONLINE);
    }

    @Test
    void addedPartitionsAreCreatedLikeNewTopics() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).build();
        ctx.zk.assignments.get("t").put(1, PartitionAssignment.of(List.of(2, 1)));

        ControllerResult r = ctx.handle(new ControllerEvent.PartitionModifications(ctx.zk.describe("t")));

        assertThat(r.zkWrites()).containsExactly(
            new ZkWrite.CreatePartitionState(T1, new LeaderAndIsr(2, 0, List.of(2, 1), 1, 0)));
        assertThat(ctx.state.partitionsOf("t")).containsExactly(T0, T1);
    }

    @Test
    void leaderFailureElectsTheNextIsrMemberAndBumpsTheEpoch() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2, 3))).state("t", 0, 1, 5, List.of(1, 2, 3)).build();

        ControllerResult r = ctx.killBroker(1);

        assertThat(r.zkWrites()).containsExactly(new ZkWrite.UpdatePartitionState(T0,
            new LeaderAndIsr(2, 6, List.of(2, 3), 1, 4), 3));
        assertThat(leaderAndIsrPartitions(r)).isEqualTo(Map.of(2, Set.of(T0), 3, Set.of(T0)));
        assertThat(updateMetadata(r)).extracting(UpdateMetadataRequest::brokerId).containsExactly(2, 3);
        assertThat(updateMetadata(r).get(0).liveBrokers()).extracting(LiveBroker::id).containsExactly(2, 3);
    }

    @Test
    void followerFailureShrinksTheIsrWithoutBumpingTheEpoch() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2, 3))).state("t", 0, 1, 5, List.of(1, 2, 3)).build();

        ControllerResult r = ctx.killBroker(3);

        assertThat(r.zkWrites()).containsExactly(new ZkWrite.UpdatePartitionState(T0,
            new LeaderAndIsr(1, 5, List.of(1, 2), 1, 4), 3));
        assertThat(leaderAndIsrPartitions(r)).isEqualTo(Map.of(1, Set.of(T0), 2, Set.of(T0)));
    }

    @Test
    void lastIsrMemberDyingLeavesThePartitionOfflineUntilItReturns() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1)).build();

        ctx.killBroker(1);
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(-1, 6, List.of(1), 1, 4));
        assertThat(ctx.state.partitionState(T0)).isEqualTo(PartitionState.OFFLINE);

        ControllerResult r = ctx.startBroker(1, 500);
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(1, 7, List.of(1), 1, 5));
        assertThat(ctx.state.partitionState(T0)).isEqualTo(PartitionState.ONLINE);
        assertThat(leaderAndIsrPartitions(r)).containsKeys(1, 2);
        assertThat(updateMetadata(r)).filteredOn(UpdateMetadataRequest::full).extracting(UpdateMetadataRequest::brokerId)
            .containsExactly(1);
    }

    @Test
    void uncleanElectionPicksAnyLiveReplicaWhenTheTopicAllowsIt() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .uncleanTopic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1)).build();

        ctx.killBroker(1);

        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(2, 6, List.of(2), 1, 4));
    }

    @Test
    void aBrokerRegisteredUnderANewEpochIsTreatedAsRestarted() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).build();

        ctx.startBroker(1, 999);

        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(2);
        assertThat(ctx.leadership("t", 0).leaderEpoch()).isEqualTo(6);
        assertThat(ctx.state.liveBrokers().get(1).epoch()).isEqualTo(999);
        assertThat(leaderAndIsrPartitions(ctx.lastResult)).containsKeys(1, 2);
    }

    /**
     * Found by the cluster simulation: the failure half of a bounce used to queue a plain
     * StopReplica for the new incarnation, sent after its LeaderAndIsr, so the restarted broker
     * stopped fetching the partitions it had just been told to follow and never rejoined the ISR.
     * As in Kafka, what the failure half addresses to the old incarnation is not sent.
     */
    @Test
    void aRestartedBrokerIsToldToFollowAndNotToStop() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).build();

        ControllerResult r = ctx.startBroker(2, 999);

        assertThat(stopReplicas(r)).isEmpty();
        assertThat(leaderAndIsrInfo(r, 2, T0).leader()).isEqualTo(1);
        assertThat(leaderAndIsrByBroker(r).get(2)).extracting(LeaderAndIsrRequest::brokerEpoch).containsOnly(999L);
        assertThat(ctx.leadership("t", 0).isr()).containsExactly(1);
    }

    @Test
    void isrChangeFromALeaderIsTakenAndPublished() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2, 3))).state("t", 0, 1, 5, List.of(1, 2, 3)).build();

        ControllerResult r = ctx.leaderUpdatesIsr(T0, List.of(1, 3));

        assertThat(r.zkWrites()).isEmpty();
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(1, 5, List.of(1, 3), 0, 4));
        assertThat(updateMetadata(r)).hasSize(3).allSatisfy(um ->
            assertThat(um.partitions()).singleElement().satisfies(p -> assertThat(p.isr()).containsExactly(1, 3)));

        ControllerResult stale = ctx.handle(new ControllerEvent.IsrChangeNotification(
            Map.of(T0, new LeaderAndIsr(1, 5, List.of(1), 0, 4))));
        assertThat(stale.records()).isEmpty();
    }

    @Test
    void resignationForgetsEverythingAndLaterEventsAreIgnored() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1)
            .topic("t", assignment(0, List.of(1))).build();

        ctx.handle(new ControllerEvent.Resignation());

        assertThat(ctx.state.isActive()).isFalse();
        assertThat(ctx.state.allPartitions()).isEmpty();
        assertThat(ctx.handle(new ControllerEvent.BrokerChange(List.of())).records()).isEmpty();
    }
}
