package io.weir.storage;

/** A time index entry: a timestamp and the offset of the batch where the log first reached it. Immutable. */
public record TimestampOffset(long timestamp, long offset) {
}
