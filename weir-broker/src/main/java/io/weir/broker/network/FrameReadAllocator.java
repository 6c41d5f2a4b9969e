package io.weir.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A connection's read buffers: while its {@link RequestFrameDecoder} gathers an incomplete frame in
 * a buffer with room for more, the next socket read goes straight into that room
 * ({@link RequestFrameDecoder#readTarget}), so those bytes are not copied from a read buffer
 * again. Otherwise the transport's own allocator picks the buffer, as before. Its handle still
 * sizes the reads and decides when to stop reading.
 *
 * <p>One per connection; its handle is used on the connection's event loop only.
 */
final class FrameReadAllocator implements RecvByteBufAllocator {

    private final RecvByteBufAllocator transport;
    private final RequestFrameDecoder decoder;

    FrameReadAllocator(RecvByteBufAllocator transport, RequestFrameDecoder decoder) {
        this.transport = transport;
        this.decoder = decoder;
    }

    @Override
    public Handle newHandle() {
        return new FrameReadHandle((ExtendedHandle) transport.newHandle());
    }

    private final class FrameReadHandle extends DelegatingHandle implements ExtendedHandle {

        FrameReadHandle(ExtendedHandle transportHandle) {
            super(transportHandle);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf target = decoder.readTarget();
            return target != null ? target : super.allocate(alloc);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
