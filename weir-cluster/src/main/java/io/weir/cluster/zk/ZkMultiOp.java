package io.weir.cluster.zk;

import java.util.Objects;

import org.apache.kafka.common.TopicPartition;

/**
 * One write of a controller transaction ({@link ControllerZkStore#multi}): all writes of a
 * transaction happen or none does. Immutable.
 */
public sealed interface ZkMultiOp {

    /** Create {@code /brokers/topics/<t>/partitions/<p>/state} (and its missing parents); fails if it exists. */
    record CreatePartitionState(TopicPartition partition, LeaderAndIsr state) implements ZkMultiOp {
        public CreatePartitionState {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(state, "state");
        }
    }

    /** Write a partition state if its znode is at {@code expectedZkVersion}. */
    record SetPartitionState(TopicPartition partition, LeaderAndIsr state, int expectedZkVersion)
        implements ZkMultiOp {
        public SetPartitionState {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(state, "state");
        }
    }

    /** Rewrite {@code /brokers/topics/<t>} if it is at {@code assignment.zkVersion()}. */
    record SetTopic(TopicAssignment assignment) implements ZkMultiOp {
        public SetTopic {
            Objects.requireNonNull(assignment, "assignment");
        }
    }

    /**
     * Delete {@code /brokers/topics/<t>} with its partitions, {@code /config/topics/<t>} and
     * {@code /admin/delete_topics/<t>}, each only if present.
     */
    record DeleteTopic(String topic) implements ZkMultiOp {
        public DeleteTopic {
            Objects.requireNonNull(topic, "topic");
        }
    }
}
