package io.weir.tests;

import static io.weir.tests.ClusterRecords.WAIT;
import static io.weir.tests.ClusterRecords.expectedValues;
import static io.weir.tests.ClusterRecords.idempotentProducer;
import static io.weir.tests.ClusterRecords.readAll;
import static io.weir.tests.ClusterRecords.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unclean elections asked for through the admin API with the real Java admin client: two clean
 * topics go offline when their only in-sync replica dies; ElectLeaders UNCLEAN brings one back on
 * the out-of-sync replica, turning {@code unclean.leader.election.enable} on brings back the other.
 * Each keeps only what the new leader had.
 */
@Tag("integration")
@Timeout(180)
class UncleanElectionIT {

    @Test
    void electLeadersUncleanAndTheTopicConfigBringOfflinePartitionsBack() throws Exception {
        try (WeirCluster cluster = WeirCluster.builder().brokers(2).start()) {
            TopicPartition byAdmin = new TopicPartition("by-admin", 0);
            TopicPartition byConfig = new TopicPartition("by-config", 0);
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(byAdmin.topic(), Map.of(0, List.of(0, 1))),
                    new NewTopic(byConfig.topic(), Map.of(0, List.of(0, 1))))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(cluster)) {
                for (TopicPartition tp : List.of(byAdmin, byConfig)) {
                    send(producer, tp.topic(), 0, 0, 50);
                }
                WeirCluster.await("full ISRs", WAIT,
                    () -> cluster.isrOf(byAdmin).size() == 2 && cluster.isrOf(byConfig).size() == 2);
                cluster.kill(1);
                WeirCluster.await("ISRs of broker 0 alone", WAIT,
                    () -> cluster.isrOf(byAdmin).equals(List.of(0)) && cluster.isrOf(byConfig).equals(List.of(0)));
                for (TopicPartition tp : List.of(byAdmin, byConfig)) {
                    send(producer, tp.topic(), 0, 50, 50);
                }
            }
            cluster.kill(0);
            cluster.restart(1);
            WeirCluster.await("broker 1 to be controller", WAIT, () -> cluster.controllerId().equals(Optional.of(1)));
            assertThat(cluster.leaderOf(byAdmin)).as("clean topics stay offline").isEqualTo(-1);
            assertThat(cluster.leaderOf(byConfig)).isEqualTo(-1);

            try (Admin admin = cluster.admin()) {
                Map<TopicPartition, Optional<Throwable>> elected = admin.electLeaders(ElectionType.UNCLEAN,
                    Set.of(byAdmin)).partitions().get();
                assertThat(elected).isEqualTo(Map.of(byAdmin, Optional.empty()));
                WeirCluster.await("broker 1 to lead by-admin", WAIT, () -> cluster.leaderOf(byAdmin) == 1);
                assertThat(cluster.leaderOf(byConfig)).as("only the partition asked for").isEqualTo(-1);
                assertThat(admin.electLeaders(ElectionType.UNCLEAN, Set.of(byAdmin)).partitions().get().get(byAdmin))
                    .containsInstanceOf(ElectionNotNeededException.class);

                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, byConfig.topic()),
                    List.of(new AlterConfigOp(new ConfigEntry("unclean.leader.election.enable", "true"),
                        AlterConfigOp.OpType.SET)))).all().get();
                WeirCluster.await("broker 1 to lead by-config", WAIT, () -> cluster.leaderOf(byConfig) == 1);

                assertThat(admin.electLeaders(ElectionType.UNCLEAN, null).partitions().get())
                    .as("every partition (null): those that needed no election are left out").isEmpty();
                assertThat(admin.electLeaders(ElectionType.UNCLEAN, Set.of()).partitions().get())
                    .as("an empty set asks for nothing").isEmpty();
            }
            for (TopicPartition tp : List.of(byAdmin, byConfig)) {
                assertThat(readAll(cluster, tp, 50)).as("%s: only what broker 1 had", tp)
                    .containsExactlyElementsOf(expectedValues(50));
                assertThat(cluster.broker(1).context().replicaManager().partition(tp).orElseThrow().log()
                    .logEndOffset()).isEqualTo(50);
            }
        }
    }
}
