package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * The working copy of one event's handling: reads fall through to the {@link ControllerState},
 * changes are kept here (so later steps of the same event see them) and are recorded as
 * {@link ControllerRecord}s, ZooKeeper writes and broker requests. {@link #toResult} turns them
 * into the event's {@link ControllerResult}; the state itself is never touched.
 *
 * <p>A partition written several times in one event gets one ZooKeeper write, conditional on the
 * version before the event; the new version is that plus one (ZooKeeper's rule), which the
 * records carry so that replay needs no read-back.
 *
 * <p>Used by one thread for one event, then discarded. Not thread-safe.
 */
final class PendingChanges {

    static final int CREATE = -1;

    private final ControllerState base;
    private final ControllerConfig config;
    private final List<ControllerRecord> records = new ArrayList<>();
    private final Map<TopicPartition, LeaderAndIsr> leaderships = new HashMap<>();
    private final Map<TopicPartition, Integer> expectedVersions = new HashMap<>();
    private final Map<TopicPartition, LeaderAndIsr> beforeWrites = new HashMap<>();
    private final Map<TopicPartition, PartitionAssignment> assignments = new HashMap<>();
    private final Map<String, ControllerTopic> topics = new HashMap<>();
    private final Set<String> assignmentsToWrite = new TreeSet<>();
    private final Map<TopicPartition, PartitionState> partitionStates = new HashMap<>();
    private final Map<PartitionReplica, ReplicaState> replicaStates = new HashMap<>();
    private final SortedMap<Integer, LiveBroker> liveBrokers;
    private final Set<Integer> shuttingDown;
    private final Set<String> topicsToDelete;
    private final Set<String> removedTopics = new TreeSet<>();
    private final List<ZkWrite> topicDeletions = new ArrayList<>();
    private final RequestBatch requests = new RequestBatch();

    PendingChanges(ControllerState base, ControllerConfig config) {
        this.base = base;
        this.config = config;
        this.liveBrokers = new TreeMap<>(base.liveBrokers());
        this.shuttingDown = new HashSet<>(base.shuttingDownBrokers());
        this.topicsToDelete = new HashSet<>(base.topicsToDelete());
    }

    ControllerConfig config() {
        return config;
    }

    RequestBatch requests() {
        return requests;
    }

    int controllerEpoch() {
        return base.controllerEpoch();
    }

    // ---- reads ----

    SortedMap<Integer, LiveBroker> liveBrokers() {
        return liveBrokers;
    }

    boolean isLive(int brokerId) {
        return liveBrokers.containsKey(brokerId);
    }

    boolean isShuttingDown(int brokerId) {
        return shuttingDown.contains(brokerId);
    }

    Set<Integer> shuttingDownBrokers() {
        return Set.copyOf(shuttingDown);
    }

    /** Kafka's {@code isReplicaOnline}: the broker is live and not shutting down. */
    boolean isReplicaOnline(int brokerId) {
        return isLive(brokerId) && !isShuttingDown(brokerId);
    }

    Optional<ControllerTopic> topic(String name) {
        if (removedTopics.contains(name)) {
            return Optional.empty();
        }
        ControllerTopic topic = topics.get(name);
        return topic != null ? Optional.of(topic) : base.topic(name);
    }

    /** The names of every known topic (including ones added by this event), in order. */
    Set<String> topicNames() {
        Set<String> names = new TreeSet<>(base.topics().keySet());
        names.addAll(topics.keySet());
        names.removeAll(removedTopics);
        return names;
    }

    boolean isDeleting(String topic) {
        return topicsToDelete.contains(topic);
    }

    Set<String> topicsToDelete() {
        return new TreeSet<>(topicsToDelete);
    }

    boolean uncleanLeaderElection(String topic) {
        return topic(topic).map(ControllerTopic::uncleanLeaderElection).orElse(config.uncleanLeaderElectionDefault());
    }

    Optional<PartitionAssignment> assignment(TopicPartition tp) {
        if (removedTopics.contains(tp.topic())) {
            return Optional.empty();
        }
        PartitionAssignment a = assignments.get(tp);
        return a != null ? Optional.of(a) : base.assignment(tp);
    }

    List<Integer> replicas(TopicPartition tp) {
        return assignment(tp).map(PartitionAssignment::replicas).orElse(List.of());
    }

    /** Every assigned partition (including ones added by this event), in order. */
    List<TopicPartition> allPartitions() {
        LinkedHashSet<TopicPartition> all = new LinkedHashSet<>(base.assignments().keySet());
        all.addAll(assignments.keySet());
        return Partitions.sortedList(all.stream().filter(tp -> !removedTopics.contains(tp.topic())).toList());
    }

    List<TopicPartition> partitionsOf(String topic) {
        if (removedTopics.contains(topic)) {
            return List.of();
        }
        TreeSet<TopicPartition> partitions = Partitions.sorted(base.partitionsOf(topic));
        assignments.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(partitions::add);
        return List.copyOf(partitions);
    }

    Optional<LeaderAndIsr> leadership(TopicPartition tp) {
        if (removedTopics.contains(tp.topic())) {
            return Optional.empty();
        }
        LeaderAndIsr l = leaderships.get(tp);
        return l != null ? Optional.of(l) : base.leadership(tp);
    }

    /** The leadership before this event first wrote it (the current one if it did not). */
    Optional<LeaderAndIsr> leadershipBeforeWrites(TopicPartition tp) {
        LeaderAndIsr l = beforeWrites.get(tp);
        return l != null ? Optional.of(l) : leadership(tp);
    }

    PartitionState partitionState(TopicPartition tp) {
        PartitionState s = partitionStates.get(tp);
        return s != null ? s : base.partitionState(tp);
    }

    ReplicaState replicaState(PartitionReplica replica) {
        ReplicaState s = replicaStates.get(replica);
        return s != null ? s : base.replicaState(replica);
    }

    /** The replicas hosted by these brokers, of every assigned partition. */
    List<PartitionReplica> replicasOn(Set<Integer> brokerIds) {
        return allPartitions().stream()
            .flatMap(tp -> replicas(tp).stream().filter(brokerIds::contains).map(r -> new PartitionReplica(tp, r)))
            .toList();
    }

    Stream<PartitionReplica> replicasOf(TopicPartition tp) {
        return replicas(tp).stream().map(r -> new PartitionReplica(tp, r));
    }

    // ---- changes ----

    void record(ControllerRecord record) {
        records.add(record);
    }

    void setLiveBrokers(List<LiveBroker> brokers) {
        liveBrokers.clear();
        brokers.forEach(b -> liveBrokers.put(b.id(), b));
        shuttingDown.retainAll(liveBrokers.keySet());
        records.add(new ControllerRecord.LiveBrokersChanged(brokers));
    }

    void addShuttingDown(int brokerId) {
        if (shuttingDown.add(brokerId)) {
            records.add(new ControllerRecord.BrokerShuttingDown(brokerId));
        }
    }

    void putTopic(ControllerTopic topic) {
        topics.put(topic.name(), topic);
        removedTopics.remove(topic.name());
        records.add(new ControllerRecord.TopicUpserted(topic));
    }

    /** An assignment read from ZooKeeper: recorded, not written. */
    void learnAssignment(TopicPartition tp, PartitionAssignment assignment) {
        assignments.put(tp, assignment);
        records.add(new ControllerRecord.AssignmentChanged(tp, assignment));
    }

    /** An assignment the controller decided: recorded and written to the topic znode. */
    void writeAssignment(TopicPartition tp, PartitionAssignment assignment) {
        learnAssignment(tp, assignment);
        assignmentsToWrite.add(tp.topic());
    }

    /** A partition state read from ZooKeeper (a leader's ISR change): recorded, not written. */
    void learnLeadership(TopicPartition tp, LeaderAndIsr state) {
        leaderships.put(tp, state);
        records.add(new ControllerRecord.LeadershipChanged(tp, state));
    }

    /** A partition state the controller decided: written conditionally, recorded with its new version. */
    LeaderAndIsr writeLeadership(TopicPartition tp, LeaderAndIsr state) {
        leadership(tp).ifPresent(l -> beforeWrites.putIfAbsent(tp, l));
        int expected = expectedVersions.computeIfAbsent(tp,
            p -> leadership(p).map(LeaderAndIsr::zkVersion).orElse(CREATE));
        LeaderAndIsr stored = state.withZkVersion(expected + 1);
        leaderships.put(tp, stored);
        records.add(new ControllerRecord.LeadershipChanged(tp, stored));
        return stored;
    }

    void setPartitionState(TopicPartition tp, PartitionState state) {
        partitionStates.put(tp, state);
        records.add(new ControllerRecord.PartitionStateChanged(tp, state));
    }

    void setReplicaState(PartitionReplica replica, ReplicaState state) {
        replicaStates.put(replica, state);
        records.add(new ControllerRecord.ReplicaStateChanged(replica, state));
    }

    void queueTopicDeletion(String topic) {
        if (topicsToDelete.add(topic)) {
            records.add(new ControllerRecord.TopicDeletionQueued(topic));
        }
    }

    /** Forget the topic and delete its znodes. */
    void removeTopic(String topic) {
        topicsToDelete.remove(topic);
        removedTopics.add(topic);
        topicDeletions.add(new ZkWrite.DeleteTopic(topic));
        records.add(new ControllerRecord.TopicRemoved(topic));
    }

    /** Forget a topic whose znodes are already gone. */
    void forgetTopic(String topic) {
        topicsToDelete.remove(topic);
        removedTopics.add(topic);
        records.add(new ControllerRecord.TopicRemoved(topic));
    }

    /** Delete the znodes of a topic the controller does not know (a stale deletion marker). */
    void deleteUnknownTopic(String topic) {
        topicDeletions.add(new ZkWrite.DeleteTopic(topic));
    }

    // ---- result ----

    ControllerResult toResult(Optional<ControllerResponse> response) {
        List<ZkWrite> writes = new ArrayList<>();
        for (TopicPartition tp : Partitions.sorted(expectedVersions.keySet())) {
            if (removedTopics.contains(tp.topic())) {
                continue;
            }
            LeaderAndIsr state = leaderships.get(tp);
            int expected = expectedVersions.get(tp);
            writes.add(expected == CREATE
                ? new ZkWrite.CreatePartitionState(tp, state)
                : new ZkWrite.UpdatePartitionState(tp, state, expected));
        }
        for (String name : assignmentsToWrite) {
            topic(name).ifPresent(topic -> writes.add(assignmentWrite(topic)));
        }
        writes.addAll(topicDeletions);
        List<BrokerRequest> built = requests.build(this);
        return new ControllerResult(writes, records, built, response);
    }

    ControllerResult toResult() {
        return toResult(Optional.empty());
    }

    private ZkWrite assignmentWrite(ControllerTopic topic) {
        Map<Integer, PartitionAssignment> partitions = new TreeMap<>();
        for (TopicPartition tp : partitionsOf(topic.name())) {
            partitions.put(tp.partition(), assignment(tp).orElseThrow());
        }
        ControllerTopic updated = topic.withZkVersion(topic.zkVersion() + 1);
        topics.put(topic.name(), updated);
        records.add(new ControllerRecord.TopicUpserted(updated));
        return new ZkWrite.UpdateTopicAssignment(topic, partitions, topic.zkVersion());
    }
}
