package io.weir.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaConfig;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;

/** Fetcher placement, replacement and shutdown; the fetch logic itself is tested with real logs elsewhere. */
@Timeout(30)
class ReplicaFetcherManagerTest {

    private final MockTime time = new MockTime();
    private final List<StubEndpoint> endpoints = new ArrayList<>();

    private ReplicaConfig config(int fetchers) {
        ReplicaConfig d = ReplicaConfig.defaults();
        return new ReplicaConfig(d.replicaLagTimeMaxMs(), d.replicaFetchMaxBytes(), d.replicaFetchResponseMaxBytes(),
            d.replicaFetchWaitMaxMs(), d.replicaFetchMinBytes(), d.replicaFetchBackoffMs(), fetchers,
            d.replicaSocketTimeoutMs(), d.replicaSocketReceiveBufferBytes(), d.interBrokerListenerName());
    }

    private ReplicaFetcherManager manager(int fetchers, boolean threads, Time clock) {
        return new ReplicaFetcherManager(9, config(fetchers), (leader, clientId) -> {
            StubEndpoint e = new StubEndpoint(leader);
            synchronized (endpoints) {
                endpoints.add(e);
            }
            return e;
        }, tp -> Optional.empty(), clock, threads);
    }

    private static InitialFetchState init(BrokerEndpoint leader, int epoch) {
        return new InitialFetchState(Uuid.randomUuid(), leader, epoch, 0L);
    }

    @Test
    void partitionsOfOneLeaderSpreadOverItsFetchersByKafkasFetcherId() {
        BrokerEndpoint leader = new BrokerEndpoint(1, "h1", 9092);
        try (ReplicaFetcherManager m = manager(3, false, time)) {
            Map<TopicPartition, InitialFetchState> partitions = new LinkedHashMap<>();
            for (int p = 0; p < 12; p++) {
                partitions.put(new TopicPartition("t", p), init(leader, 0));
            }
            m.addFetcherForPartitions(partitions);
            assertThat(m.fetchers()).hasSize(3);
            for (ReplicaFetcher f : m.fetchers()) {
                assertThat(f.partitionCount()).isEqualTo(4);
                assertThat(f.name()).startsWith("ReplicaFetcherThread-").endsWith("-1");
            }
            assertThat(ReplicaFetcherManager.fetcherId(new TopicPartition("t", 1), 3))
                .isEqualTo(Math.abs(31 * "t".hashCode() + 1) % 3);
        }
    }

    @Test
    void aPartitionMovesToItsNewLeadersFetcherAndIdleFetchersStop() {
        TopicPartition tp = new TopicPartition("t", 0);
        try (ReplicaFetcherManager m = manager(1, false, time)) {
            m.addFetcherForPartitions(Map.of(tp, init(new BrokerEndpoint(1, "h1", 9092), 0)));
            m.addFetcherForPartitions(Map.of(tp, init(new BrokerEndpoint(2, "h2", 9092), 1)));
            assertThat(m.isFetching(tp, 2, 1)).isTrue();
            assertThat(m.isFetching(tp, 1, 0)).isFalse();
            assertThat(m.fetchers()).hasSize(2);

            m.shutdownIdleFetcherThreads();
            assertThat(m.fetchers()).extracting(f -> f.leader().id()).containsExactly(2);
            assertThat(endpoints.get(0).closed).as("the idle fetcher's connection").isTrue();
        }
    }

    @Test
    void aLeaderAtANewAddressGetsANewFetcher() {
        TopicPartition tp = new TopicPartition("t", 0);
        try (ReplicaFetcherManager m = manager(1, false, time)) {
            m.addFetcherForPartitions(Map.of(tp, init(new BrokerEndpoint(1, "old", 9092), 0)));
            m.addFetcherForPartitions(Map.of(tp, init(new BrokerEndpoint(1, "new", 9093), 1)));
            assertThat(m.fetchers()).extracting(ReplicaFetcher::leader).containsExactly(new BrokerEndpoint(1, "new", 9093));
            assertThat(endpoints.get(0).closed).isTrue();
            assertThat(m.fetchState(tp).orElseThrow().currentLeaderEpoch()).isEqualTo(1);
        }
    }

    @Test
    void theSameLeaderEpochKeepsThePositionAndANewOneTruncatesAgain() {
        TopicPartition tp = new TopicPartition("t", 0);
        BrokerEndpoint leader = new BrokerEndpoint(1, "h1", 9092);
        try (ReplicaFetcherManager m = manager(1, false, time)) {
            m.addFetcherForPartitions(Map.of(tp, new InitialFetchState(Uuid.ZERO_UUID, leader, 0, 5L)));
            m.addFetcherForPartitions(Map.of(tp, new InitialFetchState(Uuid.ZERO_UUID, leader, 0, 7L)));
            assertThat(m.fetchState(tp).orElseThrow().fetchOffset()).isEqualTo(5);
            m.addFetcherForPartitions(Map.of(tp, new InitialFetchState(Uuid.ZERO_UUID, leader, 1, 7L)));
            assertThat(m.fetchState(tp).orElseThrow())
                .isEqualTo(new PartitionFetchState(Uuid.ZERO_UUID, 7, 1, PartitionFetchState.State.TRUNCATING, 0));
            m.removeFetcherForPartitions(List.of(tp));
            assertThat(m.fetchState(tp)).isEmpty();
        }
    }

    @Test
    void shutdownFailsTheBlockedFetchAndStopsTheThread(@TempDir Path dir) throws Exception {
        TopicPartition tp = new TopicPartition("t", 0);
        Log log = Log.open(dir.resolve(tp.toString()), LogConfig.defaults(), 0L, 0L, true, Time.SYSTEM,
            new MockScheduler(time), 86_400_000L, new LogDirFailureChannel());
        try {
            Partition partition = new Partition(tp, Uuid.ZERO_UUID, 9, log);
            partition.applyLeaderAndIsr(new BrokerRequest.PartitionInfo(tp, Uuid.ZERO_UUID, 1, 0, List.of(1, 9), 0, 1,
                List.of(1, 9), List.of(), List.of(), List.of(), false));
            BrokerEndpoint leader = new BrokerEndpoint(1, "h1", 9092);
            StubEndpoint endpoint = new StubEndpoint(leader);
            ReplicaFetcher fetcher = new ReplicaFetcher("ReplicaFetcherThread-test", 9, leader, endpoint, config(1),
                t -> Optional.of(partition), Time.SYSTEM);
            fetcher.addPartitions(Map.of(tp, init(leader, 0)));
            ReplicaFetcherThread thread = new ReplicaFetcherThread(fetcher, 1_000L);
            thread.start();
            assertThat(endpoint.entered.await(10, TimeUnit.SECONDS)).as("the fetcher called the leader").isTrue();

            thread.shutdown();

            assertThat(endpoint.closed).isTrue();
            assertThat(threadsNamed("ReplicaFetcherThread-test")).isZero();
            assertThat(fetcher.fetchState(tp).orElseThrow().delayedUntilMs()).as("the failed call backed off")
                .isPositive();
        } finally {
            log.close();
        }
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count();
    }

    /** Blocks in a call until closed. */
    private static final class StubEndpoint implements LeaderEndpoint {
        final BrokerEndpoint leader;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch closedLatch = new CountDownLatch(1);
        volatile boolean closed;

        StubEndpoint(BrokerEndpoint leader) {
            this.leader = leader;
        }

        @Override
        public <T> T fetch(FetchRequest.Builder request, Function<FetchResponseData, T> onResponse)
                throws IOException {
            entered.countDown();
            try {
                closedLatch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("closed");
        }

        @Override
        public OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder request)
                throws IOException {
            throw new IOException("not reachable");
        }

        @Override
        public void close() {
            closed = true;
            closedLatch.countDown();
        }
    }
}
