package io.weir.broker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;

/**
 * The server pipeline ({@link ControlFrameDecoder}, {@link ControlConnectionHandler}) on an
 * EmbeddedChannel, with the handler run on the test thread: frames split at every position,
 * garbage, lies about sizes, and responses in request order.
 */
@Timeout(60)
class ControlFrameDecoderTest {

    private static final int MAX_FRAME_BYTES = 64 * 1024;

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final RecordingHandler handler = new RecordingHandler();

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel decoderOnly() {
        EmbeddedChannel channel = new EmbeddedChannel(new ControlFrameDecoder(MAX_FRAME_BYTES));
        channels.add(channel);
        return channel;
    }

    /** The whole server pipeline; requests are handled synchronously on the test thread. */
    private EmbeddedChannel pipeline() {
        EmbeddedChannel channel = new EmbeddedChannel(new ControlFrameDecoder(MAX_FRAME_BYTES),
            new ControlConnectionHandler(new ControlRequestDispatcher(handler, Runnable::run)));
        channels.add(channel);
        return channel;
    }

    private static byte[] frame(int correlationId, Object message) {
        ByteBuffer buffer = ControlCodec.encode(correlationId, message);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Object nextInbound(EmbeddedChannel channel) {
        return channel.readInbound();
    }

    private static Object nextOutbound(EmbeddedChannel channel) {
        Object message = channel.readOutbound();
        io.netty.util.ReferenceCountUtil.release(message);
        return message;
    }

    /** The next response written by the server, decoded. */
    private static ControlFrame readResponse(EmbeddedChannel channel) throws Exception {
        channel.runPendingTasks();
        ByteBuf buf = channel.readOutbound();
        assertThat(buf).as("a response").isNotNull();
        try {
            int size = buf.readInt();
            assertThat(size).isEqualTo(buf.readableBytes());
            return ControlCodec.decode(buf.nioBuffer());
        } finally {
            buf.release();
        }
    }

    @Test
    void frameSplitAtEveryPositionDecodesToOneMessage() {
        for (Object message : ControlSamples.all()) {
            byte[] frame = frame(99, message);
            for (int split = 1; split < frame.length; split++) {
                EmbeddedChannel channel = decoderOnly();
                channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, split));
                assertThat(nextInbound(channel)).as("%s after %d bytes", message, split).isNull();
                channel.writeInbound(Unpooled.wrappedBuffer(frame, split, frame.length - split));
                ControlFrame decoded = channel.readInbound();
                assertThat(decoded).as("%s split at %d", message, split)
                    .isEqualTo(new ControlFrame(ControlMessageType.of(message), 99, message));
                assertThat(nextInbound(channel)).isNull();
                assertThat(channel.finish()).isFalse();
            }
        }
    }

    @Test
    void framesFedOneByteAtATimeComeOutInOrder() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Object> messages = ControlSamples.all();
        for (int i = 0; i < messages.size(); i++) {
            all.writeBytes(frame(i, messages.get(i)));
        }
        EmbeddedChannel channel = decoderOnly();
        for (byte b : all.toByteArray()) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        for (int i = 0; i < messages.size(); i++) {
            ControlFrame decoded = channel.readInbound();
            assertThat(decoded.correlationId()).isEqualTo(i);
            assertThat(decoded.message()).isEqualTo(messages.get(i));
        }
        assertThat(nextInbound(channel)).isNull();
    }

    @Test
    void badSizeFailsAsSoonAsItIsRead() {
        for (int size : new int[] {-1, Integer.MIN_VALUE, 0, 5, MAX_FRAME_BYTES + 1, Integer.MAX_VALUE}) {
            EmbeddedChannel channel = decoderOnly();
            assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer(4).writeInt(size)))
                .as("size %d", size).isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("size = " + size);
        }
    }

    @Test
    void brokenFramesCloseTheConnection() {
        byte[] unknownType = {0, 0, 0, 6, 0, 77, 0, 0, 0, 1};
        byte[] truncatedBody = {0, 0, 0, 8, 0, 4, 0, 0, 0, 1, 0, 0};
        byte[] tooLarge = ByteBuffer.allocate(4).putInt(MAX_FRAME_BYTES + 1).array();
        for (byte[] bad : List.of(unknownType, truncatedBody, tooLarge)) {
            EmbeddedChannel channel = pipeline();
            channel.writeInbound(Unpooled.wrappedBuffer(bad));
            assertThat(channel.isOpen()).isFalse();
        }
        assertThat(handler.received).isEmpty();
    }

    @Test
    void aGoodFrameBeforeGarbageIsHandledThenTheConnectionCloses() {
        EmbeddedChannel channel = pipeline();
        byte[] good = frame(1, ControlSamples.stopReplica(1));
        byte[] both = new byte[good.length + 10];
        System.arraycopy(good, 0, both, 0, good.length);
        ByteBuffer.wrap(both, good.length, 10).putInt(6).putShort((short) -5).putInt(2);
        channel.writeInbound(Unpooled.wrappedBuffer(both));
        assertThat(handler.received).containsExactly(ControlSamples.stopReplica(1));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aResponseSentAsARequestClosesTheConnection() {
        EmbeddedChannel channel = pipeline();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(1, ControlResponse.NONE)));
        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.received).isEmpty();
    }

    @Test
    void requestSplitAtEveryPositionIsAnswered() throws Exception {
        byte[] request = frame(7, ControlSamples.leaderAndIsr(1));
        for (int split = 1; split < request.length; split++) {
            EmbeddedChannel channel = pipeline();
            channel.writeInbound(Unpooled.wrappedBuffer(request, 0, split));
            channel.runPendingTasks();
            assertThat(nextOutbound(channel)).isNull();
            channel.writeInbound(Unpooled.wrappedBuffer(request, split, request.length - split));
            ControlFrame response = readResponse(channel);
            assertThat(response.correlationId()).isEqualTo(7);
            assertThat(response.message()).isEqualTo(RecordingHandler.allNone(ControlSamples.leaderAndIsr(1)));
        }
        assertThat(handler.received).hasSize(request.length - 1);
    }

    @Test
    void responsesLeaveInRequestOrderWhateverOrderTheyCompleteIn() throws Exception {
        CompletableFuture<ControlledShutdownResponse> shutdown = new CompletableFuture<>();
        handler.shutdownAnswer = request -> shutdown;
        EmbeddedChannel channel = pipeline();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(1, new ControlledShutdownRequest(3, 9L))));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(2, ControlSamples.updateMetadata(3))));
        channel.runPendingTasks();
        assertThat(handler.received).hasSize(2);
        assertThat(nextOutbound(channel)).as("UpdateMetadata waits for ControlledShutdown").isNull();

        ControlledShutdownResponse answer = new ControlledShutdownResponse(Errors.NONE, Set.of(ControlSamples.ORDERS_1));
        shutdown.complete(answer);
        ControlFrame first = readResponse(channel);
        assertThat(first).isEqualTo(new ControlFrame(ControlMessageType.CONTROLLED_SHUTDOWN_RESPONSE, 1, answer));
        ControlFrame second = readResponse(channel);
        assertThat(second.correlationId()).isEqualTo(2);
        assertThat(second.message()).isEqualTo(ControlResponse.NONE);
    }

    @Test
    void handlerFailuresAreAnsweredWithUnknownServerError() throws Exception {
        EmbeddedChannel channel = pipeline();
        handler.answer = request -> {
            throw new IllegalStateException("boom (expected by the test)");
        };
        channel.writeInbound(Unpooled.wrappedBuffer(frame(1, ControlSamples.leaderAndIsr(1))));
        assertThat(readResponse(channel).message()).isEqualTo(ControlResponse.of(Errors.UNKNOWN_SERVER_ERROR));

        handler.answer = request -> null;
        channel.writeInbound(Unpooled.wrappedBuffer(frame(2, ControlSamples.stopReplica(1))));
        assertThat(readResponse(channel).message()).isEqualTo(ControlResponse.of(Errors.UNKNOWN_SERVER_ERROR));

        handler.shutdownAnswer = request -> CompletableFuture.failedFuture(new IllegalStateException("expected"));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(3, new ControlledShutdownRequest(1, 1L))));
        assertThat(readResponse(channel).message())
            .isEqualTo(new ControlledShutdownResponse(Errors.UNKNOWN_SERVER_ERROR, Set.of()));

        handler.shutdownAnswer = request -> {
            throw new IllegalStateException("expected");
        };
        channel.writeInbound(Unpooled.wrappedBuffer(frame(4, new ControlledShutdownRequest(1, 1L))));
        assertThat(readResponse(channel).correlationId()).isEqualTo(4);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void readingPausesWhileTooManyRequestsWait() throws Exception {
        List<CompletableFuture<ControlledShutdownResponse>> answers = new ArrayList<>();
        handler.shutdownAnswer = request -> {
            CompletableFuture<ControlledShutdownResponse> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        };
        EmbeddedChannel channel = pipeline();
        for (int i = 0; i < ControlConnectionHandler.MAX_IN_FLIGHT; i++) {
            assertThat(channel.config().isAutoRead()).isTrue();
            channel.writeInbound(Unpooled.wrappedBuffer(frame(i, new ControlledShutdownRequest(i, i))));
        }
        assertThat(channel.config().isAutoRead()).isFalse();
        answers.get(0).complete(new ControlledShutdownResponse(Errors.NONE, Set.of()));
        assertThat(readResponse(channel).correlationId()).isZero();
        assertThat(channel.config().isAutoRead()).isTrue();
        answers.forEach(a -> a.complete(new ControlledShutdownResponse(Errors.NONE, Set.of())));
        for (int i = 1; i < ControlConnectionHandler.MAX_IN_FLIGHT; i++) {
            assertThat(readResponse(channel).correlationId()).isEqualTo(i);
        }
    }
}
