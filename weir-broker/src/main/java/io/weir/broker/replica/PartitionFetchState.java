package io.weir.broker.replica;

import org.apache.kafka.common.Uuid;

/**
 * A fetcher's state for one partition: TRUNCATING until the divergent tail is gone, then
 * FETCHING from {@code fetchOffset}; {@code delayedUntilMs} holds it back after an error.
 * Immutable; the fetcher replaces it.
 */
public record PartitionFetchState(Uuid topicId, long fetchOffset, int currentLeaderEpoch, State state,
                                  long delayedUntilMs) {

    /** Where a partition is in the follower's cycle. */
    public enum State {
        TRUNCATING,
        FETCHING
    }

    static PartitionFetchState truncating(Uuid topicId, long offset, int leaderEpoch) {
        return new PartitionFetchState(topicId, offset, leaderEpoch, State.TRUNCATING, 0L);
    }

    PartitionFetchState truncatingAt(long offset) {
        return new PartitionFetchState(topicId, offset, currentLeaderEpoch, State.TRUNCATING, 0L);
    }

    PartitionFetchState fetchingAt(long offset) {
        return new PartitionFetchState(topicId, offset, currentLeaderEpoch, State.FETCHING, 0L);
    }

    PartitionFetchState delayedUntil(long untilMs) {
        return new PartitionFetchState(topicId, fetchOffset, currentLeaderEpoch, state, untilMs);
    }

    boolean isReady(State wanted, long nowMs) {
        return state == wanted && delayedUntilMs <= nowMs;
    }
}
