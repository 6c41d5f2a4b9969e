package io.weir.cluster.zk;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * Partition states read from ZooKeeper: those that decoded, with their versions, and the
 * partitions whose state znode exists but does not decode. Partitions without a state znode are
 * in neither.
 */
public record PartitionStates(Map<TopicPartition, LeaderAndIsr> states, Set<TopicPartition> unreadable) {

    public PartitionStates {
        states = Map.copyOf(states);
        unreadable = Set.copyOf(unreadable);
    }
}
