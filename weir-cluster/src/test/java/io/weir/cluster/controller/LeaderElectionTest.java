package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
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

import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.ControllerResponse.ElectLeadersResponse;
import io.weir.cluster.controller.LeaderElection.Result;
import io.weir.cluster.zk.LeaderAndIsr;

class LeaderElectionTest {

    @Test
    void cleanElectionTakesTheFirstLiveIsrMemberInAssignmentOrder() {
        assertThat(LeaderElection.offline(List.of(1, 2, 3), List.of(3, 2), r -> r != 1, false))
            .contains(new Result(2, List.of(3, 2), false));
        assertThat(LeaderElection.offline(List.of(1, 2, 3), List.of(1, 2, 3), r -> r == 3, false))
            .contains(new Result(3, List.of(3), false));
    }

    @Test
    void cleanElectionWithoutALiveIsrMemberFails() {
        assertThat(LeaderElection.offline(List.of(1, 2, 3), List.of(1), r -> r != 1, false)).isEmpty();
    }

    @Test
    void uncleanElectionTakesAnyLiveReplicaAndResetsTheIsr() {
        assertThat(LeaderElection.offline(List.of(1, 2, 3), List.of(1), r -> r == 3, true))
            .contains(new Result(3, List.of(3), true));
        assertThat(LeaderElection.offline(List.of(1, 2), List.of(1), r -> false, true)).isEmpty();
    }

    @Test
    void preferredElectionNeedsTheFirstReplicaLiveAndInSync() {
        assertThat(LeaderElection.preferred(List.of(1, 2), List.of(2, 1), r -> true))
            .contains(new Result(1, List.of(2, 1), false));
        assertThat(LeaderElection.preferred(List.of(1, 2), List.of(2), r -> true)).isEmpty();
        assertThat(LeaderElection.preferred(List.of(1, 2), List.of(2, 1), r -> r != 1)).isEmpty();
    }

    @Test
    void controlledShutdownElectionSkipsShuttingDownBrokersAndDropsThemFromTheIsr() {
        assertThat(LeaderElection.controlledShutdown(List.of(1, 2, 3), List.of(1, 2, 3), r -> true, Set.of(1)))
            .contains(new Result(2, List.of(2, 3), false));
        assertThat(LeaderElection.controlledShutdown(List.of(1, 2), List.of(1), r -> true, Set.of(1))).isEmpty();
    }

    @Test
    void reassignElectionPicksFromTheTarget() {
        assertThat(LeaderElection.reassign(List.of(3, 2), List.of(1, 2, 3), r -> true))
            .contains(new Result(3, List.of(1, 2, 3), false));
    }

    @Test
    void controlledShutdownMovesEveryLeadershipAwayAndShrinksTheIsrs() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2, 3)
            .topic("t", assignment(0, List.of(1, 2, 3), 1, List.of(2, 1, 3), 2, List.of(1)))
            .state("t", 0, 1, 5, List.of(1, 2, 3))
            .state("t", 1, 2, 8, List.of(2, 1, 3))
            .state("t", 2, 1, 2, List.of(1))
            .build();

        ControllerResult r = ctx.handle(new ControllerEvent.ControlledShutdown(1, 101));

        // t-2 has a single replica: nothing can take it over, so (as in Kafka) it is not "remaining".
        assertThat(r.response()).contains(new ControlledShutdownResponse(Errors.NONE, Set.of()));
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(2, 6, List.of(2, 3), 1, 4));
        assertThat(ctx.leadership("t", 1)).isEqualTo(new LeaderAndIsr(2, 8, List.of(2, 3), 1, 4));
        assertThat(ctx.leadership("t", 2)).isEqualTo(new LeaderAndIsr(1, 2, List.of(1), 0, 3));
        assertThat(stopReplicas(r)).singleElement().satisfies(s -> {
            assertThat(s.brokerId()).isEqualTo(1);
            assertThat(s.partitions()).containsExactly(new BrokerRequest.StopReplicaPartition(tp("t", 1), 8, false));
        });
        assertThat(ctx.state.shuttingDownBrokers()).containsExactly(1);

        ctx.killBroker(1);
        assertThat(ctx.state.shuttingDownBrokers()).isEmpty();
        assertThat(ctx.leadership("t", 0).leaderEpoch()).isEqualTo(6);
    }

    @Test
    void controlledShutdownWithAStaleEpochOrUnknownBrokerIsRefused() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2).build();
        assertThat(ctx.handle(new ControllerEvent.ControlledShutdown(1, 5)).response())
            .contains(new ControlledShutdownResponse(Errors.STALE_BROKER_EPOCH, Set.of()));
        assertThat(ctx.handle(new ControllerEvent.ControlledShutdown(9, 5)).response())
            .contains(new ControlledShutdownResponse(Errors.BROKER_NOT_AVAILABLE, Set.of()));
    }

    @Test
    void preferredElectionMovesLeadershipBackAndReportsPerPartition() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2), 1, List.of(1, 2), 2, List.of(2, 1)))
            .state("t", 0, 2, 5, List.of(2, 1))
            .state("t", 1, 2, 5, List.of(2))
            .state("t", 2, 2, 5, List.of(2, 1))
            .build();
        TopicPartition unknown = tp("x", 0);

        ControllerResult r = ctx.handle(ControllerEvent.ReplicaLeaderElection.preferred(
            Set.of(tp("t", 0), tp("t", 1), tp("t", 2), unknown)));

        assertThat(r.response()).contains(new ElectLeadersResponse(Map.of(tp("t", 0), Errors.NONE,
            tp("t", 1), Errors.PREFERRED_LEADER_NOT_AVAILABLE, tp("t", 2), Errors.ELECTION_NOT_NEEDED,
            unknown, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        assertThat(ctx.leadership("t", 0)).isEqualTo(new LeaderAndIsr(1, 6, List.of(2, 1), 1, 4));
        assertThat(r.zkWrites()).hasSize(1);
    }

    @Test
    void autoRebalanceElectsPreferredLeadersOfImbalancedBrokers() {
        ControllerTestContext ctx = ControllerTestContext.builder().brokers(1, 2)
            .topic("t", assignment(0, List.of(1, 2), 1, List.of(2, 1)))
            .state("t", 0, 2, 5, List.of(2, 1))
            .state("t", 1, 2, 5, List.of(2, 1))
            .build();

        ctx.handle(new ControllerEvent.AutoPreferredLeaderRebalance());

        assertThat(ctx.leadership("t", 0).leader()).isEqualTo(1);
        assertThat(ctx.leadership("t", 1).leader()).isEqualTo(2);
        assertThat(ctx.handle(new ControllerEvent.AutoPreferredLeaderRebalance()).zkWrites()).isEmpty();
    }

    @Test
    void notControllerAnswersRequests() {
        ControllerState idle = new ControllerState();
        ControllerResult r = new Controller(ControllerConfig.strict())
            .handle(new ControllerEvent.ControlledShutdown(1, 1), idle);
        assertThat(r.response()).isEqualTo(Optional.of(new ControlledShutdownResponse(Errors.NOT_CONTROLLER,
            Set.of())));
    }
}
