package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrPartitions;
import static io.weir.cluster.controller.ControllerTestContext.tp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import io.weir.cluster.controller.ControllerEvent.ReplicaLeaderElection;
import io.weir.cluster.controller.ControllerResponse.ElectLeadersResponse;
import io.weir.cluster.zk.LeaderAndIsr;

/** Unclean elections asked for by an admin (ElectLeaders UNCLEAN) or by turning the topic config on. */
class UncleanElectionTest {

    private static ReplicaLeaderElection unclean(TopicPartition... partitions) {
        return new ReplicaLeaderElection(Set.of(partitions), ElectionType.UNCLEAN);
    }

    /** Topic "t" (clean), t-0 on [1, 2] with ISR [1] and t-1 on [2, 1] led by 2; broker 1 dies, so t-0 is offline. */
    private static ControllerTestContext offlinePartition() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2), 1, List.of(2, 1)))
            .state("t", 0, 1, 5, List.of(1))
            .state("t", 1, 2, 5, List.of(2, 1))
            .build();
        ctx.killBroker(1);
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(-1, 6, List.of(1), 1, 4));
        assertThat(ctx.state.partitionState(tp("t", 0))).isEqualTo(PartitionState.OFFLINE);
        return ctx;
    }

    @Test
    void electLeadersUncleanElectsALiveReplicaOutsideTheIsrForAnOfflinePartition() {
        ControllerTestContext ctx = offlinePartition();
        TopicPartition unknown = tp("x", 0);

        ControllerResult r = ctx.handle(unclean(tp("t", 0), tp("t", 1), unknown));

        assertThat(r.response()).contains(new ElectLeadersResponse(Map.of(tp("t", 0), Errors.NONE,
            tp("t", 1), Errors.ELECTION_NOT_NEEDED, unknown, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(2, 7, List.of(2), 1, 5));
        assertThat(ctx.state.partitionState(tp("t", 0))).isEqualTo(PartitionState.ONLINE);
        assertThat(leaderAndIsrPartitions(r)).containsEntry(2, Set.of(tp("t", 0)));
        assertThat(r.zkWrites()).hasSize(1);
    }

    @Test
    void electLeadersUncleanWithoutAnyLiveReplicaReportsNoEligibleLeader() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1))).state("t", 0, 1, 5, List.of(1)).build();
        ctx.killBroker(1);

        ControllerResult r = ctx.handle(unclean(tp("t", 0)));

        assertThat(r.response()).contains(new ElectLeadersResponse(Map.of(tp("t", 0),
            Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE)));
        assertThat(r.zkWrites()).isEmpty();
        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(-1);
    }

    @Test
    void aLeaderOnABrokerShuttingDownCountsAsGone() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1)).build();
        // Broker 1 asks to shut down; 2 is not in the ISR, so 1 keeps leading.
        ctx.handle(new ControllerEvent.ControlledShutdown(1, 101));
        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(1);

        ControllerResult r = ctx.handle(unclean(tp("t", 0)));

        assertThat(r.response()).contains(new ElectLeadersResponse(Map.of(tp("t", 0), Errors.NONE)));
        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(2);
        assertThat(ctx.leadership("t", 0).isr()).containsExactly(2);
    }

    @Test
    void electLeadersOnATopicBeingDeletedIsAnInvalidTopic() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).deleting("t").build();

        assertThat(ctx.handle(unclean(tp("t", 0))).response())
            .contains(new ElectLeadersResponse(Map.of(tp("t", 0), Errors.INVALID_TOPIC_EXCEPTION)));
        assertThat(ctx.handle(ReplicaLeaderElection.preferred(Set.of(tp("t", 0)))).response())
            .contains(new ElectLeadersResponse(Map.of(tp("t", 0), Errors.INVALID_TOPIC_EXCEPTION)));
    }

    @Test
    void turningUncleanElectionOnForATopicElectsLeadersForItsOfflinePartitions() {
        ControllerTestContext ctx = offlinePartition();
        ControllerTopic known = ctx.state.topic("t").orElseThrow();

        ControllerResult r = ctx.handle(new ControllerEvent.PartitionModifications(new TopicDescription(
            new ControllerTopic("t", known.topicId(), known.zkVersion(), true), ctx.zk.assignments.get("t"))));

        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(2, 7, List.of(2), 1, 5));
        assertThat(ctx.state.partitionState(tp("t", 0))).isEqualTo(PartitionState.ONLINE);
        assertThat(leaderAndIsrPartitions(r)).containsEntry(2, Set.of(tp("t", 0)));
        // t-1 had a leader: untouched.
        assertThat(ctx.leadership("t", 1)).isEqualTo(new LeaderAndIsr(2, 5, List.of(2), 1, 4));
    }

    @Test
    void anotherTopicChangeWithUncleanElectionOffElectsNothing() {
        ControllerTestContext ctx = offlinePartition();
        ControllerTopic known = ctx.state.topic("t").orElseThrow();

        ControllerResult r = ctx.handle(new ControllerEvent.PartitionModifications(new TopicDescription(
            new ControllerTopic("t", known.topicId(), known.zkVersion() + 1, false), ctx.zk.assignments.get("t"))));

        assertThat(r.zkWrites()).isEmpty();
        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(-1);
    }
}
