package io.weir.broker.network;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Kafka framing: a signed 4-byte big-endian size, then that many bytes; emits the frame without
 * the size. A size below 0 or above {@code socket.request.max.bytes} fails as soon as the size is
 * read (Kafka's "Invalid receive" check), before any of the frame is buffered. Reads are gathered
 * by a {@link FrameCumulator}, told the size of each incomplete frame so it grows once per frame.
 * With a {@link FrameReadAllocator} on the channel, the reads that follow go straight into the
 * room that growth made ({@link #readTarget}): a large frame's bytes are then copied only by the
 * kernel, except for those of the read that began it.
 *
 * <p>One per connection; confined to its event loop.
 */
final class RequestFrameDecoder extends LengthFieldBasedFrameDecoder {

    private static final int SIZE_FIELD_BYTES = 4;

    /** Less room than this in the cumulation is left to an ordinary read buffer. */
    static final int MIN_READ_TARGET_BYTES = 4096;

    private final int maxRequestBytes;
    private final FrameCumulator cumulator = new FrameCumulator();
    /** The last read target handed out, until its bytes arrive: its cumulation, and where in it it begins. */
    private ByteBuf handedOut;
    private ByteBuf handedOutOf;
    private int handedOutAt;
    private long bytesReadInPlace;

    RequestFrameDecoder(int maxRequestBytes) {
        super((int) Math.min(Integer.MAX_VALUE, (long) maxRequestBytes + SIZE_FIELD_BYTES), 0, SIZE_FIELD_BYTES, 0,
            SIZE_FIELD_BYTES, true);
        this.maxRequestBytes = maxRequestBytes;
        setCumulator(cumulator);
    }

    /**
     * A buffer for the next socket read over the free room of the cumulation, when it holds the
     * start of a frame that has not all arrived; null to read into a buffer of the transport's.
     * The read's bytes come back to {@link #channelRead} as that buffer. A read that ends the
     * connection or returns nothing releases it without passing it on.
     */
    ByteBuf readTarget() {
        handedOut = null;
        ByteBuf cumulation = internalBuffer();
        // Direct only: the epoll transport reads into native memory.
        if (!cumulator.expectsFrame() || !cumulation.isReadable() || !cumulation.isDirect()
                || cumulation.writableBytes() < MIN_READ_TARGET_BYTES) {
            return null;
        }
        handedOutOf = cumulation;
        handedOutAt = cumulation.writerIndex();
        handedOut = cumulation.retainedSlice(handedOutAt, cumulation.writableBytes()).clear();
        return handedOut;
    }

    /** Bytes that went straight into a gathered frame ({@link #readTarget}); for tests. */
    long bytesReadInPlace() {
        return bytesReadInPlace;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg != null && msg == handedOut) {
            handedOut = null;
            ByteBuf read = (ByteBuf) msg;
            if (internalBuffer() == handedOutOf && handedOutOf.writerIndex() == handedOutAt) {
                // The bytes are already in place: take them in and decode as after any read.
                int bytes = read.readableBytes();
                read.release();
                handedOutOf.writerIndex(handedOutAt + bytes);
                bytesReadInPlace += bytes;
                msg = Unpooled.EMPTY_BUFFER;
            }
            // Else the cumulation changed meanwhile (it cannot on one event loop): the read is an
            // ordinary buffer over bytes nothing else writes, and gets copied in like one.
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        Object frame = super.decode(ctx, in);
        // Called until it returns null: then what is buffered starts with an incomplete frame.
        cumulator.expectFrame(frame == null && in.readableBytes() >= SIZE_FIELD_BYTES
            ? (int) Math.min(Integer.MAX_VALUE, SIZE_FIELD_BYTES + (long) in.getInt(in.readerIndex()))
            : 0);
        return frame;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        int size = buf.getInt(offset);
        if (size < 0 || size > maxRequestBytes) {
            // Drop what is buffered so the decoder does not fail again on the same bytes.
            buf.skipBytes(buf.readableBytes());
            throw new CorruptedFrameException(size < 0
                ? "Invalid receive (size = " + size + ")"
                : "Invalid receive (size = " + size + " larger than " + maxRequestBytes + ")");
        }
        return size;
    }
}
