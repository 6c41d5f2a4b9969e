package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.requests.FetchMetadata;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.broker.server.FetchSessionCache.CachedPartition;
import io.weir.broker.server.FetchSessionCache.FetchContext;

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

    /**
     * A follower's incremental fetch with all its partitions at rest reads none of them and waits
     * under its session; an append to one wakes it, and it reads and answers that one alone.
     */
    @Test
    void aFollowersFetchWaitsUnderItsSessionAndReadsOnlyThePartitionWithNews() {
        try (ReplicationTestKit cluster = ReplicationTestKit.builder(dir.resolve("two")).brokers(1, 2).build()) {
            LinkedHashMap<TopicIdPartition, CachedPartition> all = new LinkedHashMap<>();
            for (int i = 0; i < PARTITIONS; i++) {
                TopicPartition tp = new TopicPartition("replicated", i);
                all.put(new TopicIdPartition(cluster.createPartition(tp, List.of(1, 2), 1), tp),
                    new CachedPartition(0, 1 << 20, -1));
            }
            FetchSessionCache sessions = cluster.broker(1).fetchSessions;
            FetchContext open = sessions.newContext(FetchMetadata.INITIAL, all, List.of(), true);
            assertThat(followerFetch(cluster, open, 0).get()).hasSize(PARTITIONS);
            FetchContext first = sessions.newContext(new FetchMetadata(open.sessionId(), 1), new LinkedHashMap<>(),
                List.of(), true);
            assertThat(followerFetch(cluster, first, 0).get()).as("told every partition is at its end")
                .hasSize(PARTITIONS);

            FetchContext waiting = sessions.newContext(new FetchMetadata(open.sessionId(), 2), new LinkedHashMap<>(),
                List.of(), true);
            assertThat(waiting.partitions()).as("nothing has news: nothing to read").isEmpty();
            AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> answer =
                followerFetch(cluster, waiting, 10_000);
            assertThat(answer).as("parked").hasNullValue();

            TopicPartition appended = new TopicPartition("replicated", 5);
            cluster.produce(1, appended, ACKS_ONE, "a", "b").join();
            assertThat(answer.get()).as("answered on the append, with that partition alone").isNotNull()
                .hasSize(1).allSatisfy((tip, r) -> {
                    assertThat(tip.topicPartition()).isEqualTo(appended);
                    assertThat(r.sizeInBytes()).isEqualTo((int) cluster.log(1, appended).size());
                });
        }
    }

    /** Replica 2's fetch from broker 1 in {@code context}, each result recorded in the session as FetchApi does. */
    private static AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> followerFetch(
            ReplicationTestKit cluster, FetchContext context, long maxWaitMs) {
        LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();
        context.partitions().forEach((tip, cp) -> positions.put(tip, cp.position()));
        AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> answer = new AtomicReference<>();
        cluster.rm(1).fetchMessages(new FetchParams(2, maxWaitMs, 1, 1 << 20, IsolationLevel.READ_UNCOMMITTED),
            positions, context.readsByNews(), results -> {
                results.forEach(context::include);
                answer.set(results);
            });
        return answer;
    }
}
