package io.weir.cluster.controller;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * A ZooKeeper write a result asks for. The driver makes all writes of one result in one
 * ZooKeeper transaction guarded by the version of {@code /controller_epoch}, so they happen all
 * or none, and never from a deposed controller. Immutable.
 */
public sealed interface ZkWrite {

    /** Create {@code /brokers/topics/<t>/partitions/<p>/state}; the new znode's version is 0. */
    record CreatePartitionState(TopicPartition partition, LeaderAndIsr state) implements ZkWrite {
    }

    /** Set the partition state if its znode is at {@code expectedZkVersion}; it then has {@code state.zkVersion()}. */
    record UpdatePartitionState(TopicPartition partition, LeaderAndIsr state, int expectedZkVersion)
        implements ZkWrite {
    }

    /**
     * Rewrite {@code /brokers/topics/<t>} (replicas, adding_replicas, removing_replicas of every
     * partition) if the znode is at {@code expectedZkVersion}.
     */
    record UpdateTopicAssignment(ControllerTopic topic, Map<Integer, PartitionAssignment> partitions,
                                 int expectedZkVersion) implements ZkWrite {
        public UpdateTopicAssignment {
            partitions = Collections.unmodifiableMap(new TreeMap<>(partitions));
        }
    }

    /**
     * Delete the topic: {@code /brokers/topics/<t>} with its partitions, {@code /config/topics/<t>}
     * and {@code /admin/delete_topics/<t>}; each only if present.
     */
    record DeleteTopic(String topic) implements ZkWrite {
    }
}
