package io.weir.storage;

import org.apache.kafka.common.KafkaException;

/** An offset that does not fit the 4-byte offset relative to a segment's base offset. */
public final class IndexOffsetOverflowException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public IndexOffsetOverflowException(String message) {
        super(message);
    }
}
