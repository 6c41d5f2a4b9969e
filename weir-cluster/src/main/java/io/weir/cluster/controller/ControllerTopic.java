package io.weir.cluster.controller;

import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * A topic the controller knows: its name, id, the version of its {@code /brokers/topics/<t>} znode
 * (for conditional assignment updates) and whether unclean leader election is enabled for it
 * (the topic's {@code unclean.leader.election.enable}, or the broker default). Immutable.
 */
public record ControllerTopic(String name, Uuid topicId, int zkVersion, boolean uncleanLeaderElection) {

    public ControllerTopic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
    }

    public ControllerTopic withZkVersion(int newZkVersion) {
        return new ControllerTopic(name, topicId, newZkVersion, uncleanLeaderElection);
    }
}
