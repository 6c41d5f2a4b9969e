package io.weir.cluster.zk;

/** How a controller transaction ({@link ControllerZkStore#multi}) ended. */
public enum ZkMultiResult {

    /** Every write was made. */
    COMMITTED,

    /**
     * Nothing was written because a znode was not as expected: a partition state or topic znode at
     * another version, a partition state that already exists, a topic that is gone. Re-read and retry.
     */
    CONFLICT,

    /** Nothing was written because {@code /controller_epoch} moved on: another controller was elected. */
    CONTROLLER_EPOCH_CHANGED
}
