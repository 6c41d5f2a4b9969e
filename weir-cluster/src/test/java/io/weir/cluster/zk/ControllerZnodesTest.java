package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/** The znodes around the controller: election, epochs, markers, notifications, watches and transactions. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerZnodesTest extends ZkTestSupport {

    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9000 + id)),
            Optional.empty());
    }

    /** Records which listener callbacks fired. */
    private static final class Recorder implements ControllerZkListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void onControllerChanged() {
            events.add("controller");
        }

        @Override
        public void onBrokersChanged() {
            events.add("brokers");
        }

        @Override
        public void onTopicsChanged() {
            events.add("topics");
        }

        @Override
        public void onTopicChanged(String topic) {
            events.add("topic " + topic);
        }

        @Override
        public void onTopicDeletionsChanged() {
            events.add("deletions");
        }

        @Override
        public void onIsrChangeNotificationsChanged() {
            events.add("isr");
        }

        @Override
        public void onSessionLost() {
            events.add("lost");
        }

        @Override
        public void onReconnected() {
            events.add("reconnected");
        }
    }

    @Test
    void brokerEpochIsTheCzxidAndGrowsWithEachRegistration() {
        ZkStore admin = connect();
        long first;
        try (ZkStore broker = ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS)) {
            broker.registerBroker(broker(1));
            first = admin.brokerEpoch(1);
            assertThat(admin.controllerZk(new Recorder()).watchBrokers())
                .containsExactly(new RegisteredBroker(broker(1), first));
        }
        connect().registerBroker(broker(1));

        assertThat(admin.brokerEpoch(1)).isGreaterThan(first);
        assertThatThrownBy(() -> admin.brokerEpoch(2)).isInstanceOf(ZkStoreException.class)
            .hasMessageContaining("/brokers/ids/2");
    }

    @Test
    void electionCreatesControllerAndIncrementsTheEpoch() throws Exception {
        ZkStore a = connect();
        ZkStore b = connect();
        ControllerZkStore za = a.controllerZk(new Recorder());
        ControllerZkStore zb = b.controllerZk(new Recorder());
        assertThat(a.activeControllerId()).isEmpty();

        assertThat(za.tryElect(1, 1234L)).contains(new ControllerEpoch(1, 0));
        assertThat(zb.tryElect(2, 1234L)).isEmpty();

        JsonNode json = rawJson(a, "/controller");
        assertThat(json.toString()).isEqualTo("{\"version\":1,\"brokerid\":1,\"timestamp\":\"1234\"}");
        assertThat(new String(a.curator().getData().forPath("/controller_epoch"), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(b.activeControllerId()).isEqualTo(OptionalInt.of(1));
        assertThat(za.controllerOwnedByThisSession()).isTrue();
        assertThat(zb.controllerOwnedByThisSession()).isFalse();
        assertThat(zb.deleteControllerIfOwned()).isFalse();
        assertThat(za.deleteControllerIfOwned()).isTrue();
        assertThat(zb.tryElect(2, 1L)).contains(new ControllerEpoch(2, 1));
    }

    @Test
    void watchesReportChangesOnce() throws Exception {
        watchesReportChangesOnce(connect());
    }

    @Test
    void watchesAndTransactionsWorkUnderAChroot() throws Exception {
        ZkStore store = connect(zk.connectString() + "/weir");
        watchesReportChangesOnce(store);
        ControllerZkStore czk = store.controllerZk(new Recorder());
        assertThat(czk.deleteControllerIfOwned()).isTrue();
        ControllerEpoch epoch = czk.tryElect(2, 0L).orElseThrow();
        assertThat(epoch).isEqualTo(new ControllerEpoch(2, 1));
        assertThat(czk.multi(epoch.zkVersion(), List.of(new ZkMultiOp.CreatePartitionState(T0,
            new LeaderAndIsr(1, 0, List.of(1), epoch.epoch(), 0))))).isEqualTo(ZkMultiResult.COMMITTED);
        assertThat(connect().getPartitionState(T0)).isEmpty();
        assertThat(store.getPartitionState(T0)).isPresent();
    }

    private void watchesReportChangesOnce(ZkStore store) throws Exception {
        Recorder recorder = new Recorder();
        ControllerZkStore czk = store.controllerZk(recorder);
        assertThat(czk.watchController()).isEmpty();
        czk.watchTopics();
        czk.watchTopicDeletions();

        czk.tryElect(1, 0L);
        assertThat(next(recorder.events)).isEqualTo("controller");
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        assertThat(next(recorder.events)).isEqualTo("topics");
        assertThat(czk.watchTopics()).containsOnlyKeys("t");
        store.markTopicForDeletion("t");
        assertThat(next(recorder.events)).isEqualTo("deletions");
        TopicAssignment read = store.getTopic("t").orElseThrow();
        store.setTopicAssignment(new TopicAssignment("t", read.topicId(), Map.of(0, List.of(1), 1, List.of(1)), 0));
        assertThat(next(recorder.events)).isEqualTo("topic t");
        czk.close();
        store.markTopicForDeletion("u");
        assertThat(recorder.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void deletionMarkersAndIsrChangeNotificationsInKafkasFormat() throws Exception {
        ZkStore store = connect();
        ControllerZkStore czk = store.controllerZk(new Recorder());
        store.markTopicForDeletion("b");
        store.markTopicForDeletion("a");
        store.markTopicForDeletion("a");
        store.createIsrChangeNotification(Set.of(T0));
        store.createIsrChangeNotification(Set.of());

        assertThat(store.topicsMarkedForDeletion()).containsExactly("a", "b");
        Map<String, Set<TopicPartition>> notifications = czk.watchIsrChangeNotifications();
        assertThat(notifications).hasSize(1);
        String name = notifications.keySet().iterator().next();
        assertThat(name).matches("isr_change_\\d{10}");
        assertThat(rawJson(store, "/isr_change_notification/" + name).toString())
            .isEqualTo("{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0}]}");
        czk.deleteIsrChangeNotifications(notifications.keySet());
        assertThat(czk.watchIsrChangeNotifications()).isEmpty();
    }

    @Test
    void multiWritesAllOrNothingUnderTheControllerEpoch() {
        ZkStore store = connect();
        ControllerZkStore czk = store.controllerZk(new Recorder());
        ControllerEpoch epoch = czk.tryElect(1, 0L).orElseThrow();
        Uuid id = Uuid.randomUuid();
        store.createTopic("t", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1)), Map.of());
        LeaderAndIsr state = new LeaderAndIsr(1, 0, List.of(1, 2), 1, 0);

        assertThat(czk.multi(epoch.zkVersion(), List.of(new ZkMultiOp.CreatePartitionState(T0, state),
            new ZkMultiOp.CreatePartitionState(T1, state)))).isEqualTo(ZkMultiResult.COMMITTED);
        TopicAssignment moving = new TopicAssignment("t", id, Map.of(0, List.of(3, 1, 2), 1, List.of(2, 1)),
            Map.of(0, List.of(3)), Map.of(0, List.of(2)), 0);
        ZkMultiOp setTopic = new ZkMultiOp.SetTopic(moving);
        ZkMultiOp staleState = new ZkMultiOp.SetPartitionState(T1, state, 5);
        assertThat(czk.multi(epoch.zkVersion(), List.of(setTopic, staleState))).isEqualTo(ZkMultiResult.CONFLICT);
        assertThat(store.getTopic("t").orElseThrow().zkVersion()).isZero();
        assertThat(czk.multi(epoch.zkVersion() + 1, List.of(setTopic))).isEqualTo(ZkMultiResult.CONTROLLER_EPOCH_CHANGED);
        assertThat(czk.multi(epoch.zkVersion(), List.of(setTopic, new ZkMultiOp.SetPartitionState(T1, state, 0))))
            .isEqualTo(ZkMultiResult.COMMITTED);

        assertThat(store.getTopic("t")).contains(new TopicAssignment("t", id, moving.partitions(),
            moving.addingReplicas(), moving.removingReplicas(), 1));
        assertThat(store.getPartitionState(T1).orElseThrow().zkVersion()).isEqualTo(1);
    }

    @Test
    void multiDeletesATopicWithItsConfigAndMarker() {
        ZkStore store = connect();
        ControllerZkStore czk = store.controllerZk(new Recorder());
        ControllerEpoch epoch = czk.tryElect(1, 0L).orElseThrow();
        store.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1), 1, List.of(1)), Map.of("retention.ms", "1"));
        store.createPartitionStates("t", Map.of(0, new LeaderAndIsr(1, 0, List.of(1), 1, 0)));
        store.markTopicForDeletion("t");

        assertThat(czk.multi(epoch.zkVersion(), List.of(new ZkMultiOp.DeleteTopic("t"), new ZkMultiOp.DeleteTopic("x"))))
            .isEqualTo(ZkMultiResult.COMMITTED);

        assertThat(store.getTopic("t")).isEmpty();
        assertThat(store.getTopicConfig("t")).isEmpty();
        assertThat(store.topicsMarkedForDeletion()).isEmpty();
    }
}
