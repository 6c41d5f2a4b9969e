package io.weir.broker.network;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.weir.bench.BenchLogs;
import io.weir.bench.ShortBenchmark;

/**
 * Request decode on the network thread: {@link RequestParser#parse} of one frame (size prefix
 * already read) into a {@link Request}, header and body, as the Java client 4.3 sends them. A
 * produce request of {@code partitions} partitions with one uncompressed 16 KiB batch each
 * (records stay slices of the frame), and a consumer's fetch of {@code partitions} partitions
 * (every field copied out).
 *
 * <p>In package {@code io.weir.broker.network} because the parser is package-private.
 */
public class RequestDecodeBenchmark extends ShortBenchmark {

    /** The highest versions Weir accepts (io.weir.broker.ApiRegistry), which the Java client 4.3 sends. */
    private static final short PRODUCE_VERSION = 13;
    private static final short FETCH_VERSION = 17;

    private static final ConnectionInfo CONNECTION = new ConnectionInfo("bench", null, "PLAINTEXT");
    private static final RequestCompletion IGNORED = new RequestCompletion() {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void complete(Request request, Send response, boolean close) {
        }
    };

    @Param({"1", "6"})
    public int partitions;

    private final RequestParser parser = new RequestParser((api, version) -> api.isVersionSupported(version));
    private ByteBuf produceFrame;
    private ByteBuf fetchFrame;

    @Setup
    public void setUp() {
        Uuid topicId = Uuid.randomUuid();
        produceFrame = pooledFrame(produceRequest(topicId));
        fetchFrame = pooledFrame(fetchRequest(topicId));
    }

    @TearDown
    public void tearDown() {
        produceFrame.release();
        fetchFrame.release();
    }

    @Benchmark
    public int parseProduce() throws RequestParser.InvalidFrameException {
        Request request = parser.parse(produceFrame, CONNECTION, 0L, IGNORED);
        request.releaseFrame();
        return request.sizeInBytes();
    }

    @Benchmark
    public int parseFetch() throws RequestParser.InvalidFrameException {
        return parser.parse(fetchFrame, CONNECTION, 0L, IGNORED).sizeInBytes();
    }

    private AbstractRequest produceRequest(Uuid topicId) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
            .setName("bench").setTopicId(topicId);
        for (int p = 0; p < partitions; p++) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                .setRecords(BenchLogs.batch(16, 1004)));
        }
        data.topicData().add(topic);
        return new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION, data).build(PRODUCE_VERSION);
    }

    private AbstractRequest fetchRequest(Uuid topicId) {
        Map<TopicPartition, FetchRequest.PartitionData> fetch = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            fetch.put(new TopicPartition("bench", p),
                new FetchRequest.PartitionData(topicId, 1_000L * p, 0L, 1024 * 1024, Optional.of(3)));
        }
        return FetchRequest.Builder.forConsumer(FETCH_VERSION, 500, 1, fetch).build(FETCH_VERSION);
    }

    private static ByteBuf pooledFrame(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "bench-client", 1);
        ByteBuffer bytes = request.serializeWithHeader(header);
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.remaining());
        frame.writeBytes(bytes);
        return frame;
    }
}
