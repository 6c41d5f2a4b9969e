package io.weir.coordinator.group.offset;

import io.weir.coordinator.group.record.GroupRecords.OffsetCommitValue;

/**
 * A committed offset.
 *
 * <p>Immutable.
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                                long expireTimestampMs) {

    public static OffsetAndMetadata fromRecord(OffsetCommitValue v) {
        return new OffsetAndMetadata(v.offset(), v.leaderEpoch(), v.metadata(), v.commitTimestamp(),
                v.expireTimestamp());
    }

    public OffsetCommitValue toRecord() {
        return new OffsetCommitValue(offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs);
    }
}
