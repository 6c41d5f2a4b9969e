package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SocketServerConfigTest {

    private static final List<Endpoint> ONE = List.of(new Endpoint("PLAINTEXT", "0.0.0.0", 9092));

    @Test
    void defaultsFollowKafka() {
        SocketServerConfig config = SocketServerConfig.defaults(ONE);
        assertThat(config.queuedMaxRequests()).isEqualTo(500);
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104_857_600);
        assertThat(config.connectionsMaxIdleMs()).isEqualTo(600_000L);
        assertThat(config.numNetworkThreads()).isBetween(1, 3);
    }

    @Test
    void networkThreadsDefaultToHalfTheCoresUpToKafkasThree() {
        assertThat(SocketServerConfig.defaultNumNetworkThreads(1)).isEqualTo(1);
        assertThat(SocketServerConfig.defaultNumNetworkThreads(2)).isEqualTo(1);
        assertThat(SocketServerConfig.defaultNumNetworkThreads(4)).isEqualTo(2);
        assertThat(SocketServerConfig.defaultNumNetworkThreads(6)).isEqualTo(3);
        assertThat(SocketServerConfig.defaultNumNetworkThreads(64)).isEqualTo(3);
    }

    @Test
    void invalidValuesAreRejectedWithTheirConfigName() {
        assertThatThrownBy(() -> new SocketServerConfig(ONE, 0, 500, 1, 1, 1, -1, -1))
            .hasMessage("num.network.threads must be at least 1, got 0");
        assertThatThrownBy(() -> new SocketServerConfig(ONE, 1, 500, -3, 1, 1, -1, -1))
            .hasMessage("socket.request.max.bytes must be at least 1, got -3");
        assertThatThrownBy(() -> new SocketServerConfig(ONE, 1, 500, 1, 1, 1, 0, -1))
            .hasMessage("socket.send.buffer.bytes must be positive or -1 (OS default), got 0");
        assertThatThrownBy(() -> new SocketServerConfig(List.of(), 1, 500, 1, 1, 1, -1, -1))
            .hasMessageContaining("at least one listener");
        assertThatThrownBy(() -> new SocketServerConfig(List.of(ONE.get(0), ONE.get(0)), 1, 500, 1, 1, 1, -1, -1))
            .hasMessageContaining("PLAINTEXT repeats");
        assertThatThrownBy(() -> new Endpoint("PLAINTEXT", "h", 70000)).hasMessageContaining("0-65535");
    }
}
