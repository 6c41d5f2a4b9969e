package io.weir.storage.epoch;

/**
 * One line of the leader epoch cache: the first offset written under a leader epoch.
 *
 * @param epoch the leader epoch, non-negative
 * @param startOffset the offset of the first batch written by the leader of {@code epoch}
 */
public record EpochEntry(int epoch, long startOffset) {
}
