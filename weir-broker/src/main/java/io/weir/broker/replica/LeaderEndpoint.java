package io.weir.broker.replica;

import java.io.IOException;
import java.util.function.Function;

import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

/**
 * The leader as a follower's fetcher sees it: one Fetch or OffsetsForLeaderEpoch at a time,
 * answered or failed with an {@link IOException} (connection refused, timeout, garbage). The
 * fetcher builds the requests; the endpoint picks the wire version within what the builder
 * allows. {@link BlockingLeaderEndpoint} speaks the Kafka protocol over a socket; tests use an
 * in-memory leader.
 *
 * <p>Called by one fetcher thread; {@link #close()} may come from another thread and must make
 * a blocked call fail promptly.
 */
public interface LeaderEndpoint extends AutoCloseable {

    /**
     * Sends one Fetch, waits for the answer (the leader may long-poll) and returns what {@code
     * onResponse} makes of it. The records in the answer may live in the endpoint's receive
     * memory: they are valid only while {@code onResponse} runs.
     */
    <T> T fetch(FetchRequest.Builder request, Function<FetchResponseData, T> onResponse) throws IOException;

    /** Sends one OffsetsForLeaderEpoch and waits for the answer. */
    OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder request)
        throws IOException;

    /** Releases the connection; a call in progress fails. Idempotent. */
    @Override
    void close();

    /** Makes endpoints for a fetcher's source broker. */
    @FunctionalInterface
    interface Factory {
        LeaderEndpoint create(BrokerEndpoint leader, String clientId);
    }
}
