package io.weir.broker.network;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Kafka framing: a signed 4-byte big-endian size, then that many bytes; emits the frame without
 * the size. A size below 0 or above {@code socket.request.max.bytes} fails as soon as the size is
 * read (Kafka's "Invalid receive" check), before any of the frame is buffered. Reads are gathered
 * by a {@link FrameCumulator}, told the size of each incomplete frame so it grows once per frame.
 *
 * <p>One per connection; confined to its event loop.
 */
final class RequestFrameDecoder extends LengthFieldBasedFrameDecoder {

    private static final int SIZE_FIELD_BYTES = 4;

    private final int maxRequestBytes;
    private final FrameCumulator cumulator = new FrameCumulator();

    RequestFrameDecoder(int maxRequestBytes) {
        super((int) Math.min(Integer.MAX_VALUE, (long) maxRequestBytes + SIZE_FIELD_BYTES), 0, SIZE_FIELD_BYTES, 0,
            SIZE_FIELD_BYTES, true);
        this.maxRequestBytes = maxRequestBytes;
        setCumulator(cumulator);
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
