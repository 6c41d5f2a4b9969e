package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.ControllerEvent.ControlledShutdown;
import io.weir.cluster.controller.ControllerEvent.IsrChangeNotification;
import io.weir.cluster.controller.ControllerEvent.ReplicaLeaderElection;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.ControllerResponse.ElectLeadersResponse;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Leadership changes that are not caused by brokers coming or going: ISR changes made by
 * leaders, requested elections (preferred and unclean) and the automatic preferred rebalance,
 * controlled shutdown.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class LeadershipHandler {

    private LeadershipHandler() {
    }

    /**
     * Leaders wrote new ISRs: take the states read from ZooKeeper (ignoring any not newer than
     * ours), tell every broker, and finish reassignments whose targets are now all in sync.
     */
    static ControllerResult onIsrChange(PendingChanges changes, IsrChangeNotification event) {
        List<TopicPartition> changed = new ArrayList<>();
        for (TopicPartition tp : Partitions.sorted(event.states().keySet())) {
            LeaderAndIsr read = event.states().get(tp);
            if (changes.assignment(tp).isEmpty() || changes.isDeleting(tp.topic())) {
                continue;
            }
            Optional<LeaderAndIsr> current = changes.leadership(tp);
            if (current.isPresent() && read.zkVersion() <= current.get().zkVersion()) {
                continue;
            }
            changes.learnLeadership(tp, read);
            changed.add(tp);
        }
        changes.requests().addUpdateMetadata(changed);
        ReassignmentHandler.resume(changes, changed);
        return changes.toResult();
    }

    /**
     * ElectLeaders (Kafka's {@code processReplicaLeaderElection}): per partition NONE when a
     * leader was elected, or why not: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION (topic
     * being deleted), ELECTION_NOT_NEEDED (PREFERRED: the preferred replica leads; UNCLEAN: a live
     * leader exists), PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE.
     */
    static ControllerResult onReplicaElection(PendingChanges changes, ReplicaLeaderElection event) {
        boolean preferred = event.electionType() == ElectionType.PREFERRED;
        Map<TopicPartition, Errors> results = new TreeMap<>(Partitions.ORDER);
        List<TopicPartition> candidates = new ArrayList<>();
        for (TopicPartition tp : Partitions.sorted(event.partitions())) {
            Optional<PartitionAssignment> a = changes.assignment(tp);
            if (a.isEmpty()) {
                results.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (changes.isDeleting(tp.topic())) {
                results.put(tp, Errors.INVALID_TOPIC_EXCEPTION);
            } else if (!needsElection(changes, tp, a.get(), preferred)) {
                results.put(tp, Errors.ELECTION_NOT_NEEDED);
            } else {
                candidates.add(tp);
            }
        }
        Set<TopicPartition> elected = PartitionStateMachine.handleStateChanges(changes, candidates,
            PartitionState.ONLINE, preferred ? ElectionStrategy.PREFERRED : ElectionStrategy.OFFLINE_UNCLEAN);
        Errors failed = preferred ? Errors.PREFERRED_LEADER_NOT_AVAILABLE : Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE;
        candidates.forEach(tp -> results.put(tp, elected.contains(tp) ? Errors.NONE : failed));
        return changes.toResult(Optional.of(new ElectLeadersResponse(results)));
    }

    /** PREFERRED: the first replica does not lead; UNCLEAN: no leader, or one not online (Kafka's liveBrokerIds). */
    private static boolean needsElection(PendingChanges changes, TopicPartition tp, PartitionAssignment a,
                                         boolean preferred) {
        Optional<LeaderAndIsr> l = changes.leadership(tp);
        if (preferred) {
            return l.isEmpty() || l.get().leader() != a.replicas().get(0);
        }
        return l.isEmpty() || l.get().leader() == LeaderAndIsr.NO_LEADER || !changes.isReplicaOnline(l.get().leader());
    }

    /**
     * The automatic rebalance: for each broker, if more than
     * {@code leader.imbalance.per.broker.percentage} of the partitions it is preferred leader of
     * are led elsewhere, elect it where it is online and in the ISR. Partitions being reassigned or
     * deleted, and brokers shutting down, are left alone.
     */
    static ControllerResult onAutoRebalance(PendingChanges changes) {
        Map<Integer, List<TopicPartition>> preferredOf = new TreeMap<>();
        Map<Integer, List<TopicPartition>> imbalancedOf = new TreeMap<>();
        for (TopicPartition tp : changes.allPartitions()) {
            PartitionAssignment a = changes.assignment(tp).orElseThrow();
            Optional<LeaderAndIsr> l = changes.leadership(tp);
            if (a.isBeingReassigned() || changes.isDeleting(tp.topic()) || l.isEmpty()) {
                continue;
            }
            int preferred = a.replicas().get(0);
            preferredOf.computeIfAbsent(preferred, b -> new ArrayList<>()).add(tp);
            if (l.get().leader() != preferred) {
                imbalancedOf.computeIfAbsent(preferred, b -> new ArrayList<>()).add(tp);
            }
        }
        List<TopicPartition> candidates = new ArrayList<>();
        imbalancedOf.forEach((broker, imbalanced) -> {
            double ratio = (double) imbalanced.size() / preferredOf.get(broker).size();
            if (changes.isReplicaOnline(broker)
                && ratio * 100 > changes.config().leaderImbalancePerBrokerPercentage()) {
                imbalanced.stream().filter(tp -> changes.leadership(tp).orElseThrow().isr().contains(broker))
                    .forEach(candidates::add);
            }
        });
        PartitionStateMachine.handleStateChanges(changes, candidates, PartitionState.ONLINE,
            ElectionStrategy.PREFERRED);
        return changes.toResult();
    }

    /**
     * A broker shutting down: leaderships it holds move to another live ISR member (it leaves the
     * ISR), its follower replicas go OFFLINE (leaving the ISR, StopReplica without delete). The
     * answer lists the replicated partitions it still leads (no other live ISR member); like Kafka,
     * single-replica partitions are not counted, since nothing can take them over.
     */
    static ControllerResult onControlledShutdown(PendingChanges changes, ControlledShutdown event) {
        int broker = event.brokerId();
        LiveBroker live = changes.liveBrokers().get(broker);
        if (live == null) {
            return ControllerResult.of(new ControlledShutdownResponse(Errors.BROKER_NOT_AVAILABLE, Set.of()));
        }
        if (live.epoch() != event.brokerEpoch()) {
            return ControllerResult.of(new ControlledShutdownResponse(Errors.STALE_BROKER_EPOCH, Set.of()));
        }
        changes.addShuttingDown(broker);
        List<TopicPartition> led = new ArrayList<>();
        List<PartitionReplica> followed = new ArrayList<>();
        for (PartitionReplica r : changes.replicasOn(Set.of(broker))) {
            TopicPartition tp = r.partition();
            Optional<LeaderAndIsr> l = changes.leadership(tp);
            if (changes.isDeleting(tp.topic()) || l.isEmpty() || changes.replicas(tp).size() <= 1) {
                continue;
            }
            if (l.get().leader() == broker) {
                led.add(tp);
            } else {
                followed.add(r);
            }
        }
        PartitionStateMachine.handleStateChanges(changes, led, PartitionState.ONLINE,
            ElectionStrategy.CONTROLLED_SHUTDOWN);
        ReplicaStateMachine.handleStateChanges(changes, followed, ReplicaState.OFFLINE);
        Set<TopicPartition> remaining = new TreeSet<>(Partitions.ORDER);
        for (PartitionReplica r : changes.replicasOn(Set.of(broker))) {
            if (changes.replicas(r.partition()).size() > 1
                && changes.leadership(r.partition()).map(l -> l.leader() == broker).orElse(false)) {
                remaining.add(r.partition());
            }
        }
        return changes.toResult(Optional.of(new ControlledShutdownResponse(Errors.NONE, remaining)));
    }
}
