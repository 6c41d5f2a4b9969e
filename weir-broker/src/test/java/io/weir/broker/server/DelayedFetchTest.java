package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-poll fetch over many partitions, parked in the fetch purgatory of one broker: what an
 * append to one of them completes, and what it does not.
 */
@Timeout(60)
class DelayedFetchTest {

    private static final short ACKS_ONE = 1;
    private static final int PARTITIONS = 8;
    private static final int CONSUMER = -1;

    @TempDir
    Path dir;

    @AutoClose
    private ReplicationTestKit kit;

    private final LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        kit = ReplicationTestKit.builder(dir).brokers(1).build();
        for (int i = 0; i < PARTITIONS; i++) {
            TopicPartition tp = new TopicPartition("quiet", i);
            positions.put(new TopicIdPartition(kit.createPartition(tp, List.of(1), 1), tp),
                new ReplicaManager.FetchPosition(0, 1 << 20, -1));
        }
    }

    @Test
    void anAppendToOnePartitionCompletesAFetchWaitingForAnyByte() {
        AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> answer = fetch(1);
        assertThat(answer).as("nothing to read yet: parked").hasNullValue();

        kit.produce(1, new TopicPartition("quiet", 5), ACKS_ONE, "a", "b").join();

        assertThat(answer.get()).as("answered on the append").isNotNull().hasSize(PARTITIONS);
        answer.get().forEach((tip, r) -> assertThat(r.sizeInBytes()).as("%s", tip)
            .isEqualTo(tip.partition() == 5 ? (int) kit.log(1, tip.topicPartition()).size() : 0));
    }

    @Test
    void newBytesAddUpAcrossPartitionsToMinBytes() {
        kit.produce(1, new TopicPartition("quiet", 0), ACKS_ONE, "probe").join();
        int batchBytes = (int) kit.log(1, new TopicPartition("quiet", 0)).size();
        positions.replaceAll((tip, pos) -> tip.partition() == 0
            ? new ReplicaManager.FetchPosition(1, 1 << 20, -1) : pos);
        AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> answer = fetch(2 * batchBytes);

        kit.produce(1, new TopicPartition("quiet", 2), ACKS_ONE, "probe").join();
        assertThat(answer).as("one batch is half of minBytes").hasNullValue();

        kit.produce(1, new TopicPartition("quiet", 6), ACKS_ONE, "probe").join();
        assertThat(answer.get()).as("two batches in two partitions make minBytes").isNotNull();
        assertThat(answer.get().values().stream().mapToInt(FetchPartitionResult::sizeInBytes).sum())
            .isEqualTo(2 * batchBytes);
    }

    private AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> fetch(int minBytes) {
        AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> answer = new AtomicReference<>();
        kit.rm(1).fetchMessages(new FetchParams(CONSUMER, 10_000, minBytes, 1 << 20, IsolationLevel.READ_UNCOMMITTED),
            positions, answer::set);
        return answer;
    }
}
