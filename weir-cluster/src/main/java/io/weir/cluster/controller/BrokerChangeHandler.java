package io.weir.cluster.controller;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.ControllerEvent.BrokerChange;

/**
 * Brokers joining and leaving (Kafka's {@code processBrokerChange}, {@code onBrokerFailure},
 * {@code onBrokerStartup}). A broker registered again under a new epoch (it restarted within
 * the session timeout) is handled as failed, then started.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class BrokerChangeHandler {

    private BrokerChangeHandler() {
    }

    static ControllerResult handle(PendingChanges changes, BrokerChange event) {
        Map<Integer, LiveBroker> before = Map.copyOf(changes.liveBrokers());
        Map<Integer, LiveBroker> after = event.liveBrokers().stream()
            .collect(Collectors.toMap(LiveBroker::id, Function.identity()));
        Set<Integer> dead = new TreeSet<>(before.keySet());
        dead.removeAll(after.keySet());
        Set<Integer> bounced = new TreeSet<>();
        after.forEach((id, b) -> {
            if (before.containsKey(id) && before.get(id).epoch() != b.epoch()) {
                bounced.add(id);
            }
        });
        Set<Integer> started = new TreeSet<>(after.keySet());
        started.removeAll(before.keySet());
        if (!bounced.isEmpty()) {
            List<LiveBroker> withoutBounced = before.values().stream()
                .filter(b -> !bounced.contains(b.id()) && !dead.contains(b.id())).toList();
            changes.setLiveBrokers(withoutBounced);
            onBrokerFailure(changes, union(dead, bounced));
            // A plain StopReplica built for the old incarnation would reach the new one after its
            // LeaderAndIsr and stop the fetching that LeaderAndIsr starts.
            changes.requests().dropRequestsTo(bounced);
            dead.clear();
        }
        changes.setLiveBrokers(event.liveBrokers());
        if (!dead.isEmpty()) {
            onBrokerFailure(changes, dead);
        }
        if (!started.isEmpty() || !bounced.isEmpty()) {
            onBrokerStartup(changes, union(started, bounced));
        }
        if (!before.equals(after)) {
            changes.requests().addUpdateMetadata(List.of());
        }
        return changes.toResult();
    }

    /**
     * Partitions led by a dead broker go OFFLINE and get new leaders; its replicas go OFFLINE
     * (leaving the ISRs); replicas of topics being deleted become ineligible for deletion.
     */
    private static void onBrokerFailure(PendingChanges changes, Set<Integer> deadBrokers) {
        List<PartitionReplica> replicas = changes.replicasOn(deadBrokers);
        List<PartitionReplica> regular = replicas.stream()
            .filter(r -> !changes.isDeleting(r.partition().topic())).toList();
        List<PartitionReplica> deleting = replicas.stream()
            .filter(r -> changes.isDeleting(r.partition().topic())).toList();
        List<TopicPartition> ledByDead = regular.stream().map(PartitionReplica::partition).distinct()
            .filter(tp -> changes.leadership(tp).map(l -> deadBrokers.contains(l.leader())).orElse(false))
            .toList();
        PartitionStateMachine.handleStateChanges(changes, ledByDead, PartitionState.OFFLINE, ElectionStrategy.OFFLINE);
        PartitionStateMachine.triggerOnlineStateChange(changes);
        ReplicaStateMachine.handleStateChanges(changes, regular, ReplicaState.OFFLINE);
        TopicHandler.failReplicaDeletion(changes, deleting);
    }

    /**
     * New brokers get full metadata; their replicas go ONLINE (a LeaderAndIsr each, so they start
     * following); partitions without a leader get one; reassignments and deletions waiting for
     * these brokers resume.
     */
    private static void onBrokerStartup(PendingChanges changes, Set<Integer> newBrokers) {
        changes.requests().addFullUpdateMetadata(newBrokers);
        List<PartitionReplica> replicas = changes.replicasOn(newBrokers).stream()
            .filter(r -> !changes.isDeleting(r.partition().topic())).toList();
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.ONLINE);
        PartitionStateMachine.triggerOnlineStateChange(changes);
        ReassignmentHandler.resume(changes, replicas.stream().map(PartitionReplica::partition).distinct().toList());
        TopicHandler.resumeDeletions(changes);
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }
}
