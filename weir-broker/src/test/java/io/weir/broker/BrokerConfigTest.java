package io.weir.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void defaultsSuitASingleLocalBroker() {
        BrokerConfig c = BrokerConfig.fromProperties(Map.of());
        assertThat(c.brokerId()).isZero();
        assertThat(c.listeners()).singleElement().satisfies(e -> {
            assertThat(e.host()).isEqualTo("127.0.0.1");
            assertThat(e.port()).isEqualTo(9092);
        });
        assertThat(c.zookeeperConnect()).isEmpty();
        assertThat(c.socketServerConfig().socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(c.unknownKeys()).isEmpty();
    }

    @Test
    void unknownKeysAreReportedNotFatal() {
        BrokerConfig c = BrokerConfig.fromProperties(Map.of("no.such.setting", "1", "broker.id", "3"));
        assertThat(c.unknownKeys()).containsExactly("no.such.setting");
        assertThat(c.brokerId()).isEqualTo(3);
    }

    @Test
    void invalidValueNamesTheKey() {
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of("num.io.threads", "zero")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("num.io.threads");
        assertThatThrownBy(() -> BrokerConfig.fromProperties(Map.of("listeners", "PLAINTEXT://host")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("listeners");
    }

    @Test
    void brokerLevelLogSettingsBecomeTopicDefaults() {
        BrokerConfig c = BrokerConfig.fromProperties(Map.of("log.segment.bytes", "1048576"));
        assertThat(c.topicDefaults()).containsEntry("segment.bytes", "1048576");
        assertThat(io.weir.storage.LogConfig.fromProps(c.topicDefaults(), Map.of()).segmentBytes()).isEqualTo(1048576);
    }
}
