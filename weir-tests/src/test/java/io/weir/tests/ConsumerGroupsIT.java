package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** The real Java consumer in a group, classic and new (KIP-848) protocol, against one Weir broker. */
@Tag("integration")
@Timeout(180)
class ConsumerGroupsIT {

    private static void produce(WeirTestBroker broker, String topic, int n) {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(), ("v" + i).getBytes()));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(WeirTestBroker broker, String group, String protocol) {
        return broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol));
    }

    /** Polls until {@code n} records arrived (or 60 s), committing synchronously after each poll. */
    private static List<ConsumerRecord<byte[], byte[]>> pollAndCommit(KafkaConsumer<byte[], byte[]> consumer, int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            consumer.commitSync();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void groupConsumesEveryRecordOnceAndResumesFromCommittedOffsetsAfterRestart(String protocol) throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(Map.of("group.initial.rebalance.delay.ms", "0"))) {
            String topic = "group-" + protocol;
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
            produce(broker, topic, 300);
            String group = "g-" + protocol;
            try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(broker, group, protocol)) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<byte[], byte[]>> got = pollAndCommit(consumer, 300);
                Set<String> values = new HashSet<>();
                got.forEach(r -> values.add(new String(r.value())));
                assertThat(got).hasSize(300);
                assertThat(values).hasSize(300);
            }
            try (Admin admin = broker.admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
                assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(300);
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get();
                assertThat(description.groupId()).isEqualTo(group);
            }
            broker.restart();
            produce(broker, topic, 30);
            try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(broker, group, protocol)) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<byte[], byte[]>> got = pollAndCommit(consumer, 30);
                assertThat(got).hasSize(30);
                assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
            }
        }
    }
}
