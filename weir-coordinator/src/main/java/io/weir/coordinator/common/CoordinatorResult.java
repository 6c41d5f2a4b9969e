package io.weir.coordinator.common;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a coordinator operation returns: the records to append to the coordinator's partition
 * and the response to release once they are committed. The operation itself changes nothing;
 * the owner replays {@link #records()} after the write commits (when {@link #replayRecords()}).
 *
 * <p>A response that must wait for a later event (a JoinGroup parked until the rebalance
 * completes) is a {@link CompletableFuture} created by the operation and completed by a later
 * operation or timer; such an operation returns the future as its response.
 *
 * <p>{@link #appendFuture()} (may be null) is completed by the owner once the write committed,
 * or exceptionally when it failed, on the shard's thread: it lets classic groups, whose
 * in-flight rebalance is soft state as in Kafka, act on the outcome of their write.
 *
 * <p>Immutable.
 */
public record CoordinatorResult<T>(
        List<CoordinatorRecord> records,
        T response,
        boolean replayRecords,
        CompletableFuture<Void> appendFuture) {

    public CoordinatorResult {
        records = List.copyOf(Objects.requireNonNull(records, "records"));
    }

    public CoordinatorResult(List<CoordinatorRecord> records, T response) {
        this(records, response, true, null);
    }

    public static <T> CoordinatorResult<T> of(T response) {
        return new CoordinatorResult<>(List.of(), response);
    }

    public static <T> CoordinatorResult<T> of(List<CoordinatorRecord> records, T response) {
        return new CoordinatorResult<>(records, response);
    }

    /** No records and no response: what an operation returns when it has nothing to do. */
    public static <T> CoordinatorResult<T> empty() {
        return new CoordinatorResult<>(List.of(), null);
    }
}
