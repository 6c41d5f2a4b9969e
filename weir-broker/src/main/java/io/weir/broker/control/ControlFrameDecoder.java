package io.weir.broker.control;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts control-plane frames off a connection and decodes them into {@link ControlFrame}s. A bad
 * size fails as soon as the size field is read (nothing of the frame is buffered); a body that
 * does not decode fails once the frame is complete. Either way every byte buffered is dropped
 * and a {@link CorruptedFrameException} goes down the pipeline, where the connection is closed.
 *
 * <p>One per connection; confined to its event loop.
 */
final class ControlFrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrameBytes;

    ControlFrameDecoder(int maxFrameBytes) {
        super((int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes + ControlCodec.SIZE_FIELD_BYTES), 0,
            ControlCodec.SIZE_FIELD_BYTES, 0, ControlCodec.SIZE_FIELD_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        int size = buf.getInt(offset);
        try {
            ControlCodec.checkFrameSize(size, maxFrameBytes);
        } catch (ControlProtocolException e) {
            buf.skipBytes(buf.readableBytes());
            throw new CorruptedFrameException(e.getMessage());
        }
        return size;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            // The decoded message copies what it keeps, so the frame can go back to the pool.
            return ControlCodec.decode(frame.nioBuffer());
        } catch (ControlProtocolException e) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException(e.getMessage(), e);
        } finally {
            frame.release();
        }
    }
}
