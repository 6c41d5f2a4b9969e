package io.weir.cluster.controller;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Kafka's partition state machine: moves partitions between {@link PartitionState}s, creating
 * the first leadership of a NEW partition and electing leaders on the way to ONLINE. Changes go
 * to the event's {@link PendingChanges}; an invalid transition throws in strict mode and is
 * logged and skipped otherwise.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class PartitionStateMachine {

    private static final Logger log = LoggerFactory.getLogger(PartitionStateMachine.class);

    private PartitionStateMachine() {
    }

    /**
     * Move the partitions to {@code target}; for ONLINE, NEW partitions get their first leader
     * and the others an election by {@code strategy}.
     *
     * @return the partitions that reached the target state (a failed election leaves a partition where it was)
     */
    static Set<TopicPartition> handleStateChanges(PendingChanges changes, Collection<TopicPartition> partitions,
                                                  PartitionState target, ElectionStrategy strategy) {
        Set<TopicPartition> done = new TreeSet<>(Partitions.ORDER);
        for (TopicPartition tp : Partitions.sorted(partitions)) {
            PartitionState current = changes.partitionState(tp);
            if (!target.canTransitionFrom(current)) {
                invalidTransition(changes, tp, current, target);
                continue;
            }
            boolean reached = switch (target) {
                case ONLINE -> current == PartitionState.NEW ? initializeLeader(changes, tp) : elect(changes, tp, strategy);
                case NEW, OFFLINE, NON_EXISTENT -> true;
            };
            if (reached) {
                changes.setPartitionState(tp, target);
                done.add(tp);
            }
        }
        return done;
    }

    /** Elect leaders for every NEW or OFFLINE partition of a topic not being deleted (Kafka's triggerOnlinePartitionStateChange). */
    static Set<TopicPartition> triggerOnlineStateChange(PendingChanges changes) {
        return triggerOnlineStateChange(changes, changes.allPartitions());
    }

    /** The same for {@code partitions} only (one topic's, when its unclean election was turned on). */
    static Set<TopicPartition> triggerOnlineStateChange(PendingChanges changes, Collection<TopicPartition> partitions) {
        List<TopicPartition> candidates = partitions.stream()
            .filter(tp -> !changes.isDeleting(tp.topic()))
            .filter(tp -> {
                PartitionState s = changes.partitionState(tp);
                return s == PartitionState.NEW || s == PartitionState.OFFLINE;
            })
            .toList();
        return handleStateChanges(changes, candidates, PartitionState.ONLINE, ElectionStrategy.OFFLINE);
    }

    private static boolean initializeLeader(PendingChanges changes, TopicPartition tp) {
        if (changes.leadership(tp).isPresent()) {
            return elect(changes, tp, ElectionStrategy.OFFLINE);
        }
        List<Integer> replicas = changes.replicas(tp);
        List<Integer> online = replicas.stream().filter(changes::isReplicaOnline).toList();
        if (online.isEmpty()) {
            log.warn("Partition {} stays new: none of its replicas {} is online", tp, replicas);
            return false;
        }
        LeaderAndIsr initial = new LeaderAndIsr(online.get(0), 0, online, changes.controllerEpoch(),
            PendingChanges.CREATE);
        changes.writeLeadership(tp, initial);
        changes.requests().addLeaderAndIsr(online, tp, true);
        return true;
    }

    private static boolean elect(PendingChanges changes, TopicPartition tp, ElectionStrategy strategy) {
        Optional<LeaderAndIsr> current = changes.leadership(tp);
        if (current.isEmpty()) {
            log.warn("Partition {} has no leadership to elect from", tp);
            return false;
        }
        Optional<LeaderElection.Result> result = run(changes, tp, current.get(), strategy);
        if (result.isEmpty()) {
            log.warn("No leader for partition {} by {} election (replicas {}, isr {})", tp, strategy,
                changes.replicas(tp), current.get().isr());
            return false;
        }
        LeaderElection.Result elected = result.get();
        if (elected.unclean()) {
            log.warn("Unclean election of leader {} for partition {}: records not on it are lost", elected.leader(), tp);
        }
        changeLeadership(changes, tp, current.get(), elected.leader(), elected.isr());
        List<Integer> live = changes.replicas(tp).stream().filter(changes::isLive).toList();
        changes.requests().addLeaderAndIsr(live, tp, false);
        return true;
    }

    private static Optional<LeaderElection.Result> run(PendingChanges changes, TopicPartition tp,
                                                       LeaderAndIsr current, ElectionStrategy strategy) {
        PartitionAssignment a = changes.assignment(tp).orElseThrow();
        return switch (strategy) {
            case OFFLINE -> LeaderElection.offline(a.replicas(), current.isr(), changes::isReplicaOnline,
                changes.uncleanLeaderElection(tp.topic()));
            case OFFLINE_UNCLEAN -> LeaderElection.offline(a.replicas(), current.isr(), changes::isReplicaOnline, true);
            case REASSIGN -> LeaderElection.reassign(a.targetReplicas(), current.isr(), changes::isReplicaOnline);
            case PREFERRED -> LeaderElection.preferred(a.replicas(), current.isr(), changes::isReplicaOnline);
            case CONTROLLED_SHUTDOWN -> LeaderElection.controlledShutdown(a.replicas(), current.isr(),
                changes::isLive, changes.shuttingDownBrokers());
        };
    }

    /**
     * Write a new leader and ISR. The leader epoch goes up by one when the leader differs from the
     * one before this event (also to or from "no leader") and stays when only the ISR changes, so
     * one event bumps an epoch at most once however many steps it takes; the controller epoch is
     * ours.
     */
    static LeaderAndIsr changeLeadership(PendingChanges changes, TopicPartition tp, LeaderAndIsr current,
                                         int leader, List<Integer> isr) {
        LeaderAndIsr before = changes.leadershipBeforeWrites(tp).orElse(current);
        int epoch = leader == before.leader() ? before.leaderEpoch() : before.leaderEpoch() + 1;
        LeaderAndIsr next = new LeaderAndIsr(leader, epoch, isr, changes.controllerEpoch(), current.zkVersion());
        return changes.writeLeadership(tp, next);
    }

    static void invalidTransition(PendingChanges changes, Object what, Enum<?> from, Enum<?> to) {
        String message = "Invalid state transition of " + what + " from " + from + " to " + to;
        if (changes.config().strictStateTransitions()) {
            throw new InvalidStateTransitionException(message);
        }
        log.error(message);
    }
}
