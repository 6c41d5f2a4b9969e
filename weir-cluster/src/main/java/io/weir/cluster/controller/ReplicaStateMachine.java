package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Kafka's replica state machine: moves replicas between {@link ReplicaState}s and tells their
 * brokers (LeaderAndIsr to start following, StopReplica to stop or delete). Taking a replica
 * OFFLINE removes it from the ISR (Kafka's rule: the last ISR member stays, so that a clean
 * election can pick it when it returns; a leader taken offline leaves the partition without
 * leader). Changes go to the event's {@link PendingChanges}.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class ReplicaStateMachine {

    private ReplicaStateMachine() {
    }

    static void handleStateChanges(PendingChanges changes, Collection<PartitionReplica> replicas,
                                   ReplicaState target) {
        List<PartitionReplica> sorted = new ArrayList<>(replicas);
        sorted.sort(PartitionReplica.ORDER);
        for (PartitionReplica replica : sorted) {
            ReplicaState current = changes.replicaState(replica);
            if (!target.canTransitionFrom(current)) {
                PartitionStateMachine.invalidTransition(changes, replica, current, target);
                continue;
            }
            if (transition(changes, replica, current, target)) {
                changes.setReplicaState(replica, target);
            }
        }
    }

    private static boolean transition(PendingChanges changes, PartitionReplica replica, ReplicaState current,
                                      ReplicaState target) {
        TopicPartition tp = replica.partition();
        int broker = replica.replica();
        switch (target) {
            case NEW -> {
                Optional<LeaderAndIsr> l = changes.leadership(tp);
                if (l.isPresent() && l.get().leader() == broker) {
                    PartitionStateMachine.invalidTransition(changes, replica + " (the leader)", current, target);
                    return false;
                }
                l.ifPresent(x -> changes.requests().addLeaderAndIsr(List.of(broker), tp, true));
            }
            case ONLINE -> {
                if (current != ReplicaState.NEW && changes.leadership(tp).isPresent()) {
                    changes.requests().addLeaderAndIsr(List.of(broker), tp, false);
                }
            }
            case OFFLINE -> {
                changes.requests().addStopReplica(broker, tp, false);
                if (!changes.isDeleting(tp.topic())) {
                    removeFromIsr(changes, replica);
                }
            }
            case DELETION_STARTED -> changes.requests().addStopReplica(broker, tp, true);
            case DELETION_SUCCESSFUL, DELETION_INELIGIBLE, NON_EXISTENT -> {
            }
        }
        return true;
    }

    private static void removeFromIsr(PendingChanges changes, PartitionReplica replica) {
        TopicPartition tp = replica.partition();
        int broker = replica.replica();
        Optional<LeaderAndIsr> found = changes.leadership(tp);
        if (found.isEmpty()) {
            return;
        }
        LeaderAndIsr current = found.get();
        if (!current.isr().contains(broker) && current.leader() != broker) {
            return;
        }
        int leader = current.leader() == broker ? LeaderAndIsr.NO_LEADER : current.leader();
        List<Integer> isr = current.isr().size() <= 1
            ? current.isr()
            : current.isr().stream().filter(r -> r != broker).toList();
        if (leader == current.leader() && isr.equals(current.isr())) {
            return;
        }
        PartitionStateMachine.changeLeadership(changes, tp, current, leader, isr);
        if (leader == LeaderAndIsr.NO_LEADER && changes.partitionState(tp) == PartitionState.ONLINE) {
            changes.setPartitionState(tp, PartitionState.OFFLINE);
        }
        List<Integer> others = changes.replicas(tp).stream().filter(r -> r != broker && changes.isLive(r)).toList();
        changes.requests().addLeaderAndIsr(others, tp, false);
    }
}
