package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.stopReplicas;
import static io.weir.cluster.controller.ControllerTestContext.tp;
import static io.weir.cluster.controller.ControllerTestContext.updateMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;

class TopicDeletionTest {

    private static final TopicPartition T0 = tp("t", 0);

    @Test
    void deletionStopsAndDeletesEveryReplicaThenRemovesTheZnodes() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).build();

        ControllerResult r = ctx.handle(new ControllerEvent.TopicDeletion(Set.of("t", "ghost")));

        assertThat(r.zkWrites()).containsExactly(new ZkWrite.DeleteTopic("ghost"));
        assertThat(updateMetadata(r)).hasSize(3).allSatisfy(um -> assertThat(um.partitions()).singleElement()
            .satisfies(p -> assertThat(p.leader()).isEqualTo(BrokerRequest.LEADER_DURING_DELETE)));
        assertThat(stopReplicas(r)).extracting(StopReplicaRequest::brokerId).containsExactly(1, 2);
        assertThat(stopReplicas(r).get(0).partitions()).containsExactly(
            new StopReplicaPartition(T0, BrokerRequest.LEADER_DURING_DELETE, true));
        assertThat(ctx.state.partitionState(T0)).isEqualTo(PartitionState.OFFLINE);

        ControllerResult first = ctx.handle(new ControllerEvent.StopReplicaResponseReceived(1, Set.of(T0), Set.of()));
        assertThat(first.zkWrites()).isEmpty();
        ControllerResult done = ctx.handle(new ControllerEvent.StopReplicaResponseReceived(2, Set.of(T0), Set.of()));

        assertThat(done.zkWrites()).containsExactly(new ZkWrite.DeleteTopic("t"));
        assertThat(ctx.state.topics()).isEmpty();
        assertThat(ctx.state.allPartitions()).isEmpty();
        assertThat(ctx.zk.states).isEmpty();
    }

    @Test
    void replicasOnDeadBrokersWaitUntilTheBrokerReturns() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).build();
        ctx.killBroker(2);

        ctx.handle(new ControllerEvent.TopicDeletion(Set.of("t")));
        assertThat(ctx.state.replicaState(new PartitionReplica(T0, 2))).isEqualTo(ReplicaState.DELETION_INELIGIBLE);
        ctx.handle(new ControllerEvent.StopReplicaResponseReceived(1, Set.of(T0), Set.of()));
        assertThat(ctx.state.topics()).containsKey("t");

        ControllerResult back = ctx.startBroker(2, 700);
        assertThat(stopReplicas(back)).singleElement().satisfies(s -> assertThat(s.brokerId()).isEqualTo(2));
        ControllerResult done = ctx.handle(new ControllerEvent.StopReplicaResponseReceived(2, Set.of(T0), Set.of()));
        assertThat(done.zkWrites()).containsExactly(new ZkWrite.DeleteTopic("t"));
    }

    @Test
    void aDeletionQueuedBeforeFailoverResumesAtStartup() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).state("t", 0, 1, 5, List.of(1, 2)).deleting("t").build();
        assertThat(stopReplicas(ctx.lastResult)).extracting(StopReplicaRequest::brokerId).containsExactly(1, 2);
        assertThat(ctx.state.topicsToDelete()).containsExactly("t");
    }
}
