package io.weir.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void editDistance() {
        assertThat(TopicNames.editDistance("", "")).isZero();
        assertThat(TopicNames.editDistance("order", "orders")).isEqualTo(1);
        assertThat(TopicNames.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(TopicNames.editDistance("abc", "")).isEqualTo(3);
    }

    @Test
    void suggestsTheClosestNameWhenItLooksLikeATypo() {
        List<String> names = List.of("orders", "payments", "order-events");
        assertThat(TopicNames.closest("order", names)).hasValue("orders");
        assertThat(TopicNames.closest("paymnets", names)).hasValue("payments");
        assertThat(TopicNames.closest("ORDERS", names)).hasValue("orders");
        assertThat(TopicNames.closest("inventory", names)).isEmpty();
        assertThat(TopicNames.closest("x", List.of())).isEmpty();
        assertThat(TopicNames.unknown("order", names).getMessage())
            .isEqualTo("topic \"order\" does not exist; did you mean \"orders\"?");
        assertThat(TopicNames.unknown("order", names).exitCode()).isEqualTo(1);
    }
}
