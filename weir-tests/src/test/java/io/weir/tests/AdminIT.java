package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Topic administration through the real Admin client: validation, configs, auto-creation. */
@Tag("integration")
@Timeout(120)
class AdminIT extends SingleBrokerIT {

    private static Admin admin;

    @BeforeAll
    static void openAdmin() {
        admin = broker.admin();
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private static Throwable causeOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e.getCause();
        }
    }

    private static void create(NewTopic topic, boolean validateOnly) {
        try {
            admin.createTopics(List.of(topic), new CreateTopicsOptions().validateOnly(validateOnly)).all().get();
        } catch (ExecutionException | InterruptedException e) {
            throw new RuntimeException(e.getCause() != null ? e.getCause() : e);
        }
    }

    @Test
    void invalidRequestsGetKafkasErrors() {
        assertThat(causeOf(() -> create(new NewTopic("bad/name", 1, (short) 1), false)))
            .isInstanceOf(InvalidTopicException.class);
        assertThat(causeOf(() -> create(new NewTopic("rf3", 1, (short) 3), false)))
            .isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(causeOf(() -> create(new NewTopic("badconf", 1, (short) 1)
            .configs(Map.of("no.such.config", "1")), false))).isInstanceOf(InvalidConfigurationException.class);
        assertThat(causeOf(() -> create(new NewTopic("badval", 1, (short) 1)
            .configs(Map.of("retention.ms", "soon")), false))).isInstanceOf(InvalidConfigurationException.class);
        create(new NewTopic("twice", 1, (short) 1), false);
        assertThat(causeOf(() -> create(new NewTopic("twice", 1, (short) 1), false)))
            .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        create(new NewTopic("dry-run", 4, (short) 1), true);
        assertThat(admin.listTopics().names().get()).doesNotContain("dry-run");
    }

    @Test
    void producingToAnUnknownTopicCreatesIt() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            assertThat(producer.send(new ProducerRecord<>("auto-created", "x".getBytes())).get().offset())
                .isZero();
        }
        assertThat(admin.listTopics().names().get()).contains("auto-created");
    }

    @Test
    void topicConfigsChangeAtRunTimeAndDescribeShowsSources() throws Exception {
        create(new NewTopic("configured", 1, (short) 1).configs(Map.of("segment.bytes", "1048576")), false);
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        admin.incrementalAlterConfigs(Map.of(res, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
        var config = admin.describeConfigs(List.of(res), new DescribeConfigsOptions().includeDocumentation(true))
            .all().get().get(res);
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes").value()).isEqualTo("1048576");
        assertThat(config.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").documentation()).isNotBlank();
        var log = broker.broker().context().logManager().getLog(
            new org.apache.kafka.common.TopicPartition("configured", 0)).orElseThrow();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (log.config().retentionMs() != 60000L && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(log.config().retentionMs()).isEqualTo(60000L);
        admin.incrementalAlterConfigs(Map.of(res, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        assertThat(admin.describeConfigs(List.of(res)).all().get().get(res).get("retention.ms").source())
            .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void describeBrokerConfigsAndCluster() throws Exception {
        ConfigResource res = new ConfigResource(ConfigResource.Type.BROKER, "0");
        var config = admin.describeConfigs(List.of(res)).all().get().get(res);
        assertThat(config.get("num.partitions").value()).isEqualTo("1");
        assertThat(config.get("listeners").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.broker().clusterId());
    }
}
