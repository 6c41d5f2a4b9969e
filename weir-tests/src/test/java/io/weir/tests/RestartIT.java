package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A broker restart keeps every topic and record, and offsets continue where they stopped. */
@Tag("integration")
@Timeout(120)
class RestartIT {

    @Test
    void restartKeepsTopicsAndRecords() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start()) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("durable", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>("durable", i % 2, null, ("a" + i).getBytes()));
                }
            }
            broker.restart();
            try (Admin admin = broker.admin()) {
                assertThat(admin.listTopics().names().get()).contains("durable");
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                long offset = producer.send(new ProducerRecord<>("durable", 0, null, "after".getBytes())).get()
                    .offset();
                assertThat(offset).isEqualTo(250);
            }
            List<ConsumerRecord<byte[], byte[]>> all =
                broker.consumeFromBeginning(WeirTestBroker.partitions("durable", 2), 501);
            assertThat(all).hasSize(501);
        }
    }
}
