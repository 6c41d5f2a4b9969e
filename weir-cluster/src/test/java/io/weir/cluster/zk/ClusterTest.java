package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Cluster id, chroots, connection failures, and several embedded servers. */
class ClusterTest extends ZkTestSupport {

    @Test
    void clusterIdIsStableAcrossReconnects() throws Exception {
        String id;
        try (ZkStore first = ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS)) {
            id = first.getOrCreateClusterId("cluster-a");
            assertThat(rawJson(first, "/cluster/id").toString()).isEqualTo("{\"version\":\"1\",\"id\":\"cluster-a\"}");
        }
        ZkStore second = connect();
        assertThat(id).isEqualTo("cluster-a");
        assertThat(second.getOrCreateClusterId("cluster-b")).isEqualTo("cluster-a");
    }

    @Test
    void clusterIdSurvivesAServerRestart() throws Exception {
        try (ZkStore store = ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS)) {
            store.getOrCreateClusterId("persisted");
        }
        zk.close();
        zk = closeLater(EmbeddedZooKeeper.start(tempDir.resolve("zk"), "127.0.0.1", 0));
        assertThat(connect().getOrCreateClusterId("other")).isEqualTo("persisted");
    }

    @Test
    void chrootIsCreatedAndIsolatesClusters() throws Exception {
        ZkStore root = connect();
        ZkStore a = connect(zk.connectString() + "/weir/a");
        ZkStore b = connect(zk.connectString() + "/weir/b/");
        a.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());

        assertThat(a.getOrCreateClusterId("A")).isEqualTo("A");
        assertThat(b.getOrCreateClusterId("B")).isEqualTo("B");
        assertThat(b.getAllTopics()).isEmpty();
        assertThat(a.getAllTopics()).containsOnlyKeys("t");
        assertThat(root.getAllTopics()).isEmpty();
        assertThat(root.curator().checkExists().forPath("/weir/a/brokers/topics/t")).isNotNull();
        assertThat(rawJson(root, "/weir/b/cluster/id").get("id").asText()).isEqualTo("B");
    }

    @Test
    void connectFailsClearlyWithinTheTimeout() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        long startNs = System.nanoTime();
        assertThatThrownBy(() -> ZkStore.connect("127.0.0.1:" + deadPort, 6_000, 1_000))
            .isInstanceOf(ZkStoreException.class)
            .hasMessageContaining("could not connect to ZooKeeper at 127.0.0.1:" + deadPort + " within 1000 ms");
        assertThat((System.nanoTime() - startNs) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void twoEmbeddedServersRunSideBySide() throws Exception {
        EmbeddedZooKeeper other = closeLater(EmbeddedZooKeeper.start(tempDir.resolve("zk2"), "127.0.0.1", 0));
        assertThat(other.port()).isNotEqualTo(zk.port());
        assertThat(other.connectString()).isEqualTo("127.0.0.1:" + other.port());

        ZkStore one = connect(zk.connectString());
        ZkStore two = connect(other.connectString());
        assertThat(one.getOrCreateClusterId("one")).isEqualTo("one");
        assertThat(two.getOrCreateClusterId("two")).isEqualTo("two");
        assertThat(connect(other.connectString()).getOrCreateClusterId("x")).isEqualTo("two");
    }

    @Test
    void closingTheServerTwiceIsHarmlessAndStopsItsThreads() {
        zk.close();
        zk.close();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
            .noneMatch(name -> name.startsWith("NIOServerCxnFactory") || name.startsWith("NIOWorkerThread")
                || name.startsWith("SyncThread") || name.startsWith("ProcessThread") || name.startsWith("SessionTracker"));
    }
}
