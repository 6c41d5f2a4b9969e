package io.weir.cluster.zk;

import java.util.List;

/**
 * A partition's leadership as stored in {@code /brokers/topics/<t>/partitions/<p>/state}: the
 * leader broker id (-1 when none), its epoch, the in-sync replicas, the epoch of the controller
 * that wrote it, and the znode version it was read at (ignored when writing). Immutable.
 */
public record LeaderAndIsr(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int zkVersion) {

    /** Kafka's leader id for "no leader". */
    public static final int NO_LEADER = -1;

    public LeaderAndIsr {
        isr = List.copyOf(isr);
    }

    /** The same state at another znode version. */
    public LeaderAndIsr withZkVersion(int newZkVersion) {
        return new LeaderAndIsr(leader, leaderEpoch, isr, controllerEpoch, newZkVersion);
    }
}
