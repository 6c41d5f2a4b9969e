package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Apache Kafka's own command line tools (kafka-topics, kafka-consumer-groups, run from the
 * kafka-tools jars that bench/pom.xml resolves from Maven Central) against a Weir broker.
 */
@Tag("integration")
@Timeout(240)
class KafkaCliToolsIT extends SingleBrokerIT {

    private static final Path KAFKA_LIB = Path.of("..", "bench", "target", "kafka-lib").toAbsolutePath().normalize();

    private static ExternalProcess.Result tool(String mainClass, String... args) throws Exception {
        if (!Files.isDirectory(KAFKA_LIB)) {
            throw new IllegalStateException("Kafka's tools are not in " + KAFKA_LIB
                + "; run `mvn -f bench/pom.xml package` (.ci/run does)");
        }
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", KAFKA_LIB + "/*", mainClass));
        command.addAll(List.of(args));
        ExternalProcess.Result r = ExternalProcess.run(command, null, null, 120);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.stdout() + r.stderr()).isZero();
        return r;
    }

    @Test
    void kafkaTopicsCreatesListsAndDescribes() throws Exception {
        String bs = broker.bootstrapServers();
        tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bs, "--create", "--topic", "cli-topic",
            "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=3600000");
        assertThat(tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bs, "--list").stdout())
            .contains("cli-topic");
        String described = tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bs, "--describe",
            "--topic", "cli-topic").stdout();
        assertThat(described).contains("PartitionCount: 3").contains("retention.ms=3600000");
        tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bs, "--alter", "--topic", "cli-topic",
            "--partitions", "4");
        assertThat(tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bs, "--describe",
            "--topic", "cli-topic").stdout()).contains("PartitionCount: 4");
    }

    @Test
    void kafkaConsumerGroupsDescribesResetsAndDeletes() throws Exception {
        String bs = broker.bootstrapServers();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("cli-group-topic", 0, null, ("v" + i).getBytes()));
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "cli-group", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20))) {
            consumer.subscribe(List.of("cli-group-topic"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < 20 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(20);
            consumer.commitSync();
        }
        String group = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
        assertThat(tool(group, "--bootstrap-server", bs, "--list").stdout()).contains("cli-group");
        String described = tool(group, "--bootstrap-server", bs, "--describe", "--group", "cli-group").stdout();
        assertThat(described).containsPattern("cli-group\\s+cli-group-topic\\s+0\\s+20\\s+20\\s+0");
        tool(group, "--bootstrap-server", bs, "--reset-offsets", "--group", "cli-group", "--topic",
            "cli-group-topic", "--to-offset", "5", "--execute");
        assertThat(tool(group, "--bootstrap-server", bs, "--describe", "--group", "cli-group").stdout())
            .containsPattern("cli-group\\s+cli-group-topic\\s+0\\s+5\\s+20\\s+15");
        assertThat(tool(group, "--bootstrap-server", bs, "--delete", "--group", "cli-group").stdout())
            .contains("successful");
        assertThat(tool(group, "--bootstrap-server", bs, "--list").stdout()).doesNotContain("cli-group");
    }
}
