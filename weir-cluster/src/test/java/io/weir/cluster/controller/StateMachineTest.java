package io.weir.cluster.controller;

import static io.weir.cluster.controller.ControllerTestContext.assignment;
import static io.weir.cluster.controller.ControllerTestContext.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class StateMachineTest {

    @Test
    void partitionTransitionsFollowKafka() {
        assertThat(PartitionState.NEW.canTransitionFrom(PartitionState.NON_EXISTENT)).isTrue();
        assertThat(PartitionState.ONLINE.canTransitionFrom(PartitionState.NEW)).isTrue();
        assertThat(PartitionState.ONLINE.canTransitionFrom(PartitionState.OFFLINE)).isTrue();
        assertThat(PartitionState.OFFLINE.canTransitionFrom(PartitionState.ONLINE)).isTrue();
        assertThat(PartitionState.NON_EXISTENT.canTransitionFrom(PartitionState.OFFLINE)).isTrue();
        assertThat(PartitionState.NON_EXISTENT.canTransitionFrom(PartitionState.ONLINE)).isFalse();
        assertThat(PartitionState.ONLINE.canTransitionFrom(PartitionState.NON_EXISTENT)).isFalse();
        assertThat(PartitionState.NEW.canTransitionFrom(PartitionState.ONLINE)).isFalse();
    }

    @Test
    void replicaTransitionsFollowKafka() {
        assertThat(ReplicaState.NEW.canTransitionFrom(ReplicaState.NON_EXISTENT)).isTrue();
        assertThat(ReplicaState.ONLINE.canTransitionFrom(ReplicaState.DELETION_INELIGIBLE)).isTrue();
        assertThat(ReplicaState.DELETION_STARTED.canTransitionFrom(ReplicaState.OFFLINE)).isTrue();
        assertThat(ReplicaState.DELETION_STARTED.canTransitionFrom(ReplicaState.ONLINE)).isFalse();
        assertThat(ReplicaState.DELETION_SUCCESSFUL.canTransitionFrom(ReplicaState.DELETION_STARTED)).isTrue();
        assertThat(ReplicaState.DELETION_INELIGIBLE.canTransitionFrom(ReplicaState.DELETION_STARTED)).isTrue();
        assertThat(ReplicaState.NON_EXISTENT.canTransitionFrom(ReplicaState.DELETION_SUCCESSFUL)).isTrue();
        assertThat(ReplicaState.NON_EXISTENT.canTransitionFrom(ReplicaState.ONLINE)).isFalse();
        assertThat(ReplicaState.OFFLINE.canTransitionFrom(ReplicaState.DELETION_STARTED)).isFalse();
    }

    @Test
    void invalidTransitionsThrowInStrictModeAndAreSkippedOtherwise() {
        ControllerTestContext strict = ControllerTestContext.builder().brokers(1)
            .topic("t", assignment(0, List.of(1))).build();
        PendingChanges changes = new PendingChanges(strict.state, ControllerConfig.strict());
        assertThatThrownBy(() -> PartitionStateMachine.handleStateChanges(changes, List.of(tp("t", 0)),
            PartitionState.NEW, ElectionStrategy.OFFLINE)).isInstanceOf(InvalidStateTransitionException.class);
        assertThatThrownBy(() -> ReplicaStateMachine.handleStateChanges(changes,
            List.of(new PartitionReplica(tp("t", 0), 1)), ReplicaState.DELETION_SUCCESSFUL))
            .isInstanceOf(InvalidStateTransitionException.class);

        PendingChanges lenient = new PendingChanges(strict.state, ControllerConfig.defaults());
        assertThat(PartitionStateMachine.handleStateChanges(lenient, List.of(tp("t", 0)), PartitionState.NEW,
            ElectionStrategy.OFFLINE)).isEmpty();
        assertThat(lenient.toResult().records()).isEmpty();
    }
}
