package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.weir.common.Time;

/** The production pipeline on an EmbeddedChannel, fed byte by byte and with bad frames. */
@Timeout(60)
class RequestCodecTest {

    private static final int MAX_REQUEST_BYTES = 4096;

    private final RequestChannel requestChannel = new RequestChannel(16);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel newChannel() {
        return newChannel(SocketServerConfig.DEFAULT_READ_AHEAD_BYTES);
    }

    private EmbeddedChannel newChannel(int readAheadBytes) {
        return newChannel(readAheadBytes, InlineHandling.NONE);
    }

    private EmbeddedChannel newChannel(InlineHandling inline) {
        return newChannel(SocketServerConfig.DEFAULT_READ_AHEAD_BYTES, inline);
    }

    private EmbeddedChannel newChannel(int readAheadBytes, InlineHandling inline) {
        SocketServerConfig config = ServerFixture.config(b -> b.maxRequestBytes(MAX_REQUEST_BYTES)
            .readAheadBytes(readAheadBytes));
        ConnectionInitializer initializer = new ConnectionInitializer("PLAINTEXT", config,
            new RequestParser(new TestApis()), requestChannel, inline, Time.SYSTEM, RequestDoneListener.NONE,
            new AtomicInteger(), new AtomicLong(), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        EmbeddedChannel channel = new EmbeddedChannel(initializer);
        channels.add(channel);
        return channel;
    }

    /** A channel whose network thread handles Metadata itself with {@code apis}, once {@code open}. */
    private EmbeddedChannel inlineMetadataChannel(TestApis apis, java.util.function.BooleanSupplier open) {
        return newChannel(new InlineHandling(Set.of(ApiKeys.METADATA), apis, open));
    }

    /** An inline-Metadata channel whose handler calls {@code onRequest}, then answers at once. */
    private EmbeddedChannel answeringInlineChannel(java.util.function.Consumer<Request> onRequest) {
        return inlineMetadataChannel(new TestApis().override(ApiKeys.METADATA, r -> {
            onRequest.accept(r);
            r.sendResponse(TestApis.metadata(r.body(MetadataRequest.class)));
        }), () -> true);
    }

    private Request take() throws InterruptedException {
        Request request = requestChannel.receive(0);
        assertThat(request).isNotNull();
        return request;
    }

    @Test
    void frameSplitAtEveryPositionYieldsExactlyOneRequest() throws Exception {
        byte[] frame = Frames.metadata((short) 12, 77, "orders");
        for (int split = 1; split < frame.length; split++) {
            EmbeddedChannel channel = newChannel();
            channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, split));
            assertThat(requestChannel.size()).as("after %d bytes", split).isZero();
            channel.writeInbound(Unpooled.wrappedBuffer(frame, split, frame.length - split));
            assertThat(requestChannel.size()).as("split at %d", split).isEqualTo(1);
            Request request = take();
            assertThat(request.correlationId()).isEqualTo(77);
            assertThat(request.body(MetadataRequest.class).topics()).containsExactly("orders");
            assertThat(request.sizeInBytes()).isEqualTo(frame.length - 4);
            assertThat(channel.isOpen()).isTrue();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void frameFedOneByteAtATime() throws Exception {
        byte[] frame = Frames.apiVersions((short) 3, 5);
        EmbeddedChannel channel = newChannel();
        for (byte b : frame) {
            assertThat(requestChannel.size()).isZero();
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(take().apiKey()).isEqualTo(ApiKeys.API_VERSIONS);
    }

    static Stream<Arguments> badFrames() {
        byte[] garbage = new byte[64];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x7f; // an api key no Kafka version has
        byte[] truncatedMetadata = Frames.headerWithBody(ApiKeys.METADATA, (short) 4, 1, new byte[] {0, 0, 0, 5, 0});
        return Stream.of(
            Arguments.of("negative size", Frames.sizeOnly(-1)),
            Arguments.of("size above socket.request.max.bytes", Frames.sizeOnly(MAX_REQUEST_BYTES + 1)),
            Arguments.of("huge size", Frames.sizeOnly(Integer.MAX_VALUE)),
            Arguments.of("empty frame", Frames.withSize(new byte[0])),
            Arguments.of("truncated header", Frames.withSize(new byte[] {0, 3, 0})),
            Arguments.of("garbage", Frames.withSize(garbage)),
            Arguments.of("unknown api key", Frames.rawHeader((short) 9999, (short) 0, 1)),
            Arguments.of("version Kafka does not know", Frames.rawHeader(ApiKeys.METADATA.id, (short) 999, 1)),
            Arguments.of("version the broker does not support", Frames.metadata((short) 1, 1, "t")),
            Arguments.of("api the broker does not support", Frames.rawHeader(ApiKeys.SYNC_GROUP.id, (short) 0, 1)),
            Arguments.of("truncated body", truncatedMetadata));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void badFrameClosesTheChannel(String name, byte[] frame) {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as(name).isFalse();
        assertThat(requestChannel.size()).isZero();
    }

    @Test
    void tooNewApiVersionsIsAnsweredAtV0WithUnsupportedVersion() throws Exception {
        for (short version : new short[] {TestApis.MAX_API_VERSIONS + 1, 127}) {
            EmbeddedChannel channel = newChannel();
            channel.writeInbound(Unpooled.wrappedBuffer(apiVersionsHeaderV2(version, 9)));
            Request request = take();
            ApiVersionsRequest body = request.body(ApiVersionsRequest.class);
            assertThat(body.hasUnsupportedRequestVersion()).isTrue();
            assertThat(request.header().apiVersion()).isEqualTo(version);
            assertThat(request.apiVersion()).isZero();
            request.sendResponse(TestApis.apiVersions(body));
            channel.runPendingTasks();
            ApiVersionsResponse response = (ApiVersionsResponse) readResponse(channel, ApiKeys.API_VERSIONS, (short) 0, 9);
            assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion())
                .isEqualTo(TestApis.MAX_API_VERSIONS);
            assertThat(channel.isOpen()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreDispatchedOneAtATime() throws Exception {
        EmbeddedChannel channel = newChannel();
        byte[] first = Frames.metadata((short) 12, 1, "a");
        byte[] second = Frames.metadata((short) 12, 2, "b");
        channel.writeInbound(Unpooled.wrappedBuffer(first, second));
        Request r1 = take();
        assertThat(requestChannel.size()).isZero();
        r1.sendResponse(TestApis.metadata(r1.body(MetadataRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.METADATA, (short) 12, 1);
        Request r2 = take();
        assertThat(r2.correlationId()).isEqualTo(2);
        r2.noResponse();
        channel.runPendingTasks();
        Object written = channel.readOutbound();
        assertThat(written).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void theConnectionReadsAheadWhileARequestIsInTheBrokerUntilTheReadAheadIsHeld() throws Exception {
        byte[] frame = Frames.metadata((short) 12, 1, "a");
        int held = frame.length - 4 + 512; // what one held frame counts against the read-ahead
        EmbeddedChannel channel = newChannel(2 * held);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 1, "a")));
        Request r1 = take();
        assertThat(channel.config().isAutoRead()).as("reads on with a request in the broker").isTrue();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 2, "b")));
        assertThat(channel.config().isAutoRead()).as("one frame held, below the read-ahead").isTrue();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 3, "c")));
        assertThat(channel.config().isAutoRead()).as("two frames held: the read-ahead is reached").isFalse();
        assertThat(requestChannel.size()).as("still one request at a time").isZero();

        r1.sendResponse(TestApis.metadata(r1.body(MetadataRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.METADATA, (short) 12, 1);
        Request r2 = take();
        assertThat(r2.correlationId()).isEqualTo(2);
        assertThat(channel.config().isAutoRead()).as("one frame held again").isTrue();
        r2.noResponse();
        channel.runPendingTasks();
        assertThat(take().correlationId()).isEqualTo(3);
    }

    @Test
    void withoutReadAheadNothingMoreIsReadWhileARequestIsInTheBroker() throws Exception {
        EmbeddedChannel channel = newChannel(0);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 1, "a")));
        Request r1 = take();
        assertThat(channel.config().isAutoRead()).as("Kafka's rule: muted until answered").isFalse();
        r1.sendResponse(TestApis.metadata(r1.body(MetadataRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.METADATA, (short) 12, 1);
        assertThat(channel.config().isAutoRead()).as("reading again once answered").isTrue();
    }

    @Test
    void badFrameBehindAValidOneClosesAfterTheResponse() throws Exception {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.apiVersions((short) 3, 1), Frames.sizeOnly(-5)));
        Request request = take();
        assertThat(channel.isOpen()).isTrue();
        request.sendResponse(TestApis.apiVersions(request.body(ApiVersionsRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.API_VERSIONS, (short) 3, 1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void secondCompletionIsRejected() throws Exception {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.apiVersions((short) 3, 1)));
        Request request = take();
        request.noResponse();
        org.assertj.core.api.Assertions.assertThatThrownBy(request::closeConnection)
            .isInstanceOf(IllegalStateException.class);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void closeConnectionClosesTheChannel() throws Exception {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.apiVersions((short) 3, 1)));
        take().closeConnection();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anInlineApiIsHandledOnTheNetworkThreadWithoutTheRequestQueue() {
        List<Thread> handledOn = new ArrayList<>();
        EmbeddedChannel channel = answeringInlineChannel(r -> handledOn.add(Thread.currentThread()));
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 4, "orders")));
        assertThat(handledOn).as("handled by the thread that read it").containsExactly(Thread.currentThread());
        assertThat(requestChannel.size()).isZero();
        channel.runPendingTasks();
        MetadataResponse response = (MetadataResponse) readResponse(channel, ApiKeys.METADATA, (short) 12, 4);
        assertThat(response.data().topics().iterator().next().name()).isEqualTo("orders");
    }

    @Test
    void otherApisAndRequestsBeforeStartUpEndsGoToTheHandlerThreads() throws Exception {
        AtomicBoolean open = new AtomicBoolean(false);
        TestApis apis = new TestApis().override(ApiKeys.METADATA, r -> {
            throw new AssertionError("handled inline");
        });
        EmbeddedChannel channel = inlineMetadataChannel(apis, open::get);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 1, "a")));
        Request early = take();
        assertThat(early.apiKey()).isEqualTo(ApiKeys.METADATA);
        early.noResponse();
        channel.runPendingTasks();
        open.set(true);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.apiVersions((short) 3, 2)));
        assertThat(take().apiKey()).as("not an inline API").isEqualTo(ApiKeys.API_VERSIONS);
    }

    @Test
    void pipelinedInlineRequestsAreHandledOneAtATimeInOrder() {
        List<Request> handled = new ArrayList<>();
        TestApis apis = new TestApis().override(ApiKeys.METADATA, handled::add); // answered later, as a purgatory would
        EmbeddedChannel channel = inlineMetadataChannel(apis, () -> true);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 1, "a"),
            Frames.metadata((short) 12, 2, "b")));
        channel.runPendingTasks();
        assertThat(handled).as("the second waits for the first's answer").hasSize(1);
        handled.get(0).sendResponse(TestApis.metadata(handled.get(0).body(MetadataRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.METADATA, (short) 12, 1);
        assertThat(handled).hasSize(2);
        assertThat(handled.get(1).correlationId()).isEqualTo(2);
        handled.get(1).sendResponse(TestApis.metadata(handled.get(1).body(MetadataRequest.class)));
        channel.runPendingTasks();
        readResponse(channel, ApiKeys.METADATA, (short) 12, 2);
    }

    @Test
    void inlineAnswersToPipelinedRequestsLeaveInOrderInOneFlush() {
        List<Integer> handled = new ArrayList<>();
        EmbeddedChannel channel = answeringInlineChannel(r -> handled.add(r.correlationId()));
        AtomicInteger flushes = new AtomicInteger();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 1, "a"),
            Frames.metadata((short) 12, 2, "b"), Frames.metadata((short) 12, 3, "c")));
        channel.runPendingTasks();
        assertThat(handled).containsExactly(1, 2, 3);
        assertThat(flushes).as("three answers, one write to the socket").hasValue(1);
        assertThat(correlationIdsWritten(channel)).containsExactly(1, 2, 3);
        assertThat(requestChannel.size()).isZero();
    }

    private static List<Integer> correlationIdsWritten(EmbeddedChannel channel) {
        ByteBuf out = drainOutbound(channel);
        List<Integer> ids = new ArrayList<>();
        while (out.isReadable()) {
            int size = out.readInt();
            ids.add(out.getInt(out.readerIndex()));
            out.skipBytes(size);
        }
        out.release();
        return ids;
    }

    @Test
    void anInlineHandlerThatThrowsIsAnsweredWithTheApisErrorResponse() {
        TestApis apis = new TestApis().override(ApiKeys.METADATA, r -> {
            throw new IllegalStateException("boom");
        });
        EmbeddedChannel channel = inlineMetadataChannel(apis, () -> true);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.metadata((short) 12, 3, "t")));
        channel.runPendingTasks();
        MetadataResponse response = (MetadataResponse) readResponse(channel, ApiKeys.METADATA, (short) 12, 3);
        assertThat(response.errors()).containsEntry("t", Errors.UNKNOWN_SERVER_ERROR);
        assertThat(channel.isOpen()).isTrue();
    }

    /** ApiVersions v3+ uses request header v2: key, version, correlation id, client id, tagged fields. */
    private static byte[] apiVersionsHeaderV2(short version, int correlationId) {
        byte[] clientId = Frames.CLIENT_ID.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + 4 + 2 + clientId.length + 1 + 3);
        b.putShort(ApiKeys.API_VERSIONS.id).putShort(version).putInt(correlationId)
            .putShort((short) clientId.length).put(clientId).put((byte) 0);
        // A body this broker does not parse: empty compact strings and no tagged fields.
        b.put((byte) 1).put((byte) 1).put((byte) 0);
        return Frames.withSize(b.array());
    }

    private static AbstractResponse readResponse(EmbeddedChannel channel, ApiKeys api, short version,
                                                 int correlationId) {
        ByteBuf out = drainOutbound(channel);
        ByteBuffer buffer = out.nioBuffer();
        out.release();
        assertThat(buffer.getInt()).isEqualTo(buffer.remaining());
        ResponseHeader header = ResponseHeader.parse(buffer, api.responseHeaderVersion(version));
        assertThat(header.correlationId()).isEqualTo(correlationId);
        return AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version);
    }

    /** Everything written to the channel so far, in one buffer (the caller releases it). */
    private static ByteBuf drainOutbound(EmbeddedChannel channel) {
        ByteBuf out = Unpooled.buffer();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            out.writeBytes(buf);
            buf.release();
        }
        return out;
    }
}
