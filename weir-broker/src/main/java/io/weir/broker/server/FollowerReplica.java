package io.weir.broker.server;

/**
 * What a partition leader knows of one follower (Kafka's {@code Replica}): its log end offset and
 * log start offset as of its last fetch (-1 until it fetches under this leadership) and when it
 * last caught up.
 *
 * <p>Not thread-safe: {@link Partition} reads and writes it under its high watermark lock.
 */
final class FollowerReplica {

    static final long UNKNOWN_OFFSET = -1L;

    private final int brokerId;
    private long logEndOffset = UNKNOWN_OFFSET;
    private long logStartOffset = UNKNOWN_OFFSET;
    private long lastCaughtUpTimeMs;
    private long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
    private long lastFetchTimeMs;

    /**
     * A follower as a new or re-elected leader starts tracking it: an ISR member counts as caught
     * up now (so it is not shrunk before it had a chance to fetch), any other replica never was.
     */
    FollowerReplica(int brokerId, boolean inSync, long nowMs) {
        this.brokerId = brokerId;
        this.lastCaughtUpTimeMs = inSync ? nowMs : 0L;
    }

    /** The same follower under a new leader epoch of the same leader: its offsets still hold. */
    FollowerReplica reset(boolean inSync, long nowMs, long leaderEndOffset) {
        FollowerReplica r = new FollowerReplica(brokerId, inSync, nowMs);
        r.logEndOffset = logEndOffset;
        r.logStartOffset = logStartOffset;
        r.lastFetchLeaderLogEndOffset = leaderEndOffset;
        r.lastFetchTimeMs = nowMs;
        return r;
    }

    /**
     * Records a fetch at {@code fetchOffset} (with the follower's log start offset, -1 if it sent
     * none) made when the leader's log ended at {@code leaderEndOffset}. Kafka's rule for the
     * caught-up time: the time of this fetch if it reached the leader's end, else the time of the
     * previous fetch if this one reached where the leader's log ended then.
     */
    void updateFetchState(long fetchOffset, long followerLogStartOffset, long leaderEndOffset, long fetchTimeMs) {
        if (fetchOffset >= leaderEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, fetchTimeMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        logStartOffset = followerLogStartOffset;
        lastFetchLeaderLogEndOffset = leaderEndOffset;
        lastFetchTimeMs = fetchTimeMs;
    }

    /** In sync: at the leader's end, or caught up within the last {@code maxLagMs}. */
    boolean isCaughtUp(long leaderEndOffset, long nowMs, long maxLagMs) {
        return leaderEndOffset == logEndOffset || nowMs - lastCaughtUpTimeMs <= maxLagMs;
    }

    int brokerId() {
        return brokerId;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }

    /** A copy of what the leader knows, for reading outside the partition's HW lock. */
    State state() {
        return new State(brokerId, logEndOffset, logStartOffset, lastCaughtUpTimeMs);
    }

    /** A follower's offsets and last caught-up time at one moment. */
    record State(int brokerId, long logEndOffset, long logStartOffset, long lastCaughtUpTimeMs) {
    }

    @Override
    public String toString() {
        return "FollowerReplica(" + brokerId + ", leo=" + logEndOffset + ", lastCaughtUpTimeMs=" + lastCaughtUpTimeMs
            + ")";
    }
}
