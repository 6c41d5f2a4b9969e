package io.weir.broker.server;

import static io.weir.broker.server.ReplicationTestKit.records;
import static io.weir.broker.server.ReplicationTestKit.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.NodeEndpoint;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weir.broker.BrokerConfig;
import io.weir.broker.api.BrokerContext;
import io.weir.broker.api.FetchApi;
import io.weir.broker.api.KafkaApis;
import io.weir.broker.api.ListOffsetsApi;
import io.weir.broker.api.PartitionApis;
import io.weir.broker.api.ProduceApi;
import io.weir.broker.metrics.BrokerTopicStats;
import io.weir.broker.network.Endpoint;
import io.weir.broker.network.RequestChannel;
import io.weir.broker.network.RequestHandlerPool;
import io.weir.broker.network.SocketServer;
import io.weir.broker.network.SocketServerConfig;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.broker.purgatory.SystemTimer;
import io.weir.broker.replica.BlockingKafkaClient;
import io.weir.broker.replica.BrokerEndpoint;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.common.KafkaScheduler;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;
import io.weir.storage.LogManagerConfig;
import io.weir.storage.cleaner.CleanerConfig;
import io.weir.storage.cleaner.LogCleaner;

/**
 * A follower with its fetcher thread and socket client against a leader served by the real
 * network layer, Produce, Fetch, OffsetsForLeaderEpoch and ListOffsets handlers: divergent-tail
 * truncation, long-poll replication, acks=all and a new leader's unsafe HW, on the system clock; and
 * KIP-951 leader hints in a follower's Produce and Fetch answers.
 */
@Timeout(60)
class ReplicationOverTheWireTest {

    private static final TopicPartition TP = new TopicPartition("wire", 0);
    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private final class Node {
        final LogManager logManager;
        final ReplicaManager replicaManager;
        final MetadataCache metadataCache = new MetadataCache();
        final FetchSessionCache fetchSessions;

        Node(int id, ReplicaConfig config) {
            KafkaScheduler scheduler = new KafkaScheduler(1, "scheduler-" + id);
            scheduler.startup();
            toClose.add(scheduler);
            logManager = new LogManager(LogManagerConfig.defaults(List.of(dir.resolve("broker-" + id))), scheduler,
                Time.SYSTEM);
            logManager.startup(topic -> LogConfig.defaults());
            toClose.add(logManager::shutdown);
            SystemTimer timer = new SystemTimer("purgatory-" + id, Time.SYSTEM);
            toClose.add(timer);
            AtomicInteger version = new AtomicInteger();
            IsrWriter zk = (tp, state, expected) -> version.compareAndSet(expected, expected + 1)
                ? OptionalInt.of(expected + 1) : OptionalInt.empty();
            replicaManager = new ReplicaManager(id, logManager, new LogCleaner(CleanerConfig.defaults(), List::of,
                Time.SYSTEM), new DelayedOperationPurgatory<DelayedProduce>("Produce", timer),
                new DelayedOperationPurgatory<DelayedFetch>("Fetch", timer),
                new BrokerTopicStats(new SimpleMeterRegistry()), config, zk, ReadReplicaSelector.NONE, scheduler,
                Time.SYSTEM);
            replicaManager.startup();
            toClose.add(replicaManager);
            fetchSessions = new FetchSessionCache(10, Time.SYSTEM, replicaManager::hosted,
                replicaManager.sessionPartitions());
        }

        Log preload(int epoch, String... values) {
            Log log = logManager.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());
            log.appendAsLeader(records(values), epoch);
            return log;
        }
    }

    /** Serves Produce, Fetch, OffsetsForLeaderEpoch and ListOffsets of {@code node} on an ephemeral loopback port. */
    private int serve(Node node) throws Exception {
        return serve(node, request -> {
        });
    }

    /** {@link #serve(Node)}, showing every Fetch request to {@code onFetch} before it is handled. */
    private int serve(Node node, Consumer<FetchRequest> onFetch) throws Exception {
        BrokerContext ctx = context(BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS,
            "PLAINTEXT://127.0.0.1:0", BrokerConfig.LOG_DIRS, dir.resolve("unused").toString())), node);
        PartitionApis partitionApis = new PartitionApis(ctx);
        FetchApi fetchApi = new FetchApi(ctx);
        KafkaApis apis = new KafkaApis()
            .register(ApiKeys.PRODUCE, 3, 13, new ProduceApi(ctx))
            .register(ApiKeys.FETCH, 4, 17, request -> {
                onFetch.accept(request.body(FetchRequest.class));
                fetchApi.handle(request);
            })
            .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, partitionApis::offsetsForLeaderEpoch)
            .register(ApiKeys.LIST_OFFSETS, 1, 10, new ListOffsetsApi(ctx));
        RequestChannel channel = new RequestChannel(SocketServerConfig.DEFAULT_QUEUED_MAX_REQUESTS);
        RequestHandlerPool handlers = new RequestHandlerPool(2, channel, apis, Time.SYSTEM);
        toClose.add(handlers);
        SocketServer server = new SocketServer(SocketServerConfig.defaults(List.of(
            new Endpoint("PLAINTEXT", "127.0.0.1", 0))), channel, apis, Time.SYSTEM);
        server.startup();
        toClose.add(server::shutdown);
        return server.boundPort("PLAINTEXT");
    }

    /**
     * The handlers read only some of the broker's components; the rest stay null. Built by
     * component type so that components others add to the context do not break this test.
     */
    private static BrokerContext context(BrokerConfig config, Node node) throws Exception {
        Map<Class<?>, Object> byType = Map.of(BrokerConfig.class, config, String.class, "cluster", Time.class,
            Time.SYSTEM, MetadataCache.class, node.metadataCache, ReplicaManager.class, node.replicaManager,
            LogManager.class, node.logManager, FetchSessionCache.class, node.fetchSessions);
        RecordComponent[] components = BrokerContext.class.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = byType.get(types[i]);
        }
        Constructor<BrokerContext> constructor = BrokerContext.class.getDeclaredConstructor(types);
        return constructor.newInstance(args);
    }

    private static BrokerRequest.LeaderAndIsrRequest leaderAndIsr(int to, int port) {
        return leaderAndIsr(to, port, List.of(TP));
    }

    /** Broker 1 leads {@code tps} at epoch 1, broker 2 follows, both in the ISR. */
    private static BrokerRequest.LeaderAndIsrRequest leaderAndIsr(int to, int port, List<TopicPartition> tps) {
        List<BrokerRequest.PartitionInfo> infos = tps.stream().map(tp -> new BrokerRequest.PartitionInfo(tp, TOPIC_ID,
            1, 1, List.of(1, 2), 0, 1, List.of(1, 2), List.of(), List.of(), List.of(), false)).toList();
        LiveBroker leader = new LiveBroker(1, List.of(new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", port)),
            Optional.empty(), 1L);
        return new BrokerRequest.LeaderAndIsrRequest(to, 1, infos, List.of(leader));
    }

    /** What a follower's Fetch carried: its session and epoch, the partitions it named and those it forgot. */
    private record SeenFetch(int sessionId, int epoch, Set<TopicPartition> partitions, Set<TopicPartition> forgotten) {

        static SeenFetch of(FetchRequest request) {
            Set<TopicPartition> named = new HashSet<>();
            request.data().topics().forEach(t -> t.partitions().forEach(p ->
                named.add(new TopicPartition(t.topic(), p.partition()))));
            Set<TopicPartition> forgotten = new HashSet<>();
            request.data().forgottenTopicsData().forEach(t -> t.partitions().forEach(p ->
                forgotten.add(new TopicPartition(t.topic(), p))));
            return new SeenFetch(request.metadata().sessionId(), request.metadata().epoch(), named, forgotten);
        }

        boolean opensSession() {
            return epoch == 0;
        }
    }

    /**
     * A follower fetches in an incremental fetch session (KIP-227), as Kafka's do: one full request
     * opens it, later requests name only the partition whose position moved, never the partition
     * without traffic, which stays in the leader's session. When the leader loses the session (a
     * restart, an eviction) the follower opens a new one at once rather than backing off.
     */
    @Test
    void aFollowerFetchesInAnIncrementalSessionAndReopensALostOne() throws Exception {
        ReplicaConfig d = ReplicaConfig.defaults();
        // A backoff far beyond the produce timeout below: a follower that backed off would fail the test.
        ReplicaConfig config = new ReplicaConfig(d.replicaLagTimeMaxMs(), d.replicaFetchMaxBytes(),
            d.replicaFetchResponseMaxBytes(), 100, 1, 120_000L, 1, 5_000, 65_536, "PLAINTEXT");
        TopicPartition busy = TP;
        TopicPartition idle = new TopicPartition(TP.topic(), 1);
        Node leader = new Node(1, config);
        Node follower = new Node(2, config);
        Queue<SeenFetch> seen = new ConcurrentLinkedQueue<>();
        int port = serve(leader, request -> {
            if (request.replicaId() == 2) {
                seen.add(SeenFetch.of(request));
            }
        });
        assertThat(leader.replicaManager.becomeLeaderOrFollower(leaderAndIsr(1, port, List.of(busy, idle)),
            t -> LogConfig.defaults()).partitionErrors()).containsValues(Errors.NONE);
        assertThat(follower.replicaManager.becomeLeaderOrFollower(leaderAndIsr(2, port, List.of(busy, idle)),
            t -> LogConfig.defaults()).partitionErrors()).containsValues(Errors.NONE);

        assertThat(produceAcksAll(leader, busy, "a")).isEqualTo(Errors.NONE);
        assertThat(produceAcksAll(leader, busy, "b")).isEqualTo(Errors.NONE);

        List<SeenFetch> first = List.copyOf(seen);
        assertThat(first.get(0).opensSession()).isTrue();
        assertThat(first.get(0).partitions()).containsExactlyInAnyOrder(busy, idle);
        List<SeenFetch> incremental = first.stream().filter(f -> f.epoch() > 0).toList();
        assertThat(incremental).as("incremental fetches after the first").isNotEmpty();
        assertThat(incremental).allSatisfy(f -> {
            assertThat(f.sessionId()).isEqualTo(incremental.get(0).sessionId());
            assertThat(f.partitions()).doesNotContain(idle);
            assertThat(f.forgotten()).isEmpty();
        });
        assertThat(incremental).anySatisfy(f -> assertThat(f.partitions()).containsExactly(busy));
        FetchSessionCache.FetchSession session = leader.fetchSessions.get(incremental.get(0).sessionId());
        assertThat(session.privileged()).isTrue();
        assertThat(session.partitions().keySet()).extracting(TopicIdPartition::topicPartition)
            .containsExactlyInAnyOrder(busy, idle);
        assertThat(values(follower.logManager.getLog(busy).orElseThrow())).containsExactly("a", "b");

        leader.fetchSessions.remove(session.id());
        seen.clear();
        assertThat(produceAcksAll(leader, busy, "c")).isEqualTo(Errors.NONE);
        assertThat(values(follower.logManager.getLog(busy).orElseThrow())).containsExactly("a", "b", "c");
        assertThat(seen).anySatisfy(f -> {
            assertThat(f.opensSession()).isTrue();
            assertThat(f.partitions()).containsExactlyInAnyOrder(busy, idle);
        });
        assertThat(leader.fetchSessions.size()).isEqualTo(1);
    }

    /** Appends {@code value} on the leader with acks=all and waits for the answer (20 s timeout). */
    private static Errors produceAcksAll(Node leader, TopicPartition tp, String value) throws Exception {
        CompletableFuture<ProducePartitionResult> acked = new CompletableFuture<>();
        leader.replicaManager.appendRecords(20_000L, (short) -1, Map.of(tp, records(value)),
            r -> acked.complete(r.get(tp)));
        return acked.get(30, TimeUnit.SECONDS).error();
    }

    @Test
    void aFollowerTruncatesItsDivergentTailThenReplicatesAcksAllWritesOverTheNetwork() throws Exception {
        ReplicaConfig d = ReplicaConfig.defaults();
        ReplicaConfig config = new ReplicaConfig(d.replicaLagTimeMaxMs(), d.replicaFetchMaxBytes(),
            d.replicaFetchResponseMaxBytes(), 100, 1, 100L, 1, 5_000, 65_536, "PLAINTEXT");
        Node leader = new Node(1, config);
        Node follower = new Node(2, config);
        leader.preload(0, "a");
        Log followerLog = follower.preload(0, "a");
        followerLog.appendAsLeader(records("x", "y"), 0);
        int port = serve(leader);

        assertThat(leader.replicaManager.becomeLeaderOrFollower(leaderAndIsr(1, port), t -> LogConfig.defaults())
            .partitionErrors()).containsEntry(TP, Errors.NONE);
        BlockingKafkaClient consumer = new BlockingKafkaClient(new BrokerEndpoint(1, "127.0.0.1", port), "consumer",
            5_000);
        toClose.add(consumer);
        // "a" may have been acknowledged by the previous leader; this leader's HW (0) does not show it yet.
        assertThat(listOffset(consumer, ListOffsetsRequest.LATEST_TIMESTAMP).errorCode())
            .isEqualTo(Errors.OFFSET_NOT_AVAILABLE.code());
        assertThat(listOffset(consumer, ListOffsetsRequest.MAX_TIMESTAMP).errorCode())
            .isEqualTo(Errors.OFFSET_NOT_AVAILABLE.code());
        assertThat(listOffset(consumer, ListOffsetsRequest.EARLIEST_TIMESTAMP).offset()).isZero();

        assertThat(follower.replicaManager.becomeLeaderOrFollower(leaderAndIsr(2, port), t -> LogConfig.defaults())
            .partitionErrors()).containsEntry(TP, Errors.NONE);

        CompletableFuture<ProducePartitionResult> acked = new CompletableFuture<>();
        leader.replicaManager.appendRecords(30_000L, (short) -1, Map.of(TP, records("b", "c")),
            r -> acked.complete(r.get(TP)));
        ProducePartitionResult result = acked.get(30, TimeUnit.SECONDS);

        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.baseOffset()).isEqualTo(1);
        assertThat(values(followerLog)).containsExactly("a", "b", "c");
        assertThat(followerLog.leaderEpochCache().epochEntries()).extracting(e -> e.epoch()).containsExactly(0, 1);
        awaitUntil("the follower's HW", () -> followerLog.highWatermark() == 3);
        assertThat(leader.replicaManager.partition(TP).orElseThrow().followerLogEndOffset(2)).isEqualTo(3);
        ListOffsetsPartitionResponse latest = listOffset(consumer, ListOffsetsRequest.LATEST_TIMESTAMP);
        assertThat(latest.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(latest.offset()).isEqualTo(3);
        assertThat(latest.leaderEpoch()).isEqualTo(1);

        FetchResponseData.PartitionData fenced = consumerFetch(consumer, 0);
        assertThat(fenced.errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(fenced.currentLeader().leaderId()).as("KIP-951: where the leader is").isEqualTo(1);
        assertThat(fenced.currentLeader().leaderEpoch()).isEqualTo(1);
        assertThat(consumerFetch(consumer, 1).highWatermark()).isEqualTo(3);
    }

    /**
     * KIP-951 on a follower: Produce v10+ and Fetch v16+ answers that send the client elsewhere
     * name the leader and epoch (from the partition state, newer here than the metadata cache)
     * and the leader's endpoint on the listener the request came in on.
     */
    @Test
    void aFollowerNamesTheLeaderAndItsEndpointInProduceAndFetchAnswers() throws Exception {
        Node leader = new Node(1, ReplicaConfig.defaults());
        Node follower = new Node(2, ReplicaConfig.defaults());
        int leaderPort = serve(leader);
        assertThat(leader.replicaManager.becomeLeaderOrFollower(leaderAndIsr(1, leaderPort), t -> LogConfig.defaults())
            .partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(follower.replicaManager.becomeLeaderOrFollower(leaderAndIsr(2, leaderPort),
            t -> LogConfig.defaults()).partitionErrors()).containsEntry(TP, Errors.NONE);
        follower.metadataCache.updateBrokers(List.of(new BrokerRegistration(1, List.of(
            new EndpointInfo("REPLICATION", "PLAINTEXT", "127.0.0.1", 1),
            new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", leaderPort)), Optional.of("rack-1"))));
        follower.metadataCache.updateTopic(new MetadataCache.TopicInfo(TP.topic(), TOPIC_ID, Map.of(TP.partition(),
            new MetadataCache.PartitionInfo(TP.partition(), List.of(1, 2), 1, 0, List.of(1, 2)))));
        BlockingKafkaClient client = new BlockingKafkaClient(new BrokerEndpoint(2, "127.0.0.1", serve(follower)),
            "client", 5_000);
        toClose.add(client);

        ProduceResponse v11 = produce(client, (short) 11);
        PartitionProduceResponse notLeader = v11.data().responses().iterator().next().partitionResponses().get(0);
        assertThat(notLeader.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(notLeader.currentLeader().leaderId()).isEqualTo(1);
        assertThat(notLeader.currentLeader().leaderEpoch()).isEqualTo(1);
        assertThat(v11.data().nodeEndpoints()).containsExactly(new NodeEndpoint().setNodeId(1).setHost("127.0.0.1")
            .setPort(leaderPort).setRack("rack-1"));

        ProduceResponse v9 = produce(client, (short) 9);
        PartitionProduceResponse v9Partition = v9.data().responses().iterator().next().partitionResponses().get(0);
        assertThat(v9Partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(v9Partition.currentLeader().leaderId()).as("v9 has no CurrentLeader").isEqualTo(-1);
        assertThat(v9.data().nodeEndpoints()).isEmpty();

        FetchResponse v16 = consumerFetch(client, (short) 16, 0);
        FetchResponseData.PartitionData fenced = v16.data().responses().get(0).partitions().get(0);
        assertThat(fenced.errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(fenced.currentLeader().leaderId()).isEqualTo(1);
        assertThat(fenced.currentLeader().leaderEpoch()).isEqualTo(1);
        assertThat(v16.data().nodeEndpoints()).containsExactly(new FetchResponseData.NodeEndpoint().setNodeId(1)
            .setHost("127.0.0.1").setPort(leaderPort).setRack("rack-1"));

        FetchResponse v15 = consumerFetch(client, (short) 15, 0);
        assertThat(v15.data().responses().get(0).partitions().get(0).currentLeader().leaderId()).isEqualTo(1);
        assertThat(v15.data().nodeEndpoints()).as("NodeEndpoints are v16+").isEmpty();
    }

    /**
     * The controller's LeaderAndIsr can reach a new leader before its UpdateMetadata does, while a
     * client that learned of the leader from another broker already produces to it by topic id
     * (v13): the leader resolves the id from the partition it hosts instead of answering
     * UNKNOWN_TOPIC_ID, which an idempotent producer whose later batches got through could only
     * retry into OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    @Test
    void aNewLeaderTakesProduceByTopicIdBeforeItsMetadataCacheKnowsTheTopic() throws Exception {
        Node leader = new Node(1, ReplicaConfig.defaults());
        int port = serve(leader);
        assertThat(leader.replicaManager.becomeLeaderOrFollower(leaderAndIsr(1, port), t -> LogConfig.defaults())
            .partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(leader.metadataCache.topicName(TOPIC_ID)).isEmpty();
        BlockingKafkaClient client = new BlockingKafkaClient(new BrokerEndpoint(1, "127.0.0.1", port), "client",
            5_000);
        toClose.add(client);

        ProduceResponse response = produce(client, (short) 13,
            new ProduceRequestData.TopicProduceData().setTopicId(TOPIC_ID));

        assertThat(response.data().responses()).singleElement().satisfies(topic -> {
            assertThat(topic.topicId()).isEqualTo(TOPIC_ID);
            assertThat(topic.partitionResponses()).singleElement().satisfies(p -> {
                assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
                assertThat(p.baseOffset()).isZero();
            });
        });
        assertThat(values(leader.logManager.getLog(TP).orElseThrow())).containsExactly("p");
    }

    private static FetchResponseData.PartitionData consumerFetch(BlockingKafkaClient client, int leaderEpoch)
            throws IOException {
        return consumerFetch(client, (short) 12, leaderEpoch).data().responses().get(0).partitions().get(0);
    }

    private static FetchResponse consumerFetch(BlockingKafkaClient client, short version, int leaderEpoch)
            throws IOException {
        Map<TopicPartition, FetchRequest.PartitionData> data = Map.of(TP,
            new FetchRequest.PartitionData(TOPIC_ID, 0, 0, 1024, Optional.of(leaderEpoch)));
        return (FetchResponse) client.send(FetchRequest.Builder.forConsumer(version, 0, 1, data).build(version));
    }

    private static ProduceResponse produce(BlockingKafkaClient client, short version) throws IOException {
        return produce(client, version, new ProduceRequestData.TopicProduceData().setName(TP.topic()));
    }

    /** Produces "p" with acks=1 to {@link #TP}'s partition of {@code topic} (named by name or by id). */
    private static ProduceResponse produce(BlockingKafkaClient client, short version,
                                           ProduceRequestData.TopicProduceData topic) throws IOException {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(TP.partition())
            .setRecords(records("p")));
        data.topicData().add(topic);
        return (ProduceResponse) client.send(new ProduceRequest.Builder(version, version, data).build(version));
    }

    private static ListOffsetsPartitionResponse listOffset(BlockingKafkaClient client, long timestamp)
            throws IOException {
        ListOffsetsRequest request = ListOffsetsRequest.Builder.forConsumer(true, IsolationLevel.READ_UNCOMMITTED)
            .setTargetTimes(List.of(new ListOffsetsTopic().setName(TP.topic()).setPartitions(List.of(
                new ListOffsetsPartition().setPartitionIndex(TP.partition()).setTimestamp(timestamp)
                    .setCurrentLeaderEpoch(-1)))))
            .build((short) 7);
        ListOffsetsResponse response = (ListOffsetsResponse) client.send(request);
        return response.data().topics().get(0).partitions().get(0);
    }

    private static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
