package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.ControllerEvent.ReassignmentRequested;
import io.weir.cluster.controller.ControllerResponse.ReassignmentResponse;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Partition reassignment as KIP-455 runs it in ZooKeeper mode, split into events:
 * <ol>
 *   <li>Request: write {@code replicas = TRS + ORS} with adding and removing replicas, tell every
 *       replica (the adding ones start as NEW followers), UpdateMetadata to all.</li>
 *   <li>Each ISR change (and broker startup) checks whether the ISR now holds all of TRS; then:
 *       adding replicas go ONLINE, the assignment becomes TRS, a leader outside TRS (or dead) is
 *       replaced by one from TRS, the removing replicas go OFFLINE (leaving the ISR) and are
 *       deleted (StopReplica delete=true).</li>
 * </ol>
 * A new request for a partition being reassigned replaces the old target (replicas no longer
 * wanted are deleted); a cancel (empty target) goes back to ORS. Unlike ZooKeeper-mode Kafka,
 * the leader epoch is not bumped when only the replica set changes: brokers accept the new state
 * by its partition epoch.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class ReassignmentHandler {

    private ReassignmentHandler() {
    }

    static ControllerResult onReassignmentRequested(PendingChanges changes, ReassignmentRequested event) {
        Map<TopicPartition, Errors> results = new TreeMap<>(Partitions.ORDER);
        Map<TopicPartition, Optional<List<Integer>>> requested = new TreeMap<>(Partitions.ORDER);
        requested.putAll(event.reassignments());
        requested.forEach((tp, target) -> {
            Errors error = validate(changes, tp, target);
            results.put(tp, error);
            if (error == Errors.NONE) {
                List<Integer> trs = target.orElseGet(() -> changes.assignment(tp).orElseThrow().originalReplicas());
                start(changes, tp, trs);
            }
        });
        return changes.toResult(Optional.of(new ReassignmentResponse(results)));
    }

    private static Errors validate(PendingChanges changes, TopicPartition tp, Optional<List<Integer>> target) {
        Optional<PartitionAssignment> current = changes.assignment(tp);
        if (current.isEmpty() || changes.isDeleting(tp.topic())) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (target.isEmpty()) {
            return current.get().isBeingReassigned() ? Errors.NONE : Errors.NO_REASSIGNMENT_IN_PROGRESS;
        }
        List<Integer> trs = target.get();
        if (trs.isEmpty() || new HashSet<>(trs).size() != trs.size() || !trs.stream().allMatch(changes::isLive)) {
            return Errors.INVALID_REPLICA_ASSIGNMENT;
        }
        return Errors.NONE;
    }

    private static void start(PendingChanges changes, TopicPartition tp, List<Integer> trs) {
        PartitionAssignment current = changes.assignment(tp).orElseThrow();
        if (!current.isBeingReassigned() && current.replicas().equals(trs)) {
            return;
        }
        List<Integer> unneeded = new ArrayList<>(current.addingReplicas());
        unneeded.removeAll(trs);
        PartitionAssignment next = PartitionAssignment.reassigning(current.originalReplicas(), trs);
        changes.writeAssignment(tp, next);
        if (!next.isBeingReassigned()) {
            maybeComplete(changes, tp);
            deleteReplicas(changes, tp, unneeded);
            return;
        }
        deleteReplicas(changes, tp, unneeded);
        List<PartitionReplica> adding = next.addingReplicas().stream()
            .map(r -> new PartitionReplica(tp, r))
            .filter(r -> changes.replicaState(r) == ReplicaState.NON_EXISTENT)
            .toList();
        List<Integer> live = next.replicas().stream().filter(changes::isLive).toList();
        changes.requests().addLeaderAndIsr(live, tp, false);
        ReplicaStateMachine.handleStateChanges(changes, adding, ReplicaState.NEW);
        maybeComplete(changes, tp);
    }

    /** Re-drive reassignments of these partitions (after failover or a broker's return). */
    static void resume(PendingChanges changes, List<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (changes.assignment(tp).map(PartitionAssignment::isBeingReassigned).orElse(false)) {
                maybeComplete(changes, tp);
            }
        }
    }

    static void resumeAll(PendingChanges changes) {
        resume(changes, changes.allPartitions());
    }

    /**
     * Finish the reassignment if every target replica is in the ISR and a leader from the target
     * can be had; otherwise leave it running.
     */
    static void maybeComplete(PendingChanges changes, TopicPartition tp) {
        PartitionAssignment a = changes.assignment(tp).orElseThrow();
        Optional<LeaderAndIsr> leadership = changes.leadership(tp);
        List<Integer> trs = a.targetReplicas();
        if (leadership.isEmpty() || changes.isDeleting(tp.topic())) {
            return;
        }
        LeaderAndIsr l = leadership.get();
        boolean caughtUp = l.isr().containsAll(trs) || !a.isBeingReassigned();
        boolean leaderOk = trs.contains(l.leader()) && changes.isReplicaOnline(l.leader());
        if (!caughtUp || (!leaderOk && LeaderElection.reassign(trs, l.isr(), changes::isReplicaOnline).isEmpty())) {
            return;
        }
        complete(changes, tp, a, leaderOk);
    }

    private static void complete(PendingChanges changes, TopicPartition tp, PartitionAssignment a, boolean leaderOk) {
        List<Integer> trs = a.targetReplicas();
        ReplicaStateMachine.handleStateChanges(changes, replicas(tp, a.addingReplicas()), ReplicaState.ONLINE);
        changes.writeAssignment(tp, PartitionAssignment.of(trs));
        if (leaderOk) {
            changes.requests().addLeaderAndIsr(trs.stream().filter(changes::isLive).toList(), tp, false);
        } else {
            PartitionStateMachine.handleStateChanges(changes, List.of(tp), PartitionState.ONLINE,
                ElectionStrategy.REASSIGN);
        }
        deleteReplicas(changes, tp, a.removingReplicas());
    }

    /** Take replicas out of the partition: OFFLINE (leaving the ISR), then deleted from their brokers. */
    private static void deleteReplicas(PendingChanges changes, TopicPartition tp, List<Integer> brokers) {
        List<PartitionReplica> replicas = replicas(tp, brokers);
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.OFFLINE);
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.DELETION_STARTED);
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.DELETION_SUCCESSFUL);
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.NON_EXISTENT);
    }

    private static List<PartitionReplica> replicas(TopicPartition tp, List<Integer> brokers) {
        return brokers.stream().map(r -> new PartitionReplica(tp, r)).toList();
    }
}
