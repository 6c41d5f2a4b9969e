package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Group membership with the real Java consumer: a member that dies, static members, cooperative rebalancing. */
@Tag("integration")
@Timeout(180)
class GroupMembershipIT {

    private static final Map<String, String> FAST_GROUPS = Map.of("group.initial.rebalance.delay.ms", "0",
        "group.min.session.timeout.ms", "1000", "group.consumer.min.session.timeout.ms", "1000",
        "group.consumer.session.timeout.ms", "3000", "group.consumer.min.heartbeat.interval.ms", "500",
        "group.consumer.heartbeat.interval.ms", "500");

    private static void createTopic(WeirTestBroker broker, String topic, int partitions) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Polls the consumer until the condition holds (at most 60 s). */
    private static boolean pollUntil(KafkaConsumer<byte[], byte[]> consumer, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        return condition.getAsBoolean();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void partitionsOfAKilledMemberMoveToTheOthersAfterTheSessionTimeout(String protocol) throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(FAST_GROUPS)) {
            createTopic(broker, "dying", 4);
            Map<String, Object> cfg = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "dying-group",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol));
            if ("classic".equals(protocol)) {
                cfg.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000);
                cfg.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            }
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GroupMemberMain.class.getName(),
                broker.bootstrapServers(), "dying-group", "dying", protocol).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(cfg)) {
                consumer.subscribe(List.of("dying"));
                assertThat(pollUntil(consumer, () -> consumer.assignment().size() == 2))
                    .as("the two members share the four partitions").isTrue();
                other.destroyForcibly().waitFor();
                assertThat(pollUntil(consumer, () -> consumer.assignment().size() == 4))
                    .as("the survivor takes the dead member's partitions").isTrue();
            } finally {
                other.destroyForcibly();
            }
        }
    }

    @Test
    void restartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(FAST_GROUPS)) {
            createTopic(broker, "static", 4);
            AtomicInteger revocations = new AtomicInteger();
            ConsumerRebalanceListener counting = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        revocations.incrementAndGet();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            };
            try (KafkaConsumer<byte[], byte[]> a = staticMember(broker, "a")) {
                a.subscribe(List.of("static"), counting);
                KafkaConsumer<byte[], byte[]> b = staticMember(broker, "b");
                b.subscribe(List.of("static"));
                assertThat(pollBoth(a, b, () -> a.assignment().size() == 2 && b.assignment().size() == 2)).isTrue();
                Set<TopicPartition> bPartitions = Set.copyOf(b.assignment());
                int generation = a.groupMetadata().generationId();
                int revokedBefore = revocations.get();
                b.close();
                try (KafkaConsumer<byte[], byte[]> b2 = staticMember(broker, "b")) {
                    b2.subscribe(List.of("static"));
                    assertThat(pollBoth(a, b2, () -> b2.assignment().size() == 2)).isTrue();
                    assertThat(b2.assignment()).isEqualTo(bPartitions);
                    assertThat(b2.groupMetadata().generationId()).isEqualTo(generation);
                    assertThat(revocations.get()).isEqualTo(revokedBefore);
                }
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> staticMember(WeirTestBroker broker, String instance) {
        return broker.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "static-group",
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
    }

    private static boolean pollBoth(KafkaConsumer<byte[], byte[]> a, KafkaConsumer<byte[], byte[]> b,
                                    BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            a.poll(Duration.ofMillis(50));
            b.poll(Duration.ofMillis(50));
        }
        return condition.getAsBoolean();
    }

    @Test
    void cooperativeStickyAssignorMovesOnlyWhatItMust() throws Exception {
        try (WeirTestBroker broker = WeirTestBroker.start(FAST_GROUPS)) {
            createTopic(broker, "coop", 6);
            Map<String, Object> cfg = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "coop-group",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            try (KafkaConsumer<byte[], byte[]> a = broker.consumer(cfg)) {
                a.subscribe(List.of("coop"));
                assertThat(pollUntil(a, () -> a.assignment().size() == 6)).isTrue();
                try (KafkaConsumer<byte[], byte[]> b = broker.consumer(cfg)) {
                    b.subscribe(List.of("coop"));
                    assertThat(pollBoth(a, b, () -> a.assignment().size() == 3 && b.assignment().size() == 3))
                        .isTrue();
                    Set<TopicPartition> union = new HashSet<>(a.assignment());
                    union.addAll(b.assignment());
                    assertThat(union).hasSize(6);
                }
            }
        }
    }
}
