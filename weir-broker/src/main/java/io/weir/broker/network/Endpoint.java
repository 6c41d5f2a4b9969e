package io.weir.broker.network;

/**
 * One listener: its name (as in {@code listeners=PLAINTEXT://host:port}), the host to bind
 * ({@code 0.0.0.0} for all interfaces) and the port (0 picks an ephemeral port; see
 * {@link SocketServer#boundPort(String)}).
 *
 * <p>Immutable.
 */
public record Endpoint(String listenerName, String host, int port) {

    public Endpoint {
        if (listenerName == null || listenerName.isBlank()) {
            throw new IllegalArgumentException("listener name must not be empty");
        }
        if (host == null) {
            throw new IllegalArgumentException("host of listener " + listenerName + " must not be null");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of listener " + listenerName + " must be 0-65535, got " + port);
        }
    }
}
