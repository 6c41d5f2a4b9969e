package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.netty.channel.IoHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weir.broker.network.FakeTransport;
import io.weir.broker.network.ProcessorIdleStats;
import io.weir.common.MockTime;

class NetworkProcessorMetricsTest {

    private final MockTime time = new MockTime();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProcessorIdleStats stats = new ProcessorIdleStats(2, time);

    private static final FakeTransport.LoopContext LOOP = new FakeTransport.LoopContext(false);

    private IoHandler processor(FakeTransport transport) {
        return FakeTransport.processor(stats, transport);
    }

    @Test
    void theRatioIsTheMeanIdleFractionSinceThePreviousComputation() {
        FakeTransport busy = new FakeTransport(time);
        FakeTransport idle = new FakeTransport(time);
        IoHandler first = processor(busy);
        IoHandler second = processor(idle);
        NetworkProcessorMetrics metrics = new NetworkProcessorMetrics(registry, stats, time);
        time.advance(1000); // neither loop has turned yet: both idle
        assertThat(metrics.avgIdleRatio()).isEqualTo(1.0);

        busy.waitMs = 250;
        busy.activeMs = 750;
        first.run(LOOP);    // 1 s: the first idle 25%, the second still waiting: 100%
        assertThat(metrics.avgIdleRatio()).isCloseTo((0.25 + 1.0) / 2, within(1e-9));

        time.advance(500);  // busy outside the transport, but within the minimum window: the same value
        assertThat(metrics.avgIdleRatio()).isCloseTo(0.625, within(1e-9));

        idle.activeMs = 1000;
        second.run(LOOP);   // 1.5 s since the last computation: the first busy all of it (tasks),
                            // the second idle 0.5 s of it
        assertThat(metrics.avgIdleRatio()).isCloseTo((0.0 + 0.5 / 1.5) / 2, within(1e-9));
    }

    @Test
    void scrapeShowsTheRatioAndEachProcessorsIdleSeconds() {
        FakeTransport turn = new FakeTransport(time);
        IoHandler first = processor(turn);
        processor(new FakeTransport(time));
        new NetworkProcessorMetrics(registry, stats, time);
        turn.waitMs = 3000;
        turn.activeMs = 1000;
        first.run(LOOP);

        PrometheusText text = PrometheusText.parse(registry.scrape());
        assertThat(text.require("weir_network_processor_idle_seconds_total", Map.of("processor", "0")))
            .isEqualTo(3.0);
        assertThat(text.require("weir_network_processor_idle_seconds_total", Map.of("processor", "1")))
            .isEqualTo(4.0);
        assertThat(text.require("weir_network_processor_avg_idle_ratio")).isCloseTo((0.75 + 1.0) / 2, within(1e-9));
    }
}
