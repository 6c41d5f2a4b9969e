package io.weir.cluster.controller;

/** Which of {@link LeaderElection}'s rules a partition's move to ONLINE uses. */
public enum ElectionStrategy {
    /** The leader is gone: clean, or unclean when the topic allows it. */
    OFFLINE,
    /**
     * ElectLeaders UNCLEAN: as {@link #OFFLINE}, but unclean whatever the topic says (Kafka's
     * {@code OfflinePartitionLeaderElectionStrategy(allowUnclean = true)}).
     */
    OFFLINE_UNCLEAN,
    /** A reassignment completes: a leader from the target replicas. */
    REASSIGN,
    /** ElectLeaders or the automatic rebalance: the preferred replica. */
    PREFERRED,
    /** The leader's broker is shutting down. */
    CONTROLLED_SHUTDOWN
}
