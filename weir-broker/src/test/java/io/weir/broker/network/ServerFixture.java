package io.weir.broker.network;

import java.util.List;

import io.weir.common.Time;

/** A SocketServer plus handler pool on 127.0.0.1, ephemeral port; closes both. */
final class ServerFixture implements AutoCloseable {

    static final String LISTENER = "PLAINTEXT";

    final RequestChannel requestChannel;
    final SocketServer server;
    final RequestHandlerPool handlers;

    ServerFixture(SocketServerConfig config, TestApis apis, int ioThreads, boolean preferEpoll) {
        this(config, apis, ioThreads, preferEpoll, Time.SYSTEM, RequestDoneListener.NONE);
    }

    ServerFixture(SocketServerConfig config, TestApis apis, int ioThreads, boolean preferEpoll, Time time,
                  RequestDoneListener doneListener) {
        this(config, apis, ioThreads, preferEpoll, time, doneListener, InlineHandling.NONE);
    }

    ServerFixture(SocketServerConfig config, TestApis apis, int ioThreads, boolean preferEpoll, Time time,
                  RequestDoneListener doneListener, InlineHandling inline) {
        requestChannel = new RequestChannel(config.queuedMaxRequests());
        server = new SocketServer(config, requestChannel, apis, time, preferEpoll, doneListener, inline);
        RequestHandlerPool pool = null;
        try {
            server.startup();
            pool = new RequestHandlerPool(ioThreads, requestChannel, apis, time);
        } catch (RuntimeException | Error e) {
            server.shutdown();
            throw e;
        }
        handlers = pool;
    }

    ServerFixture(TestApis apis) {
        this(config(b -> b), apis, 2, true);
    }

    /** Test defaults: one listener, 2 network threads, small limits. */
    static SocketServerConfig config(java.util.function.UnaryOperator<ConfigBuilder> tweak) {
        return tweak.apply(new ConfigBuilder()).build();
    }

    int port() {
        return server.boundPort(LISTENER);
    }

    TestClient client() throws java.io.IOException {
        return new TestClient(port());
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } finally {
            handlers.close();
        }
    }

    /** Mutable builder over SocketServerConfig for tests. */
    static final class ConfigBuilder {
        int networkThreads = 2;
        int queuedMaxRequests = 16;
        int maxRequestBytes = 1024 * 1024;
        int maxConnections = Integer.MAX_VALUE;
        long idleMs = 600_000L;
        int readAheadBytes = SocketServerConfig.DEFAULT_READ_AHEAD_BYTES;

        ConfigBuilder readAheadBytes(int value) {
            readAheadBytes = value;
            return this;
        }

        ConfigBuilder queuedMaxRequests(int value) {
            queuedMaxRequests = value;
            return this;
        }

        ConfigBuilder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        ConfigBuilder idleMs(long value) {
            idleMs = value;
            return this;
        }

        ConfigBuilder maxRequestBytes(int value) {
            maxRequestBytes = value;
            return this;
        }

        SocketServerConfig build() {
            return new SocketServerConfig(List.of(new Endpoint(LISTENER, "127.0.0.1", 0)), networkThreads,
                queuedMaxRequests, maxRequestBytes, maxConnections, idleMs, 102_400, 102_400, readAheadBytes);
        }
    }
}
