package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class WatchTest extends ZkTestSupport {

    @Test
    void topicWatchSeesExistingThenCreateChangeAndDelete() throws Exception {
        ZkStore writer = connect();
        ZkStore watcher = connect();
        writer.createTopic("old", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        closeLater(watcher.watchTopics(new TopicListener() {
            @Override
            public void onTopicChanged(TopicAssignment a) {
                events.add("changed " + a.topic() + " " + a.partitionCount() + " v" + a.zkVersion() + " "
                    + Thread.currentThread().getName());
            }

            @Override
            public void onTopicDeleted(String topic) {
                events.add("deleted " + topic);
            }

            @Override
            public void onPartitionStateChanged(TopicPartition tp, LeaderAndIsr state) {
                events.add("state " + tp + " leader " + state.leader());
            }
        }));
        assertThat(next(events)).isEqualTo("changed old 1 v0 weir-zk-events");

        writer.createTopic("new", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        assertThat(next(events)).isEqualTo("changed new 1 v0 weir-zk-events");
        TopicAssignment read = writer.getTopic("new").orElseThrow();
        writer.setTopicAssignment(new TopicAssignment("new", read.topicId(), Map.of(0, List.of(1), 1, List.of(1)), 0));
        assertThat(next(events)).isEqualTo("changed new 2 v1 weir-zk-events");
        writer.createPartitionStates("new", Map.of(0, new LeaderAndIsr(1, 0, List.of(1), 0, 0)));
        assertThat(next(events)).isEqualTo("state new-0 leader 1");
        writer.deleteTopic("new");
        assertThat(next(events)).isEqualTo("deleted new");
    }

    @Test
    void configWatchSeesChanges() throws Exception {
        ZkStore store = connect();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        closeLater(store.watchTopicConfigs(new ConfigListener() {
            @Override
            public void onConfigChanged(String topic, Map<String, String> configs) {
                events.add(topic + " " + configs);
            }

            @Override
            public void onConfigDeleted(String topic) {
                events.add(topic + " deleted");
            }
        }));
        store.setTopicConfig("t", Map.of("retention.ms", "1"));
        assertThat(next(events)).isEqualTo("t {retention.ms=1}");
        store.setTopicConfig("t", Map.of("retention.ms", "2", "segment.bytes", "1024"));
        assertThat(next(events)).isEqualTo("t {retention.ms=2, segment.bytes=1024}");
        store.deleteTopic("t");
        assertThat(next(events)).isEqualTo("t deleted");
    }

    @Test
    void brokerWatchSeesAddUpdateAndRemove() throws Exception {
        ZkStore watcher = connect();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        AutoCloseable watch = closeLater(watcher.watchBrokers(BrokerRegistrationTest.recorder(events)));
        ZkStore broker = ZkStore.connect(zk.connectString(), SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS);
        try (broker) {
            BrokerRegistration reg = new BrokerRegistration(4,
                List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 1)), Optional.empty());
            broker.registerBroker(reg);
            assertThat(next(events)).isEqualTo("added 4");
            broker.registerBroker(reg);
            assertThat(next(events)).isEqualTo("updated 4");
        }
        assertThat(next(events)).isEqualTo("removed 4");
        watch.close();
    }

    @Test
    void aFailingListenerDoesNotStopLaterEvents() throws Exception {
        ZkStore store = connect();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        closeLater(store.watchTopicConfigs((topic, configs) -> {
            events.add(topic);
            throw new IllegalStateException("listener bug");
        }));
        store.setTopicConfig("a", Map.of());
        store.setTopicConfig("b", Map.of());
        assertThat(next(events)).isEqualTo("a");
        assertThat(next(events)).isEqualTo("b");
    }
}
