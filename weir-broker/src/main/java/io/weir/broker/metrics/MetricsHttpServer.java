package io.weir.broker.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The JDK's HTTP server on {@code metrics.port} with two paths: {@code /metrics} (Prometheus
 * text format 0.0.4) and {@code /health} (200 when the broker is ready, 503 otherwise, the
 * state in the body). Anything else is 404, methods other than GET and HEAD 405.
 *
 * <p>Thread-safe: exchanges run on one daemon thread of its own; {@link #close()} may come from
 * any thread.
 */
final class MetricsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<String> scrape;
    private final Supplier<BrokerMetrics.Health> health;

    private MetricsHttpServer(HttpServer server, Supplier<String> scrape, Supplier<BrokerMetrics.Health> health) {
        this.server = server;
        this.scrape = scrape;
        this.health = health;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weir-metrics-http");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds {@code host:port} (port 0: an ephemeral one) and starts serving. */
    static MetricsHttpServer start(String host, int port, Supplier<String> scrape,
                                   Supplier<BrokerMetrics.Health> health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the metrics endpoint to " + host + ":" + port + ": "
                + e.getMessage(), e);
        }
        MetricsHttpServer s = new MetricsHttpServer(server, scrape, health);
        server.createContext("/metrics", s::handleMetrics);
        server.createContext("/health", s::handleHealth);
        server.setExecutor(s.executor);
        server.start();
        LOG.info("Metrics on http://{}:{}/metrics, health on /health", host, s.port());
        return s;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handleMetrics(HttpExchange exchange) throws IOException {
        if (refused(exchange, "/metrics")) {
            return;
        }
        String body;
        try {
            body = scrape.get();
        } catch (RuntimeException e) {
            LOG.warn("Cannot render the metrics: {}", e.toString());
            respond(exchange, 500, "text/plain; charset=utf-8", "cannot render the metrics\n");
            return;
        }
        respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, body);
    }

    private void handleHealth(HttpExchange exchange) throws IOException {
        if (refused(exchange, "/health")) {
            return;
        }
        BrokerMetrics.Health h = health.get();
        respond(exchange, h == BrokerMetrics.Health.READY ? 200 : 503, "text/plain; charset=utf-8",
            h.text() + "\n");
    }

    /** Answers 404 for a longer path under the context and 405 for a method other than GET/HEAD. */
    private static boolean refused(HttpExchange exchange, String path) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return true;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return true;
        }
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    /** Stops accepting, closes open exchanges at once and stops the thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
