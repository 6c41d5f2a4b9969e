package io.weir.tests;

import static io.weir.tests.ClusterRecords.WAIT;
import static io.weir.tests.ClusterRecords.expectedValues;
import static io.weir.tests.ClusterRecords.idempotentProducer;
import static io.weir.tests.ClusterRecords.readAll;
import static io.weir.tests.ClusterRecords.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.micrometer.core.instrument.Counter;

/**
 * KIP-392 with the real Java consumer: three brokers on racks rack-0..2, a topic with three
 * replicas led by broker 0, and a consumer with {@code client.rack=rack-2}. Which broker served the
 * records is read from each broker's {@code weir.topic.out.bytes} counter (bytes of records handed
 * to consumers).
 */
@Tag("integration")
@Timeout(180)
class NearestReplicaIT {

    private static final TopicPartition TP = new TopicPartition("nearest", 0);
    private static final int RECORDS = 300;

    private static WeirCluster.Builder racks(WeirCluster.Builder builder) {
        for (int id = 0; id < 3; id++) {
            builder.set(id, "broker.rack", "rack-" + id);
        }
        return builder.brokers(3);
    }

    /** Creates TP on brokers 0, 1, 2 (0 leads), writes the records and waits for the full ISR. */
    private static void writeRecords(WeirCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TP.topic(), Map.of(0, List.of(0, 1, 2))))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
            send(producer, TP.topic(), 0, 0, RECORDS);
        }
        WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(TP).size() == 3);
        assertThat(cluster.leaderOf(TP)).isZero();
    }

    private static double bytesOut(WeirCluster cluster, int broker) {
        Counter c = cluster.broker(broker).metrics().registry().find("weir.topic.out.bytes").tag("topic", TP.topic())
            .counter();
        return c == null ? 0 : c.count();
    }

    private static List<String> readFromRack(WeirCluster cluster, String rack) {
        return readAll(cluster, TP, RECORDS, Map.of(ConsumerConfig.CLIENT_RACK_CONFIG, rack));
    }

    @Test
    void aConsumerWithARackFetchesFromTheFollowerOnItsRack() throws Exception {
        try (WeirCluster cluster = racks(WeirCluster.builder())
                .set("replica.selector.class", RackAwareReplicaSelector.class.getName()).start()) {
            writeRecords(cluster);

            assertThat(readFromRack(cluster, "rack-2")).containsExactlyElementsOf(expectedValues(RECORDS));

            assertThat(bytesOut(cluster, 2)).as("the follower on the consumer's rack served the records")
                .isGreaterThan(0);
            assertThat(bytesOut(cluster, 0)).as("the leader only pointed the consumer to broker 2").isZero();
            assertThat(bytesOut(cluster, 1)).isZero();
        }
    }

    /** One sessionless consumer Fetch of {@code tp} at offset 0 to broker {@code id}; its answer for the partition. */
    private static FetchResponseData.PartitionData rawFetch(WeirCluster cluster, int id, TopicPartition tp, short version,
                                                           String rack) throws Exception {
        FetchRequest.Builder request = FetchRequest.Builder.forConsumer(version, 0, 1, Map.of(tp,
            new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0L, -1L, 1 << 20, Optional.empty()))).rackId(rack);
        try (RawKafkaClient client = RawKafkaClient.connect(cluster.broker(id).bootstrapServers())) {
            FetchResponse response = client.send(request, version, FetchResponse.class);
            return response.data().responses().get(0).partitions().get(0);
        }
    }

    @Test
    void onTheWireTheLeaderRedirectsAndOnlyReplicasServe() throws Exception {
        try (WeirCluster cluster = racks(WeirCluster.builder())
                .set("replica.selector.class", RackAwareReplicaSelector.class.getName()).start()) {
            writeRecords(cluster);
            TopicPartition single = new TopicPartition("single", 0);
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(single.topic(), Map.of(0, List.of(0))))).all().get();
            }
            WeirCluster.await("broker 2 to serve up to the end", WAIT,
                () -> cluster.broker(2).context().replicaManager().partition(TP).orElseThrow().highWatermark()
                    == RECORDS);

            FetchResponseData.PartitionData fromLeader = rawFetch(cluster, 0, TP, (short) 12, "rack-2");
            assertThat(Errors.forCode(fromLeader.errorCode())).isEqualTo(Errors.NONE);
            assertThat(fromLeader.preferredReadReplica()).isEqualTo(2);
            assertThat(FetchResponse.recordsSize(fromLeader)).isZero();

            FetchResponseData.PartitionData fromFollower = rawFetch(cluster, 2, TP, (short) 12, "rack-2");
            assertThat(Errors.forCode(fromFollower.errorCode())).isEqualTo(Errors.NONE);
            assertThat(fromFollower.preferredReadReplica()).isEqualTo(FetchResponse.INVALID_PREFERRED_REPLICA_ID);
            assertThat(FetchResponse.recordsSize(fromFollower)).isPositive();
            assertThat(fromFollower.highWatermark()).isEqualTo(RECORDS);

            assertThat(Errors.forCode(rawFetch(cluster, 2, TP, (short) 10, "").errorCode()))
                .as("Fetch v10 has no rack: only the leader serves it").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            FetchResponseData.PartitionData notAReplica = rawFetch(cluster, 1, single, (short) 12, "rack-1");
            assertThat(Errors.forCode(notAReplica.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(notAReplica.currentLeader().leaderId()).isZero();
        }
    }

    @Test
    void withoutAReplicaSelectorTheLeaderServesEveryConsumer() throws Exception {
        try (WeirCluster cluster = racks(WeirCluster.builder()).start()) {
            writeRecords(cluster);

            assertThat(readFromRack(cluster, "rack-2")).containsExactlyElementsOf(expectedValues(RECORDS));

            assertThat(bytesOut(cluster, 0)).isGreaterThan(0);
            assertThat(bytesOut(cluster, 1)).isZero();
            assertThat(bytesOut(cluster, 2)).isZero();
        }
    }
}
