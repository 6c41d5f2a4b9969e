package io.weir.broker.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns a kafka-clients {@link Send} into Netty messages by playing the socket it writes to:
 * bytes written are copied into pooled direct ByteBufs (consecutive writes share one buffer), and
 * {@link #transferFrom} (how FileRecords write themselves) becomes a {@link SharedFileRegion}, so
 * record data goes from the page cache to the socket without passing through the heap.
 *
 * <p>Not thread-safe: used by one thread for one response.
 */
final class OutboundMessages implements TransferableChannel {

    private static final int MIN_BUFFER_BYTES = 256;

    private final ByteBufAllocator allocator;
    private final List<Object> messages = new ArrayList<>();
    private ByteBuf current;

    private OutboundMessages(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Writes the whole Send into messages, in order. On failure nothing is left allocated.
     *
     * @throws IOException if the Send cannot be written (such as a truncated file)
     */
    static List<Object> of(Send send, ByteBufAllocator allocator) throws IOException {
        OutboundMessages out = new OutboundMessages(allocator);
        try {
            while (!send.completed()) {
                if (send.writeTo(out) <= 0 && !send.completed()) {
                    throw new IOException("response Send made no progress: " + send);
                }
            }
            return out.drain();
        } catch (IOException | RuntimeException e) {
            out.releaseAll();
            throw e;
        }
    }

    @Override
    public int write(ByteBuffer src) {
        int bytes = src.remaining();
        if (bytes == 0) {
            return 0;
        }
        if (current != null && current.maxFastWritableBytes() < bytes) {
            flushCurrent(); // a new buffer rather than a reallocating copy of the old one
        }
        if (current == null) {
            current = allocator.directBuffer(Math.max(bytes, MIN_BUFFER_BYTES));
        }
        current.writeBytes(src);
        return bytes;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long written = 0;
        for (int i = offset; i < offset + length; i++) {
            written += write(srcs[i]);
        }
        return written;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) {
        if (count > 0) {
            flushCurrent();
            messages.add(new SharedFileRegion(fileChannel, position, count));
        }
        return count;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }

    private void flushCurrent() {
        if (current != null) {
            messages.add(current);
            current = null;
        }
    }

    private List<Object> drain() {
        flushCurrent();
        return messages;
    }

    private void releaseAll() {
        flushCurrent();
        messages.forEach(ReferenceCountUtil::safeRelease);
        messages.clear();
    }
}
