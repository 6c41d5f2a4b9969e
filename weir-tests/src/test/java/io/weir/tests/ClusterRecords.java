package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records the cluster tests write and read back: values {@code r0, r1, ...} sent by an idempotent
 * acks=all producer, read from the start with each record checked to sit at its offset.
 * Stateless.
 */
final class ClusterRecords {

    static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterRecords() {
    }

    static KafkaProducer<byte[], byte[]> idempotentProducer(WeirCluster cluster) {
        return cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Sends {@code r<from>} .. {@code r<from + count - 1>} and waits for every acknowledgement. */
    static List<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String topic, int partition,
                                     int from, int count) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, partition, null,
                ("r" + i).getBytes(StandardCharsets.UTF_8))));
        }
        List<RecordMetadata> acked = new ArrayList<>();
        for (Future<RecordMetadata> f : futures) {
            acked.add(f.get());
        }
        return acked;
    }

    /** Reads {@code tp} from its start until {@code expected} values arrived (or {@link #WAIT} passed). */
    static List<String> readAll(WeirCluster cluster, TopicPartition tp, int expected) {
        return readAll(cluster, tp, expected, Map.of());
    }

    /** The same with a consumer given extra settings (e.g. {@code client.rack}). */
    static List<String> readAll(WeirCluster cluster, TopicPartition tp, int expected, Map<String, Object> consumer) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = cluster.consumer(consumer)) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.offset()).as("offset of record %d", values.size()).isEqualTo(values.size());
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    static List<String> expectedValues(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("r" + i);
        }
        return values;
    }
}
