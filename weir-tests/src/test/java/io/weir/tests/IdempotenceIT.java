package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.storage.Log;

/**
 * The idempotent producer protocol exactly as a retrying client uses it: the same batch sent
 * twice is stored once and both answers carry the same offset; a gap in sequence numbers is
 * refused, also one before a new producer's first batch; producer state survives a restart.
 */
@Tag("integration")
@Timeout(120)
class IdempotenceIT {

    private static final short PRODUCE_VERSION = 9;

    private static MemoryRecords batch(long producerId, short epoch, int firstSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), values[i].getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, firstSequence, records);
    }

    private static ProduceResponse produce(RawKafkaClient client, String topic, MemoryRecords records)
            throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(topic);
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(td);
        return client.send(new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION, data), PRODUCE_VERSION,
            ProduceResponse.class);
    }

    private static ProduceResponseView view(ProduceResponse r) {
        var p = r.data().responses().iterator().next().partitionResponses().get(0);
        return new ProduceResponseView(Errors.forCode(p.errorCode()), p.baseOffset());
    }

    private record ProduceResponseView(Errors error, long baseOffset) {
    }

    @Test
    void duplicateBatchIsStoredOnceAndGapsAreRefused() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start()) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic("idem", 1, (short) 1))).all().get();
            }
            long producerId;
            try (RawKafkaClient client = RawKafkaClient.connect(broker.bootstrapServers())) {
                InitProducerIdResponse init = client.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)),
                    (short) 5, InitProducerIdResponse.class);
                assertThat(init.error()).isEqualTo(Errors.NONE);
                producerId = init.data().producerId();
                assertThat(producerId).isGreaterThanOrEqualTo(0);

                // A first batch that does not start at 0 is refused: the ones before it may still be on their way.
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 2, "c"))).error())
                    .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 0, "a", "b"))))
                    .isEqualTo(new ProduceResponseView(Errors.NONE, 0));
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 2, "c"))))
                    .isEqualTo(new ProduceResponseView(Errors.NONE, 2));
                // A retry of the first batch: same answer, nothing written.
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 0, "a", "b"))))
                    .isEqualTo(new ProduceResponseView(Errors.NONE, 0));
                // A gap in the sequence is refused.
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 5, "x"))).error())
                    .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            }
            broker.restart();
            try (RawKafkaClient client = RawKafkaClient.connect(broker.bootstrapServers())) {
                // The producer state came back: the retry is still recognised after a restart.
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 2, "c"))))
                    .isEqualTo(new ProduceResponseView(Errors.NONE, 2));
                assertThat(view(produce(client, "idem", batch(producerId, (short) 0, 3, "d"))))
                    .isEqualTo(new ProduceResponseView(Errors.NONE, 3));
            }
            List<String> values = broker.consumeFromBeginning(List.of(new TopicPartition("idem", 0)), 4).stream()
                .map(r -> new String(r.value())).toList();
            assertThat(values).containsExactly("a", "b", "c", "d");
        }
    }

    /**
     * A producer whose state the partition forgot (producer.id.expiration.ms passed) gets
     * OUT_OF_ORDER_SEQUENCE_NUMBER for its next batch, which does not start at 0; the Java client
     * then bumps its epoch itself (KIP-360) and sends the batch again at sequence 0: the record
     * goes in, once.
     */
    @Test
    void aProducerWhoseStateExpiredGoesOnAfterAnEpochBump() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(Map.of("producer.id.expiration.ms", "1000",
                "producer.id.expiration.check.interval.ms", "100"))) {
            TopicPartition tp = new TopicPartition("expiring", 0);
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
            }
            Log log = broker.broker().context().logManager().getLog(tp).orElseThrow();
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"))) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "a".getBytes())).get();
                WeirCluster.await("the producer's state expired", Duration.ofSeconds(30),
                    () -> log.activeProducers().isEmpty());

                RecordMetadata b = producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null,
                    "b".getBytes())).get(30, TimeUnit.SECONDS);

                assertThat(b.offset()).isEqualTo(1);
            }
            List<RecordBatch> batches = new ArrayList<>();
            log.activeSegment().log().batches().forEach(batches::add);
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1).producerId()).isEqualTo(batches.get(0).producerId());
            assertThat(batches.get(1).producerEpoch()).as("the epoch the client bumped")
                .isEqualTo((short) (batches.get(0).producerEpoch() + 1));
            assertThat(batches.get(1).baseSequence()).isZero();
            assertThat(broker.consumeFromBeginning(List.of(tp), 2)).extracting(r -> new String(r.value()))
                .containsExactly("a", "b");
        }
    }

    @Test
    void producerIdsAreUniqueAcrossRestarts() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start()) {
            List<Long> ids = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                try (RawKafkaClient client = RawKafkaClient.connect(broker.bootstrapServers())) {
                    for (int i = 0; i < 3; i++) {
                        ids.add(client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                            .setTransactionalId(null).setTransactionTimeoutMs(60_000)), (short) 4,
                            InitProducerIdResponse.class)
                            .data().producerId());
                    }
                }
                broker.restart();
            }
            assertThat(ids).doesNotHaveDuplicates().hasSize(6);
        }
    }
}
