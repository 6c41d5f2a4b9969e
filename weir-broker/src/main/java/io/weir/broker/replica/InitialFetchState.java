package io.weir.broker.replica;

import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * Where a follower starts on a partition: its leader, the leader epoch it follows, and the offset
 * truncation starts from (the follower's high watermark). Immutable.
 */
public record InitialFetchState(Uuid topicId, BrokerEndpoint leader, int currentLeaderEpoch, long initOffset) {

    public InitialFetchState {
        Objects.requireNonNull(leader, "leader");
    }
}
