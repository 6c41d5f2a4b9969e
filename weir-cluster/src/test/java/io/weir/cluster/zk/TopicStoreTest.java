package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class TopicStoreTest extends ZkTestSupport {

    private static final Map<Integer, List<Integer>> TWO_PARTITIONS = Map.of(0, List.of(1, 2), 1, List.of(2, 1));

    @Test
    void createGetListDeleteRoundTrip() {
        ZkStore store = connect();
        Uuid id = Uuid.randomUuid();
        store.createTopic("orders", id, TWO_PARTITIONS, Map.of("cleanup.policy", "compact"));
        store.createTopic("audit", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());

        TopicAssignment orders = store.getTopic("orders").orElseThrow();
        assertThat(orders.topicId()).isEqualTo(id);
        assertThat(orders.partitions()).isEqualTo(TWO_PARTITIONS);
        assertThat(orders.zkVersion()).isZero();
        assertThat(store.getAllTopics()).containsOnlyKeys("audit", "orders");
        assertThat(store.getTopicConfig("orders")).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(store.getTopicConfig("audit")).isEmpty();

        store.createPartitionStates("orders", Map.of(0, new LeaderAndIsr(1, 0, List.of(1, 2), 0, 0)));
        store.deleteTopic("orders");
        assertThat(store.getTopic("orders")).isEmpty();
        assertThat(store.getPartitionStates("orders")).isEmpty();
        assertThat(store.getTopicConfig("orders")).isEmpty();
        assertThat(store.getAllTopics()).containsOnlyKeys("audit");
        store.deleteTopic("orders");
    }

    @Test
    void topicAndConfigJsonHaveKafkasShape() throws Exception {
        ZkStore store = connect();
        Uuid id = Uuid.randomUuid();
        store.createTopic("t", id, TWO_PARTITIONS, Map.of("retention.ms", "1000"));

        JsonNode topic = rawJson(store, "/brokers/topics/t");
        assertThat(topic.toString()).isEqualTo("{\"version\":3,\"topic_id\":\"" + id
            + "\",\"partitions\":{\"0\":[1,2],\"1\":[2,1]},\"adding_replicas\":{},\"removing_replicas\":{}}");
        assertThat(rawJson(store, "/config/topics/t").toString())
            .isEqualTo("{\"version\":1,\"config\":{\"retention.ms\":\"1000\"}}");
    }

    @Test
    void creatingAnExistingTopicThrowsTopicExists() {
        ZkStore store = connect();
        store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of());
        assertThatThrownBy(() -> store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of()))
            .isInstanceOf(TopicExistsException.class).hasMessageContaining("'t' already exists");
    }

    @Test
    void createTopicOverwritesALeftoverConfig() {
        ZkStore store = connect();
        store.setTopicConfig("t", Map.of("stale", "1"));
        store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of("fresh", "2"));
        assertThat(store.getTopicConfig("t")).containsExactly(Map.entry("fresh", "2"));
    }

    @Test
    void assignmentUpdateIsConditionalOnTheVersion() {
        ZkStore store = connect();
        store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of());
        TopicAssignment read = store.getTopic("t").orElseThrow();
        Map<Integer, List<Integer>> three = Map.of(0, List.of(1, 2), 1, List.of(2, 1), 2, List.of(1, 2));

        int newVersion = store.setTopicAssignment(new TopicAssignment("t", read.topicId(), three, read.zkVersion()));

        assertThat(newVersion).isEqualTo(1);
        assertThat(store.getTopic("t").orElseThrow().partitions()).isEqualTo(three);
        assertThatThrownBy(() -> store.setTopicAssignment(read))
            .isInstanceOf(ZkVersionConflictException.class).hasMessageContaining("/brokers/topics/t");
        assertThat(store.getTopic("t").orElseThrow().partitionCount()).isEqualTo(3);
    }

    @Test
    void partitionStatesRoundTripAndRejectStaleUpdates() throws Exception {
        ZkStore store = connect();
        store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of());
        store.createPartitionStates("t", Map.of(
            0, new LeaderAndIsr(1, 0, List.of(1, 2), 3, 0),
            1, new LeaderAndIsr(2, 0, List.of(2, 1), 3, 0)));
        TopicPartition tp0 = new TopicPartition("t", 0);

        assertThat(rawJson(store, "/brokers/topics/t/partitions/0/state").toString())
            .isEqualTo("{\"controller_epoch\":3,\"leader\":1,\"version\":1,\"leader_epoch\":0,\"isr\":[1,2]}");
        assertThat(store.getPartitionStates("t")).hasSize(2);
        LeaderAndIsr state = store.getPartitionState(tp0).orElseThrow();
        assertThat(state).isEqualTo(new LeaderAndIsr(1, 0, List.of(1, 2), 3, 0));

        LeaderAndIsr shrunk = new LeaderAndIsr(1, 0, List.of(1), 3, 0);
        assertThat(store.updatePartitionState(tp0, shrunk, 0)).isEqualTo(OptionalInt.of(1));
        assertThat(store.updatePartitionState(tp0, state, 0)).isEmpty();
        assertThat(store.getPartitionState(tp0).orElseThrow()).isEqualTo(shrunk.withZkVersion(1));
    }

    @Test
    void addingPartitionStatesLaterAndDuplicates() {
        ZkStore store = connect();
        store.createTopic("t", Uuid.randomUuid(), TWO_PARTITIONS, Map.of());
        store.createPartitionStates("t", Map.of(0, new LeaderAndIsr(1, 0, List.of(1), 0, 0)));
        store.createPartitionStates("t", Map.of(1, new LeaderAndIsr(2, 0, List.of(2), 0, 0)));
        assertThat(store.getPartitionStates("t")).hasSize(2);

        assertThatThrownBy(() -> store.createPartitionStates("t", Map.of(1, new LeaderAndIsr(2, 1, List.of(2), 0, 0))))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.createPartitionStates("nope", Map.of(0, new LeaderAndIsr(1, 0, List.of(1), 0, 0))))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("/brokers/topics/nope");
    }

    @Test
    void readsManyTopicsAndPartitionStatesInOneBatch() {
        ZkStore store = connect();
        Map<Integer, List<Integer>> assignment = new java.util.HashMap<>();
        Map<Integer, LeaderAndIsr> states = new java.util.HashMap<>();
        for (int p = 0; p < 300; p++) {
            assignment.put(p, List.of(1));
            states.put(p, new LeaderAndIsr(1, p, List.of(1), 0, 0));
        }
        store.createTopic("big", Uuid.randomUuid(), assignment, Map.of());
        store.createPartitionStates("big", states);
        for (int t = 0; t < 50; t++) {
            store.createTopic("t" + t, Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        }

        Map<TopicPartition, LeaderAndIsr> read = store.getPartitionStates("big");
        assertThat(read).hasSize(300);
        assertThat(read.keySet()).extracting(TopicPartition::partition).isSorted();
        assertThat(read.get(new TopicPartition("big", 299)).leaderEpoch()).isEqualTo(299);
        assertThat(store.getAllTopics()).hasSize(51).containsKey("big");
        assertThat(store.getAllTopics().get("big").partitionCount()).isEqualTo(300);
    }

    @Test
    void topicAndBrokerConfigs() throws Exception {
        ZkStore store = connect();
        store.setTopicConfig("t", Map.of("a", "1"));
        store.setTopicConfig("t", Map.of("b", "2"));
        assertThat(store.getTopicConfig("t")).containsExactly(Map.entry("b", "2"));

        store.setBrokerConfig("<default>", Map.of("log.retention.ms", "5"));
        store.setBrokerConfig("1", Map.of("log.cleaner.threads", "2"));
        assertThat(store.getBrokerConfig("<default>")).containsExactly(Map.entry("log.retention.ms", "5"));
        assertThat(store.getBrokerConfig("1")).containsExactly(Map.entry("log.cleaner.threads", "2"));
        assertThat(store.getBrokerConfig("2")).isEmpty();
        assertThat(rawJson(store, "/config/brokers/1").get("version").asInt()).isEqualTo(1);
    }
}
