package io.weir.cluster.controller;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.zk.LeaderAndIsr;

/**
 * What the controller reacts to: mostly ZooKeeper notifications turned into data by the driver
 * (which reads the znodes before it queues the event), plus broker requests and timer ticks.
 * Immutable.
 */
public sealed interface ControllerEvent {

    /** This broker won {@code /controller}: the state read from ZooKeeper under the new epoch. */
    record Startup(ControllerSnapshot snapshot) implements ControllerEvent {
    }

    /** The children of {@code /brokers/ids} changed: every registered broker now. */
    record BrokerChange(List<LiveBroker> liveBrokers) implements ControllerEvent {
        public BrokerChange {
            liveBrokers = List.copyOf(liveBrokers);
        }
    }

    /**
     * The children of {@code /brokers/topics} changed: every topic now, with its assignment, and
     * the partition states that already exist for partitions the controller does not know yet
     * (written by an older admin path, or by this controller before it lost track of the write);
     * the controller adopts them instead of creating new ones.
     */
    record TopicChange(List<TopicDescription> topics, Map<TopicPartition, LeaderAndIsr> partitionStates)
        implements ControllerEvent {
        public TopicChange {
            topics = List.copyOf(topics);
            partitionStates = Map.copyOf(partitionStates);
        }

        public TopicChange(List<TopicDescription> topics) {
            this(topics, Map.of());
        }
    }

    /** The children of {@code /admin/delete_topics}: topics to delete. */
    record TopicDeletion(Set<String> topics) implements ControllerEvent {
        public TopicDeletion {
            topics = Set.copyOf(topics);
        }
    }

    /**
     * A broker answered a StopReplica(delete=true) for replicas of topics being deleted:
     * {@code deleted} were removed, {@code failed} could not be (they are retried later).
     */
    record StopReplicaResponseReceived(int brokerId, Set<TopicPartition> deleted, Set<TopicPartition> failed)
        implements ControllerEvent {
        public StopReplicaResponseReceived {
            deleted = Set.copyOf(deleted);
            failed = Set.copyOf(failed);
        }
    }

    /**
     * A topic znode (CreatePartitions) or its config changed: the topic now, including added
     * partitions, and the states that already exist for partitions the controller does not know
     * (as in {@link TopicChange}).
     */
    record PartitionModifications(TopicDescription topic, Map<TopicPartition, LeaderAndIsr> partitionStates)
        implements ControllerEvent {
        public PartitionModifications {
            partitionStates = Map.copyOf(partitionStates);
        }

        public PartitionModifications(TopicDescription topic) {
            this(topic, Map.of());
        }
    }

    /** Leaders changed these partitions' ISR in ZooKeeper: the states read back, with versions. */
    record IsrChangeNotification(Map<TopicPartition, LeaderAndIsr> states) implements ControllerEvent {
        public IsrChangeNotification {
            states = Map.copyOf(states);
        }
    }

    /** AlterPartitionReassignments: a target replica list per partition, or empty to cancel. */
    record ReassignmentRequested(Map<TopicPartition, Optional<List<Integer>>> reassignments)
        implements ControllerEvent {
        public ReassignmentRequested {
            reassignments = Map.copyOf(reassignments);
        }
    }

    /**
     * ElectLeaders for these partitions (Kafka's {@code ReplicaLeaderElection}): PREFERRED moves
     * leadership to the first replica; UNCLEAN elects a leader for partitions without a live one,
     * from outside the ISR when no ISR member is online.
     */
    record ReplicaLeaderElection(Set<TopicPartition> partitions, ElectionType electionType)
        implements ControllerEvent {
        public ReplicaLeaderElection {
            partitions = Set.copyOf(partitions);
            Objects.requireNonNull(electionType, "electionType");
        }

        /** A preferred-leader election. */
        public static ReplicaLeaderElection preferred(Set<TopicPartition> partitions) {
            return new ReplicaLeaderElection(partitions, ElectionType.PREFERRED);
        }
    }

    /** A broker asks to shut down: move its leaderships away and take it out of the ISRs. */
    record ControlledShutdown(int brokerId, long brokerEpoch) implements ControllerEvent {
    }

    /** The {@code leader.imbalance.check.interval.seconds} timer fired. */
    record AutoPreferredLeaderRebalance() implements ControllerEvent {
    }

    /** This broker lost {@code /controller} (or its session): forget everything. */
    record Resignation() implements ControllerEvent {
    }
}
