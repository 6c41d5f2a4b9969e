package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.common.MockTime;

@Timeout(30)
class BrokerMetricsTest {

    private final BrokerMetrics metrics = new BrokerMetrics(new MockTime());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() {
        // HttpClient is AutoCloseable only from Java 21; at release 17 its thread ends once unreachable.
        metrics.close();
    }

    @Test
    void portZeroStartsNoServer() {
        metrics.startServer("127.0.0.1", 0);
        assertThat(metrics.boundPort()).isEqualTo(-1);
    }

    @Test
    void metricsEndpointServesTheRegistryAsPrometheusText() throws Exception {
        int port = startOnFreePort();
        metrics.topicStats().onAppend("orders", 120, 4);

        HttpResponse<String> response = get(port, "/metrics", "GET");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsHttpServer.PROMETHEUS_CONTENT_TYPE);
        PrometheusText text = PrometheusText.parse(response.body());
        assertThat(text.require("weir_topic_in_bytes_total", Map.of("topic", "orders"))).isEqualTo(120.0);
        assertThat(text.require("weir_topic_in_messages_total", Map.of("topic", "orders"))).isEqualTo(4.0);
        assertThat(text.value("jvm_memory_used_bytes", Map.of())).isPresent();
    }

    @Test
    void healthIsServiceUnavailableUntilReadyThenOk() throws Exception {
        int port = startOnFreePort();

        HttpResponse<String> starting = get(port, "/health", "GET");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).isEqualTo("starting\n");

        metrics.markReady();
        HttpResponse<String> ready = get(port, "/health", "GET");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ok\n");

        metrics.close();
        assertThat(metrics.health()).isEqualTo(BrokerMetrics.Health.SHUTTING_DOWN);
        assertThat(metrics.boundPort()).isEqualTo(-1);
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        int port = startOnFreePort();

        assertThat(get(port, "/", "GET").statusCode()).isEqualTo(404);
        assertThat(get(port, "/metrics/more", "GET").statusCode()).isEqualTo(404);
        assertThat(get(port, "/metrics", "POST").statusCode()).isEqualTo(405);
        HttpResponse<String> head = get(port, "/metrics", "HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private int startOnFreePort() throws IOException {
        metrics.startServer("127.0.0.1", freePort());
        return metrics.boundPort();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path, String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
