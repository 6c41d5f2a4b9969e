package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weir.common.MockTime;

class RequestMetricsTest {

    private static final long MS = 1_000_000L;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RequestMetrics metrics = new RequestMetrics(registry, new MockTime());

    @Test
    void countsAndTimesRequestsPerApi() {
        metrics.record(ApiKeys.PRODUCE, 0, 1 * MS, 5 * MS);
        metrics.record(ApiKeys.PRODUCE, 10 * MS, 12 * MS, 13 * MS);
        metrics.record(ApiKeys.FETCH, 0, 0, 7 * MS);

        assertThat(registry.get(RequestMetrics.REQUESTS).tag("api", "Produce").counter().count()).isEqualTo(2.0);
        assertThat(registry.get(RequestMetrics.REQUESTS).tag("api", "Fetch").counter().count()).isEqualTo(1.0);
        Timer produce = registry.get(RequestMetrics.LATENCY).tag("api", "Produce").timer();
        assertThat(produce.count()).isEqualTo(2);
        assertThat(produce.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
        Timer queue = registry.get(RequestMetrics.QUEUE_TIME).timer();
        assertThat(queue.count()).isEqualTo(3);
        assertThat(queue.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
    }

    @Test
    void scrapeShowsPercentilesOnlyForUsedApis() {
        metrics.record(ApiKeys.FETCH, 0, 0, 7 * MS);

        PrometheusText text = PrometheusText.parse(registry.scrape());

        assertThat(text.require("weir_requests_total", Map.of("api", "Fetch"))).isEqualTo(1.0);
        assertThat(text.require("weir_request_latency_seconds", Map.of("api", "Fetch", "quantile", "0.5")))
            .isGreaterThan(0.0);
        assertThat(text.require("weir_request_latency_seconds", Map.of("api", "Fetch", "quantile", "0.99")))
            .isGreaterThan(0.0);
        assertThat(text.require("weir_request_latency_seconds_count", Map.of("api", "Fetch"))).isEqualTo(1.0);
        assertThat(text.value("weir_requests_total", Map.of("api", "Produce"))).isEmpty();
        assertThat(text.samples()).noneMatch(s -> s.name().endsWith("_bucket"));
    }

    @Test
    void totalTimeRunsFromReceiptUntilTheResponseWasWrittenPerApi() {
        metrics.record(ApiKeys.PRODUCE, 0, 1 * MS, 2 * MS);
        metrics.recordTotal(ApiKeys.PRODUCE, 0, 502 * MS); // parked 500 ms in the purgatory
        metrics.recordTotal(ApiKeys.FETCH, 10 * MS, 13 * MS);

        Timer produce = registry.get(RequestMetrics.TOTAL_TIME).tag("api", "Produce").timer();
        assertThat(produce.count()).isEqualTo(1);
        assertThat(produce.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(502.0);
        assertThat(registry.get(RequestMetrics.LATENCY).tag("api", "Produce").timer().totalTime(TimeUnit.MILLISECONDS))
            .isEqualTo(2.0);
        PrometheusText text = PrometheusText.parse(registry.scrape());
        assertThat(text.require("weir_request_total_time_seconds_count", Map.of("api", "Fetch"))).isEqualTo(1.0);
        assertThat(text.require("weir_request_total_time_seconds_sum", Map.of("api", "Fetch"))).isEqualTo(0.003);
        assertThat(text.require("weir_request_total_time_seconds", Map.of("api", "Produce", "quantile", "0.99")))
            .isGreaterThan(0.4);
        assertThat(text.require("weir_request_total_time_seconds", Map.of("api", "Produce", "quantile", "0.5")))
            .isGreaterThan(0.4);
    }

    @Test
    void queueSizeGaugeReadsTheCurrentSize() {
        AtomicInteger size = new AtomicInteger(3);
        metrics.bindRequestQueue(size::get);
        assertThat(registry.get(RequestMetrics.QUEUE_SIZE).gauge().value()).isEqualTo(3.0);

        size.set(0);
        assertThat(registry.get(RequestMetrics.QUEUE_SIZE).gauge().value()).isZero();
    }
}
