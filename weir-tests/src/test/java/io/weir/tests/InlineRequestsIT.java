package io.weir.tests;

import static io.weir.tests.ClusterRecords.WAIT;
import static io.weir.tests.ClusterRecords.expectedValues;
import static io.weir.tests.ClusterRecords.idempotentProducer;
import static io.weir.tests.ClusterRecords.readAll;
import static io.weir.tests.ClusterRecords.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.broker.BrokerConfig;

/**
 * Brokers that hand every request to their handler threads (Kafka's way,
 * {@code weir.network.inline.requests.enable=false}) and brokers whose network threads handle
 * Produce and Fetch themselves (the default) in one cluster: acks=all produce to leaders of both
 * kinds, replication between them, and consumers reading everything back in order.
 */
@Tag("integration")
@Timeout(180)
class InlineRequestsIT {

    private static final String TOPIC = "modes";
    private static final int RECORDS = 400;

    @Test
    void leadersOfBothKindsReplicateAndServeEveryAcknowledgedRecord() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3)
                .set(0, BrokerConfig.NETWORK_INLINE_REQUESTS_ENABLE, "false").start()) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(
                    0, List.of(0, 1, 2), 1, List.of(1, 2, 0), 2, List.of(2, 0, 1))))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                for (int p = 0; p < 3; p++) {
                    send(producer, TOPIC, p, 0, RECORDS);
                }
            }
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                assertThat(cluster.leaderOf(tp)).isEqualTo(p);
                WeirCluster.await("a full ISR of " + tp, WAIT, () -> cluster.isrOf(tp).size() == 3);
                assertThat(readAll(cluster, tp, RECORDS)).as("%s", tp).containsExactlyElementsOf(expectedValues(RECORDS));
            }
        }
    }
}
