package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.leaderAndIsrPartitions;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Topic events carrying what the driver read besides the assignment: partition states that exist
 * already (adopted, not created again) and a newer topic znode or unclean-election config.
 */
class TopicRefreshTest {

    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @Test
    void existingPartitionStatesAreAdoptedByTopicChange() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3).build();
        ctx.zk.createTopic("t", assignment(0, List.of(1, 2), 1, List.of(2, 3)), false);
        ctx.zk.states.put(T0, new LeaderAndIsr(1, 4, List.of(1, 2), 0, 2));

        ControllerResult r = ctx.handle(new ControllerEvent.TopicChange(ctx.zk.describeAll(),
            Map.of(T0, ctx.zk.states.get(T0))));

        assertThat(r.zkWrites()).containsExactly(
            new ZkWrite.UpdatePartitionState(T0, new LeaderAndIsr(1, 4, List.of(1, 2), 1, 3), 2),
            new ZkWrite.CreatePartitionState(T1, new LeaderAndIsr(2, 0, List.of(2, 3), 1, 0)));
        assertThat(ctx.state.partitionState(T0)).isEqualTo(PartitionState.ONLINE);
        assertThat(ctx.state.replicaState(new PartitionReplica(T0, 1))).isEqualTo(ReplicaState.ONLINE);
        assertThat(leaderAndIsrPartitions(r)).isEqualTo(Map.of(1, Set.of(T0), 2, Set.of(T0, T1), 3, Set.of(T1)));
    }

    @Test
    void existingStatesOfAddedPartitionsAreAdoptedByPartitionModifications() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).build();
        ctx.zk.assignments.get("t").put(1, PartitionAssignment.of(List.of(2, 1)));
        LeaderAndIsr existing = new LeaderAndIsr(2, 0, List.of(2, 1), 0, 0);
        ctx.zk.states.put(T1, existing);

        ControllerResult r = ctx.handle(new ControllerEvent.PartitionModifications(ctx.zk.describe("t"),
            Map.of(T1, existing)));

        assertThat(r.zkWrites()).containsExactly(
            new ZkWrite.UpdatePartitionState(T1, new LeaderAndIsr(2, 0, List.of(2, 1), 1, 1), 0));
    }

    @Test
    void partitionModificationsTakeANewerTopicVersionAndUncleanConfig() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2))).build();
        ControllerTopic known = ctx.state.topic("t").orElseThrow();
        ControllerTopic changed = new ControllerTopic("t", known.topicId(), 3, true);

        ControllerResult r = ctx.handle(new ControllerEvent.PartitionModifications(
            new TopicDescription(changed, ctx.zk.assignments.get("t"))));

        assertThat(r.zkWrites()).isEmpty();
        assertThat(ctx.state.topic("t")).contains(changed);
        ControllerTopic older = new ControllerTopic("t", known.topicId(), 2, false);
        ctx.handle(new ControllerEvent.PartitionModifications(new TopicDescription(older, ctx.zk.assignments.get("t"))));
        assertThat(ctx.state.topic("t")).contains(changed);
    }
}
