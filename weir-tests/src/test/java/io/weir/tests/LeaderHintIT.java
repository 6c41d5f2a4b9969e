package io.weir.tests;

import static io.weir.tests.ClusterRecords.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KIP-951 on the wire: three brokers on racks rack-0..2 and a partition on brokers 0 (leader) and 1.
 * A Produce v10+ or Fetch v16+ sent to the follower, or to broker 2 that holds no replica, is
 * answered NOT_LEADER_OR_FOLLOWER with the leader, its epoch and its endpoint, so a client can
 * retry there before its metadata catches up.
 */
@Tag("integration")
@Timeout(180)
class LeaderHintIT {

    private static final TopicPartition TP = new TopicPartition("hinted", 0);

    @Test
    void producesAndFetchesToTheWrongBrokerNameTheLeaderAndItsEndpoint() throws Exception {
        WeirCluster.Builder builder = WeirCluster.builder().brokers(3);
        for (int id = 0; id < 3; id++) {
            builder.set(id, "broker.rack", "rack-" + id);
        }
        try (WeirCluster cluster = builder.start()) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(TP.topic(), Map.of(0, List.of(0, 1))))).all().get();
            }
            WeirCluster.await("broker 1 to follow broker 0 and broker 2 to know the partition", WAIT,
                () -> cluster.broker(1).context().replicaManager().partition(TP).map(p -> p.leaderId() == 0)
                    .orElse(false) && cluster.broker(2).context().metadataCache().partition(TP).isPresent());
            int epoch = cluster.broker(0).context().replicaManager().partition(TP).orElseThrow().leaderEpoch();
            String leaderAddress = cluster.broker(0).bootstrapServers();
            ProduceResponseData.NodeEndpoint leader = new ProduceResponseData.NodeEndpoint().setNodeId(0)
                .setHost(leaderAddress.substring(0, leaderAddress.lastIndexOf(':')))
                .setPort(Integer.parseInt(leaderAddress.substring(leaderAddress.lastIndexOf(':') + 1)))
                .setRack("rack-0");

            for (int wrongBroker : List.of(1, 2)) {
                ProduceResponse v11 = produce(cluster, wrongBroker, (short) 11);
                PartitionProduceResponse partition = partition(v11);
                assertThat(Errors.forCode(partition.errorCode())).as("broker %d", wrongBroker)
                    .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
                assertThat(partition.currentLeader().leaderId()).isZero();
                assertThat(partition.currentLeader().leaderEpoch()).isEqualTo(epoch);
                assertThat(v11.data().nodeEndpoints()).containsExactly(leader);
            }

            ProduceResponse v9 = produce(cluster, 1, (short) 9);
            assertThat(Errors.forCode(partition(v9).errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(partition(v9).currentLeader().leaderId()).as("v9 has no CurrentLeader").isEqualTo(-1);
            assertThat(v9.data().nodeEndpoints()).isEmpty();

            FetchResponse fetch = fetch(cluster, 2, (short) 16);
            FetchResponseData.PartitionData fetched = fetch.data().responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(fetched.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(fetched.currentLeader().leaderId()).isZero();
            assertThat(fetched.currentLeader().leaderEpoch()).isEqualTo(epoch);
            assertThat(fetch.data().nodeEndpoints()).containsExactly(new FetchResponseData.NodeEndpoint().setNodeId(0)
                .setHost(leader.host()).setPort(leader.port()).setRack("rack-0"));
        }
    }

    private static PartitionProduceResponse partition(ProduceResponse response) {
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    /** One acks=1 Produce of one record to {@code TP}, by topic name, sent to broker {@code id}. */
    private static ProduceResponse produce(WeirCluster cluster, int id, short version) throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TP.topic());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(TP.partition())
            .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))));
        data.topicData().add(topic);
        try (RawKafkaClient client = RawKafkaClient.connect(cluster.broker(id).bootstrapServers())) {
            return client.send(new ProduceRequest.Builder(version, version, data), version, ProduceResponse.class);
        }
    }

    /** One sessionless consumer Fetch of {@code TP} at offset 0, by topic id, sent to broker {@code id}. */
    private static FetchResponse fetch(WeirCluster cluster, int id, short version) throws Exception {
        Uuid topicId = cluster.broker(id).context().metadataCache().topicId(TP.topic());
        FetchRequest.Builder request = FetchRequest.Builder.forConsumer(version, 0, 1, Map.of(TP,
            new FetchRequest.PartitionData(topicId, 0L, -1L, 1 << 20, Optional.empty())));
        try (RawKafkaClient client = RawKafkaClient.connect(cluster.broker(id).bootstrapServers())) {
            return client.send(request, version, FetchResponse.class);
        }
    }
}
