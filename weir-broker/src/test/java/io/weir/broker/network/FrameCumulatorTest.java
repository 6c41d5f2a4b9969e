package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Reads gathered into frames: each frame's bytes copied into a buffer that grows once. */
@Timeout(60)
class FrameCumulatorTest {

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 300_000;
    private static final int READS_PER_FRAME = 64;

    private final ByteBufAllocator alloc = new PooledByteBufAllocator(true);

    @Test
    void aLargeFrameGrowsTheCumulationOnceAndThenFillsItInPlace() {
        byte[] frame = frame(400_000, new Random(1));
        FrameCumulator cumulator = new FrameCumulator();
        ByteBuf cumulation = cumulator.cumulate(alloc, Unpooled.EMPTY_BUFFER, chunk(frame, 0));
        cumulator.expectFrame(frame.length);

        cumulation = cumulator.cumulate(alloc, cumulation, chunk(frame, CHUNK_BYTES));
        assertThat(cumulation.capacity()).isGreaterThanOrEqualTo(frame.length);
        long address = cumulation.memoryAddress();
        for (int at = 2 * CHUNK_BYTES; at < frame.length; at += CHUNK_BYTES) {
            ByteBuf next = cumulator.cumulate(alloc, cumulation, chunk(frame, at));
            assertThat(next).isSameAs(cumulation);
            assertThat(next.memoryAddress()).as("no reallocation at %d", at).isEqualTo(address);
        }
        assertThat(ByteBufUtil.getBytes(cumulation)).isEqualTo(frame);
        cumulation.release();
    }

    @Test
    void aFrameThatOnlyAnnouncesAHugeSizeReservesAtMostTheCap() {
        FrameCumulator cumulator = new FrameCumulator();
        ByteBuf cumulation = cumulator.cumulate(alloc, Unpooled.EMPTY_BUFFER, bytes(100));
        cumulator.expectFrame(100_000_004);
        cumulation = cumulator.cumulate(alloc, cumulation, bytes(CHUNK_BYTES));
        assertThat(cumulation.capacity()).isEqualTo(FrameCumulator.MAX_PRESIZE_BYTES);
        assertThat(cumulation.readableBytes()).isEqualTo(100 + CHUNK_BYTES);
        cumulation.release();
    }

    @Test
    void growingUnderARetainedSliceLeavesTheSliceIntact() {
        FrameCumulator cumulator = new FrameCumulator();
        byte[] first = frame(1000, new Random(2));
        ByteBuf cumulation = cumulator.cumulate(alloc, Unpooled.EMPTY_BUFFER, Unpooled.wrappedBuffer(first));
        // A request handler still holds the first frame while the next one arrives.
        ByteBuf held = cumulation.retainedSlice(0, first.length);
        cumulation.skipBytes(first.length);
        cumulation = cumulator.cumulate(alloc, cumulation, bytes(10));
        cumulator.expectFrame(500_000);
        cumulation = cumulator.cumulate(alloc, cumulation, bytes(CHUNK_BYTES));
        assertThat(ByteBufUtil.getBytes(held)).isEqualTo(first);
        assertThat(cumulation.readableBytes()).isEqualTo(10 + CHUNK_BYTES);
        held.release();
        cumulation.release();
    }

    @Test
    void theDecoderGrowsItsBufferOnceToTheAnnouncedFrame() {
        byte[] frame = frame(400_000, new Random(3));
        List<Integer> allocations = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new RequestFrameDecoder(1 << 20));
        channel.config().setAllocator(new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                allocations.add(initialCapacity);
                return alloc.heapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                allocations.add(initialCapacity);
                return alloc.directBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return true;
            }
        });
        try {
            for (int at = 0; at < frame.length; at += CHUNK_BYTES) {
                channel.writeInbound(chunk(frame, at));
            }
            ByteBuf out = channel.readInbound();
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Arrays.copyOfRange(frame, 4, frame.length));
            out.release();
            assertThat(allocations).hasSize(1);
            assertThat(allocations.get(0)).isGreaterThanOrEqualTo(frame.length);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Any frames, any split into reads: the decoder emits exactly the frames, in order. Frames are
     * at most {@value #READS_PER_FRAME} times the largest read, so reads of a byte or two split
     * the size and small bodies at every position without a million reads of one large body.
     */
    @Property(tries = 200)
    void framesSplitAnyWayComeOutWhole(@ForAll @IntRange(min = 1, max = 6) int frameCount,
                                       @ForAll @IntRange(min = 1, max = 150_000) int maxReadBytes,
                                       @ForAll long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        ByteBuf wire = wire(frameCount, (int) Math.min(MAX_BODY_BYTES, (long) READS_PER_FRAME * maxReadBytes),
            random, frames);
        EmbeddedChannel channel = new EmbeddedChannel(new RequestFrameDecoder(1 << 20));
        channel.config().setAllocator(alloc);
        try {
            while (wire.isReadable()) {
                int n = Math.min(wire.readableBytes(), 1 + random.nextInt(maxReadBytes));
                ByteBuf read = alloc.directBuffer(n);
                wire.readBytes(read, n);
                channel.writeInbound(read);
            }
            assertFramesOut(channel, frames);
        } finally {
            channel.finishAndReleaseAll();
            wire.release();
        }
    }

    /**
     * Reads as the transport makes them through a {@link FrameReadAllocator}: into the buffer it
     * hands out (some reads find nothing and release it), then passed on. Every frame comes out
     * whole and in order, and the bytes of large frames went straight into their gathering buffer.
     */
    @Property(tries = 100)
    void readsIntoTheGatheredFrameComeOutWhole(@ForAll @IntRange(min = 1, max = 6) int frameCount,
                                               @ForAll @IntRange(min = 256, max = 150_000) int maxReadBytes,
                                               @ForAll long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        ByteBuf wire = wire(frameCount, MAX_BODY_BYTES, random, frames);
        RequestFrameDecoder decoder = new RequestFrameDecoder(1 << 20);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(alloc);
        RecvByteBufAllocator.Handle reads =
            new FrameReadAllocator(new FixedRecvByteBufAllocator(64 * 1024), decoder).newHandle();
        try {
            while (wire.isReadable()) {
                ByteBuf read = reads.allocate(alloc);
                if (random.nextInt(10) == 0) {
                    read.release(); // a read that found nothing
                    continue;
                }
                int n = Math.min(Math.min(wire.readableBytes(), 1 + random.nextInt(maxReadBytes)), read.writableBytes());
                wire.readBytes(read, n);
                channel.writeInbound(read);
            }
            assertFramesOut(channel, frames);
            long largestFrame = frames.stream().mapToLong(f -> f.length).max().orElse(0);
            if (largestFrame > 3L * 64 * 1024 && maxReadBytes > RequestFrameDecoder.MIN_READ_TARGET_BYTES) {
                assertThat(decoder.bytesReadInPlace()).isPositive();
            }
        } finally {
            channel.finishAndReleaseAll();
            wire.release();
        }
    }

    /**
     * frameCount frames of random bodies of fewer than maxBodyBytes (kept in frames), each after
     * its size, in one buffer.
     */
    private static ByteBuf wire(int frameCount, int maxBodyBytes, Random random, List<byte[]> frames) {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < frameCount; i++) {
            byte[] body = new byte[random.nextInt(maxBodyBytes)];
            random.nextBytes(body);
            frames.add(body);
            wire.writeInt(body.length).writeBytes(body);
        }
        return wire;
    }

    /** The channel emitted exactly these frame bodies, in order. */
    private static void assertFramesOut(EmbeddedChannel channel, List<byte[]> frames) {
        for (byte[] body : frames) {
            ByteBuf out = channel.readInbound();
            assertThat(out).isNotNull();
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(body);
            out.release();
        }
        assertThat((Object) channel.readInbound()).isNull();
    }

    private static byte[] frame(int bodyBytes, Random random) {
        byte[] frame = new byte[4 + bodyBytes];
        random.nextBytes(frame);
        Unpooled.wrappedBuffer(frame).setInt(0, bodyBytes);
        return frame;
    }

    private ByteBuf chunk(byte[] frame, int at) {
        int n = Math.min(CHUNK_BYTES, frame.length - at);
        return alloc.directBuffer(CHUNK_BYTES).writeBytes(frame, at, n);
    }

    private ByteBuf bytes(int n) {
        return alloc.directBuffer(n).writeZero(n);
    }
}
