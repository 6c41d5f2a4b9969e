package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.ControllerEvent.PartitionModifications;
import io.weir.cluster.controller.ControllerEvent.StopReplicaResponseReceived;
import io.weir.cluster.controller.ControllerEvent.TopicChange;
import io.weir.cluster.controller.ControllerEvent.TopicDeletion;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Topics appearing, growing and being deleted (Kafka's {@code TopicChange},
 * {@code PartitionModifications}, {@code TopicDeletionManager}).
 *
 * <p>Deletion: the topic's partitions go OFFLINE (brokers see leader -2 in UpdateMetadata and
 * drop them from their caches), each replica on a live broker gets StopReplica(delete=true)
 * (DELETION_STARTED), replicas on dead brokers wait (DELETION_INELIGIBLE) until their broker
 * returns. When every replica acknowledged (DELETION_SUCCESSFUL), the replicas and partitions
 * become NON_EXISTENT and the topic's znodes are deleted.
 *
 * <p>Stateless; runs on the controller thread.
 */
final class TopicHandler {

    private TopicHandler() {
    }

    static ControllerResult onTopicChange(PendingChanges changes, TopicChange event) {
        Map<String, TopicDescription> now = event.topics().stream()
            .collect(Collectors.toMap(TopicDescription::name, t -> t));
        for (String known : changes.topicNames()) {
            if (!now.containsKey(known)) {
                changes.forgetTopic(known);
            }
        }
        for (TopicDescription topic : new TreeMap<>(now).values()) {
            if (changes.topic(topic.name()).isEmpty()) {
                changes.putTopic(topic.topic());
                onNewPartitions(changes, topic, topic.partitions().keySet(), event.partitionStates());
            }
        }
        return changes.toResult();
    }

    static ControllerResult onPartitionModifications(PendingChanges changes, PartitionModifications event) {
        TopicDescription topic = event.topic();
        Optional<ControllerTopic> known = changes.topic(topic.name());
        if (known.isEmpty() || changes.isDeleting(topic.name())
            || !known.get().topicId().equals(topic.topic().topicId())) {
            return changes.toResult();
        }
        Set<Integer> added = new TreeSet<>(topic.partitions().keySet());
        changes.partitionsOf(topic.name()).forEach(tp -> added.remove(tp.partition()));
        // A newer znode version or a changed unclean.leader.election.enable is taken even without new partitions.
        boolean changed = !known.get().equals(topic.topic()) && topic.topic().zkVersion() >= known.get().zkVersion();
        if (!added.isEmpty() || changed) {
            changes.putTopic(topic.topic());
        }
        if (!added.isEmpty()) {
            onNewPartitions(changes, topic, added, event.partitionStates());
        }
        if (changed && topic.topic().uncleanLeaderElection() && !known.get().uncleanLeaderElection()) {
            // Kafka's processTopicUncleanLeaderElectionEnable: offline partitions may now take any live replica.
            PartitionStateMachine.triggerOnlineStateChange(changes, changes.partitionsOf(topic.name()));
        }
        return changes.toResult();
    }

    /**
     * Kafka's {@code onNewPartitionCreation}: NEW, then ONLINE with a first leader; replicas NEW then
     * ONLINE. A partition whose state znode already exists keeps it: its leader is elected from it.
     */
    private static void onNewPartitions(PendingChanges changes, TopicDescription topic, Set<Integer> partitionIds,
                                        Map<TopicPartition, LeaderAndIsr> existingStates) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p : partitionIds) {
            TopicPartition tp = new TopicPartition(topic.name(), p);
            changes.learnAssignment(tp, topic.partitions().get(p));
            partitions.add(tp);
        }
        List<PartitionReplica> replicas = partitions.stream().flatMap(changes::replicasOf).toList();
        PartitionStateMachine.handleStateChanges(changes, partitions, PartitionState.NEW, ElectionStrategy.OFFLINE);
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.NEW);
        // Learned only now: a replica cannot become NEW while it leads.
        partitions.stream().filter(existingStates::containsKey)
            .forEach(tp -> changes.learnLeadership(tp, existingStates.get(tp)));
        PartitionStateMachine.handleStateChanges(changes, partitions, PartitionState.ONLINE, ElectionStrategy.OFFLINE);
        List<PartitionReplica> online = replicas.stream().filter(r -> changes.isReplicaOnline(r.replica())).toList();
        List<PartitionReplica> offline = replicas.stream().filter(r -> !changes.isReplicaOnline(r.replica())).toList();
        ReplicaStateMachine.handleStateChanges(changes, online, ReplicaState.ONLINE);
        ReplicaStateMachine.handleStateChanges(changes, offline, ReplicaState.OFFLINE);
    }

    static ControllerResult onTopicDeletion(PendingChanges changes, TopicDeletion event) {
        for (String topic : new TreeSet<>(event.topics())) {
            if (changes.topic(topic).isEmpty()) {
                changes.deleteUnknownTopic(topic);
            } else {
                changes.queueTopicDeletion(topic);
            }
        }
        resumeDeletions(changes);
        return changes.toResult();
    }

    /** Start deleting every queued topic's replicas that are not deleted or being deleted yet. */
    static void resumeDeletions(PendingChanges changes) {
        for (String topic : changes.topicsToDelete()) {
            List<TopicPartition> partitions = changes.partitionsOf(topic);
            if (partitions.stream().anyMatch(tp -> changes.assignment(tp).orElseThrow().isBeingReassigned())) {
                continue;
            }
            startDeletion(changes, topic, partitions);
        }
    }

    private static void startDeletion(PendingChanges changes, String topic, List<TopicPartition> partitions) {
        List<TopicPartition> notOffline = partitions.stream()
            .filter(tp -> changes.partitionState(tp) != PartitionState.OFFLINE).toList();
        boolean starting = partitions.stream().flatMap(changes::replicasOf)
            .anyMatch(r -> !isDeletionState(changes.replicaState(r)));
        if (starting) {
            changes.requests().addUpdateMetadata(partitions);
        }
        PartitionStateMachine.handleStateChanges(changes, notOffline, PartitionState.OFFLINE, ElectionStrategy.OFFLINE);
        List<PartitionReplica> toStop = new ArrayList<>();
        List<PartitionReplica> ineligible = new ArrayList<>();
        for (PartitionReplica r : partitions.stream().flatMap(changes::replicasOf).toList()) {
            ReplicaState s = changes.replicaState(r);
            if (s == ReplicaState.DELETION_STARTED || s == ReplicaState.DELETION_SUCCESSFUL) {
                continue;
            }
            (changes.isLive(r.replica()) ? toStop : ineligible).add(r);
        }
        ReplicaStateMachine.handleStateChanges(changes, toStop, ReplicaState.OFFLINE);
        ReplicaStateMachine.handleStateChanges(changes, toStop, ReplicaState.DELETION_STARTED);
        failReplicaDeletion(changes, ineligible);
        maybeCompleteDeletion(changes, topic);
    }

    private static boolean isDeletionState(ReplicaState s) {
        return s == ReplicaState.DELETION_STARTED || s == ReplicaState.DELETION_SUCCESSFUL
            || s == ReplicaState.DELETION_INELIGIBLE;
    }

    /** Replicas of topics being deleted that cannot be deleted now (their broker is down). */
    static void failReplicaDeletion(PendingChanges changes, List<PartitionReplica> replicas) {
        List<PartitionReplica> toOffline = replicas.stream().filter(r -> {
            ReplicaState s = changes.replicaState(r);
            return s != ReplicaState.DELETION_STARTED && s != ReplicaState.DELETION_INELIGIBLE
                && s != ReplicaState.DELETION_SUCCESSFUL;
        }).toList();
        ReplicaStateMachine.handleStateChanges(changes, toOffline, ReplicaState.OFFLINE);
        List<PartitionReplica> toFail = replicas.stream()
            .filter(r -> changes.replicaState(r) != ReplicaState.DELETION_INELIGIBLE
                && changes.replicaState(r) != ReplicaState.DELETION_SUCCESSFUL).toList();
        ReplicaStateMachine.handleStateChanges(changes, toFail, ReplicaState.DELETION_INELIGIBLE);
    }

    static ControllerResult onStopReplicaResponse(PendingChanges changes, StopReplicaResponseReceived event) {
        Set<String> topics = new TreeSet<>();
        List<PartitionReplica> deleted = startedReplicas(changes, event.brokerId(), event.deleted(), topics);
        List<PartitionReplica> failed = startedReplicas(changes, event.brokerId(), event.failed(), topics);
        ReplicaStateMachine.handleStateChanges(changes, deleted, ReplicaState.DELETION_SUCCESSFUL);
        ReplicaStateMachine.handleStateChanges(changes, failed, ReplicaState.DELETION_INELIGIBLE);
        topics.forEach(t -> maybeCompleteDeletion(changes, t));
        return changes.toResult();
    }

    private static List<PartitionReplica> startedReplicas(PendingChanges changes, int broker,
                                                          Set<TopicPartition> partitions, Set<String> topics) {
        List<PartitionReplica> replicas = new ArrayList<>();
        for (TopicPartition tp : Partitions.sorted(partitions)) {
            PartitionReplica r = new PartitionReplica(tp, broker);
            if (changes.isDeleting(tp.topic()) && changes.replicaState(r) == ReplicaState.DELETION_STARTED) {
                replicas.add(r);
                topics.add(tp.topic());
            }
        }
        return replicas;
    }

    private static void maybeCompleteDeletion(PendingChanges changes, String topic) {
        List<TopicPartition> partitions = changes.partitionsOf(topic);
        List<PartitionReplica> replicas = partitions.stream().flatMap(changes::replicasOf).toList();
        if (!replicas.stream().allMatch(r -> changes.replicaState(r) == ReplicaState.DELETION_SUCCESSFUL)) {
            return;
        }
        ReplicaStateMachine.handleStateChanges(changes, replicas, ReplicaState.NON_EXISTENT);
        PartitionStateMachine.handleStateChanges(changes, partitions, PartitionState.NON_EXISTENT,
            ElectionStrategy.OFFLINE);
        changes.removeTopic(topic);
    }
}
