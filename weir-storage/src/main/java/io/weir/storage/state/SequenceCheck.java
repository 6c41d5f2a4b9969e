package io.weir.storage.state;

import org.apache.kafka.common.protocol.Errors;

/**
 * The outcome of checking a batch against the producer state: accepted, a duplicate of a batch
 * already in the log (accepted, answered with the original offsets and not appended again), or
 * rejected with a protocol error. Expected outcomes are values, not exceptions.
 *
 * @param error {@link Errors#NONE} unless the batch is rejected
 * @param message why the batch was rejected, or null
 * @param duplicateFirstOffset the first offset of the original batch, or -1
 * @param duplicateLastOffset the last offset of the original batch, or -1
 * @param duplicateTimestamp the timestamp of the original batch, or -1
 */
public record SequenceCheck(Errors error, String message, long duplicateFirstOffset, long duplicateLastOffset,
                            long duplicateTimestamp) {

    /** The batch may be appended. */
    public static final SequenceCheck OK = new SequenceCheck(Errors.NONE, null, -1L, -1L, -1L);

    /** The batch repeats {@code original}, which is already in the log. */
    public static SequenceCheck duplicate(BatchMetadata original) {
        return new SequenceCheck(Errors.NONE, null, original.firstOffset(), original.lastOffset(),
                original.timestamp());
    }

    /** The batch is rejected with {@code error}. */
    public static SequenceCheck rejected(Errors error, String message) {
        if (error == Errors.NONE) {
            throw new IllegalArgumentException("a rejection needs an error");
        }
        return new SequenceCheck(error, message, -1L, -1L, -1L);
    }

    /** The batch is a retry of one already appended; do not append it, answer with its offsets. */
    public boolean isDuplicate() {
        return error == Errors.NONE && duplicateFirstOffset >= 0;
    }

    /** The batch is not rejected (it may still be a duplicate). */
    public boolean ok() {
        return error == Errors.NONE;
    }
}
