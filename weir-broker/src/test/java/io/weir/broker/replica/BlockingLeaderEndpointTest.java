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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

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

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.weir.common.Time;

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
            socketTimeoutMs, 65_536);
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

    /** A fetch whose answer is looked at after the call: fine for everything but the records. */
    private FetchResponseData fetch() throws IOException {
        return endpoint.fetch(fetchRequest(), response -> response);
    }

    @Test
    void aFetchGoesOutAsAReplicaAtVersion12AndItsAnswerComesBack() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        long baseOffset = connect(5_000).fetch(fetchRequest(), response -> {
            FetchResponseData.PartitionData pd = response.responses().get(0).partitions().get(0);
            assertThat(response.responses().get(0).topic()).isEqualTo("t");
            assertThat(pd.highWatermark()).isEqualTo(6);
            return ((MemoryRecords) pd.records()).batches().iterator().next().baseOffset();
        });

        assertThat(baseOffset).isEqualTo(5);
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

        assertThatThrownBy(() -> fetch()).isInstanceOf(IOException.class);
        assertThat(fetch().responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aResponseToAnotherRequestIsAnErrorAndTheConnectionIsReplaced() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = new FakeLeader(request -> fetchAnswer());
        server.correlationIdShift = () -> calls.incrementAndGet() == 1 ? 1 : 0;
        connect(5_000);

        assertThatThrownBy(() -> fetch()).isInstanceOf(IOException.class)
            .hasMessageContaining("Bad response");
        assertThat(fetch().responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anUnreachableLeaderIsAnIOException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        endpoint = new BlockingLeaderEndpoint(new BrokerEndpoint(1, "127.0.0.1", port), "f", 2_000, -1);
        assertThatThrownBy(() -> fetch()).isInstanceOf(IOException.class);
    }

    @Test
    void closeFromAnotherThreadFailsABlockedCallAndLaterCalls() throws Exception {
        server = new FakeLeader(request -> null);
        connect(30_000);
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
            try {
                fetch();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(server.received.poll(10, TimeUnit.SECONDS)).isNotNull();

        endpoint.close();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> fetch()).isInstanceOf(IOException.class)
            .hasMessageContaining("closed");
    }

    /** {@value #BIG_RECORDS} records of 1,000 bytes: an answer several times the client's receive buffer. */
    private static final int BIG_RECORDS = 300;

    private static FetchResponseData bigFetchAnswer() {
        SimpleRecord[] records = new SimpleRecord[BIG_RECORDS];
        for (int i = 0; i < BIG_RECORDS; i++) {
            byte[] value = new byte[1_000];
            Arrays.fill(value, (byte) i);
            records[i] = new SimpleRecord(value);
        }
        FetchResponseData response = fetchAnswer();
        response.responses().get(0).partitions().get(0)
            .setRecords(MemoryRecords.withRecords(5L, Compression.NONE, records));
        return response;
    }

    /** The values of the answer's records: each record's first byte, checked to fill the record. */
    private static List<Integer> recordValues(FetchResponseData response) {
        List<Integer> values = new ArrayList<>();
        MemoryRecords records = (MemoryRecords) response.responses().get(0).partitions().get(0).records();
        records.records().forEach(r -> {
            ByteBuffer value = r.value();
            byte first = value.get(value.position());
            while (value.hasRemaining()) {
                assertThat(value.get()).isEqualTo(first);
            }
            values.add(first & 0xff);
        });
        return values;
    }

    private static List<Integer> expectedValues(int count) {
        return IntStream.range(0, count).map(i -> i & 0xff).boxed().toList();
    }

    @Test
    void anAnswerLargerThanTheReceiveBufferComesWholeAndItsPooledMemoryIsReleasedAfterTheHandler()
            throws Exception {
        server = new FakeLeader(request -> bigFetchAnswer());
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        endpoint = new BlockingLeaderEndpoint(new BlockingKafkaClient(new BrokerEndpoint(1, "127.0.0.1",
            server.port()), "f", 5_000, -1, Time.SYSTEM, allocator));

        for (int call = 0; call < 3; call++) {
            List<Integer> values = endpoint.fetch(fetchRequest(), response -> {
                assertThat(activeDirectAllocations(allocator)).isEqualTo(1);
                return recordValues(response);
            });
            assertThat(values).isEqualTo(expectedValues(BIG_RECORDS));
            assertThat(activeDirectAllocations(allocator)).isZero();
        }
        assertThat(server.connections.get()).isEqualTo(1);
    }

    private static long activeDirectAllocations(PooledByteBufAllocator allocator) {
        return allocator.metric().directArenas().stream()
            .mapToLong(PoolArenaMetric::numActiveAllocations).sum();
    }

    @Test
    void answersArrivingInPiecesOfAnySizeAreReassembled() throws Exception {
        server = new FakeLeader(request -> request instanceof FetchRequest f && f.maxWait() == 1
            ? fetchAnswer() : bigFetchAnswer());
        connect(5_000);
        for (int chunk : new int[] {1, 3, 4, 5, 1_000, 65_536, 70_000}) {
            server.writeChunkBytes = chunk;
            assertThat(endpoint.fetch(fetchRequest(), BlockingLeaderEndpointTest::recordValues))
                .as("answer in writes of %d bytes", chunk).isEqualTo(expectedValues(BIG_RECORDS));
        }
        server.writeChunkBytes = 1;
        FetchRequest.Builder small = FetchRequest.Builder.forReplica(ReplicaFetcher.FETCH_VERSION, 7, -1L, 1, 1,
            Map.of(TP, new FetchRequest.PartitionData(Uuid.randomUuid(), 5, 0, 1024, Optional.of(3))));
        assertThat(endpoint.fetch(small, BlockingLeaderEndpointTest::recordValues)).containsExactly((int) 'v');
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void bytesAfterTheAnswerAreAnErrorAndTheConnectionIsReplaced() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        server.trailingBytes = 7;
        connect(5_000);

        assertThatThrownBy(this::fetch).isInstanceOf(IOException.class).hasMessageContaining("Unexpected bytes");
        server.trailingBytes = 0;
        assertThat(fetch().responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aHandlersExceptionReachesTheCallerAndTheConnectionStaysUp() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        connect(5_000);

        assertThatThrownBy(() -> endpoint.fetch(fetchRequest(), response -> {
            throw new IllegalStateException("handler failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("handler failed");
        assertThat(fetch().responses()).hasSize(1);
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void theSocketTakesTheConfiguredReceiveBuffer() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        BlockingKafkaClient sized = new BlockingKafkaClient(new BrokerEndpoint(1, "127.0.0.1", server.port()), "f",
            5_000, 40_000);
        BlockingKafkaClient osDefault = new BlockingKafkaClient(new BrokerEndpoint(1, "127.0.0.1", server.port()),
            "f", 5_000, -1);
        try (sized; osDefault) {
            for (BlockingKafkaClient client : List.of(sized, osDefault)) {
                client.send(fetchRequest().build(ReplicaFetcher.FETCH_VERSION));
            }
            // Linux doubles what is asked for (room for its bookkeeping); other systems keep it.
            assertThat(sized.socketReceiveBufferBytes()).isIn(40_000, 80_000);
            assertThat(osDefault.socketReceiveBufferBytes()).isNotIn(40_000, 80_000);
        }
    }

    @Test
    void closeBetweenCallsClosesTheConnection() throws Exception {
        server = new FakeLeader(request -> fetchAnswer());
        connect(5_000);
        assertThat(fetch().responses()).hasSize(1);

        endpoint.close();

        assertThat(server.connectionClosed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(this::fetch).isInstanceOf(IOException.class).hasMessageContaining("closed");
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
        final BlockingQueue<AbstractRequest> received = new LinkedBlockingQueue<>();
        final AtomicInteger connections = new AtomicInteger();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile IntSupplier correlationIdShift = () -> 0;
        /** Bytes per write of an answer (0: the whole frame in one write). */
        volatile int writeChunkBytes;
        /** Bytes sent after an answer, in the same write. */
        volatile int trailingBytes;
        final CountDownLatch connectionClosed = new CountDownLatch(1);
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
                    s.setTcpNoDelay(true);
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
                        write(out, frame(header, body));
                    }
                }
            } catch (IOException e) {
                // The client went away.
                connectionClosed.countDown();
            }
        }

        private void write(DataOutputStream out, byte[] frame) throws IOException {
            byte[] bytes = Arrays.copyOf(frame, frame.length + trailingBytes);
            int chunk = writeChunkBytes == 0 ? bytes.length : writeChunkBytes;
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
                out.flush();
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
