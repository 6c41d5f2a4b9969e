package io.weir.broker.replica;

import java.io.IOException;
import java.util.function.Function;

import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

import io.weir.broker.server.ReplicaConfig;

/**
 * The leader over the network: a {@link BlockingKafkaClient} to its inter-broker listener with
 * {@code replica.socket.timeout.ms} as connect and request timeout and {@code
 * replica.socket.receive.buffer.bytes} as its SO_RCVBUF. Fetch goes out at the version the
 * fetcher's builder allows ({@link ReplicaFetcher#FETCH_VERSION}), OffsetsForLeaderEpoch at v4.
 *
 * <p>Thread-safe as {@link BlockingKafkaClient} is.
 */
public final class BlockingLeaderEndpoint implements LeaderEndpoint {

    /** The flexible OffsetsForLeaderEpoch version with the replica id; the server side accepts 2-4. */
    public static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;

    private final BlockingKafkaClient client;

    public BlockingLeaderEndpoint(BrokerEndpoint leader, String clientId, int socketTimeoutMs,
                                  int receiveBufferBytes) {
        this(new BlockingKafkaClient(leader, clientId, socketTimeoutMs, receiveBufferBytes));
    }

    BlockingLeaderEndpoint(BlockingKafkaClient client) {
        this.client = client;
    }

    /** The factory for a broker's fetchers. */
    public static LeaderEndpoint.Factory factory(ReplicaConfig config) {
        return (leader, clientId) -> new BlockingLeaderEndpoint(leader, clientId, config.replicaSocketTimeoutMs(),
            config.replicaSocketReceiveBufferBytes());
    }

    @Override
    public <T> T fetch(FetchRequest.Builder request, Function<FetchResponseData, T> onResponse) throws IOException {
        return client.send(request.build(request.latestAllowedVersion()),
            response -> onResponse.apply(((FetchResponse) response).data()));
    }

    @Override
    public OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder request)
            throws IOException {
        short version = (short) Math.max(request.oldestAllowedVersion(),
            Math.min(OFFSET_FOR_LEADER_EPOCH_VERSION, request.latestAllowedVersion()));
        return ((OffsetsForLeaderEpochResponse) client.send(request.build(version))).data();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "BlockingLeaderEndpoint(" + client + ")";
    }
}
