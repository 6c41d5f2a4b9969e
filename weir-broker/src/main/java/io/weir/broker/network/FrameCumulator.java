package io.weir.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Gathers a connection's reads into one buffer, as Netty's {@link ByteToMessageDecoder#MERGE_CUMULATOR}
 * does, but grows the buffer to the whole pending frame at once. Netty's cumulator grows by
 * doubling and copies what it holds each time: a 400 KB produce request arriving in 64 KB reads was
 * copied about twice over (docs/benchmarks.md, "Request frames: one copy"). Here the decoder tells
 * the cumulator the size of the frame it is waiting for ({@link #expectFrame}); the first growth
 * makes room for all of it, so each byte is copied once from the read buffer and the first read's
 * bytes once more. Reads that need no growth go to Netty's cumulator.
 *
 * <p>The room taken ahead of the bytes is capped at {@link #MAX_PRESIZE_BYTES}: a client that
 * announces a 100 MB frame and sends a few bytes does not reserve 100 MB (beyond the cap the buffer
 * grows by doubling, as Netty's does). The cumulation is never reallocated in place: an earlier
 * frame may still be a retained slice of it, read by a request handler thread.
 *
 * <p>One per connection; confined to its event loop.
 */
final class FrameCumulator implements ByteToMessageDecoder.Cumulator {

    /** The most room reserved for bytes of a frame that have not arrived: Kafka's default max.request.size. */
    static final int MAX_PRESIZE_BYTES = 1024 * 1024;

    /** Size of the frame at the cumulation's reader index, its size field included; 0 when not known. */
    private int pendingFrameBytes;

    /** The decoder has read the size field of an incomplete frame that starts at the cumulation's reader index. */
    void expectFrame(int frameBytes) {
        pendingFrameBytes = frameBytes;
    }

    /** Whether the cumulation starts with a frame whose size is known and that has not all arrived. */
    boolean expectsFrame() {
        return pendingFrameBytes > 0;
    }

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation == in || !cumulation.isReadable() || cumulation.isReadOnly()
                || in.readableBytes() <= cumulation.maxFastWritableBytes()) {
            // No growth of a buffer holding part of a frame: Netty's cumulator does the same (it copies
            // into memory the buffer already owns, so a retained slice is safe; or replaces the buffer).
            return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        try {
            return grow(alloc, cumulation, in);
        } finally {
            in.release();
        }
    }

    private ByteBuf grow(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        int held = cumulation.readableBytes();
        int arriving = in.readableBytes();
        int capacity = Math.max(alloc.calculateNewCapacity(held + arriving, Integer.MAX_VALUE),
            Math.min(pendingFrameBytes, MAX_PRESIZE_BYTES));
        ByteBuf grown = alloc.buffer(capacity);
        ByteBuf toRelease = grown;
        try {
            grown.writeBytes(cumulation, cumulation.readerIndex(), held)
                .writeBytes(in, in.readerIndex(), arriving);
            in.readerIndex(in.writerIndex());
            toRelease = cumulation;
            return grown;
        } finally {
            toRelease.release();
        }
    }
}
