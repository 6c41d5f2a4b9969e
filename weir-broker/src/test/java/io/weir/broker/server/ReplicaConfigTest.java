package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReplicaConfigTest {

    @Test
    void defaultsAreKafkas() {
        ReplicaConfig d = ReplicaConfig.defaults();
        assertThat(d).isEqualTo(new ReplicaConfig(30_000L, 1_048_576, 10_485_760, 500, 1, 1_000L, 1, 30_000,
            65_536, "PLAINTEXT"));
        assertThat(ReplicaConfig.fromBrokerProps(Map.of())).isEqualTo(d);
    }

    @Test
    void serverPropertiesNamesAreRead() {
        ReplicaConfig c = ReplicaConfig.fromBrokerProps(Map.of("replica.lag.time.max.ms", "10000",
            "num.replica.fetchers", "4", "inter.broker.listener.name", "INTERNAL",
            "replica.socket.receive.buffer.bytes", "-1"));
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(10_000L);
        assertThat(c.numReplicaFetchers()).isEqualTo(4);
        assertThat(c.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(c.replicaSocketReceiveBufferBytes()).isEqualTo(-1);
    }

    @Test
    void badValuesAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> ReplicaConfig.fromBrokerProps(Map.of("num.replica.fetchers", "0")))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("num.replica.fetchers must be at least 1, got 0");
        assertThatThrownBy(() -> ReplicaConfig.fromBrokerProps(Map.of("replica.socket.timeout.ms", "100")))
            .hasMessage("replica.socket.timeout.ms must be at least replica.fetch.wait.max.ms (500), got 100");
        assertThatThrownBy(() -> ReplicaConfig.fromBrokerProps(Map.of("replica.lag.time.max.ms", "400")))
            .hasMessage("replica.fetch.wait.max.ms must be at most replica.lag.time.max.ms (400), got 500");
        assertThatThrownBy(() -> ReplicaConfig.fromBrokerProps(Map.of("replica.socket.receive.buffer.bytes", "0")))
            .hasMessage("replica.socket.receive.buffer.bytes must be positive or -1 (OS default), got 0");
        assertThatThrownBy(() -> ReplicaConfig.fromBrokerProps(Map.of("inter.broker.listener.name", " ")))
            .hasMessageStartingWith("inter.broker.listener.name must be a listener name");
    }
}
