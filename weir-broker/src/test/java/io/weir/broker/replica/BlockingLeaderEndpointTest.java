package io.weir.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The follower's socket client against a scripted Kafka-protocol server on loopback. */
@Timeout(30)
class BlockingLeaderEndpointTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private FakeLeader server;
    private BlockingLeaderEndpoint endpoint;

    @AfterEach
    void close() throws IOException {
        if (endpoint != null) {
            endpoint.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private BlockingLeaderEndpoint connect(int socketTimeoutMs) {
        endpoint = new BlockingLeaderEndpoint(new BrokerEndpoint(1, "127.0.0.1", server.port()), "fetcher-7",
            socketTimeoutMs);
        return endpoint;
    }

    private static FetchRequest.Builder fetchRequest() {
        Map<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        data.put(TP, new FetchRequest.PartitionData(Uuid.randomUuid(), 5, 0, 1024, Optional.of(3)));
        return FetchRequest.Builder.forReplica(ReplicaFetcher.FETCH_VERSION, 7, -1L, 500, 1, data);
    }

    private static FetchResponseData fetchAnswer() {
        MemoryRecords records = MemoryRecords.withRecords(5L, Compression.NONE, new SimpleRecord("v".getBytes()));
        FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(0)
            .setHighWatermark(6).setLastStableOffset(6).setLogStartOffset(0).setRecords(records);
        FetchResponseData response = new FetchResponseData();
        response.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic(TP.topic())
            .setPartitions(List.of(pd)));
        return response;
    }

    @Test
    void aFetchGoesOutAsAReplicaAtVersion12AndItsAnswerComesBack() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        FetchResponseData response = connect(5_000).fetch(fetchRequest());

        FetchResponseData.PartitionData pd = response.responses().get(0).partitions().get(0);
        assertThat(response.responses().get(0).topic()).isEqualTo("t");
        assertThat(pd.highWatermark()).isEqualTo(6);
        assertThat(((MemoryRecords) pd.records()).batches().iterator().next().baseOffset()).isEqualTo(5);
        AbstractRequest seen = server.requests.get(0);
        assertThat(seen.version()).isEqualTo(ReplicaFetcher.FETCH_VERSION);
        assertThat(((FetchRequest) seen).replicaId()).isEqualTo(7);
        assertThat(((FetchRequest) seen).data().topics().get(0).topic()).isEqualTo("t");
        assertThat(server.clientIds).containsExactly("fetcher-7");
    }

    @Test
    void offsetsForLeaderEpochCarriesTheReplicaId() throws Exception {
        server = new FakeLeader(request -> {
            OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
            data.topics().add(new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic("t")
                .setPartitions(List.of(new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(0)
                    .setErrorCode(Errors.NONE.code()).setLeaderEpoch(2).setEndOffset(42))));
            return data;
        });
        OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderTopic().setTopic("t").setPartitions(List.of(
            new OffsetForLeaderPartition().setPartition(0).setCurrentLeaderEpoch(3).setLeaderEpoch(2))));

        OffsetForLeaderEpochResponseData response = connect(5_000)
            .offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder.forFollower(topics, 7));

        assertThat(response.topics().iterator().next().partitions().get(0).endOffset()).isEqualTo(42);
        OffsetsForLeaderEpochRequest seen = (OffsetsForLeaderEpochRequest) server.requests.get(0);
        assertThat(seen.version()).isEqualTo(BlockingLeaderEndpoint.OFFSET_FOR_LEADER_EPOCH_VERSION);
        assertThat(seen.replicaId()).isEqualTo(7);
    }

    @Test
    void aSilentLeaderTimesOutAndTheNextCallReconnects() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = new FakeLeader(request -> calls.incrementAndGet() == 1 ? null : fetchAnswer());
        connect(300);

        assertThatThrownBy(() -> endpoint.fetch(fetchRequest())).isInstanceOf(IOException.class);
        assertThat(endpoint.fetch(fetchRequest()).responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aResponseToAnotherRequestIsAnErrorAndTheConnectionIsReplaced() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = new FakeLeader(request -> fetchAnswer());
        server.correlationIdShift = () -> calls.incrementAndGet() == 1 ? 1 : 0;
        connect(5_000);

        assertThatThrownBy(() -> endpoint.fetch(fetchRequest())).isInstanceOf(IOException.class)
            .hasMessageContaining("Bad response");
        assertThat(endpoint.fetch(fetchRequest()).responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anUnreachableLeaderIsAnIOException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        endpoint = new BlockingLeaderEndpoint(new BrokerEndpoint(1, "127.0.0.1", port), "f", 2_000);
        assertThatThrownBy(() -> endpoint.fetch(fetchRequest())).isInstanceOf(IOException.class);
    }

    @Test
    void closeFromAnotherThreadFailsABlockedCallAndLaterCalls() throws Exception {
        server = new FakeLeader(request -> null);
        connect(30_000);
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
            try {
                endpoint.fetch(fetchRequest());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(server.received.poll(10, TimeUnit.SECONDS)).isNotNull();

        endpoint.close();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> endpoint.fetch(fetchRequest())).isInstanceOf(IOException.class)
            .hasMessageContaining("closed");
    }

    /**
     * Answers each request with what {@code answer} returns for it (null: no answer), one thread
     * per connection.
     */
    private static final class FakeLeader implements AutoCloseable {
        final ServerSocket socket;
        final Function<AbstractRequest, ApiMessage> answer;
        final List<AbstractRequest> requests = new CopyOnWriteArrayList<>();
        final List<String> clientIds = new CopyOnWriteArrayList<>();
        final java.util.concurrent.BlockingQueue<AbstractRequest> received =
            new java.util.concurrent.LinkedBlockingQueue<>();
        final AtomicInteger connections = new AtomicInteger();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile java.util.function.IntSupplier correlationIdShift = () -> 0;
        final Thread acceptor;

        FakeLeader(Function<AbstractRequest, ApiMessage> answer) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answer = answer;
            this.acceptor = new Thread(this::accept, "fake-leader");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    accepted.add(s);
                    Thread t = new Thread(() -> serve(s), "fake-leader-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    ByteBuffer buffer = ByteBuffer.wrap(frame);
                    RequestHeader header = RequestHeader.parse(buffer);
                    AbstractRequest request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                        new ByteBufferAccessor(buffer)).request;
                    requests.add(request);
                    clientIds.add(header.clientId());
                    received.add(request);
                    ApiMessage body = answer.apply(request);
                    if (body != null) {
                        out.write(frame(header, body));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // The client went away.
            }
        }

        private byte[] frame(RequestHeader header, ApiMessage body) {
            short version = header.apiVersion();
            short headerVersion = header.apiKey().responseHeaderVersion(version);
            ResponseHeaderData h = new ResponseHeaderData()
                .setCorrelationId(header.correlationId() + correlationIdShift.getAsInt());
            ObjectSerializationCache cache = new ObjectSerializationCache();
            int size = h.size(cache, headerVersion) + body.size(cache, version);
            ByteBuffer buffer = ByteBuffer.allocate(4 + size);
            buffer.putInt(size);
            ByteBufferAccessor writer = new ByteBufferAccessor(buffer);
            h.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
            return buffer.array();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
