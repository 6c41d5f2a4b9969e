package io.weir.cluster.controller;

import java.util.Comparator;

import org.apache.kafka.common.TopicPartition;

/** One replica of a partition: the partition and the broker that hosts the replica. Immutable. */
public record PartitionReplica(TopicPartition partition, int replica) {

    /** Topic, partition, then broker id: the order in which results list replicas. */
    public static final Comparator<PartitionReplica> ORDER =
        Comparator.comparing(PartitionReplica::partition, Partitions.ORDER).thenComparingInt(PartitionReplica::replica);
}
