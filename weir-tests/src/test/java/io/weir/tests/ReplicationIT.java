package io.weir.tests;

import static io.weir.tests.ClusterRecords.WAIT;
import static io.weir.tests.ClusterRecords.expectedValues;
import static io.weir.tests.ClusterRecords.idempotentProducer;
import static io.weir.tests.ClusterRecords.readAll;
import static io.weir.tests.ClusterRecords.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replication through the real Java clients on an in-process three-broker cluster: every
 * acknowledged record survives the loss of a leader or of the controller; the ISR shrinks and
 * grows back; min.insync.replicas refuses writes it cannot protect; preferred leaders return;
 * reassignment and deletion reach every broker.
 */
@Tag("integration")
@Timeout(180)
class ReplicationIT {

    private static void createTopic(WeirCluster cluster, String topic, int partitions, int rf, int minIsr)
            throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) rf)
                .configs(Map.of("min.insync.replicas", String.valueOf(minIsr))))).all().get();
        }
    }

    @Test
    void acknowledgedRecordsSurviveTheLossOfTheLeader() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("failover", 0);
            createTopic(cluster, tp.topic(), 1, 3, 2);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 500);
                WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 3);
                int oldLeader = cluster.leaderOf(tp);
                cluster.kill(oldLeader);
                WeirCluster.await("a new leader", WAIT,
                    () -> cluster.leaderOf(tp) >= 0 && cluster.leaderOf(tp) != oldLeader);
                List<RecordMetadata> acked = send(producer, tp.topic(), 0, 500, 500);
                assertThat(acked.get(acked.size() - 1).offset()).isEqualTo(999);
            }
            assertThat(readAll(cluster, tp, 1000)).containsExactlyElementsOf(expectedValues(1000));
        }
    }

    @Test
    void anotherBrokerTakesOverWhenTheControllerDies() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            WeirCluster.await("a controller", WAIT, () -> cluster.controllerId().isPresent());
            int first = cluster.controllerId().orElseThrow();
            cluster.kill(first);
            WeirCluster.await("a new controller", WAIT,
                () -> cluster.controllerId().isPresent() && cluster.controllerId().get() != first);
            TopicPartition tp = new TopicPartition("after-failover", 0);
            createTopic(cluster, tp.topic(), 1, 2, 1);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 10);
            }
            assertThat(readAll(cluster, tp, 10)).containsExactlyElementsOf(expectedValues(10));
            try (Admin admin = cluster.admin()) {
                assertThat(admin.describeCluster().controller().get().id()).isEqualTo(cluster.controllerId().get());
            }
        }
    }

    /** The first measurement (a counter's or timer's count, a gauge's value) of a broker's meter. */
    private static double metric(WeirCluster cluster, int broker, String name) {
        return cluster.broker(broker).metrics().registry().get(name).meter().measure().iterator().next().getValue();
    }

    @Test
    void isrShrinksWhenAFollowerDiesAndGrowsWhenItReturns() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("isr", 0);
            createTopic(cluster, tp.topic(), 1, 3, 2);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 100);
                WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 3);
                int leader = cluster.leaderOf(tp);
                int follower = cluster.runningBrokers().stream().filter(id -> id != leader).findFirst().orElseThrow();
                assertThat(metric(cluster, leader, "weir.isr.shrinks")).isZero();
                cluster.kill(follower);
                WeirCluster.await("the ISR without " + follower, WAIT,
                    () -> cluster.isrOf(tp).size() == 2 && !cluster.isrOf(tp).contains(follower));
                // The controller removed the dead broker's replica: not a shrink by the leader (as in Kafka).
                WeirCluster.await("the leader's metrics to count the partition under-replicated", WAIT,
                    () -> metric(cluster, leader, "weir.under.replicated.partitions") == 1);
                assertThat(metric(cluster, leader, "weir.isr.shrinks")).isZero();
                send(producer, tp.topic(), 0, 100, 100);
                cluster.restart(follower);
                WeirCluster.await("broker " + follower + " back in the ISR", WAIT,
                    () -> cluster.isrOf(tp).contains(follower));
                WeirCluster.await("the leader's metrics to see the expand", WAIT,
                    () -> metric(cluster, leader, "weir.isr.expands") == 1
                        && metric(cluster, leader, "weir.under.replicated.partitions") == 0);
                int controller = cluster.controllerId().orElseThrow();
                assertThat(cluster.runningBrokers()).allSatisfy(id -> assertThat(
                    metric(cluster, id, "weir.active.controller")).isEqualTo(id == controller ? 1.0 : 0.0));
                assertThat(metric(cluster, controller, "weir_controller_event_queue_time")).as("events timed")
                    .isPositive();
                assertThat(metric(cluster, leader, "weir.leader.partitions")).isGreaterThanOrEqualTo(1.0);
                long followerEnd = cluster.broker(follower).context().replicaManager().partition(tp)
                    .orElseThrow().log().logEndOffset();
                assertThat(followerEnd).isEqualTo(200);
            }
        }
    }

    @Test
    void writesAreRefusedWhenTheIsrIsSmallerThanMinInsyncReplicas() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("min-isr", 0);
            createTopic(cluster, tp.topic(), 1, 3, 2);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 10);
            }
            WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 3);
            int leader = cluster.leaderOf(tp);
            for (int id : cluster.runningBrokers()) {
                if (id != leader) {
                    cluster.kill(id);
                }
            }
            WeirCluster.await("an ISR of one", WAIT, () -> cluster.isrOf(tp).size() == 1);
            WeirCluster.await("the leader's metrics to count it under min ISR", WAIT,
                () -> metric(cluster, leader, "weir.under.min.isr.partitions") == 1);
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
                Future<RecordMetadata> f = producer.send(new ProducerRecord<>(tp.topic(), 0, null, "x".getBytes()));
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);
            }
            assertThat(readAll(cluster, tp, 10)).containsExactlyElementsOf(expectedValues(10));
        }
    }

    @Test
    void preferredLeaderIsElectedAgainAfterItReturns() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("preferred", 0);
            createTopic(cluster, tp.topic(), 1, 3, 1);
            int preferred;
            try (Admin admin = cluster.admin()) {
                TopicDescription d = admin.describeTopics(List.of(tp.topic())).allTopicNames().get().get(tp.topic());
                preferred = d.partitions().get(0).replicas().get(0).id();
            }
            WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 3);
            cluster.kill(preferred);
            WeirCluster.await("another leader", WAIT,
                () -> cluster.leaderOf(tp) >= 0 && cluster.leaderOf(tp) != preferred);
            cluster.restart(preferred);
            WeirCluster.await("the preferred replica in the ISR", WAIT, () -> cluster.isrOf(tp).contains(preferred));
            try (Admin admin = cluster.admin()) {
                admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all().get();
            }
            WeirCluster.await("the preferred leader back", WAIT, () -> cluster.leaderOf(tp) == preferred);
        }
    }

    @Test
    void reassignmentMovesAPartitionToOtherBrokers() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("moving", 0);
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(0, 1))))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 100);
            }
            try (Admin admin = cluster.admin()) {
                admin.alterPartitionReassignments(Map.of(tp,
                    Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all().get();
                WeirCluster.await("the reassignment to finish", WAIT, () -> {
                    Map<TopicPartition, PartitionReassignment> ongoing;
                    try {
                        ongoing = admin.listPartitionReassignments().reassignments().get();
                        TopicDescription d = admin.describeTopics(List.of(tp.topic())).allTopicNames().get()
                            .get(tp.topic());
                        return ongoing.isEmpty() && d.partitions().get(0).replicas().stream()
                            .map(n -> n.id()).toList().equals(List.of(1, 2));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            WeirCluster.await("broker 0 to drop its replica", WAIT,
                () -> cluster.broker(0).context().replicaManager().partition(tp).isEmpty());
            assertThat(readAll(cluster, tp, 100)).containsExactlyElementsOf(expectedValues(100));
            assertThat(cluster.broker(2).context().replicaManager().partition(tp).orElseThrow().log().logEndOffset())
                .isEqualTo(100);
        }
    }

    @Test
    void deletedTopicLeavesEveryBroker() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            createTopic(cluster, "doomed", 3, 3, 1);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, "doomed", 0, 0, 10);
            }
            try (Admin admin = cluster.admin()) {
                admin.deleteTopics(List.of("doomed")).all().get();
                assertThat(admin.listTopics().names().get()).doesNotContain("doomed");
            }
            for (int id : cluster.runningBrokers()) {
                Path logDir = cluster.broker(id).config().logDirs().get(0);
                WeirCluster.await("broker " + id + " to delete the logs", WAIT, () -> {
                    try (var files = Files.list(logDir)) {
                        return files.noneMatch(p -> p.getFileName().toString().startsWith("doomed-")
                            && !p.getFileName().toString().endsWith("-delete"));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }

    @Test
    void consumerGroupKeepsItsOffsetsWhenTheCoordinatorDies() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("grouped", 0);
            createTopic(cluster, tp.topic(), 1, 3, 2);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 100);
            }
            Map<String, Object> group = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "failover-group");
            try (KafkaConsumer<byte[], byte[]> consumer = cluster.consumer(group)) {
                consumer.subscribe(List.of(tp.topic()));
                int read = 0;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (read < 60 && System.nanoTime() < deadline) {
                    read += consumer.poll(Duration.ofMillis(200)).count();
                }
                assertThat(read).isGreaterThanOrEqualTo(60);
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(60)));
            }
            int coordinator;
            try (Admin admin = cluster.admin()) {
                coordinator = admin.describeConsumerGroups(List.of("failover-group")).all().get()
                    .get("failover-group").coordinator().id();
            }
            WeirCluster.await("a full ISR of the offsets partition", WAIT, () -> cluster.runningBrokers().stream()
                .allMatch(id -> cluster.broker(id).context().metadataCache().topic("__consumer_offsets")
                    .map(t -> t.partitions().values().stream().allMatch(p -> p.isr().size() == 3)).orElse(false)));
            cluster.kill(coordinator);
            try (KafkaConsumer<byte[], byte[]> consumer = cluster.consumer(group)) {
                consumer.subscribe(List.of(tp.topic()));
                List<Long> offsets = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (offsets.size() < 40 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
                }
                assertThat(offsets).as("the new coordinator serves the committed offset 60")
                    .startsWith(60L).hasSize(40);
            }
        }
    }

    @Test
    void uncleanElectionLetsAnOutOfSyncReplicaLeadAndLosesOnlyWhatItMissed() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(2).start()) {
            TopicPartition clean = new TopicPartition("clean", 0);
            TopicPartition unclean = new TopicPartition("unclean", 0);
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(
                    new NewTopic(clean.topic(), Map.of(0, List.of(0, 1))),
                    new NewTopic(unclean.topic(), Map.of(0, List.of(0, 1)))
                        .configs(Map.of("unclean.leader.election.enable", "true")))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, clean.topic(), 0, 0, 50);
                send(producer, unclean.topic(), 0, 0, 50);
                WeirCluster.await("full ISRs", WAIT,
                    () -> cluster.isrOf(clean).size() == 2 && cluster.isrOf(unclean).size() == 2);
                cluster.kill(1);
                WeirCluster.await("ISRs of the leader alone", WAIT,
                    () -> cluster.isrOf(clean).equals(List.of(0)) && cluster.isrOf(unclean).equals(List.of(0)));
                send(producer, clean.topic(), 0, 50, 50);
                send(producer, unclean.topic(), 0, 50, 50);
            }
            cluster.kill(0);
            cluster.restart(1);
            WeirCluster.await("broker 1 to lead the unclean topic", WAIT, () -> cluster.leaderOf(unclean) == 1);
            assertThat(cluster.leaderOf(clean)).as("the clean topic stays offline without an ISR member")
                .isEqualTo(-1);
            assertThat(readAll(cluster, unclean, 50)).as("only what broker 1 had before it left the ISR")
                .containsExactlyElementsOf(expectedValues(50));
            assertThat(cluster.broker(1).context().replicaManager().partition(unclean).orElseThrow().log()
                .logEndOffset()).isEqualTo(50);
            cluster.restart(0);
            WeirCluster.await("broker 0 to truncate the records the new leader never had", WAIT,
                () -> cluster.broker(0).context().replicaManager().partition(unclean)
                    .map(p -> p.log().logEndOffset() == 50 && !p.isLeader()).orElse(false));
            WeirCluster.await("broker 0 to lead the clean topic again", WAIT, () -> cluster.leaderOf(clean) == 0);
            assertThat(readAll(cluster, clean, 100)).containsExactlyElementsOf(expectedValues(100));
        }
    }

    @Test
    void controlledShutdownMovesLeadershipBeforeTheBrokerStops() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(3).start()) {
            TopicPartition tp = new TopicPartition("rolling", 0);
            createTopic(cluster, tp.topic(), 1, 3, 2);
            WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 3);
            int leader = cluster.leaderOf(tp);
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                send(producer, tp.topic(), 0, 0, 100);
                cluster.stop(leader);
                WeirCluster.await("another leader", WAIT,
                    () -> cluster.leaderOf(tp) >= 0 && cluster.leaderOf(tp) != leader);
                send(producer, tp.topic(), 0, 100, 100);
                cluster.restart(leader);
            }
            assertThat(readAll(cluster, tp, 200)).containsExactlyElementsOf(expectedValues(200));
        }
    }

    /**
     * Without ZooKeeper no controller can move leadership, so a broker asked to stop does not wait
     * for one: it stops in about a session timeout, not after a ZooKeeper read's retries and
     * {@code controlled.shutdown.max.retries} backoffs of a minute each.
     */
    @Test
    @Timeout(30)
    void aBrokerWhoseZooKeeperIsGoneStopsWithoutWaitingForIt() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(2)
                .set("controlled.shutdown.retry.backoff.ms", "60000").start()) {
            TopicPartition tp = new TopicPartition("orphaned", 0);
            createTopic(cluster, tp.topic(), 1, 2, 1);
            WeirCluster.await("a full ISR", WAIT, () -> cluster.isrOf(tp).size() == 2);
            int leader = cluster.leaderOf(tp);
            cluster.stopZooKeeper();
            cluster.stop(leader);
            assertThat(cluster.runningBrokers()).containsExactly(1 - leader);
        }
    }
}
