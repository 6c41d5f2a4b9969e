package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void parsesNamesLabelsAndValuesSkippingComments() {
        PrometheusText text = PrometheusText.parse("""
            # HELP a_total help text
            # TYPE a_total counter
            a_total{topic="t,1",api="x\\"y"} 3.0
            b 1.5E3
            c{q="0.5",} NaN
            d +Inf
            """);

        assertThat(text.samples()).hasSize(4);
        assertThat(text.require("a_total", Map.of("topic", "t,1", "api", "x\"y"))).isEqualTo(3.0);
        assertThat(text.require("b")).isEqualTo(1500.0);
        assertThat(text.require("c", Map.of("q", "0.5"))).isNaN();
        assertThat(text.require("d")).isInfinite();
        assertThat(text.value("a_total", Map.of("topic", "other"))).isEmpty();
    }
}
