package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;

/**
 * A real broker on loopback driven by the Kafka producer and consumer, then /metrics scraped over
 * HTTP and parsed: the counters must match the traffic.
 */
@Timeout(120)
class MetricsEndToEndTest {

    private static final String TOPIC = "metered";
    private static final int RECORDS = 200;
    private static final int VALUE_SIZE = 100;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void scrapeAfterTrafficMatchesWhatWasProducedAndConsumed() throws Exception {
        int metricsPort = BrokerMetricsTest.freePort();
        Broker broker = new Broker(BrokerConfig.fromProperties(Map.of(
            BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0",
            BrokerConfig.LOG_DIRS, dir.resolve("logs").toString(),
            BrokerConfig.EMBEDDED_ZOOKEEPER_DIR, dir.resolve("zookeeper").toString(),
            BrokerConfig.NUM_NETWORK_THREADS, "2",
            BrokerConfig.METRICS_PORT, Integer.toString(metricsPort))));
        try (broker) {
            broker.startup();
            HttpResponse<String> health = get(metricsPort, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");

            createTopic(broker.bootstrapServers());
            TopicPartition tp0 = new TopicPartition(TOPIC, 0);
            produce(broker.bootstrapServers(), tp0);
            assertThat(consumeAll(broker.bootstrapServers(), List.of(tp0, new TopicPartition(TOPIC, 1))))
                .isEqualTo(RECORDS);

            long logSize = broker.context().replicaManager().partition(tp0).orElseThrow().log().size();
            PrometheusText text = PrometheusText.parse(get(metricsPort, "/metrics").body());
            Map<String, String> topic = Map.of("topic", TOPIC);
            assertThat(text.require("weir_topic_in_messages_total", topic)).isEqualTo(RECORDS);
            assertThat(logSize).isGreaterThanOrEqualTo((long) RECORDS * VALUE_SIZE);
            assertThat(text.require("weir_topic_in_bytes_total", topic)).isEqualTo(logSize);
            assertThat(text.require("weir_topic_out_bytes_total", topic)).isGreaterThanOrEqualTo(logSize);
            assertThat(text.require("weir_topic_out_messages_total", topic)).isEqualTo(RECORDS);
            assertThat(text.require("weir_log_size_bytes", Map.of("topic", TOPIC, "partition", "0")))
                .isEqualTo(logSize);
            assertThat(text.require("weir_requests_total", Map.of("api", "Produce"))).isPositive();
            assertThat(text.require("weir_requests_total", Map.of("api", "Fetch"))).isPositive();
            assertThat(text.require("weir_request_latency_seconds", Map.of("api", "Fetch", "quantile", "0.99")))
                .isGreaterThanOrEqualTo(0.0);
            assertThat(text.require("weir_partitions")).isEqualTo(2.0);
            assertThat(text.require("weir_leader_partitions")).isEqualTo(2.0);
            assertThat(text.require("weir_under_replicated_partitions")).isZero();
            assertThat(text.require("weir_under_min_isr_partitions")).isZero();
            assertThat(text.require("weir_offline_partitions")).isZero();
            assertThat(text.require("weir_active_controller")).isEqualTo(1.0);
            assertThat(text.require("weir_isr_shrinks_total")).isZero();
            assertThat(text.require("weir_request_queue_size")).isGreaterThanOrEqualTo(0.0);
            checkNetworkAndTotalTime(text);
            checkTotalTimeIncludesThePurgatory(broker.bootstrapServers(), metricsPort);

            // A group with a committed offset: lag = high watermark - committed, per partition.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.alterConsumerGroupOffsets("metered-group", Map.of(tp0, new OffsetAndMetadata(150))).all().get();
            }
            PrometheusText afterCommit = PrometheusText.parse(get(metricsPort, "/metrics").body());
            assertThat(afterCommit.require("weir_group_lag",
                Map.of("group", "metered-group", "topic", TOPIC, "partition", "0"))).isEqualTo(RECORDS - 150.0);
            assertThat(afterCommit.require("weir_groups", Map.of("state", "Empty", "type", "classic"))).isEqualTo(1.0);
        }
        assertThatThrownBy(() -> get(metricsPort, "/health")).isInstanceOf(ConnectException.class);
    }

    /** Every processor reported idle time; every Produce request's response was written (total time). */
    private static void checkNetworkAndTotalTime(PrometheusText text) {
        assertThat(text.samples()).filteredOn(s -> s.name().equals("weir_network_processor_idle_seconds_total"))
            .extracting(s -> s.labels().get("processor")).containsExactlyInAnyOrder("0", "1");
        assertThat(text.require("weir_network_processor_idle_seconds_total", Map.of("processor", "0"))).isPositive();
        assertThat(text.require("weir_network_processor_avg_idle_ratio")).isBetween(0.0, 1.0);
        Map<String, String> produce = Map.of("api", "Produce");
        assertThat(text.require("weir_request_total_time_seconds_count", produce))
            .isEqualTo(text.require("weir_requests_total", produce));
        assertThat(text.require("weir_request_total_time_seconds", Map.of("api", "Produce", "quantile", "0.99")))
            .isPositive();
    }

    /**
     * A long-poll fetch on an empty partition parks in the fetch purgatory for fetch.max.wait.ms:
     * total time counts that wait, handler latency does not.
     */
    private void checkTotalTimeIncludesThePurgatory(String bootstrap, int metricsPort) throws Exception {
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 400);
        Map<String, String> fetch = Map.of("api", "Fetch");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition empty = new TopicPartition(TOPIC, 1);
            consumer.assign(List.of(empty));
            consumer.seekToEnd(List.of(empty));
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            PrometheusText text;
            do {
                consumer.poll(Duration.ofMillis(200));
                text = PrometheusText.parse(get(metricsPort, "/metrics").body());
            } while (text.require("weir_request_total_time_seconds_max", fetch) < 0.4
                && System.nanoTime() < deadlineNs);
            assertThat(text.require("weir_request_total_time_seconds_max", fetch)).isGreaterThanOrEqualTo(0.4);
            assertThat(text.require("weir_request_total_time_seconds_sum", fetch))
                .isGreaterThan(text.require("weir_request_latency_seconds_sum", fetch) + 0.3);
        }
    }

    private static void createTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
    }

    private static void produce(String bootstrap, TopicPartition tp) throws Exception {
        Map<String, Object> props = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = new byte[VALUE_SIZE];
                Arrays.fill(value, (byte) i);
                sent.add(producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, value)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** Reads the partitions from their beginning until every record came back or 60 s passed. */
    private static int consumeAll(String bootstrap, List<TopicPartition> partitions) {
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count < RECORDS && System.nanoTime() < deadlineNs) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return count;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
