package io.weir.broker.server;

import java.util.Optional;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.replica.ClientMetadata;

/**
 * One fetch request's limits. {@code replicaId} is -1 for consumers (read up to the high
 * watermark) and a broker id for followers (read up to the log end offset). A consumer's
 * {@code clientMetadata} (Fetch v11+, KIP-392) lets a follower serve it and the leader point it
 * to a preferred read replica; without it only the leader serves.
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolation,
                          Optional<ClientMetadata> clientMetadata) {

    /** A fetch without client metadata (followers, and consumers below Fetch v11). */
    public FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolation) {
        this(replicaId, maxWaitMs, minBytes, maxBytes, isolation, Optional.empty());
    }

    public boolean isFromFollower() {
        return replicaId >= 0;
    }

    /** Kafka's rule: followers, and consumers without client metadata, may only read from the leader. */
    public boolean fetchOnlyLeader() {
        return isFromFollower() || clientMetadata.isEmpty();
    }
}
