package io.weir.cluster.controller;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * The controller's view of the cluster (Kafka's {@code ControllerContext}): controller epoch,
 * live and shutting-down brokers, topics, assignments, partition leaderships with their znode
 * versions, the partition and replica state machines' states, and the topics being deleted.
 *
 * <p>Owned by the controller thread: read by {@link Controller#handle}, changed only by
 * {@link #replay(ControllerRecord)}. Not thread-safe.
 */
public final class ControllerState {

    private int controllerEpoch;
    private boolean active;
    private final SortedMap<Integer, LiveBroker> liveBrokers = new TreeMap<>();
    private final SortedSet<Integer> shuttingDownBrokers = new TreeSet<>();
    private final SortedMap<String, ControllerTopic> topics = new TreeMap<>();
    private final Map<String, SortedSet<Integer>> partitionIds = new HashMap<>();
    private final Map<TopicPartition, PartitionAssignment> assignments = new HashMap<>();
    private final Map<TopicPartition, LeaderAndIsr> leaderships = new HashMap<>();
    private final Map<TopicPartition, PartitionState> partitionStates = new HashMap<>();
    private final Map<PartitionReplica, ReplicaState> replicaStates = new HashMap<>();
    private final Set<String> topicsToDelete = new HashSet<>();

    public int controllerEpoch() {
        return controllerEpoch;
    }

    /** True between Startup and Resignation. */
    public boolean isActive() {
        return active;
    }

    public SortedMap<Integer, LiveBroker> liveBrokers() {
        return Collections.unmodifiableSortedMap(liveBrokers);
    }

    public SortedSet<Integer> shuttingDownBrokers() {
        return Collections.unmodifiableSortedSet(shuttingDownBrokers);
    }

    public SortedMap<String, ControllerTopic> topics() {
        return Collections.unmodifiableSortedMap(topics);
    }

    public Optional<ControllerTopic> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** The partitions of a topic, in order (empty for an unknown topic). */
    public List<TopicPartition> partitionsOf(String topic) {
        SortedSet<Integer> ids = partitionIds.getOrDefault(topic, Collections.emptySortedSet());
        return ids.stream().map(p -> new TopicPartition(topic, p)).toList();
    }

    /** Every assigned partition, in order. */
    public List<TopicPartition> allPartitions() {
        return Partitions.sortedList(assignments.keySet());
    }

    public Map<TopicPartition, PartitionAssignment> assignments() {
        return Collections.unmodifiableMap(assignments);
    }

    public Optional<PartitionAssignment> assignment(TopicPartition tp) {
        return Optional.ofNullable(assignments.get(tp));
    }

    public Map<TopicPartition, LeaderAndIsr> leaderships() {
        return Collections.unmodifiableMap(leaderships);
    }

    public Optional<LeaderAndIsr> leadership(TopicPartition tp) {
        return Optional.ofNullable(leaderships.get(tp));
    }

    public PartitionState partitionState(TopicPartition tp) {
        return partitionStates.getOrDefault(tp, PartitionState.NON_EXISTENT);
    }

    public ReplicaState replicaState(PartitionReplica replica) {
        return replicaStates.getOrDefault(replica, ReplicaState.NON_EXISTENT);
    }

    public Set<String> topicsToDelete() {
        return Collections.unmodifiableSet(topicsToDelete);
    }

    /** Replay a result's records, in order, once its ZooKeeper writes succeeded. */
    public void apply(ControllerResult result) {
        result.records().forEach(this::replay);
    }

    /** Apply one record: the only way this state changes. */
    public void replay(ControllerRecord record) {
        if (record instanceof ControllerRecord.Initialized r) {
            initialize(r.snapshot());
        } else if (record instanceof ControllerRecord.LiveBrokersChanged r) {
            setLiveBrokers(r.liveBrokers());
        } else if (record instanceof ControllerRecord.BrokerShuttingDown r) {
            shuttingDownBrokers.add(r.brokerId());
        } else if (record instanceof ControllerRecord.TopicUpserted r) {
            topics.put(r.topic().name(), r.topic());
        } else if (record instanceof ControllerRecord.AssignmentChanged r) {
            putAssignment(r.partition(), r.assignment());
        } else if (record instanceof ControllerRecord.LeadershipChanged r) {
            leaderships.put(r.partition(), r.leaderAndIsr());
        } else if (record instanceof ControllerRecord.PartitionStateChanged r) {
            putPartitionState(r.partition(), r.state());
        } else if (record instanceof ControllerRecord.ReplicaStateChanged r) {
            putReplicaState(r.replica(), r.state());
        } else if (record instanceof ControllerRecord.TopicDeletionQueued r) {
            topicsToDelete.add(r.topic());
        } else if (record instanceof ControllerRecord.TopicRemoved r) {
            removeTopic(r.topic());
        } else if (record instanceof ControllerRecord.Resigned) {
            clear();
        } else {
            throw new IllegalArgumentException("Unknown record " + record);
        }
    }

    private void initialize(ControllerSnapshot snapshot) {
        clear();
        active = true;
        controllerEpoch = snapshot.controllerEpoch();
        setLiveBrokers(snapshot.liveBrokers());
        for (TopicDescription topic : snapshot.topics()) {
            topics.put(topic.name(), topic.topic());
            topic.partitions().forEach((p, a) -> putAssignment(new TopicPartition(topic.name(), p), a));
        }
        snapshot.partitionStates().forEach((tp, state) -> {
            if (assignments.containsKey(tp)) {
                leaderships.put(tp, state);
            }
        });
        snapshot.topicsToDelete().stream().filter(topics::containsKey).forEach(topicsToDelete::add);
    }

    private void setLiveBrokers(List<LiveBroker> brokers) {
        liveBrokers.clear();
        brokers.forEach(b -> liveBrokers.put(b.id(), b));
        shuttingDownBrokers.retainAll(liveBrokers.keySet());
    }

    private void putAssignment(TopicPartition tp, PartitionAssignment assignment) {
        assignments.put(tp, assignment);
        partitionIds.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
    }

    private void putPartitionState(TopicPartition tp, PartitionState state) {
        if (state == PartitionState.NON_EXISTENT) {
            partitionStates.remove(tp);
        } else {
            partitionStates.put(tp, state);
        }
    }

    private void putReplicaState(PartitionReplica replica, ReplicaState state) {
        if (state == ReplicaState.NON_EXISTENT) {
            replicaStates.remove(replica);
        } else {
            replicaStates.put(replica, state);
        }
    }

    private void removeTopic(String topic) {
        for (TopicPartition tp : partitionsOf(topic)) {
            PartitionAssignment assignment = assignments.remove(tp);
            leaderships.remove(tp);
            partitionStates.remove(tp);
            assignment.replicas().forEach(r -> replicaStates.remove(new PartitionReplica(tp, r)));
        }
        partitionIds.remove(topic);
        topics.remove(topic);
        topicsToDelete.remove(topic);
    }

    private void clear() {
        active = false;
        controllerEpoch = 0;
        liveBrokers.clear();
        shuttingDownBrokers.clear();
        topics.clear();
        partitionIds.clear();
        assignments.clear();
        leaderships.clear();
        partitionStates.clear();
        replicaStates.clear();
        topicsToDelete.clear();
    }
}
