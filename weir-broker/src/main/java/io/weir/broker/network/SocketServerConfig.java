package io.weir.broker.network;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The network server's settings, named after Kafka's broker configs: {@code listeners},
 * {@code num.network.threads}, {@code queued.max.requests}, {@code socket.request.max.bytes},
 * {@code max.connections}, {@code connections.max.idle.ms}, {@code socket.send.buffer.bytes} and
 * {@code socket.receive.buffer.bytes} (-1 keeps the OS default). A {@code connections.max.idle.ms} of
 * 0 or below never closes idle connections (as in Kafka). Validated on construction.
 *
 * <p>{@code weir.socket.read.ahead.bytes} is Weir's own: how many bytes of further requests a
 * connection may read and hold while one of its requests is in the broker. Kafka reads nothing
 * more until the request is answered (0 here), which costs a mute and an unmute of the socket
 * (two {@code epoll_ctl}) and a fresh read per request of a client that pipelines; requests are
 * still handled one at a time, in order.
 *
 * <p>Immutable.
 */
public record SocketServerConfig(List<Endpoint> listeners, int numNetworkThreads, int queuedMaxRequests,
                                 int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs,
                                 int socketSendBufferBytes, int socketReceiveBufferBytes, int readAheadBytes) {

    public static final int DEFAULT_QUEUED_MAX_REQUESTS = 500;
    public static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104_857_600;
    public static final int DEFAULT_MAX_CONNECTIONS = Integer.MAX_VALUE;
    public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600_000L;
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 102_400;
    public static final int DEFAULT_READ_AHEAD_BYTES = 1_048_576;

    public SocketServerConfig {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners must name at least one listener");
        }
        Set<String> names = new HashSet<>();
        for (Endpoint e : listeners) {
            if (!names.add(e.listenerName())) {
                throw new IllegalArgumentException("listeners must have unique names, " + e.listenerName() + " repeats");
            }
        }
        atLeast("num.network.threads", numNetworkThreads, 1);
        atLeast("queued.max.requests", queuedMaxRequests, 1);
        atLeast("socket.request.max.bytes", socketRequestMaxBytes, 1);
        atLeast("max.connections", maxConnections, 1);
        bufferSize("socket.send.buffer.bytes", socketSendBufferBytes);
        bufferSize("socket.receive.buffer.bytes", socketReceiveBufferBytes);
        if (readAheadBytes < 0) {
            throw new IllegalArgumentException("weir.socket.read.ahead.bytes must be at least 0, got " + readAheadBytes);
        }
    }

    /** With the default read-ahead. */
    public SocketServerConfig(List<Endpoint> listeners, int numNetworkThreads, int queuedMaxRequests,
                              int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs,
                              int socketSendBufferBytes, int socketReceiveBufferBytes) {
        this(listeners, numNetworkThreads, queuedMaxRequests, socketRequestMaxBytes, maxConnections,
            connectionsMaxIdleMs, socketSendBufferBytes, socketReceiveBufferBytes, DEFAULT_READ_AHEAD_BYTES);
    }

    /** Kafka's defaults, with {@link #defaultNumNetworkThreads()} network threads. */
    public static SocketServerConfig defaults(List<Endpoint> listeners) {
        return new SocketServerConfig(listeners, defaultNumNetworkThreads(), DEFAULT_QUEUED_MAX_REQUESTS,
            DEFAULT_SOCKET_REQUEST_MAX_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECTIONS_MAX_IDLE_MS,
            DEFAULT_SOCKET_BUFFER_BYTES, DEFAULT_SOCKET_BUFFER_BYTES);
    }

    /** {@code num.network.threads} default on this machine: {@link #defaultNumNetworkThreads(int)} of its cores. */
    public static int defaultNumNetworkThreads() {
        return defaultNumNetworkThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code num.network.threads} default for {@code cores}: Kafka's 3, but no more than half the
     * cores, and at least 1. Produce and Fetch run on the network threads, so another event loop
     * is not free: a follower's fetch read by one loop completes a produce that another loop parked
     * and must wake it. On 2 cores one loop took 11 % less CPU per record with three brokers
     * replicating and the same elsewhere (docs/benchmarks.md, "One network thread on two cores").
     */
    static int defaultNumNetworkThreads(int cores) {
        return Math.max(1, Math.min(3, cores / 2));
    }

    /** {@code num.io.threads} default: Kafka's 8 is too many for small machines; max(2, cores). */
    public static int defaultNumIoThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    private static void bufferSize(String name, int value) {
        if (value < -1 || value == 0) {
            throw new IllegalArgumentException(name + " must be positive or -1 (OS default), got " + value);
        }
    }
}
