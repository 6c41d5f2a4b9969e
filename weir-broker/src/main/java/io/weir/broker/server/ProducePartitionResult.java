package io.weir.broker.server;

import org.apache.kafka.common.protocol.Errors;

/** The outcome of producing to one partition, as the Produce response reports it. */
public record ProducePartitionResult(Errors error, String errorMessage, long baseOffset, long lastOffset,
                                     long logAppendTimeMs,
                                     long logStartOffset) {

    public static ProducePartitionResult error(Errors error, String message) {
        return new ProducePartitionResult(error, message, -1L, -1L, -1L, -1L);
    }
}
