package io.weir.cluster.controller;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A topic as read from ZooKeeper: the topic and its partitions' assignments. Immutable. */
public record TopicDescription(ControllerTopic topic, Map<Integer, PartitionAssignment> partitions) {

    public TopicDescription {
        Objects.requireNonNull(topic, "topic");
        partitions = Collections.unmodifiableMap(new TreeMap<>(partitions));
    }

    public String name() {
        return topic.name();
    }
}
