package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two single-node brokers (each with its own embedded ZooKeeper) side by side, and the
 * per-partition admin APIs: DescribeLogDirs, DescribeProducers, OffsetsForLeaderEpoch.
 */
@Tag("integration")
@Timeout(120)
class SideBySideAndLogDirsIT {

    @Test
    void twoBrokersRunSideBySideAndAnswerPartitionAdminApis() throws Exception {
        try (WeirTestBroker a = WeirTestBroker.start(); WeirTestBroker b = WeirTestBroker.start()) {
            assertThat(a.broker().clusterId()).isNotEqualTo(b.broker().clusterId());
            for (WeirTestBroker broker : List.of(a, b)) {
                try (Admin admin = broker.admin()) {
                    admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
                }
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                    for (int i = 0; i < 10; i++) {
                        producer.send(new ProducerRecord<>("t", ("v" + i).getBytes())).get();
                    }
                }
            }
            TopicPartition tp = new TopicPartition("t", 0);
            try (Admin admin = a.admin()) {
                Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get()
                    .get(0);
                assertThat(dirs).hasSize(1);
                LogDirDescription dir = dirs.values().iterator().next();
                assertThat(dir.error()).isNull();
                assertThat(dir.replicaInfos().get(tp).size()).isPositive();
                List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get()
                    .activeProducers();
                assertThat(producers).singleElement().satisfies(p -> assertThat(p.lastSequence()).isEqualTo(9));
            }
            try (RawKafkaClient client = RawKafkaClient.connect(a.bootstrapServers())) {
                OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData();
                OffsetForLeaderTopic topic = new OffsetForLeaderTopic().setTopic("t");
                topic.partitions().add(new OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0)
                    .setCurrentLeaderEpoch(0));
                data.topics().add(topic);
                OffsetsForLeaderEpochResponse r = client.send(OffsetsForLeaderEpochRequest.Builder
                    .forConsumer(data.topics()), (short) 4, OffsetsForLeaderEpochResponse.class);
                var end = r.data().topics().iterator().next().partitions().get(0);
                assertThat(Errors.forCode(end.errorCode())).isEqualTo(Errors.NONE);
                assertThat(end.leaderEpoch()).isZero();
                assertThat(end.endOffset()).isEqualTo(10);
            }
        }
    }
}
