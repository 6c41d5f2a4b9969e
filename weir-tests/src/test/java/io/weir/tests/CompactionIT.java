package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
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

/** A compacted topic through the real broker: the cleaner keeps the latest value per key, offsets kept. */
@Tag("integration")
@Timeout(120)
class CompactionIT {

    @Test
    void cleanerKeepsLatestValuePerKey() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(Map.of("log.cleaner.backoff.ms", "50"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("compacted", 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.01",
                    "delete.retention.ms", "0")))).all().get();
            }
            Map<String, String> latest = new HashMap<>();
            int produced = 400;
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                for (int i = 0; i < produced; i++) {
                    String key = "key-" + (i % 10);
                    String value = "value-" + i;
                    producer.send(new ProducerRecord<>("compacted", key.getBytes(), value.getBytes())).get();
                    latest.put(key, value);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> read = List.of();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                read = broker.consumeToEnd(WeirTestBroker.partitions("compacted", 1));
                if (read.size() < produced / 2) {
                    break;
                }
            }
            assertThat(read.size()).as("records left after compaction").isLessThan(produced / 2);
            Map<String, String> seen = new HashMap<>();
            long previous = -1;
            for (ConsumerRecord<byte[], byte[]> r : read) {
                assertThat(r.offset()).isGreaterThan(previous);
                previous = r.offset();
                String value = new String(r.value());
                assertThat(Integer.parseInt(value.substring(6))).isEqualTo(r.offset());
                seen.put(new String(r.key()), value);
            }
            assertThat(seen).isEqualTo(latest);
        }
    }
}
