package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real Kafka Java producer, consumer and admin against one Weir broker. */
@Tag("integration")
@Timeout(120)
class ProduceConsumeIT extends SingleBrokerIT {


    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int partitions, int expected) {
        return broker.consumeFromBeginning(WeirTestBroker.partitions(topic, partitions), expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void producedRecordsAreConsumedInOrderWithEveryCodec(String codec) throws Exception {
        String topic = "codec-" + codec;
        createTopic(topic, 1);
        int n = 2000;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 1, n);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
        }
    }

    /**
     * A topic's compression.type is what its log holds: the same uncompressed producer fills a
     * zstd topic with a small fraction of the bytes of a producer-type topic, and every record
     * reads back.
     */
    @Test
    void topicCompressionTypeIsHowTheLogStoresRecords() throws Exception {
        int n = 500;
        String value = "weir ".repeat(200);
        Map<String, Long> sizes = new HashMap<>();
        for (String type : List.of("producer", "zstd")) {
            String topic = "compression-type-" + type;
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("compression.type", type)))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", ProducerConfig.LINGER_MS_CONFIG, 5))) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(topic, null, (i + value).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 1, n);
            assertThat(records).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8)).isEqualTo(i + value);
            }
            TopicPartition tp = new TopicPartition(topic, 0);
            try (Admin admin = broker.admin()) {
                sizes.put(type, admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0).values()
                    .iterator().next().replicaInfos().get(tp).size());
            }
        }
        assertThat(sizes.get("producer")).isGreaterThan((long) n * value.length());
        assertThat(sizes.get("zstd")).isLessThan(sizes.get("producer") / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDeliversToManyPartitions(String acks) throws Exception {
        String topic = "acks-" + acks;
        int partitions = 8;
        createTopic(topic, partitions);
        int n = 800;
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.ACKS_CONFIG, acks);
        if (!"all".equals(acks)) {
            cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(cfg)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, ("v" + i).getBytes()));
            }
            producer.flush();
        }
        assertThat(consumeAll(topic, partitions, n)).hasSize(n);
    }

    @Test
    void hundredPartitionsEachKeepTheirOwnOrder() throws Exception {
        String topic = "many-partitions";
        int partitions = 100;
        createTopic(topic, partitions);
        int perPartition = 20;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 2))) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(new ProducerRecord<>(topic, p, null, (p + ":" + i).getBytes()));
                }
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, partitions, partitions * perPartition);
        assertThat(records).hasSize(partitions * perPartition);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(new String(r.value())).isEqualTo(r.partition() + ":" + r.offset());
        }
    }

    @Test
    void headersAndNullKeysAndValuesRoundTrip() throws Exception {
        String topic = "headers";
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, null, null, null,
                List.of(new RecordHeader("h1", "x".getBytes()), new RecordHeader("h2", null)));
            producer.send(r).get();
            producer.send(new ProducerRecord<>(topic, "key".getBytes(), null)).get();
        }
        List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 1, 2);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).key()).isNull();
        assertThat(records.get(0).value()).isNull();
        assertThat(new String(records.get(0).headers().lastHeader("h1").value())).isEqualTo("x");
        assertThat(records.get(0).headers().lastHeader("h2").value()).isNull();
        assertThat(records.get(1).key()).isEqualTo("key".getBytes());
        assertThat(records.get(1).value()).isNull();
    }

    @Test
    void recordAboveMessageMaxBytesIsRefusedAndLogStaysIntact() throws Exception {
        String topic = "large";
        createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>(topic, new byte[900 * 1024])).get();
            Future<RecordMetadata> tooLarge = producer.send(new ProducerRecord<>(topic, new byte[1100 * 1024]));
            assertThatThrownBy(tooLarge::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>(topic, "after".getBytes())).get();
        }
        List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 1, 2);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).value()).hasSize(900 * 1024);
        assertThat(records.get(1).value()).isEqualTo("after".getBytes());
    }

    @Test
    void listOffsetsByTimestampAndDeleteRecords() throws Exception {
        String topic = "timestamps";
        createTopic(topic, 1);
        long base = 1_700_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, null, ("v" + i).getBytes())).get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = broker.admin()) {
            long at = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 4500))).partitionResult(tp).get()
                .offset();
            assertThat(at).isEqualTo(5);
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset())
                .isEqualTo(10);
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get().offset())
                .isEqualTo(9);
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).all().get();
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset())
                .isEqualTo(3);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 7);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).extracting(ConsumerRecord::offset).containsExactly(7L, 8L, 9L);
        }
        assertThat(broker.consumeFromBeginning(List.of(tp), 7)).extracting(ConsumerRecord::offset)
            .startsWith(3L).hasSize(7);
    }

    @Test
    void topicAdminRoundTrip() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("admin-a", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get();
            assertThat(admin.listTopics().names().get()).contains("admin-a");
            assertThat(admin.describeTopics(List.of("admin-a")).allTopicNames().get().get("admin-a").partitions())
                .hasSize(3);
            admin.createPartitions(Map.of("admin-a", org.apache.kafka.clients.admin.NewPartitions.increaseTo(5)))
                .all().get();
            assertThat(admin.describeTopics(List.of("admin-a")).allTopicNames().get().get("admin-a").partitions())
                .hasSize(5);
            org.apache.kafka.common.config.ConfigResource res = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "admin-a");
            assertThat(admin.describeConfigs(List.of(res)).all().get().get(res).get("retention.ms").value())
                .isEqualTo("3600000");
            admin.deleteTopics(List.of("admin-a")).all().get();
            assertThat(admin.listTopics().names().get()).doesNotContain("admin-a");
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).doesNotContain("admin-a");
        }
    }

    @Test
    void produceToAnUnknownTopicIdIsAnsweredUnderThatId() throws Exception {
        Uuid unknown = Uuid.randomUuid();
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setTopicId(unknown);
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
            .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))));
        data.topicData().add(td);
        short version = 13;
        try (RawKafkaClient client = RawKafkaClient.connect(broker.bootstrapServers())) {
            ProduceResponse response = client.send(new ProduceRequest.Builder(version, version, data), version,
                ProduceResponse.class);
            ProduceResponseData.TopicProduceResponse topic = response.data().responses().iterator().next();
            assertThat(topic.topicId()).isEqualTo(unknown);
            assertThat(topic.partitionResponses()).singleElement()
                .satisfies(p -> assertThat(p.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code()));
        }
    }
}
