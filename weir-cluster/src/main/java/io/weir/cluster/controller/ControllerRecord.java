package io.weir.cluster.controller;

import java.util.List;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * A change to {@link ControllerState}. A result's records are replayed, in order, once its
 * ZooKeeper writes succeeded; replay is the only way the state changes. Immutable.
 */
public sealed interface ControllerRecord {

    /** Replace everything with a snapshot read at startup. */
    record Initialized(ControllerSnapshot snapshot) implements ControllerRecord {
    }

    record LiveBrokersChanged(List<LiveBroker> liveBrokers) implements ControllerRecord {
        public LiveBrokersChanged {
            liveBrokers = List.copyOf(liveBrokers);
        }
    }

    record BrokerShuttingDown(int brokerId) implements ControllerRecord {
    }

    /** Add a topic, or change its znode version or config. */
    record TopicUpserted(ControllerTopic topic) implements ControllerRecord {
    }

    record AssignmentChanged(TopicPartition partition, PartitionAssignment assignment) implements ControllerRecord {
    }

    /** The partition's state znode now holds this (with its new version). */
    record LeadershipChanged(TopicPartition partition, LeaderAndIsr leaderAndIsr) implements ControllerRecord {
    }

    /** NON_EXISTENT forgets the partition's state machine entry. */
    record PartitionStateChanged(TopicPartition partition, PartitionState state) implements ControllerRecord {
    }

    /** NON_EXISTENT forgets the replica's state machine entry. */
    record ReplicaStateChanged(PartitionReplica replica, ReplicaState state) implements ControllerRecord {
    }

    record TopicDeletionQueued(String topic) implements ControllerRecord {
    }

    /** The topic is gone: forget it, its assignments, leaderships and state machine entries. */
    record TopicRemoved(String topic) implements ControllerRecord {
    }

    record Resigned() implements ControllerRecord {
    }
}
