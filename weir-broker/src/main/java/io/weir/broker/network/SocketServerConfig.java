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
 * <p>Immutable.
 */
public record SocketServerConfig(List<Endpoint> listeners, int numNetworkThreads, int queuedMaxRequests,
                                 int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs,
                                 int socketSendBufferBytes, int socketReceiveBufferBytes) {

    public static final int DEFAULT_QUEUED_MAX_REQUESTS = 500;
    public static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104_857_600;
    public static final int DEFAULT_MAX_CONNECTIONS = Integer.MAX_VALUE;
    public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600_000L;
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 102_400;

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
    }

    /** Kafka's defaults, with min(3, cores) network threads. */
    public static SocketServerConfig defaults(List<Endpoint> listeners) {
        return new SocketServerConfig(listeners, defaultNumNetworkThreads(), DEFAULT_QUEUED_MAX_REQUESTS,
            DEFAULT_SOCKET_REQUEST_MAX_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECTIONS_MAX_IDLE_MS,
            DEFAULT_SOCKET_BUFFER_BYTES, DEFAULT_SOCKET_BUFFER_BYTES);
    }

    /** {@code num.network.threads} default: Kafka's 3, but no more than the cores we have. */
    public static int defaultNumNetworkThreads() {
        return Math.min(3, Runtime.getRuntime().availableProcessors());
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
