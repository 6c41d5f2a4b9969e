package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class BrokerRegistrationTest extends ZkTestSupport {

    private static BrokerRegistration broker(int id, int port) {
        return new BrokerRegistration(id, List.of(
            new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", port),
            new EndpointInfo("INTERNAL", "SSL", "::1", port + 1)), Optional.of("rack-a"));
    }

    @Test
    void registrationHasKafkasJsonShape() throws Exception {
        ZkStore store = connect();
        store.registerBroker(broker(1, 9092));

        JsonNode json = rawJson(store, "/brokers/ids/1");
        assertThat(json.get("version").asInt()).isEqualTo(5);
        assertThat(json.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(json.get("port").asInt()).isEqualTo(9092);
        assertThat(json.get("endpoints").toString()).isEqualTo("[\"PLAINTEXT://127.0.0.1:9092\",\"INTERNAL://[::1]:9093\"]");
        assertThat(json.get("listener_security_protocol_map").toString())
            .isEqualTo("{\"PLAINTEXT\":\"PLAINTEXT\",\"INTERNAL\":\"SSL\"}");
        assertThat(json.get("jmx_port").asInt()).isEqualTo(-1);
        assertThat(json.get("rack").asText()).isEqualTo("rack-a");
        assertThat(json.get("timestamp").isTextual()).isTrue();
        assertThat(json.get("features").isObject()).isTrue();
        assertThat(store.curator().checkExists().forPath("/brokers/ids/1").getEphemeralOwner())
            .isEqualTo(store.sessionId());
    }

    @Test
    void registrationReadsBackAndListsSorted() {
        ZkStore a = connect();
        ZkStore b = connect();
        b.registerBroker(new BrokerRegistration(2, List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "h", 1)),
            Optional.empty()));
        a.registerBroker(broker(1, 9092));

        assertThat(a.getBroker(1)).contains(broker(1, 9092));
        assertThat(a.getBroker(3)).isEmpty();
        assertThat(b.getAllBrokers()).extracting(BrokerRegistration::id).containsExactly(1, 2);
        assertThat(b.getBroker(2).orElseThrow().rack()).isEmpty();
    }

    @Test
    void registrationDisappearsWhenTheSessionCloses() throws Exception {
        ZkStore observer = connect();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        closeLater(observer.watchBrokers(recorder(events)));
        ZkStore store = ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS);
        try (store) {
            store.registerBroker(broker(1, 9092));
            assertThat(next(events)).isEqualTo("added 1");
        }
        assertThat(next(events)).isEqualTo("removed 1");
        assertThat(observer.getBroker(1)).isEmpty();
    }

    @Test
    void duplicateBrokerIdIsRefused() {
        ZkStore first = connect();
        ZkStore second = connect();
        first.registerBroker(broker(1, 9092));

        assertThatThrownBy(() -> second.registerBroker(broker(1, 9094)))
            .isInstanceOf(BrokerIdInUseException.class)
            .hasMessageContaining("broker.id 1 is already registered at /brokers/ids/1");
        assertThat(second.getBroker(1).orElseThrow().endpoints().get(0).port()).isEqualTo(9092);
    }

    @Test
    void registeringTwiceFromTheSameSessionRewritesTheNode() {
        ZkStore store = connect();
        store.registerBroker(broker(1, 9092));
        store.registerBroker(broker(1, 9192));
        assertThat(store.getBroker(1).orElseThrow().endpoints().get(0).port()).isEqualTo(9192);
    }

    @Test
    void deregisterRemovesTheNode() {
        ZkStore store = connect();
        store.registerBroker(broker(1, 9092));
        store.deregisterBroker();
        assertThat(store.getBroker(1)).isEmpty();
    }

    @Test
    void reRegistersAfterSessionExpiry() throws Exception {
        ZkStore observer = connect();
        ZkStore store = connect();
        store.registerBroker(broker(1, 9092));
        long oldSession = store.sessionId();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        closeLater(observer.watchBrokers(recorder(events)));
        assertThat(next(events)).isEqualTo("added 1");

        expireSession(store.curator());

        // The expired client learns of it only on its next contact with the server (a ping or a
        // reconnect), which on a loaded machine can take several session-timeout thirds: wait long.
        assertThat(next(events, 60)).isEqualTo("removed 1");
        assertThat(next(events, 60)).isEqualTo("added 1");
        long owner = observer.curator().checkExists().forPath("/brokers/ids/1").getEphemeralOwner();
        assertThat(owner).isNotEqualTo(oldSession).isEqualTo(store.sessionId());
    }

    /** Expires a session server-side: a second client joins it with its id and password, then closes it. */
    private void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper victim = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(zk.connectString(), SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        // The constructor only starts connecting: closing before the session is attached would
        // not close it (the failure seen on a loaded machine).
        assertThat(connected.await(30, TimeUnit.SECONDS)).as("second client joined the session").isTrue();
        killer.close();
    }

    static BrokerListener recorder(BlockingQueue<String> events) {
        return new BrokerListener() {
            @Override
            public void onBrokerAdded(BrokerRegistration broker) {
                events.add("added " + broker.id());
            }

            @Override
            public void onBrokerRemoved(int brokerId) {
                events.add("removed " + brokerId);
            }

            @Override
            public void onBrokerUpdated(BrokerRegistration broker) {
                events.add("updated " + broker.id());
            }
        };
    }
}
