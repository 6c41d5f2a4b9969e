package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.ControllerEvent.BrokerChange;
import io.weir.cluster.controller.ControllerEvent.IsrChangeNotification;
import io.weir.cluster.controller.ControllerEvent.PartitionModifications;
import io.weir.cluster.controller.ControllerEvent.TopicChange;
import io.weir.cluster.controller.ControllerEvent.TopicDeletion;
import io.weir.cluster.zk.ControllerZkStore;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.cluster.zk.PartitionStates;
import io.weir.cluster.zk.TopicAssignment;

/**
 * Reads ZooKeeper into the controller's events, setting the watches again as it reads (each
 * watch is one-shot): the failover snapshot, the broker list, new topics, a changed topic, the
 * deletion markers, and ISR change notifications (deleted once read, as in Kafka).
 *
 * <p>Runs on the controller thread; reads {@link ControllerState} only to tell new topics and
 * partitions from known ones.
 */
final class ControllerZkReader {

    static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    private final ControllerZkStore zk;
    private final boolean uncleanLeaderElectionDefault;

    ControllerZkReader(ControllerZkStore zk, boolean uncleanLeaderElectionDefault) {
        this.zk = zk;
        this.uncleanLeaderElectionDefault = uncleanLeaderElectionDefault;
    }

    /** Everything a new controller loads; pending ISR change notifications are dropped (the states are newer). */
    ControllerSnapshot snapshot(int controllerEpoch) {
        List<LiveBroker> brokers = liveBrokers();
        Map<String, TopicAssignment> topics = zk.watchTopics();
        Set<String> deleting = zk.watchTopicDeletions();
        takeIsrChangeNotifications();
        List<TopicPartition> partitions = new ArrayList<>();
        topics.values().forEach(t -> t.partitions().keySet().forEach(p -> partitions.add(new TopicPartition(t.topic(), p))));
        PartitionStates states = zk.partitionStates(partitions);
        return new ControllerSnapshot(controllerEpoch, brokers, describe(topics.values(), states.unreadable()),
            states.states(), deleting);
    }

    BrokerChange brokerChange() {
        return new BrokerChange(liveBrokers());
    }

    private List<LiveBroker> liveBrokers() {
        return zk.watchBrokers().stream().map(b -> LiveBroker.of(b.registration(), b.brokerEpoch())).toList();
    }

    /**
     * Every topic: known ones as the state has them, new ones read (watching their znodes) with
     * any partition states that already exist.
     */
    TopicChange topicChange(ControllerState state) {
        List<TopicDescription> topics = new ArrayList<>();
        List<TopicAssignment> unknown = new ArrayList<>();
        for (String name : zk.watchTopicNames()) {
            if (state.topic(name).isPresent()) {
                topics.add(fromState(state, name));
            } else {
                zk.watchTopic(name).ifPresent(unknown::add);
            }
        }
        PartitionStates states = zk.partitionStates(unknownPartitions(state, unknown));
        topics.addAll(describe(unknown, states.unreadable()));
        return new TopicChange(topics, states.states());
    }

    /** The topic as its znode and config are now (watching the znode); empty if it is gone. */
    Optional<PartitionModifications> partitionModifications(String topic, ControllerState state) {
        Optional<TopicAssignment> read = zk.watchTopic(topic);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        PartitionStates states = zk.partitionStates(unknownPartitions(state, List.of(read.get())));
        TopicDescription description = describe(List.of(read.get()), states.unreadable()).get(0);
        return Optional.of(new PartitionModifications(description, states.states()));
    }

    /** The deletion markers, if any. */
    Optional<TopicDeletion> topicDeletion() {
        Set<String> marked = zk.watchTopicDeletions();
        return marked.isEmpty() ? Optional.empty() : Optional.of(new TopicDeletion(marked));
    }

    /** Reads and deletes the pending ISR change notifications: the partitions they name. */
    Set<TopicPartition> takeIsrChangeNotifications() {
        Map<String, Set<TopicPartition>> notifications = zk.watchIsrChangeNotifications();
        Set<TopicPartition> partitions = new HashSet<>();
        notifications.values().forEach(partitions::addAll);
        zk.deleteIsrChangeNotifications(notifications.keySet());
        return partitions;
    }

    /** The current states of these partitions; empty if none has one. */
    Optional<IsrChangeNotification> isrChange(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Optional.empty();
        }
        Map<TopicPartition, LeaderAndIsr> states = zk.partitionStates(partitions).states();
        return states.isEmpty() ? Optional.empty() : Optional.of(new IsrChangeNotification(states));
    }

    /**
     * The topics as the controller takes them, without the partitions whose state znode does not
     * decode: the brain never learns those, so it neither leads nor recreates them (their state
     * exists), and reads them again, as new partitions, the next time it reads the topic.
     */
    private List<TopicDescription> describe(Collection<TopicAssignment> topics, Set<TopicPartition> leftOut) {
        Map<String, Map<String, String>> configs = zk.topicConfigs(topics.stream().map(TopicAssignment::topic).toList());
        List<TopicDescription> descriptions = new ArrayList<>();
        for (TopicAssignment t : topics) {
            boolean unclean = uncleanLeaderElection(configs.getOrDefault(t.topic(), Map.of()));
            ControllerTopic topic = new ControllerTopic(t.topic(), t.topicId(), t.zkVersion(), unclean);
            Map<Integer, PartitionAssignment> partitions = new TreeMap<>();
            t.partitions().forEach((p, replicas) -> {
                if (!leftOut.contains(new TopicPartition(t.topic(), p))) {
                    partitions.put(p, new PartitionAssignment(replicas,
                        t.addingReplicas().getOrDefault(p, List.of()), t.removingReplicas().getOrDefault(p, List.of())));
                }
            });
            descriptions.add(new TopicDescription(topic, partitions));
        }
        return descriptions;
    }

    /** The topic's {@code unclean.leader.election.enable}, or the broker default when unset or not a boolean. */
    boolean uncleanLeaderElection(Map<String, String> topicConfig) {
        String value = topicConfig.get(UNCLEAN_LEADER_ELECTION_ENABLE);
        if (value == null) {
            return uncleanLeaderElectionDefault;
        }
        String v = value.trim();
        return v.equalsIgnoreCase("true") || !v.equalsIgnoreCase("false") && uncleanLeaderElectionDefault;
    }

    private static TopicDescription fromState(ControllerState state, String topic) {
        Map<Integer, PartitionAssignment> partitions = new TreeMap<>();
        state.partitionsOf(topic).forEach(tp -> partitions.put(tp.partition(), state.assignment(tp).orElseThrow()));
        return new TopicDescription(state.topic(topic).orElseThrow(), partitions);
    }

    private static List<TopicPartition> unknownPartitions(ControllerState state, Collection<TopicAssignment> topics) {
        List<TopicPartition> unknown = new ArrayList<>();
        for (TopicAssignment t : topics) {
            for (int p : t.partitions().keySet()) {
                TopicPartition tp = new TopicPartition(t.topic(), p);
                if (state.assignment(tp).isEmpty()) {
                    unknown.add(tp);
                }
            }
        }
        return unknown;
    }
}
