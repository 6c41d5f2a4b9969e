package io.weir.coordinator.common;

/**
 * The state of one coordinator partition. Operations are methods of the concrete shard that
 * return a {@link CoordinatorResult} and do not change state; {@link #replay} is the only
 * mutation of durable state, used both for the leader's own committed writes and for loading
 * a partition after failover.
 *
 * <p>Not thread-safe: owned by one thread at a time (the {@link CoordinatorRuntime} guarantees it).
 */
public interface CoordinatorShard {

    /** Applies one committed record. */
    void replay(CoordinatorRecord record);

    /** Called once after the partition's records were replayed and before the first operation. */
    default void onLoaded(long nowMs) {
    }

    /** Called when the shard is dropped; parked responses should be failed here. */
    default void onUnloaded() {
    }
}
