package io.weir.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupCoordinatorConfigTest {

    @Test
    void defaultsAreKafkas() {
        GroupCoordinatorConfig c = GroupCoordinatorConfig.defaults();
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(c.groupMinSessionTimeoutMs()).isEqualTo(6000);
        assertThat(c.groupMaxSessionTimeoutMs()).isEqualTo(1_800_000);
        assertThat(c.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(c.offsetsRetentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(c.offsetsRetentionCheckIntervalMs()).isEqualTo(600_000);
        assertThat(c.consumerGroupHeartbeatIntervalMs()).isEqualTo(5000);
        assertThat(c.consumerGroupSessionTimeoutMs()).isEqualTo(45_000);
        assertThat(c.consumerGroupAssignors()).containsExactly("uniform", "range");
        assertThat(c.offsetMetadataMaxBytes()).isEqualTo(4096);
    }

    @Test
    void readsPropertiesAndKafkaAssignorClassNames() {
        GroupCoordinatorConfig c = GroupCoordinatorConfig.fromProperties(Map.of(
                "offsets.topic.num.partitions", "3",
                "group.consumer.assignors", "org.apache.kafka.coordinator.group.assignor.RangeAssignor, uniform"));
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(3);
        assertThat(c.consumerGroupAssignors()).isEqualTo(List.of("range", "uniform"));
    }

    @Test
    void validatesWithAClearMessage() {
        assertThatThrownBy(() -> GroupCoordinatorConfig.fromProperties(Map.of("offsets.topic.num.partitions", 0)))
                .hasMessage("offsets.topic.num.partitions must be at least 1, got 0");
        assertThatThrownBy(() -> GroupCoordinatorConfig.fromProperties(Map.of("group.max.session.timeout.ms", 10)))
                .hasMessageContaining("group.max.session.timeout.ms must be at least group.min.session.timeout.ms");
        assertThatThrownBy(() -> GroupCoordinatorConfig.fromProperties(Map.of("group.consumer.assignors", "sticky")))
                .hasMessageContaining("got sticky");
    }
}
