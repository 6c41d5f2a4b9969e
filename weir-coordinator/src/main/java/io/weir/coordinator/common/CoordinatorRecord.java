package io.weir.coordinator.common;

import java.util.Objects;

/**
 * One message of a coordinator's log (for the group coordinator: one message of a
 * {@code __consumer_offsets} partition). A tombstone has a {@code null} value; compaction keeps
 * only the newest record per key, so every key names the piece of state it replaces.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param key   the record key (never null)
 * @param value the record value, or null for a tombstone
 */
public record CoordinatorRecord(Key key, Value value) {

    /** Marker for record keys; implementations are value types with equals. */
    public interface Key {
    }

    /** Marker for record values; implementations are value types with equals. */
    public interface Value {
    }

    public CoordinatorRecord {
        Objects.requireNonNull(key, "key");
    }

    public static CoordinatorRecord record(Key key, Value value) {
        return new CoordinatorRecord(key, Objects.requireNonNull(value, "value"));
    }

    public static CoordinatorRecord tombstone(Key key) {
        return new CoordinatorRecord(key, null);
    }

    public boolean isTombstone() {
        return value == null;
    }
}
