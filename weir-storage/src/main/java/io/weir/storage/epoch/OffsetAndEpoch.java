package io.weir.storage.epoch;

/**
 * An answer of {@link LeaderEpochFileCache#endOffsetFor}: an end offset and the epoch it belongs to.
 * {@link #UNDEFINED} ({@code -1, -1}) means the cache cannot answer, as in Kafka's
 * OffsetsForLeaderEpoch response.
 *
 * @param offset the end offset (exclusive), or -1
 * @param leaderEpoch the largest known epoch at or below the requested one, or -1
 */
public record OffsetAndEpoch(long offset, int leaderEpoch) {

    /** Kafka's {@code UNDEFINED_EPOCH}. */
    public static final int UNDEFINED_EPOCH = -1;

    /** Kafka's {@code UNDEFINED_EPOCH_OFFSET}. */
    public static final long UNDEFINED_EPOCH_OFFSET = -1L;

    /** The answer when the requested epoch is unknown. */
    public static final OffsetAndEpoch UNDEFINED = new OffsetAndEpoch(UNDEFINED_EPOCH_OFFSET, UNDEFINED_EPOCH);

    public boolean isUndefined() {
        return offset == UNDEFINED_EPOCH_OFFSET && leaderEpoch == UNDEFINED_EPOCH;
    }
}
