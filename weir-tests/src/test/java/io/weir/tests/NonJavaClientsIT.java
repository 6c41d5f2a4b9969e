package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
