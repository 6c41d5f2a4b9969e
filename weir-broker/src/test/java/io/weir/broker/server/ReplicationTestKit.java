package io.weir.broker.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.replica.ReplicaSelector;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weir.broker.metrics.BrokerTopicStats;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.broker.purgatory.MockTimer;
import io.weir.broker.replica.LeaderEndpoint;
import io.weir.broker.replica.ReplicaFetcher;
import io.weir.broker.server.FetchSessionCache.FetchContext;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;
import io.weir.storage.LogManagerConfig;
import io.weir.storage.cleaner.CleanerConfig;
import io.weir.storage.cleaner.LogCleaner;

/**
 * Brokers with real logs in temp dirs sharing one {@link MockTime} (with its scheduler and
 * purgatory timer), a fake ZooKeeper for partition states, a test "controller" that writes them
 * and sends LeaderAndIsr, and in-memory leader endpoints: replication without sockets or threads.
 * Fetchers run only when a test calls {@link #replicate()} or a broker's fetcher manager.
 * Made by {@link #builder}; a test holds it in an {@code @AutoClose} field so that its brokers
 * stop after each test.
 */
final class ReplicationTestKit implements AutoCloseable {

    static final String LISTENER = "PLAINTEXT";

    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final MockTimer timer = new MockTimer(time);
    final FakeZk zk = new FakeZk();
    final ReplicaConfig config;
    private final Path dir;
    private final Map<Integer, TestBroker> brokers = new TreeMap<>();
    private final Map<String, LogConfig> topicConfigs = new HashMap<>();
    private final ReplicaSelector selector;
    private final Map<Integer, String> racks;
    private final IntFunction<IsrWriter> isrWriters;
    private final LeaderLinks links;
    private final Function<Path, LogManagerConfig> logManagerConfigs;
    int controllerEpoch = 1;

    /**
     * How a follower's fetcher reaches a leader: {@code leader} is the in-memory leader; a
     * simulation wraps it in a network that loses and delays.
     */
    @FunctionalInterface
    interface LeaderLinks {
        LeaderEndpoint connect(int followerId, int leaderId, LeaderEndpoint leader);
    }

    private ReplicationTestKit(Builder builder) {
        this.dir = builder.dir;
        this.config = builder.config;
        this.selector = builder.selector;
        this.racks = Map.copyOf(builder.racks);
        this.isrWriters = builder.isrWriters;
        this.links = builder.links;
        this.logManagerConfigs = builder.logManagerConfigs;
        for (int id : builder.brokerIds) {
            brokers.put(id, new TestBroker(id));
        }
    }

    /** A kit with its brokers' log dirs under {@code dir}; every setting has a default. */
    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * What a test changes about the kit: which brokers run, their replica config, how leaders pick
     * read replicas, where ISR writes go, how fetchers reach leaders, how log managers are
     * configured. Defaults: no brokers, {@link ReplicaConfig#defaults()}, no read replica selector,
     * ISR writes to the kit's {@link FakeZk}, fetchers straight to the in-memory leader, default
     * log manager config.
     */
    static final class Builder {
        private final Path dir;
        private int[] brokerIds = new int[0];
        private ReplicaConfig config = ReplicaConfig.defaults();
        private ReplicaSelector selector;
        private Map<Integer, String> racks = Map.of();
        private IntFunction<IsrWriter> isrWriters;
        private LeaderLinks links = (follower, leader, endpoint) -> endpoint;
        private Function<Path, LogManagerConfig> logManagerConfigs =
            logDir -> LogManagerConfig.defaults(List.of(logDir));

        private Builder(Path dir) {
            this.dir = dir;
        }

        Builder brokers(int... ids) {
            this.brokerIds = ids.clone();
            return this;
        }

        Builder config(ReplicaConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Leaders pick preferred read replicas with {@code selector} (KIP-392), broker {@code id}
         * on rack {@code racks.get(id)}.
         */
        Builder readReplicaSelector(ReplicaSelector selector, Map<Integer, String> racks) {
            this.selector = selector;
            this.racks = racks;
            return this;
        }

        /** Broker {@code id} writes ISR changes to {@code isrWriters.apply(id)}, not to the kit's {@link FakeZk}. */
        Builder isrWriters(IntFunction<IsrWriter> isrWriters) {
            this.isrWriters = isrWriters;
            return this;
        }

        /** Fetches go through {@code links} (a simulated network, say). */
        Builder leaderLinks(LeaderLinks links) {
            this.links = links;
            return this;
        }

        /** Each broker's log manager is configured by {@code logManagerConfigs} from its log dir. */
        Builder logManagerConfigs(Function<Path, LogManagerConfig> logManagerConfigs) {
            this.logManagerConfigs = logManagerConfigs;
            return this;
        }

        /** Starts the brokers; close the kit to stop them. */
        ReplicationTestKit build() {
            return new ReplicationTestKit(this);
        }
    }

    TestBroker broker(int id) {
        return brokers.get(id);
    }

    ReplicaManager rm(int id) {
        return brokers.get(id).replicaManager;
    }

    Partition partition(int brokerId, TopicPartition tp) {
        return rm(brokerId).partition(tp).orElseThrow();
    }

    Log log(int brokerId, TopicPartition tp) {
        return partition(brokerId, tp).log();
    }

    /** One broker: its log dir, log manager and replica manager. */
    final class TestBroker implements AutoCloseable {
        final int id;
        final LogManager logManager;
        final ReplicaManager replicaManager;
        /** Its followers' fetch sessions while it leads (new, so empty, when the broker restarts). */
        final FetchSessionCache fetchSessions;
        /** While true, every call to this broker as a leader fails like a refused connection. */
        volatile boolean unreachable;

        TestBroker(int id) {
            this.id = id;
            logManager = new LogManager(logManagerConfigs.apply(dir.resolve("broker-" + id)), scheduler, time);
            logManager.startup(topic -> topicConfig(topic));
            LogCleaner cleaner = new LogCleaner(CleanerConfig.defaults(), List::of, time);
            replicaManager = new ReplicaManager(id, logManager, cleaner,
                new DelayedOperationPurgatory<DelayedProduce>("Produce", timer),
                new DelayedOperationPurgatory<DelayedFetch>("Fetch", timer),
                new BrokerTopicStats(new SimpleMeterRegistry()), config,
                isrWriters == null ? zk : isrWriters.apply(id),
                selector == null ? ReadReplicaSelector.NONE : new ReadReplicaSelector(selector, this::node),
                scheduler, time,
                (leader, clientId) -> links.connect(id, leader.id(), new InMemoryLeaderEndpoint(leader.id())), false);
            replicaManager.startup();
            fetchSessions = new FetchSessionCache(1000, time, replicaManager::hosted,
                replicaManager.sessionPartitions());
        }

        /** How a client on {@link #LISTENER} reaches broker {@code brokerId}, with its rack. */
        private Optional<Node> node(int brokerId, String listener) {
            return brokers.containsKey(brokerId) && LISTENER.equals(listener)
                ? Optional.of(new Node(brokerId, "127.0.0.1", 9000 + brokerId, racks.get(brokerId)))
                : Optional.empty();
        }

        LiveBroker live() {
            return new LiveBroker(id, List.of(new EndpointInfo(LISTENER, "PLAINTEXT", "127.0.0.1", 9000 + id)),
                Optional.empty(), 1L);
        }

        @Override
        public void close() {
            replicaManager.close();
            logManager.shutdown();
        }

        /** The process dies: nothing flushed or checkpointed, no clean shutdown marker. */
        void crash() {
            replicaManager.close();
            logManager.abandon();
        }
    }

    /**
     * Stops a broker's process: a clean shutdown, or a crash (nothing flushed or checkpointed, so
     * the next start recovers the logs and takes the HW from the last periodic checkpoint).
     */
    void stop(int id, boolean crash) {
        TestBroker b = brokers.get(id);
        if (crash) {
            b.crash();
        } else {
            b.close();
        }
    }

    /** Starts a stopped broker again on its log dir; it hosts nothing until a LeaderAndIsr names it. */
    void start(int id) {
        brokers.put(id, new TestBroker(id));
    }

    LogConfig topicConfig(String topic) {
        synchronized (topicConfigs) {
            return topicConfigs.getOrDefault(topic, LogConfig.defaults());
        }
    }

    void setMinInsyncReplicas(String topic, int minIsr) {
        synchronized (topicConfigs) {
            topicConfigs.put(topic, LogConfig.fromProps(Map.of(), Map.of("min.insync.replicas", minIsr)));
        }
    }

    // ---- the test controller ----

    /** Creates the partition state (leader = first replica, epoch 0, ISR = replicas) and sends it. */
    Uuid createPartition(TopicPartition tp, List<Integer> replicas, int minIsr) {
        setMinInsyncReplicas(tp.topic(), minIsr);
        Uuid topicId = Uuid.randomUuid();
        zk.create(tp, topicId, replicas, new LeaderAndIsr(replicas.get(0), 0, replicas, controllerEpoch, 0));
        sendLeaderAndIsr(tp);
        return topicId;
    }

    /** Elects {@code leader} with a new leader epoch and ISR, writes it and tells the replicas. */
    void elect(TopicPartition tp, int leader, List<Integer> isr) {
        LeaderAndIsr current = zk.state(tp);
        zk.controllerWrite(tp, new LeaderAndIsr(leader, current.leaderEpoch() + 1, isr, controllerEpoch, 0));
        sendLeaderAndIsr(tp);
    }

    /** Sends the partition's ZooKeeper state to every live replica; returns the outcomes by broker. */
    Map<Integer, ReplicaManager.LeaderAndIsrOutcome> sendLeaderAndIsr(TopicPartition tp) {
        Map<Integer, ReplicaManager.LeaderAndIsrOutcome> outcomes = new LinkedHashMap<>();
        for (int id : zk.replicas(tp)) {
            if (brokers.containsKey(id)) {
                outcomes.put(id, sendLeaderAndIsr(id, partitionInfo(tp)));
            }
        }
        return outcomes;
    }

    ReplicaManager.LeaderAndIsrOutcome sendLeaderAndIsr(int brokerId, BrokerRequest.PartitionInfo info) {
        return sendLeaderAndIsr(brokerId, controllerEpoch, info);
    }

    ReplicaManager.LeaderAndIsrOutcome sendLeaderAndIsr(int brokerId, int epoch, BrokerRequest.PartitionInfo info) {
        List<LiveBroker> leaders = new ArrayList<>();
        brokers.values().forEach(b -> leaders.add(b.live()));
        return rm(brokerId).becomeLeaderOrFollower(
            new BrokerRequest.LeaderAndIsrRequest(brokerId, epoch, List.of(info), leaders), this::topicConfig);
    }

    BrokerRequest.PartitionInfo partitionInfo(TopicPartition tp) {
        LeaderAndIsr s = zk.state(tp);
        return new BrokerRequest.PartitionInfo(tp, zk.topicId(tp), s.leader(), s.leaderEpoch(), s.isr(),
            zk.version(tp), s.controllerEpoch(), zk.replicas(tp), List.of(), List.of(), List.of(), false);
    }

    // ---- traffic ----

    /** Runs every broker's fetchers until a round does nothing (at most {@code maxRounds}). */
    int replicate(int maxRounds) {
        int rounds = 0;
        while (rounds < maxRounds) {
            int work = 0;
            for (TestBroker b : brokers.values()) {
                work += b.replicaManager.replicaFetcherManager().doWork();
            }
            rounds++;
            if (work == 0) {
                break;
            }
        }
        return rounds;
    }

    /** Runs the fetchers a few rounds: enough for data, then the HW, to reach every follower. */
    void replicate() {
        for (int i = 0; i < 4; i++) {
            for (TestBroker b : brokers.values()) {
                b.replicaManager.replicaFetcherManager().doWork();
            }
        }
    }

    static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** Produces to {@code brokerId}; the future completes when the produce is answered. */
    CompletableFuture<ProducePartitionResult> produce(int brokerId, TopicPartition tp, short acks, String... values) {
        CompletableFuture<ProducePartitionResult> result = new CompletableFuture<>();
        rm(brokerId).appendRecords(30_000L, acks, Map.of(tp, records(values)), r -> result.complete(r.get(tp)));
        return result;
    }

    /** The values of the records in a log, in offset order. */
    static List<String> values(Log log) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset(), true)
                .records().batches()) {
            for (Record r : batch) {
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
        }
        return values;
    }

    /** The leader epoch of each record in a log, in offset order. */
    static List<Integer> epochs(Log log) {
        List<Integer> epochs = new ArrayList<>();
        for (RecordBatch batch : log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset(), true)
                .records().batches()) {
            for (long o = batch.baseOffset(); o <= batch.lastOffset(); o++) {
                epochs.add(batch.partitionLeaderEpoch());
            }
        }
        return epochs;
    }

    @Override
    public void close() {
        for (TestBroker b : brokers.values()) {
            b.close();
        }
        timer.close();
    }

    // ---- fakes ----

    /** Partition state znodes: a version per write, conditional updates as ZooKeeper does them. */
    static final class FakeZk implements IsrWriter {

        private record Znode(LeaderAndIsr state, int version, List<Integer> replicas, Uuid topicId) {
        }

        private final Map<TopicPartition, Znode> znodes = new HashMap<>();
        private final List<LeaderAndIsr> isrWrites = new ArrayList<>();
        volatile boolean failWrites;

        synchronized void create(TopicPartition tp, Uuid topicId, List<Integer> replicas, LeaderAndIsr state) {
            znodes.put(tp, new Znode(state, 0, List.copyOf(replicas), topicId));
        }

        /** A write by the controller: bumps the version (a leader's cached version is then stale). */
        synchronized void controllerWrite(TopicPartition tp, LeaderAndIsr state) {
            Znode z = znodes.get(tp);
            znodes.put(tp, new Znode(state, z.version() + 1, z.replicas(), z.topicId()));
        }

        synchronized LeaderAndIsr state(TopicPartition tp) {
            return znodes.get(tp).state();
        }

        synchronized int version(TopicPartition tp) {
            return znodes.get(tp).version();
        }

        synchronized List<Integer> replicas(TopicPartition tp) {
            return znodes.get(tp).replicas();
        }

        synchronized Uuid topicId(TopicPartition tp) {
            return znodes.get(tp).topicId();
        }

        synchronized List<LeaderAndIsr> isrWrites() {
            return List.copyOf(isrWrites);
        }

        @Override
        public synchronized OptionalInt writeIsr(TopicPartition tp, LeaderAndIsr newState, int expectedZkVersion) {
            if (failWrites) {
                throw new IllegalStateException("ZooKeeper is down");
            }
            Znode z = znodes.get(tp);
            if (z.version() != expectedZkVersion) {
                return OptionalInt.empty();
            }
            isrWrites.add(newState);
            znodes.put(tp, new Znode(newState, z.version() + 1, z.replicas(), z.topicId()));
            return OptionalInt.of(z.version() + 1);
        }
    }

    /**
     * A leader reached in memory: a Fetch goes to its ReplicaManager with no wait (the answer
     * comes at once), records copied out of the segment files as the wire would. Fetch sessions
     * (KIP-227) are kept in the leader's {@link TestBroker#fetchSessions} as {@code FetchApi}
     * keeps them, so a restarted leader has lost its followers' sessions.
     */
    final class InMemoryLeaderEndpoint implements LeaderEndpoint {

        private final int leaderId;

        InMemoryLeaderEndpoint(int leaderId) {
            this.leaderId = leaderId;
        }

        private TestBroker leader() throws IOException {
            TestBroker b = brokers.get(leaderId);
            if (b == null || b.unreachable) {
                throw new IOException("Connection refused: broker " + leaderId);
            }
            return b;
        }

        @Override
        public <T> T fetch(FetchRequest.Builder builder, Function<FetchResponseData, T> onResponse)
                throws IOException {
            return onResponse.apply(answer(builder));
        }

        private FetchResponseData answer(FetchRequest.Builder builder) throws IOException {
            TestBroker leader = leader();
            FetchRequest request = builder.build(ReplicaFetcher.FETCH_VERSION);
            FetchContext context = leader.fetchSessions.newContext(request.metadata(),
                FetchSessionCache.cached(request.fetchData(Map.of())), request.forgottenTopics(Map.of()),
                request.replicaId() >= 0);
            if (context.error() != Errors.NONE) {
                return new FetchResponseData().setErrorCode(context.error().code());
            }
            LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();
            context.partitions().forEach((tip, cp) -> positions.put(tip, cp.position()));
            FetchParams params = new FetchParams(request.replicaId(), 0L, request.minBytes(), request.maxBytes(),
                request.isolationLevel());
            AtomicReference<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> results = new AtomicReference<>();
            leader.replicaManager.fetchMessages(params, positions, context.readsByNews(), results::set);
            LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> data = new LinkedHashMap<>();
            results.get().forEach((tip, r) -> {
                if (context.include(tip, r)) {
                    data.put(tip, new FetchResponseData.PartitionData().setPartitionIndex(tip.partition())
                        .setErrorCode(r.error().code()).setHighWatermark(r.highWatermark())
                        .setLastStableOffset(r.lastStableOffset()).setLogStartOffset(r.logStartOffset())
                        .setRecords(copy(r)));
                }
            });
            return FetchResponse.of(Errors.NONE, 0, context.sessionId(), data, List.of()).data();
        }

        private MemoryRecords copy(FetchPartitionResult r) {
            if (r.sizeInBytes() == 0) {
                return MemoryRecords.EMPTY;
            }
            ByteBuffer buffer = ByteBuffer.allocate(r.sizeInBytes());
            if (r.records() instanceof FileRecords file) {
                try {
                    file.readInto(buffer, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                buffer.put(((MemoryRecords) r.records()).buffer().duplicate()).flip();
            }
            return MemoryRecords.readableRecords(buffer);
        }

        @Override
        public OffsetForLeaderEpochResponseData offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder builder)
                throws IOException {
            ReplicaManager leader = leader().replicaManager;
            OffsetsForLeaderEpochRequest request = builder.build((short) 4);
            OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : request.data().topics()) {
                OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult tr =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(t.topic());
                for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                    ReplicaManager.EpochEndOffsetResult r = leader.lastOffsetForLeaderEpoch(
                        new TopicPartition(t.topic(), p.partition()), p.currentLeaderEpoch(), p.leaderEpoch());
                    tr.partitions().add(new OffsetForLeaderEpochResponseData.EpochEndOffset()
                        .setPartition(p.partition()).setErrorCode(r.error().code())
                        .setLeaderEpoch(r.leaderEpoch()).setEndOffset(r.endOffset()));
                }
                response.topics().add(tr);
            }
            return response;
        }

        @Override
        public void close() {
        }
    }
}
