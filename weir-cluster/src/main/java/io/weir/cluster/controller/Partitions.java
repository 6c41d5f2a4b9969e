package io.weir.cluster.controller;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/** Small helpers for partitions. Stateless. */
public final class Partitions {

    /** By topic name, then partition id: results list partitions in this order so they are deterministic. */
    public static final Comparator<TopicPartition> ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private Partitions() {
    }

    public static TreeSet<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        TreeSet<TopicPartition> set = new TreeSet<>(ORDER);
        set.addAll(partitions);
        return set;
    }

    public static List<TopicPartition> sortedList(Collection<TopicPartition> partitions) {
        return List.copyOf(sorted(partitions));
    }
}
