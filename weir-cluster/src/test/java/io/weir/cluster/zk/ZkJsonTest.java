package io.weir.cluster.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Decoding payloads as ZooKeeper-mode Kafka writes them, and malformed ones. */
class ZkJsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesAKafkaBrokerRegistration() {
        String json = "{\"features\":{},\"listener_security_protocol_map\":{\"PLAINTEXT\":\"PLAINTEXT\","
            + "\"REPL\":\"SASL_SSL\"},\"endpoints\":[\"PLAINTEXT://kafka-1:9092\",\"REPL://kafka-1:9093\"],"
            + "\"jmx_port\":-1,\"port\":9092,\"host\":\"kafka-1\",\"version\":5,\"timestamp\":\"1700000000000\"}";
        BrokerRegistration b = ZkJson.decodeBroker("/brokers/ids/1", 1, utf8(json));
        assertThat(b).isEqualTo(new BrokerRegistration(1, List.of(
            new EndpointInfo("PLAINTEXT", "PLAINTEXT", "kafka-1", 9092),
            new EndpointInfo("REPL", "SASL_SSL", "kafka-1", 9093)), Optional.empty()));
    }

    @Test
    void brokerRoundTripsWithIpv6AndRack() {
        BrokerRegistration b = new BrokerRegistration(3, List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "::1", 9)),
            Optional.of("r1"));
        assertThat(ZkJson.decodeBroker("p", 3, ZkJson.encodeBroker(b, 42))).isEqualTo(b);
    }

    @Test
    void brokerWithoutPlaintextHasNullHostAndPortMinusOne() {
        BrokerRegistration b = new BrokerRegistration(3, List.of(new EndpointInfo("S", "SSL", "h", 9)), Optional.empty());
        String json = new String(ZkJson.encodeBroker(b, 42), StandardCharsets.UTF_8);
        assertThat(json).contains("\"host\":null,\"port\":-1");
    }

    @Test
    void decodesAVersion2TopicWithoutTopicIdAsAnError() {
        assertThatThrownBy(() -> ZkJson.decodeTopic("/brokers/topics/t", "t", utf8("{\"version\":2,\"partitions\":{}}"), 0))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("topic_id");
    }

    @Test
    void malformedJsonNamesThePath() {
        assertThatThrownBy(() -> ZkJson.decodePartitionState("/x/state", utf8("{nope"), 0))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("/x/state");
        assertThatThrownBy(() -> ZkJson.decodeClusterId("/cluster/id", new byte[0]))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("/cluster/id has no data");
    }

    @Test
    void configOfNullOrEmptyPayloadIsEmpty() {
        assertThat(ZkJson.decodeConfig("p", null)).isEmpty();
        assertThat(ZkJson.decodeConfig("p", new byte[0])).isEmpty();
    }

    @Test
    void recognisesPartitionStatePaths() {
        assertThat(ZkPaths.partitionOfStatePath("/brokers/topics/a.b/partitions/12/state"))
            .contains(new TopicPartition("a.b", 12));
        assertThat(ZkPaths.partitionOfStatePath("/brokers/topics/a/partitions/12")).isEmpty();
        assertThat(ZkPaths.childOf("/brokers/topics", "/brokers/topics/a")).contains("a");
        assertThat(ZkPaths.childOf("/brokers/topics", "/brokers/topics/a/partitions")).isEmpty();
        assertThat(ZkPaths.childOf("/brokers/topics", "/brokers/topics")).isEmpty();
    }

    @Test
    void parsesConnectStrings() {
        assertThat(ZkConnectString.parse("h:1,h2:2/weir/x/")).isEqualTo(new ZkConnectString("h:1,h2:2/weir/x/",
            "h:1,h2:2", "/weir/x"));
        assertThat(ZkConnectString.parse("h:1").namespace()).isNull();
        assertThat(ZkConnectString.parse("h:1/").chroot()).isEmpty();
        assertThat(ZkConnectString.parse("h:1/weir/x").namespace()).isEqualTo("weir/x");
    }

    @Test
    void topicRoundTripsWithReassignmentAndOldTopicsHaveNone() {
        Uuid id = Uuid.randomUuid();
        TopicAssignment moving = new TopicAssignment("t", id, Map.of(0, List.of(3, 1, 2)),
            Map.of(0, List.of(3)), Map.of(0, List.of(2)), 4);
        String json = new String(ZkJson.encodeTopic(moving), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"version\":3,\"topic_id\":\"" + id + "\",\"partitions\":{\"0\":[3,1,2]},"
            + "\"adding_replicas\":{\"0\":[3]},\"removing_replicas\":{\"0\":[2]}}");
        assertThat(ZkJson.decodeTopic("p", "t", ZkJson.encodeTopic(moving), 4)).isEqualTo(moving);
        TopicAssignment v2 = ZkJson.decodeTopic("p", "t",
            utf8("{\"version\":2,\"topic_id\":\"" + id + "\",\"partitions\":{\"0\":[1]}}"), 0);
        assertThat(v2.addingReplicas()).isEmpty();
        assertThat(v2.removingReplicas()).isEmpty();
    }

    @Test
    void controllerEpochAndIsrNotificationsDecode() {
        assertThat(ZkJson.decodeControllerId("p", utf8("{\"version\":1,\"brokerid\":3,\"timestamp\":\"1\"}")))
            .isEqualTo(3);
        assertThat(ZkJson.decodeControllerEpoch("p", utf8("12"))).isEqualTo(12);
        assertThatThrownBy(() -> ZkJson.decodeControllerEpoch("/controller_epoch", utf8("x")))
            .isInstanceOf(ZkStoreException.class).hasMessageContaining("/controller_epoch");
        assertThat(ZkJson.decodeIsrChangeNotification("p", utf8(
            "{\"version\":1,\"partitions\":[{\"topic\":\"a\",\"partition\":1},{\"topic\":\"b\",\"partition\":0}]}")))
            .containsExactlyInAnyOrder(new TopicPartition("a", 1), new TopicPartition("b", 0));
    }
}
