package io.weir.cluster.controller;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A controller-to-broker message, playing the role of Kafka's request of the same name. Each
 * carries the controller epoch; a broker ignores messages from an older epoch. Immutable.
 */
public sealed interface BrokerRequest {

    /** The broker to send this to. */
    int brokerId();

    int controllerEpoch();

    /** A broker epoch that is not known (the request is not fenced by it). */
    long UNKNOWN_BROKER_EPOCH = -1L;

    /** Kafka's leader id in UpdateMetadata for a partition whose topic is being deleted. */
    int LEADER_DURING_DELETE = -2;

    /**
     * A partition's leadership and assignment. {@code partitionEpoch} is the state znode's version;
     * a broker must accept a state with its current leader epoch and a newer partition epoch (an
     * ISR or assignment change without a new leader). {@code isNew} (LeaderAndIsr only) marks a
     * replica created by this request.
     */
    record PartitionInfo(TopicPartition partition, Uuid topicId, int leader, int leaderEpoch, List<Integer> isr,
                         int partitionEpoch, int stateControllerEpoch, List<Integer> replicas,
                         List<Integer> addingReplicas, List<Integer> removingReplicas,
                         List<Integer> offlineReplicas, boolean isNew) {
        public PartitionInfo {
            isr = List.copyOf(isr);
            replicas = List.copyOf(replicas);
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
            offlineReplicas = List.copyOf(offlineReplicas);
        }
    }

    /**
     * The partitions this broker leads or follows, with the leaders' endpoints. {@code brokerEpoch}
     * is the epoch of the broker registration it was built for (Kafka's KIP-380): a broker that
     * registered again since (a restart, a new session) refuses it with STALE_BROKER_EPOCH, since a
     * sender may still deliver what was meant for its previous incarnation.
     */
    record LeaderAndIsrRequest(int brokerId, int controllerEpoch, List<PartitionInfo> partitions,
                               List<LiveBroker> liveLeaders, long brokerEpoch) implements BrokerRequest {
        public LeaderAndIsrRequest {
            partitions = List.copyOf(partitions);
            liveLeaders = List.copyOf(liveLeaders);
        }

        /** Without a broker epoch ({@link #UNKNOWN_BROKER_EPOCH}: not fenced). */
        public LeaderAndIsrRequest(int brokerId, int controllerEpoch, List<PartitionInfo> partitions,
                                   List<LiveBroker> liveLeaders) {
            this(brokerId, controllerEpoch, partitions, liveLeaders, UNKNOWN_BROKER_EPOCH);
        }
    }

    /**
     * Metadata for the broker's cache: every live broker, and either every partition
     * ({@code full}) or the partitions that changed.
     */
    record UpdateMetadataRequest(int brokerId, int controllerEpoch, List<LiveBroker> liveBrokers,
                                 List<PartitionInfo> partitions, boolean full) implements BrokerRequest {
        public UpdateMetadataRequest {
            liveBrokers = List.copyOf(liveBrokers);
            partitions = List.copyOf(partitions);
        }
    }

    /** Stop replicating a partition, and delete its log if {@code deletePartition}. */
    record StopReplicaPartition(TopicPartition partition, int leaderEpoch, boolean deletePartition) {
    }

    /** {@code brokerEpoch} as in {@link LeaderAndIsrRequest}. */
    record StopReplicaRequest(int brokerId, int controllerEpoch, List<StopReplicaPartition> partitions,
                              long brokerEpoch) implements BrokerRequest {
        public StopReplicaRequest {
            partitions = List.copyOf(partitions);
        }

        /** Without a broker epoch ({@link #UNKNOWN_BROKER_EPOCH}: not fenced). */
        public StopReplicaRequest(int brokerId, int controllerEpoch, List<StopReplicaPartition> partitions) {
            this(brokerId, controllerEpoch, partitions, UNKNOWN_BROKER_EPOCH);
        }
    }
}
