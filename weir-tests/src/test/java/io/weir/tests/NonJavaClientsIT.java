package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** librdkafka (kcat) and KafkaJS against the same Weir broker. */
@Tag("integration")
@Timeout(180)
class NonJavaClientsIT extends SingleBrokerIT {


    @Test
    void kcatProducesAndConsumes() throws Exception {
        String lines = IntStream.range(0, 300).mapToObj(i -> "key" + i + ":line " + i)
            .collect(Collectors.joining("\n")) + "\n";
        for (String codec : List.of("none", "snappy", "lz4", "zstd", "gzip")) {
            String topic = "kcat-" + codec;
            ExternalProcess.Result produced = ExternalProcess.run(List.of("kcat", "-b", broker.bootstrapServers(),
                "-t", topic, "-P", "-K:", "-z", codec, "-X", "topic.request.required.acks=-1"), null,
                lines.getBytes(StandardCharsets.UTF_8), 60);
            assertThat(produced.exitCode()).as(produced.stderr()).isZero();
            ExternalProcess.Result consumed = ExternalProcess.run(List.of("kcat", "-b", broker.bootstrapServers(),
                "-t", topic, "-C", "-o", "beginning", "-e", "-f", "%k:%s\\n"), null, null, 60);
            assertThat(consumed.exitCode()).as(consumed.stderr()).isZero();
            assertThat(consumed.stdout()).isEqualTo(lines);
        }
    }

    @Test
    void kcatConsumerGroupReadsEverythingAndCommits() throws Exception {
        String lines = IntStream.range(0, 100).mapToObj(i -> "g" + i).collect(Collectors.joining("\n")) + "\n";
        ExternalProcess.Result produced = ExternalProcess.run(List.of("kcat", "-b", broker.bootstrapServers(),
            "-t", "kcat-group", "-P"), null, lines.getBytes(StandardCharsets.UTF_8), 60);
        assertThat(produced.exitCode()).as(produced.stderr()).isZero();
        // -G: a balanced consumer group (librdkafka's classic group protocol); -e stops at the end.
        ExternalProcess.Result consumed = ExternalProcess.run(List.of("kcat", "-b", broker.bootstrapServers(),
            "-G", "kcat-g", "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=true",
            "-X", "auto.commit.interval.ms=100", "-e", "-q", "-f", "%s\n", "kcat-group"), null, null, 90);
        assertThat(consumed.exitCode()).as(consumed.stderr()).isZero();
        assertThat(consumed.stdout().lines().sorted().toList())
            .isEqualTo(lines.lines().sorted().toList());
    }

    @Test
    void kafkaJsConsumerGroupReadsWhatJavaProduced() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("js-consume", 2, (short) 1)))
                .all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("js-consume", i % 2, null,
                    ("java-" + i).getBytes()));
            }
        }
        Path js = Path.of("js").toAbsolutePath();
        ExternalProcess.Result r = ExternalProcess.run(List.of("node", "consume.js", broker.bootstrapServers(),
            "js-consume", "js-group", "50"), js, null, 120);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(r.stdout()).contains(":java-" + i + "\"");
        }
    }

    @Test
    void kafkaJsProducesWithIdempotenceAndAdmin() throws Exception {
        Path js = Path.of("js").toAbsolutePath();
        ExternalProcess.Result r = ExternalProcess.run(List.of("node", "produce.js", broker.bootstrapServers(),
            "kafkajs-topic", "200"), js, null, 120);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("\"partitions\":2").contains("\"offset\":\"100\"");
        List<ConsumerRecord<byte[], byte[]>> got =
            broker.consumeFromBeginning(WeirTestBroker.partitions("kafkajs-topic", 2), 200);
        assertThat(got).hasSize(200);
        assertThat(got).allSatisfy(rec -> assertThat(new String(rec.value(), StandardCharsets.UTF_8))
            .startsWith("kafkajs-"));
    }
}
