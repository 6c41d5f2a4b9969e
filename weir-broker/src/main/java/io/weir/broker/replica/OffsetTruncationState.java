package io.weir.broker.replica;

import java.util.Optional;

import io.weir.storage.epoch.OffsetAndEpoch;

/**
 * Where a follower truncates after the leader answered OffsetsForLeaderEpoch (Kafka's rule,
 * AbstractFetcherThread.getOffsetTruncationState), and whether that ends truncation or another
 * round must ask about an older epoch. Immutable.
 */
public record OffsetTruncationState(long offset, boolean truncationCompleted) {

    /**
     * @param leaderEndOffset   the end offset the leader answered (-1: it knows no such epoch)
     * @param leaderEpoch       the epoch that answer belongs to (-1: undefined)
     * @param localEndForEpoch  this replica's end of {@code leaderEpoch} or the largest epoch
     *                          below it ({@code Log.endOffsetForEpoch}), empty if none
     * @param logEndOffset      this replica's LEO
     * @param fallbackOffset    where to go when the leader knows nothing: the high watermark the
     *                          follower started from
     */
    public static OffsetTruncationState of(long leaderEndOffset, int leaderEpoch,
                                           Optional<OffsetAndEpoch> localEndForEpoch, long logEndOffset,
                                           long fallbackOffset) {
        if (leaderEndOffset == OffsetAndEpoch.UNDEFINED_EPOCH_OFFSET) {
            // The leader has no epoch at or below ours (empty cache, or our epoch is newer).
            return new OffsetTruncationState(Math.min(fallbackOffset, logEndOffset), true);
        }
        if (leaderEpoch == OffsetAndEpoch.UNDEFINED_EPOCH || localEndForEpoch.isEmpty()) {
            // No epoch to compare (or we never saw it): the leader's end is all we can trust.
            return new OffsetTruncationState(Math.min(leaderEndOffset, logEndOffset), true);
        }
        OffsetAndEpoch local = localEndForEpoch.get();
        if (local.leaderEpoch() != leaderEpoch) {
            // We do not know the epoch the leader answered with: cut to the end of our largest
            // epoch below it and ask again about that one.
            return new OffsetTruncationState(Math.min(local.offset(), logEndOffset), false);
        }
        long target = Math.min(local.offset(), leaderEndOffset);
        return new OffsetTruncationState(Math.min(target, logEndOffset), true);
    }
}
