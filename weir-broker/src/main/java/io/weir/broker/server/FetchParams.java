package io.weir.broker.server;

import org.apache.kafka.common.IsolationLevel;

/**
 * One fetch request's limits. {@code replicaId} is -1 for consumers (read up to the high
 * watermark) and a broker id for followers (read up to the log end offset).
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolation) {

    public boolean isFromFollower() {
        return replicaId >= 0;
    }
}
