package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.weir.broker.Await;
import io.weir.common.Time;

/**
 * Who owns a request frame: a produce request's records are read in place from the pooled frame,
 * which stays referenced until the request handler returns; any other request keeps nothing of it.
 */
@Timeout(60)
class RequestFrameOwnershipTest {

    private static final ConnectionInfo CONNECTION = TestRequests.CONNECTION;
    private static final RequestCompletion IGNORED = TestRequests.IGNORED;

    private final RequestParser parser = new RequestParser((api, version) -> api.isVersionSupported(version));
    private ByteBuf frame;

    @AfterEach
    void releaseWhatIsLeft() {
        if (frame != null && frame.refCnt() > 0) {
            frame.release(frame.refCnt());
        }
    }

    @Test
    void produceRecordsAreReadInPlaceAndTheFrameIsKeptUntilReleased() throws Exception {
        frame = pooledFrame(produceFrame("hello", "weir"));

        Request request = parser.parse(frame, CONNECTION, 0L, IGNORED);
        frame.release(); // the network thread's reference, as ConnectionHandler drops it after parsing

        assertThat(frame.refCnt()).as("the request's own reference").isEqualTo(1);
        MemoryRecords records = records(request);
        assertThat(records.buffer().isDirect()).as("records are a slice of the pooled frame").isTrue();
        assertThat(values(records)).containsExactly("hello", "weir");

        request.releaseFrame();
        assertThat(frame.refCnt()).isZero();
        request.releaseFrame(); // idempotent: no second release of a buffer the pool may have reused
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void otherRequestsKeepNothingOfTheFrame() throws Exception {
        frame = pooledFrame(Frames.metadata((short) 12, 7, "orders"));

        Request request = parser.parse(frame, CONNECTION, 0L, IGNORED);

        assertThat(frame.refCnt()).as("only the caller's reference").isEqualTo(1);
        frame.release();
        assertThat(request.body(MetadataRequest.class).topics()).as("parsed data outlives the frame")
            .containsExactly("orders");
    }

    @Test
    void theHandlerPoolReleasesTheFrameWhenTheHandlerReturns() throws Exception {
        frame = pooledFrame(produceFrame("a"));
        Request request = parser.parse(frame, CONNECTION, 0L, IGNORED);
        frame.release();
        CompletableFuture<Integer> refCntWhileHandling = new CompletableFuture<>();
        CompletableFuture<String> readWhileHandling = new CompletableFuture<>();
        RequestChannel channel = new RequestChannel(4);
        ApiRequestHandler handler = r -> {
            refCntWhileHandling.complete(frame.refCnt());
            readWhileHandling.complete(values(records(r)).get(0));
            r.noResponse();
        };
        try (RequestHandlerPool pool = new RequestHandlerPool(1, channel, handler, Time.SYSTEM)) {
            assertThat(channel.offer(request)).isTrue();
            assertThat(refCntWhileHandling.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(readWhileHandling.get(30, TimeUnit.SECONDS)).isEqualTo("a");
            Await.until("the frame released after the handler returned", () -> frame.refCnt() == 0);
        }
    }

    @Test
    void queuedRequestsDroppedAtShutdownReleaseTheirFrames() throws Exception {
        frame = pooledFrame(produceFrame("never handled"));
        Request request = parser.parse(frame, CONNECTION, 0L, IGNORED);
        frame.release();
        RequestChannel channel = new RequestChannel(4);
        assertThat(channel.offer(request)).isTrue();

        channel.clear();

        assertThat(frame.refCnt()).isZero();
    }

    private static ByteBuf pooledFrame(byte[] withSizePrefix) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(withSizePrefix.length - 4);
        buf.writeBytes(withSizePrefix, 4, withSizePrefix.length - 4);
        return buf;
    }

    private static byte[] produceFrame(String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(values[i].getBytes());
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("orders");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
            .setRecords(MemoryRecords.withRecords(Compression.NONE, simple)));
        data.topicData().add(topic);
        return Frames.request(new ProduceRequest.Builder((short) 9, (short) 9, data).build((short) 9), 1);
    }

    private static MemoryRecords records(Request request) {
        ProduceRequest produce = request.body(ProduceRequest.class);
        return (MemoryRecords) produce.data().topicData().iterator().next().partitionData().get(0).records();
    }

    private static List<String> values(MemoryRecords records) {
        List<String> values = new ArrayList<>();
        records.records().forEach(r -> {
            ByteBuffer value = r.value();
            byte[] bytes = new byte[value.remaining()];
            value.get(bytes);
            values.add(new String(bytes));
        });
        return values;
    }
}
