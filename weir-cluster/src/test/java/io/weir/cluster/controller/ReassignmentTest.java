package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrInfo;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrPartitions;
import static io.weir.cluster.controller.ControllerTestContext.stopReplicas;
import static io.weir.cluster.controller.ControllerTestContext.tp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.ControllerResponse.ReassignmentResponse;
import io.weir.cluster.zk.LeaderAndIsr;

class ReassignmentTest {

    private static final TopicPartition T0 = tp("t", 0);

    private static ControllerTestContext cluster() {
        return ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).build();
    }

    @Test
    void reassignmentAddsReplicasWaitsForTheIsrThenMovesLeaderAndRemovesOldReplicas() {
        ControllerTestContext ctx = cluster();

        ControllerResult a = ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(T0,
            Optional.of(List.of(3, 2)))));

        assertThat(a.response()).contains(new ReassignmentResponse(Map.of(T0, Errors.NONE)));
        PartitionAssignment moving = new PartitionAssignment(List.of(3, 2, 1), List.of(3), List.of(1));
        assertThat(a.zkWrites()).singleElement().isInstanceOf(ZkWrite.UpdateTopicAssignment.class)
            .satisfies(w -> {
                ZkWrite.UpdateTopicAssignment u = (ZkWrite.UpdateTopicAssignment) w;
                assertThat(u.partitions()).isEqualTo(Map.of(0, moving));
                assertThat(u.expectedZkVersion()).isZero();
            });
        assertThat(leaderAndIsrPartitions(a)).isEqualTo(Map.of(1, Set.of(T0), 2, Set.of(T0), 3, Set.of(T0)));
        assertThat(leaderAndIsrInfo(a, 3, T0).isNew()).isTrue();
        assertThat(leaderAndIsrInfo(a, 1, T0).addingReplicas()).containsExactly(3);
        assertThat(ctx.leadership("t", 0).leaderEpoch()).isEqualTo(5);

        ControllerResult notYet = ctx.leaderUpdatesIsr(T0, List.of(1, 2));
        assertThat(notYet.zkWrites()).isEmpty();

        ControllerResult b = ctx.leaderUpdatesIsr(T0, List.of(1, 2, 3));

        assertThat(ctx.state.assignment(T0)).contains(PartitionAssignment.of(List.of(3, 2)));
        assertThat(ctx.zk.assignments.get("t").get(0)).isEqualTo(PartitionAssignment.of(List.of(3, 2)));
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(3, 6, List.of(2, 3), 1, 6));
        assertThat(stopReplicas(b)).singleElement().satisfies(s -> {
            assertThat(s.brokerId()).isEqualTo(1);
            assertThat(s.partitions()).containsExactly(new StopReplicaPartition(T0, 6, true));
        });
        assertThat(leaderAndIsrPartitions(b)).containsKeys(2, 3);
        assertThat(ctx.state.replicaState(new PartitionReplica(T0, 1))).isEqualTo(ReplicaState.NON_EXISTENT);
        assertThat(ctx.state.replicaState(new PartitionReplica(T0, 3))).isEqualTo(ReplicaState.ONLINE);
    }

    @Test
    void cancellingRevertsToTheOriginalReplicasAndDeletesTheAddedOnes() {
        ControllerTestContext ctx = cluster();
        ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(T0, Optional.of(List.of(3, 2)))));

        ControllerResult r = ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(T0, Optional.empty())));

        assertThat(r.response()).contains(new ReassignmentResponse(Map.of(T0, Errors.NONE)));
        // As in Kafka, ORS is what remains of RS = TRS + ORS without the adding replicas, so its order can change.
        assertThat(ctx.state.assignment(T0)).contains(PartitionAssignment.of(List.of(2, 1)));
        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(1);
        assertThat(stopReplicas(r)).singleElement().satisfies(s -> assertThat(s.brokerId()).isEqualTo(3));
        assertThat(ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(T0, Optional.empty()))).response())
            .contains(new ReassignmentResponse(Map.of(T0, Errors.NO_REASSIGNMENT_IN_PROGRESS)));
    }

    @Test
    void invalidTargetsAreRefused() {
        ControllerTestContext ctx = cluster();
        ControllerResult r = ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(
            T0, Optional.of(List.of(1, 9)),
            tp("t", 5), Optional.of(List.of(1)))));
        assertThat(r.response()).contains(new ReassignmentResponse(Map.of(T0, Errors.INVALID_REPLICA_ASSIGNMENT,
            tp("t", 5), Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        assertThat(r.zkWrites()).isEmpty();
    }

    @Test
    void aReassignmentWithinTheIsrCompletesAtOnce() {
        ControllerTestContext ctx = cluster();
        ControllerResult r = ctx.handle(new ControllerEvent.ReassignmentRequested(Map.of(T0,
            Optional.of(List.of(2)))));
        assertThat(ctx.state.assignment(T0)).contains(PartitionAssignment.of(List.of(2)));
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(2, 6, List.of(2), 1, 4));
        assertThat(r.zkWrites()).hasSize(2);
    }
}
