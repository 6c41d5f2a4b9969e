package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-392 between ReplicaManagers: the leader sends a consumer with a rack to its preferred read
 * replica, and the follower serves consumers up to the high watermark it learned from the leader.
 */
@Timeout(60)
class FollowerFetchTest {

    private static final TopicPartition TP = new TopicPartition("nearest", 0);
    private static final short ACKS_ONE = 1;

    @TempDir
    Path dir;

    @AutoClose
    private ReplicationTestKit kit;

    /** Brokers 1, 2, 3 on racks a, b, c; leader 1; the leaders pick replicas rack-aware. */
    private void start() {
        kit = ReplicationTestKit.builder(dir).brokers(1, 2, 3)
            .readReplicaSelector(new RackAwareReplicaSelector(), Map.of(1, "a", 2, "b", 3, "c")).build();
        kit.createPartition(TP, List.of(1, 2, 3), 1);
        kit.replicate();
    }

    private static Optional<ClientMetadata> rack(String rack) {
        return Optional.of(new ClientMetadata.DefaultClientMetadata(rack, "consumer", InetAddress.getLoopbackAddress(),
            KafkaPrincipal.ANONYMOUS, ReplicationTestKit.LISTENER));
    }

    /** A consumer's fetch of TP at {@code offset} from broker {@code id}; null while it waits. */
    private AtomicReference<FetchPartitionResult> consumerFetch(int id, long offset, long maxWaitMs,
                                                                 Optional<ClientMetadata> client) {
        LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();
        positions.put(new TopicIdPartition(kit.zk.topicId(TP), TP), new ReplicaManager.FetchPosition(offset, 1 << 20,
            -1));
        AtomicReference<FetchPartitionResult> result = new AtomicReference<>();
        kit.rm(id).fetchMessages(new FetchParams(-1, maxWaitMs, 1, 1 << 20, IsolationLevel.READ_UNCOMMITTED, client),
            positions, r -> result.set(r.values().iterator().next()));
        return result;
    }

    private FetchPartitionResult consumerFetchNow(int id, long offset, Optional<ClientMetadata> client) {
        return consumerFetch(id, offset, 0L, client).get();
    }

    private static List<String> values(FetchPartitionResult r) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : r.records().batches()) {
            for (Record record : batch) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        return values;
    }

    @Test
    void theLeaderSendsAConsumerToTheFollowerOnItsRackWithoutRecords() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a", "b", "c").join();
        kit.replicate();

        // Asked to wait, the answer still comes at once: the consumer has somewhere else to go.
        FetchPartitionResult r = consumerFetch(1, 0, 500L, rack("b")).get();

        assertThat(r).isNotNull();
        assertThat(r.error()).isEqualTo(Errors.NONE);
        assertThat(r.preferredReadReplica()).isEqualTo(2);
        assertThat(r.sizeInBytes()).isZero();
        assertThat(r.highWatermark()).isEqualTo(3);
        assertThat(consumerFetchNow(1, 0, rack("c")).preferredReadReplica()).isEqualTo(3);
    }

    @Test
    void theLeaderServesConsumersOnItsRackWithoutARackOrBelowFetchV11() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a", "b").join();
        kit.replicate();

        for (Optional<ClientMetadata> client : List.of(rack("a"), rack(""), rack("z"), Optional.<ClientMetadata>empty())) {
            FetchPartitionResult r = consumerFetchNow(1, 0, client);
            assertThat(r.hasPreferredReadReplica()).as("%s", client).isFalse();
            assertThat(values(r)).as("%s", client).containsExactly("a", "b");
        }
    }

    @Test
    void aFollowerOutsideTheIsrOrWithoutTheOffsetIsNotPreferred() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a", "b").join();
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "c").join();

        assertThat(consumerFetchNow(1, 2, rack("b")).preferredReadReplica()).as("broker 2's log ends at 2")
            .isEqualTo(2);
        assertThat(consumerFetchNow(1, 3, rack("b")).hasPreferredReadReplica())
            .as("the leader's log reaches past 3, broker 2's does not").isFalse();

        kit.elect(TP, 1, List.of(1, 3));
        assertThat(consumerFetchNow(1, 0, rack("b")).hasPreferredReadReplica()).as("2 left the ISR").isFalse();
    }

    /** Broker 2 holds a, b, c, d with HW 3: it fetched d while the leader's HW was still 3. */
    private void followerWithARecordPastItsHighWatermark() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a", "b", "c").join();
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "d").join();
        kit.rm(2).replicaFetcherManager().doWork();
    }

    @Test
    void aFollowerServesAConsumerUpToTheHighWatermarkItLearnedFromTheLeader() {
        followerWithARecordPastItsHighWatermark();
        Partition follower = kit.partition(2, TP);
        assertThat(follower.log().logEndOffset()).isEqualTo(4);
        assertThat(follower.highWatermark()).as("the leader's HW when it answered").isEqualTo(3);

        FetchPartitionResult r = consumerFetchNow(2, 0, rack("b"));

        assertThat(r.error()).isEqualTo(Errors.NONE);
        assertThat(r.hasPreferredReadReplica()).isFalse();
        assertThat(values(r)).containsExactly("a", "b", "c");
        assertThat(r.highWatermark()).isEqualTo(3);
    }

    @Test
    void aFollowerAnswersOffsetsOutsideItsLogAsKafkaDoes() {
        followerWithARecordPastItsHighWatermark();

        FetchPartitionResult aboveHw = consumerFetchNow(2, 4, rack("b"));
        assertThat(aboveHw.error()).as("past the HW, up to the log end: nothing yet").isEqualTo(Errors.NONE);
        assertThat(aboveHw.sizeInBytes()).isZero();
        assertThat(consumerFetchNow(2, 5, rack("b")).error()).as("past the log end")
            .isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        kit.log(2, TP).maybeIncrementLogStartOffset(2);
        assertThat(consumerFetchNow(2, 1, rack("b")).error()).as("before the log start")
            .isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void aConsumerAheadOfTheFollowersHighWatermarkWaitsForIt() {
        followerWithARecordPastItsHighWatermark();

        // Read d from the leader, the consumer asks the follower for offset 4, past its HW 3.
        AtomicReference<FetchPartitionResult> waiting = consumerFetch(2, 4, 30_000L, rack("b"));
        assertThat(waiting.get()).as("waits rather than answering empty at once").isNull();
        kit.produce(1, TP, ACKS_ONE, "e").join();
        kit.replicate();

        assertThat(kit.partition(2, TP).highWatermark()).isEqualTo(5);
        assertThat(waiting.get()).isNotNull();
        assertThat(values(waiting.get())).containsExactly("e");
    }

    @Test
    void aFollowerServesOnlyConsumersThatMayReadFromFollowers() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a").join();
        kit.replicate();

        assertThat(consumerFetchNow(2, 0, Optional.empty()).error()).as("a consumer below Fetch v11")
            .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(consumerFetchNow(2, 0, rack("")).error()).as("v11+ without a rack, as in Kafka")
            .isEqualTo(Errors.NONE);
    }

    @Test
    void aConsumerWaitingOnAFollowerIsAnsweredWhenTheFollowersHighWatermarkMoves() {
        start();
        kit.produce(1, TP, ACKS_ONE, "a").join();
        kit.replicate();
        assertThat(kit.partition(2, TP).highWatermark()).isEqualTo(1);

        AtomicReference<FetchPartitionResult> waiting = consumerFetch(2, 1, 30_000L, rack("b"));
        assertThat(waiting.get()).as("nothing past the HW yet").isNull();
        kit.produce(1, TP, ACKS_ONE, "b").join();
        kit.rm(2).replicaFetcherManager().doWork();
        assertThat(kit.log(2, TP).logEndOffset()).isEqualTo(2);
        assertThat(waiting.get()).as("appended, but the HW is still 1").isNull();

        kit.replicate();

        assertThat(kit.partition(2, TP).highWatermark()).isEqualTo(2);
        assertThat(waiting.get()).isNotNull();
        assertThat(values(waiting.get())).containsExactly("b");
    }
}
