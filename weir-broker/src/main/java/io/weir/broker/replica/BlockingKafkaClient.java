package io.weir.broker.replica;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.weir.common.Time;

/**
 * A small blocking Kafka-protocol client for one broker: one connection, one request at a time,
 * size-prefixed frames built and parsed with kafka-clients' serializers (RequestHeader,
 * AbstractRequest.serializeWithHeader, AbstractResponse.parseResponse). Any error closes the
 * connection and the next call opens a new one, so retry policy is the caller's.
 *
 * <p>The socket is a non-blocking {@link SocketChannel} with a {@link Selector} of its own, the
 * way Kafka's NetworkClient talks to a leader: a call waits in epoll until the response starts to
 * arrive, then reads it into direct memory (a {@value #RECEIVE_BUFFER_BYTES}-byte buffer kept for
 * the client, or for a larger frame a pooled buffer of the frame's size). A follower's fetched
 * records go from there to the log file without a copy onto the heap and back ({@code
 * java.net.Socket} reads every byte through a temporary direct buffer into an array, and a file
 * write from an array copies it into one again).
 *
 * <p>{@code requestTimeoutMs} bounds the connect, and each request from its sending to the end of
 * its response (Kafka's {@code replica.socket.timeout.ms} is the fetcher's request timeout).
 *
 * <p>Thread-safe: calls are serialized; {@link #close()} from another thread fails a blocked call.
 */
public final class BlockingKafkaClient implements AutoCloseable {

    /** A size above this is garbage, not a response (Kafka's default fetch limits are MiBs). */
    private static final int MAX_RESPONSE_BYTES = 1 << 30;
    /** Responses up to this size are read into the client's own buffer, larger ones into a pooled one. */
    static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(BlockingKafkaClient.class);

    private final BrokerEndpoint broker;
    private final String clientId;
    private final int requestTimeoutMs;
    private final int receiveBufferBytes;
    private final Time time;
    private final ByteBufAllocator allocator;
    private final ByteBuffer sizeOut = ByteBuffer.allocate(4);
    /** Held by a call for its whole exchange; guards the connection's fields. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private volatile Selector selector;
    private SocketChannel channel;
    private SelectionKey key;
    /** Freed by the garbage collector, never by {@link #close()}: a call may still be reading it. */
    private ByteBuffer receiveBuffer;
    private int correlationId;

    /** With the OS default receive buffer. */
    public BlockingKafkaClient(BrokerEndpoint broker, String clientId, int requestTimeoutMs) {
        this(broker, clientId, requestTimeoutMs, -1);
    }

    /** @param receiveBufferBytes the socket's SO_RCVBUF, -1 for the OS default */
    public BlockingKafkaClient(BrokerEndpoint broker, String clientId, int requestTimeoutMs, int receiveBufferBytes) {
        this(broker, clientId, requestTimeoutMs, receiveBufferBytes, Time.SYSTEM, PooledByteBufAllocator.DEFAULT);
    }

    public BlockingKafkaClient(BrokerEndpoint broker, String clientId, int requestTimeoutMs, int receiveBufferBytes,
                               Time time, ByteBufAllocator allocator) {
        this.broker = broker;
        this.clientId = clientId;
        this.requestTimeoutMs = requestTimeoutMs;
        this.receiveBufferBytes = receiveBufferBytes;
        this.time = time;
        this.allocator = allocator;
    }

    /**
     * Sends {@code request} (at its version) and waits for its response, which owns its bytes (a
     * copy on the heap): it may be kept after the call.
     */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        return exchange(request, true, response -> response);
    }

    /**
     * Sends {@code request} (at its version), waits for its response and returns what {@code
     * onResponse} makes of it. The response's bytes (the records of a FetchResponse) are valid
     * only while {@code onResponse} runs. An exception {@code onResponse} throws reaches the
     * caller as it is; the connection stays open.
     */
    public <T> T send(AbstractRequest request, Function<? super AbstractResponse, T> onResponse)
            throws IOException {
        return exchange(request, false, onResponse);
    }

    private <T> T exchange(AbstractRequest request, boolean copy, Function<? super AbstractResponse, T> onResponse)
            throws IOException {
        lock.lock();
        try {
            return exchangeLocked(request, copy, onResponse);
        } finally {
            lock.unlock();
            // close() ran while this call held the lock: it left the disconnect to us.
            if (closed) {
                disconnectIfIdle();
            }
        }
    }

    private <T> T exchangeLocked(AbstractRequest request, boolean copy,
                                 Function<? super AbstractResponse, T> onResponse) throws IOException {
        RequestHeader header;
        Frame frame;
        AbstractResponse response;
        try {
            long deadlineNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
            connectIfNeeded(deadlineNs);
            header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
            write(request.serializeWithHeader(header), deadlineNs);
            frame = receive(deadlineNs);
        } catch (IOException e) {
            disconnect();
            throw e;
        } catch (RuntimeException e) {
            // Out of direct memory, say: the stream is in an unknown state.
            disconnect();
            throw new IOException("Request to " + broker + " failed: " + e, e);
        }
        if (copy) {
            frame = frame.copyToHeap();
        }
        try {
            try {
                response = AbstractResponse.parseResponse(frame.body(), header);
            } catch (RuntimeException e) {
                // A response that does not parse or answers another request: the stream is unusable.
                disconnect();
                throw new IOException("Bad response from " + broker + ": " + e, e);
            }
            return onResponse.apply(response);
        } finally {
            frame.release();
        }
    }

    private void connectIfNeeded(long deadlineNs) throws IOException {
        ensureOpen();
        if (channel != null) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(broker.host(), broker.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("Cannot resolve " + broker.host() + " of " + broker);
        }
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (receiveBufferBytes != -1) {
            // Before the connect, so that the window scale the handshake agrees on fits it.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        }
        selector = Selector.open();
        key = channel.register(selector, SelectionKey.OP_CONNECT);
        if (!channel.connect(address)) {
            do {
                await(SelectionKey.OP_CONNECT, deadlineNs);
            } while (!channel.finishConnect());
        }
        if (receiveBuffer == null) {
            receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
        }
        // A close() before the selector existed had nothing to wake: its flag is seen here.
        ensureOpen();
        LOG.debug("Connected to {} as {}", broker, clientId);
    }

    private void write(ByteBuffer payload, long deadlineNs) throws IOException {
        sizeOut.clear().putInt(0, payload.remaining());
        ByteBuffer[] out = {sizeOut, payload};
        while (payload.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadlineNs);
            }
        }
    }

    /**
     * Reads one size-prefixed frame. The request has just gone out, so the answer is awaited
     * before the first read rather than tried for: a read that finds nothing is a wasted syscall.
     */
    private Frame receive(long deadlineNs) throws IOException {
        ByteBuffer buffer = receiveBuffer.clear();
        await(SelectionKey.OP_READ, deadlineNs);
        while (buffer.position() < 4) {
            readSome(buffer, deadlineNs);
        }
        int size = buffer.getInt(0);
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("Invalid response size " + size + " from " + broker);
        }
        int frameEnd = 4 + size;
        if (buffer.position() > frameEnd) {
            throw new IOException("Unexpected bytes after a response from " + broker);
        }
        if (frameEnd <= buffer.capacity()) {
            buffer.limit(frameEnd);
            while (buffer.hasRemaining()) {
                readSome(buffer, deadlineNs);
            }
            return new Frame(buffer.flip().position(4).slice(), null);
        }
        ByteBuf owner = allocator.directBuffer(size, size);
        try {
            ByteBuffer body = owner.nioBuffer(0, size);
            body.put(buffer.flip().position(4));
            while (body.hasRemaining()) {
                readSome(body, deadlineNs);
            }
            return new Frame(body.flip(), owner);
        } catch (IOException | RuntimeException e) {
            owner.release();
            throw e;
        }
    }

    private void readSome(ByteBuffer dst, long deadlineNs) throws IOException {
        int n = channel.read(dst);
        if (n < 0) {
            throw new EOFException("Connection to " + broker + " closed by the broker");
        }
        if (n == 0) {
            await(SelectionKey.OP_READ, deadlineNs);
        }
    }

    /** Waits until the channel is ready for {@code ops}, the deadline passes, or {@link #close()} runs. */
    private void await(int ops, long deadlineNs) throws IOException {
        key.interestOps(ops);
        while (true) {
            ensureOpen();
            long remainingNs = deadlineNs - time.nanoseconds();
            if (remainingNs <= 0) {
                throw new SocketTimeoutException("No answer from " + broker + " within " + requestTimeoutMs + " ms");
            }
            // select(0) would wait forever: round up.
            if (selector.select(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(remainingNs + 999_999L))) > 0) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Connection to " + broker + " is closed");
        }
    }

    private void disconnect() {
        SocketChannel c = channel;
        Selector s = selector;
        channel = null;
        key = null;
        selector = null;
        closeQuietly(c);
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Ignoring error closing {}: {}", closeable, e.toString());
        }
    }

    /**
     * Closes the connection, or, while a call holds it, wakes the call's wait and leaves the
     * disconnect to that call: it fails, and the connection's fields stay the calling thread's
     * alone (the call may still be reading the receive buffer). Waking a selector that was closed
     * meanwhile does nothing. Never blocks. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (!disconnectIfIdle()) {
            Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }
    }

    /** Disconnects unless a call holds the connection; false if one does. */
    private boolean disconnectIfIdle() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            disconnect();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** For tests: the connection's SO_RCVBUF as the OS set it, or -1 while there is none. */
    int socketReceiveBufferBytes() throws IOException {
        lock.lock();
        try {
            return channel == null ? -1 : channel.getOption(StandardSocketOptions.SO_RCVBUF);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "BlockingKafkaClient(" + broker + ", " + clientId + ")";
    }

    /** A response frame's body, and the pooled buffer it lives in when it has one of its own. */
    private record Frame(ByteBuffer body, ByteBuf owner) {

        /** A frame on the heap with this one's bytes; this one is released. */
        Frame copyToHeap() {
            ByteBuffer heap = ByteBuffer.allocate(body.remaining());
            heap.put(body).flip();
            release();
            return new Frame(heap, null);
        }

        void release() {
            if (owner != null) {
                owner.release();
            }
        }
    }
}
