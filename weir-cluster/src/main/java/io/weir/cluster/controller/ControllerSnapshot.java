package io.weir.cluster.controller;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Everything a new controller reads from ZooKeeper before it acts: its (already incremented)
 * controller epoch, the registered brokers, the topics with their assignments, the partition
 * states ({@code /brokers/topics/<t>/partitions/<p>/state}, with their znode versions), and the
 * topics queued in {@code /admin/delete_topics}. Immutable.
 */
public record ControllerSnapshot(int controllerEpoch, List<LiveBroker> liveBrokers, List<TopicDescription> topics,
                                 Map<TopicPartition, LeaderAndIsr> partitionStates, Set<String> topicsToDelete) {

    public ControllerSnapshot {
        liveBrokers = List.copyOf(liveBrokers);
        topics = List.copyOf(topics);
        partitionStates = Map.copyOf(partitionStates);
        topicsToDelete = Set.copyOf(topicsToDelete);
    }
}
