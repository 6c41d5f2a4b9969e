package io.weir.storage.state;

/**
 * What the producer state keeps of one appended idempotent batch: enough to recognise a retry
 * of it and answer with the offsets it was first written at.
 *
 * @param firstSeq the batch's base sequence
 * @param lastSeq the batch's last sequence
 * @param firstOffset the offset of the batch's first record
 * @param lastOffset the offset of the batch's last record
 * @param timestamp the batch's max timestamp (the log append time for LogAppendTime topics)
 */
public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {

    /** {@code lastOffset - firstOffset}, as Kafka's snapshot stores it. */
    public int offsetDelta() {
        return (int) (lastOffset - firstOffset);
    }
}
