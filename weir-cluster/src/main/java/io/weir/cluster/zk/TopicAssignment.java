package io.weir.cluster.zk;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;

/**
 * A topic's replica assignment as stored in {@code /brokers/topics/<topic>}: partition id to
 * replica broker ids (the first replica is the preferred leader); while a reassignment runs
 * (KIP-455), the replicas being added and removed per partition ({@code adding_replicas},
 * {@code removing_replicas} of the version 3 znode; only partitions being reassigned appear);
 * and the znode version it was read at, for conditional updates. Immutable; partitions iterate
 * in ascending order.
 */
public record TopicAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> partitions,
                              Map<Integer, List<Integer>> addingReplicas,
                              Map<Integer, List<Integer>> removingReplicas, int zkVersion) {

    public TopicAssignment {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        partitions = sortedCopy(partitions);
        addingReplicas = sortedCopy(addingReplicas);
        removingReplicas = sortedCopy(removingReplicas);
    }

    /** An assignment with no reassignment in progress. */
    public TopicAssignment(String topic, Uuid topicId, Map<Integer, List<Integer>> partitions, int zkVersion) {
        this(topic, topicId, partitions, Map.of(), Map.of(), zkVersion);
    }

    /** Number of partitions. */
    public int partitionCount() {
        return partitions.size();
    }

    static SortedMap<Integer, List<Integer>> sortedCopy(Map<Integer, List<Integer>> partitions) {
        TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
        partitions.forEach((p, replicas) -> copy.put(p, List.copyOf(replicas)));
        return Collections.unmodifiableSortedMap(copy);
    }
}
