package io.weir.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cluster.zk.EmbeddedZooKeeper;

/**
 * Fault tests on real broker processes (design section 5, level 4): three {@link BrokerProcess}es
 * share an embedded ZooKeeper in the test JVM while idempotent acks=all producers write; the test
 * SIGKILLs leaders and the controller, SIGSTOPs a follower past {@code replica.lag.time.max.ms}
 * and restarts every broker with SIGTERM. Afterwards every acknowledged record must be in the
 * log exactly once, at its acknowledged offset, in each producer's order per partition.
 *
 * <p>Waits poll a condition against the cluster (Admin) with a deadline; nothing sleeps for a
 * fixed time. On failure the tail of every broker's log is printed and the logs are copied to
 * {@code target/fault-it/<test>/}.
 */
@Tag("integration")
class FaultIT {

    private static final String TOPIC = "faults";
    private static final int PARTITIONS = 3;
    private static final int REPLICAS = 3;
    private static final Duration WAIT = Duration.ofSeconds(45);
    /** Broker settings beyond the ones {@link BrokerProcess} sets; the backoffs only make the test quicker. */
    private static final Map<String, String> BROKER_SETTINGS = Map.of(
        "replica.lag.time.max.ms", "3000",
        "controlled.shutdown.retry.backoff.ms", "500",
        "replica.fetch.backoff.ms", "100");

    @TempDir
    Path dir;

    private EmbeddedZooKeeper zk;
    private final List<BrokerProcess> brokers = new ArrayList<>();
    private final List<ProducerLoop> producers = new ArrayList<>();
    private Admin admin;
    private StuckProducerReport stuckReport;
    private String testName;
    private long startNs;

    /** Before {@link #cleanUp}: the brokers' logs are still there to show. */
    @RegisterExtension
    final AfterTestExecutionCallback showLogsOnFailure = context -> {
        if (context.getExecutionException().isPresent()) {
            showBrokerLogs();
        }
    };

    @BeforeEach
    void startCluster(TestInfo info) throws Exception {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        startNs = System.nanoTime();
        stuckReport = StuckProducerReport.attach();
        zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), "127.0.0.1", 0);
        for (int id = 0; id < REPLICAS; id++) {
            brokers.add(BrokerProcess.start(id, dir, zk.connectString(), BROKER_SETTINGS));
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100));
        for (BrokerProcess b : brokers) {
            awaitRegistered(b);
        }
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) REPLICAS)
            .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        awaitFullIsr();
        log("3 brokers up, topic %s created, every ISR full", TOPIC);
    }

    @AfterEach
    void cleanUp() {
        List<Runnable> steps = new ArrayList<>();
        producers.forEach(p -> steps.add(() -> p.stop(Duration.ofSeconds(5))));
        steps.add(() -> {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        });
        brokers.forEach(b -> steps.add(b::close));
        steps.add(() -> {
            if (zk != null) {
                zk.close();
            }
        });
        steps.add(() -> stuckReport.detach());
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                System.err.println("FaultIT clean-up: " + e);
            }
        }
    }

    /**
     * The scenario of the issue: (a) SIGKILL the leader of partition 0 and restart it, (b) SIGKILL
     * the controller and restart it, (c) SIGSTOP a follower for longer than
     * replica.lag.time.max.ms, then SIGCONT, (d) a rolling restart with SIGTERM, each broker back
     * in every ISR before the next. Two idempotent producers write all along.
     */
    @Test
    @Timeout(240)
    void acknowledgedRecordsSurviveCrashesPausesAndARollingRestart() throws Exception {
        AckLog acks = new AckLog();
        producers.add(ProducerLoop.start("a", bootstrapServers(), acks));
        producers.add(ProducerLoop.start("b", bootstrapServers(), acks));
        awaitProgress(acks, "before any fault");

        int leader = awaitLeader(0);
        log("(a) SIGKILL broker %d, leader of partition 0", leader);
        brokers.get(leader).kill();
        await("a new leader for partition 0 (not " + leader + ")", () -> {
            int now = leaderOf(0);
            return now >= 0 && now != leader;
        });
        restartAndAwaitFullIsr(leader);
        awaitProgress(acks, "after (a)");

        int controller = awaitController();
        log("(b) SIGKILL broker %d, the controller", controller);
        brokers.get(controller).kill();
        await("a new controller (not " + controller + ")", () -> {
            int now = controllerId();
            return now >= 0 && now != controller;
        });
        restartAndAwaitFullIsr(controller);
        awaitProgress(acks, "after (b)");

        int follower = pickFollowerOfPartition0();
        log("(c) SIGSTOP broker %d, a follower of partition 0", follower);
        long pausedAt = System.nanoTime();
        brokers.get(follower).pause();
        await("broker " + follower + " out of partition 0's ISR, and paused for longer than replica.lag.time.max.ms",
            () -> !isrOf(0).contains(follower) && System.nanoTime() - pausedAt > TimeUnit.MILLISECONDS.toNanos(4_000));
        brokers.get(follower).resume();
        log("(c) SIGCONT broker %d after %d ms", follower, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt));
        awaitFullIsr();
        awaitProgress(acks, "after (c)");

        for (BrokerProcess b : brokers) {
            log("(d) SIGTERM broker %d", b.id());
            b.stop();
            restartAndAwaitFullIsr(b.id());
        }
        awaitProgress(acks, "after (d)");

        producers.forEach(ProducerLoop::stopSending);
        verify(acks, producers, Set.of(), awaitSettled());
    }

    /**
     * With two of three brokers gone, acks=all writes are refused (min.insync.replicas=2), and
     * nothing acknowledged before is lost once the brokers are back.
     */
    @Test
    @Timeout(150)
    void writesAreRefusedBelowMinInsyncReplicasAndNothingAcknowledgedIsLost() throws Exception {
        AckLog acks = new AckLog();
        try (KafkaProducer<String, String> producer = producer(idempotentSettings())) {
            sendAll(producer, "before-", 300, acks);
        }
        awaitFullIsr();
        int survivor = awaitLeader(0);
        for (BrokerProcess b : brokers) {
            if (b.id() != survivor) {
                log("SIGKILL broker %d", b.id());
                b.kill();
            }
        }
        await("broker " + survivor + " leading every partition with an ISR of itself alone", () -> {
            Map<Integer, TopicPartitionInfo> partitions = describe();
            return partitions.values().stream().allMatch(p -> p.leader() != null && p.leader().id() == survivor
                && p.isr().stream().map(Node::id).toList().equals(List.of(survivor)));
        });
        Set<String> refused = assertWritesRefused();
        for (BrokerProcess b : brokers) {
            if (b.id() != survivor) {
                b.restart();
            }
        }
        for (BrokerProcess b : brokers) {
            awaitRegistered(b);
        }
        awaitFullIsr();
        try (KafkaProducer<String, String> producer = producer(idempotentSettings())) {
            sendAll(producer, "after-", 30, acks);
        }
        verify(acks, List.of(), refused, List.of());
    }

    // ---- steps and waits ----

    /**
     * Once the cluster has seen broker {@code id} go (out of the live brokers and of every ISR),
     * starts it again and waits until it is back in every ISR. Waiting for the departure first
     * keeps the return from being judged on metadata that predates the failure.
     */
    private void restartAndAwaitFullIsr(int id) {
        BrokerProcess b = brokers.get(id);
        awaitGone(id);
        log("broker %d out of the cluster and of every ISR; restart it", id);
        b.restart();
        awaitRegistered(b);
        awaitFullIsr();
        log("broker %d back, every ISR full", id);
    }

    /** A follower of partition 0 that is not the controller when there is one (so (c) pauses only a follower). */
    private int pickFollowerOfPartition0() throws Exception {
        int leader = awaitLeader(0);
        int controller = controllerId();
        List<Integer> followers = describe().get(0).replicas().stream().map(Node::id).filter(id -> id != leader)
            .toList();
        return followers.stream().filter(id -> id != controller).findFirst().orElse(followers.get(0));
    }

    /** Every live broker's id in the cluster metadata, and the process still running. */
    private void awaitRegistered(BrokerProcess b) {
        await("broker " + b.id() + " registered in the cluster", () -> {
            if (!b.isAlive()) {
                throw new AssertionError("broker " + b.id() + " exited; its log ends with:\n" + b.logTail(60));
            }
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == b.id());
        });
    }

    /** Broker {@code id} is no longer a live broker, and every partition has a leader and an ISR without it. */
    private void awaitGone(int id) {
        await("broker " + id + " gone from the live brokers and from every ISR", () -> {
            boolean registered = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                .anyMatch(n -> n.id() == id);
            return !registered && describe().values().stream().allMatch(p -> p.leader() != null
                && p.leader().id() != id && p.isr().stream().noneMatch(n -> n.id() == id));
        });
    }

    private void awaitFullIsr() {
        await("every partition of " + TOPIC + " with a leader and an ISR of " + REPLICAS, () -> describe().values()
            .stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0 && p.isr().size() == REPLICAS));
    }

    /**
     * Each producer gets at least 20 more records acknowledged in every partition: both got
     * through the last fault (a producer stuck on one partition would otherwise go unnoticed).
     */
    private void awaitProgress(AckLog acks, String when) {
        Map<String, Integer> before = acks.countsByProducerAndPartition();
        List<String> behind = new ArrayList<>();
        await("20 more acknowledged records from each producer in every partition " + when, () -> {
            producers.forEach(ProducerLoop::checkNotFailedFatally);
            Map<String, Integer> now = acks.countsByProducerAndPartition();
            behind.clear();
            for (ProducerLoop p : producers) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    String key = AckLog.key(p.name, partition);
                    int gained = now.getOrDefault(key, 0) - before.getOrDefault(key, 0);
                    if (gained < 20) {
                        behind.add(key + " +" + gained + " (" + p.inFlight() + " in flight)");
                    }
                }
            }
            return behind.isEmpty();
        }, () -> "behind: " + behind);
        log("%s: %d records acknowledged so far", when, acks.size());
    }

    /**
     * After the producers stopped sending: waits until every record sent was acknowledged or
     * failed; returns a line for each producer that still has records in flight (a stuck batch).
     */
    private List<String> awaitSettled() {
        try {
            await("every record sent acknowledged or failed",
                () -> producers.stream().allMatch(p -> p.inFlight() == 0), () -> "");
            return List.of();
        } catch (AssertionError e) {
            List<ProducerLoop> stuck = producers.stream().filter(p -> p.inFlight() > 0).toList();
            List<String> report = new ArrayList<>();
            stuck.forEach(p -> report.add("producer " + p.name + ": " + p.inFlight()
                + " records neither acknowledged nor failed " + WAIT.toSeconds() + " s after its last send"));
            report.add(clusterView());
            stuck.forEach(p -> report.add(stuckReport.producerView(p.name, p.producer, TOPIC, 12)));
            report.add(StuckProducerReport.brokerNetworkThreads(brokers, reportDir()));
            return report;
        }
    }

    /** Each partition's leader, ISR and high watermark as the cluster reports them now. */
    private String clusterView() {
        try {
            Map<Integer, TopicPartitionInfo> partitions = describe();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.keySet().forEach(p -> latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> hws = admin.listOffsets(latest).all()
                .get(10, TimeUnit.SECONDS);
            return "cluster: " + partitions.values().stream().map(p -> "p" + p.partition() + " leader "
                + (p.leader() == null ? "none" : p.leader().id()) + " isr "
                + p.isr().stream().map(Node::id).toList() + " hw "
                + hws.get(new TopicPartition(TOPIC, p.partition())).offset()).collect(Collectors.joining(", "));
        } catch (Exception e) {
            return "cluster: not described (" + e + ")";
        }
    }

    private int awaitLeader(int partition) {
        int[] leader = {-1};
        await("a leader for partition " + partition, () -> {
            leader[0] = leaderOf(partition);
            return leader[0] >= 0;
        });
        return leader[0];
    }

    private int awaitController() {
        int[] controller = {-1};
        await("a controller", () -> {
            controller[0] = controllerId();
            return controller[0] >= 0;
        });
        return controller[0];
    }

    private Map<Integer, TopicPartitionInfo> describe() throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(5, TimeUnit.SECONDS).get(TOPIC).partitions()
            .stream().collect(Collectors.toMap(TopicPartitionInfo::partition, p -> p));
    }

    private int leaderOf(int partition) throws Exception {
        Node leader = describe().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    private List<Integer> isrOf(int partition) throws Exception {
        return describe().get(partition).isr().stream().map(Node::id).toList();
    }

    private int controllerId() throws Exception {
        Node controller = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
        return controller == null ? -1 : controller.id();
    }

    /**
     * Polls {@code condition} every 100 ms until it is true; an exception counts as false (the
     * cluster is in the middle of a change) except an AssertionError, which fails at once.
     */
    private static void await(String what, Callable<Boolean> condition) {
        await(what, condition, () -> "");
    }

    /** As {@link #await(String, Callable)}; {@code detail} is added to the timeout's message. */
    private static void await(String what, Callable<Boolean> condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                String more = detail.get();
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what
                    + (more.isEmpty() ? "" : "; " + more) + (last == null ? "" : " (last error: " + last + ")"), last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    // ---- producing ----

    private static Map<String, Object> idempotentSettings() {
        return Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100,
            ProducerConfig.LINGER_MS_CONFIG, 5);
    }

    private KafkaProducer<String, String> producer(Map<String, Object> settings) {
        return createProducer(bootstrapServers(), settings);
    }

    private static KafkaProducer<String, String> createProducer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Sends {@code count} records round-robin over the partitions and waits for every acknowledgement. */
    private static void sendAll(KafkaProducer<String, String> producer, String prefix, int count, AckLog acks)
            throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            String value = prefix + seq;
            values.add(value);
            futures.add(producer.send(new ProducerRecord<>(TOPIC, seq % PARTITIONS, null, value)));
        }
        for (int i = 0; i < count; i++) {
            RecordMetadata md = futures.get(i).get(120, TimeUnit.SECONDS);
            acks.record(md.partition(), md.offset(), values.get(i));
        }
    }

    /**
     * With the ISR at one replica, an acks=all write to each partition fails with
     * NotEnoughReplicasException (directly, or as the cause of a timeout); returns their values.
     */
    private Set<String> assertWritesRefused() throws Exception {
        Map<String, Object> settings = Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.RETRIES_CONFIG, 0,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000, ProducerConfig.LINGER_MS_CONFIG, 0);
        Set<String> refused = new HashSet<>();
        try (KafkaProducer<String, String> producer = producer(settings)) {
            for (int p = 0; p < PARTITIONS; p++) {
                String value = "refused-" + p;
                Future<RecordMetadata> f = producer.send(new ProducerRecord<>(TOPIC, p, null, value));
                Throwable failure = null;
                try {
                    RecordMetadata md = f.get(30, TimeUnit.SECONDS);
                    throw new AssertionError("partition " + p + " acknowledged " + value + " at offset " + md.offset()
                        + " with an ISR of one and min.insync.replicas=2");
                } catch (ExecutionException e) {
                    failure = e.getCause();
                }
                assertThat(hasCause(failure, NotEnoughReplicasException.class))
                    .as("partition %d: expected NotEnoughReplicasException, got %s", p, failure).isTrue();
                refused.add(value);
            }
        }
        return refused;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    // ---- verification ----

    /**
     * Reads every partition to its end and checks: each acknowledged record is at its
     * acknowledged offset; no value is in the log twice; each producer's values are in sequence
     * order within a partition; no producer saw a send fail or has {@code unsettled} records; no
     * {@code absent} value is in the log.
     */
    private void verify(AckLog acks, List<ProducerLoop> loops, Set<String> absent, List<String> unsettled) {
        Map<Integer, TreeMap<Long, String>> log = readAll();
        List<String> problems = new ArrayList<>(unsettled);
        problems.addAll(acks.conflicts());
        Map<String, Integer> occurrences = new HashMap<>();
        log.values().forEach(records -> records.values().forEach(v -> occurrences.merge(v, 1, Integer::sum)));
        acks.byPartition().forEach((partition, acked) -> acked.forEach((offset, value) -> {
            String found = log.getOrDefault(partition, new TreeMap<>()).get(offset);
            if (!value.equals(found)) {
                problems.add("partition " + partition + " offset " + offset + ": acknowledged " + value + ", log has "
                    + (found == null ? "nothing" : found));
            }
        }));
        occurrences.forEach((value, n) -> {
            if (n > 1) {
                problems.add(value + " is in the log " + n + " times");
            }
        });
        absent.stream().filter(occurrences::containsKey).forEach(v -> problems.add(v + " was refused but is in the log"));
        log.forEach((partition, records) -> problems.addAll(orderProblems(partition, records.values())));
        for (ProducerLoop p : loops) {
            if (p.failed() > 0) {
                problems.add("producer " + p.name + ": " + p.failed() + " sends failed, first: " + p.firstFailure());
            }
        }
        String summary = acks.size() + " acknowledged records, log sizes " + log.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
        log("verify: %s", summary);
        assertThat(problems).as("%s; problems (first 30): %s", summary,
            problems.subList(0, Math.min(30, problems.size()))).isEmpty();
    }

    /** Values are "NAME-SEQ": within a partition each name's sequence numbers must rise. */
    private static List<String> orderProblems(int partition, Collection<String> values) {
        List<String> problems = new ArrayList<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (String value : values) {
            int dash = value.lastIndexOf('-');
            String name = value.substring(0, dash);
            long seq = Long.parseLong(value.substring(dash + 1));
            Long previous = lastSeq.put(name, seq);
            if (previous != null && previous >= seq) {
                problems.add("partition " + partition + ": " + value + " after " + name + "-" + previous);
            }
        }
        return problems;
    }

    private Map<Integer, TreeMap<Long, String>> readAll() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<Integer, TreeMap<Long, String>> log = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
                log.put(p, new TreeMap<>());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            await("every partition read to its end " + ends, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    log.get(r.partition()).put(r.offset(), r.value());
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return log;
    }

    // ---- plumbing ----

    private String bootstrapServers() {
        return brokers.stream().map(BrokerProcess::address).collect(Collectors.joining(","));
    }

    private void log(String format, Object... args) {
        System.out.printf("FaultIT %s +%.1fs: %s%n", testName, (System.nanoTime() - startNs) / 1e9,
            String.format(format, args));
    }

    /** Where a failed test keeps the brokers' logs and thread dumps. */
    private Path reportDir() {
        return Path.of("target", "fault-it", testName);
    }

    private void showBrokerLogs() {
        Path keep = reportDir();
        for (BrokerProcess b : brokers) {
            System.out.println("===== last lines of broker " + b.id() + "'s log (pid " + b.pid() + ", "
                + (b.isAlive() ? b.isPaused() ? "paused" : "running" : "not running") + ") =====");
            System.out.println(b.logTail(80));
            try {
                Files.createDirectories(keep);
                Files.copy(b.logFile(), keep.resolve(b.logFile().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (Exception e) {
                System.out.println("(cannot keep " + b.logFile() + ": " + e + ")");
            }
        }
        System.out.println("===== full broker logs: " + keep.toAbsolutePath() + " =====");
    }

    /** Every acknowledged (partition, offset, value), from the producers' callbacks. Thread-safe. */
    static final class AckLog {
        private final Map<Integer, ConcurrentSkipListMap<Long, String>> byPartition = new ConcurrentHashMap<>();
        private final List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong size = new AtomicLong();
        private final Map<String, AtomicInteger> byProducerAndPartition = new ConcurrentHashMap<>();

        /** "NAME/PARTITION", for {@link #countsByProducerAndPartition}. */
        static String key(String producer, int partition) {
            return producer + "/" + partition;
        }

        void record(int partition, long offset, String value) {
            String earlier = byPartition.computeIfAbsent(partition, p -> new ConcurrentSkipListMap<>())
                .putIfAbsent(offset, value);
            if (earlier != null) {
                conflicts.add("partition " + partition + " offset " + offset + " acknowledged twice: " + earlier
                    + " and " + value);
            } else {
                size.incrementAndGet();
                String producer = value.substring(0, value.lastIndexOf('-'));
                byProducerAndPartition.computeIfAbsent(key(producer, partition), k -> new AtomicInteger())
                    .incrementAndGet();
            }
        }

        Map<String, Integer> countsByProducerAndPartition() {
            Map<String, Integer> counts = new TreeMap<>();
            byProducerAndPartition.forEach((k, n) -> counts.put(k, n.get()));
            return counts;
        }

        long size() {
            return size.get();
        }

        Map<Integer, Integer> countsByPartition() {
            Map<Integer, Integer> counts = new TreeMap<>();
            byPartition.forEach((p, m) -> counts.put(p, m.size()));
            return counts;
        }

        Map<Integer, ConcurrentSkipListMap<Long, String>> byPartition() {
            return byPartition;
        }

        List<String> conflicts() {
            synchronized (conflicts) {
                return new ArrayList<>(conflicts);
            }
        }
    }

    /**
     * One idempotent acks=all producer on its own thread, writing "NAME-SEQ" to partition
     * SEQ % PARTITIONS, paced and with at most {@link #MAX_IN_FLIGHT} records unacknowledged.
     * Thread-safe.
     */
    static final class ProducerLoop {
        private static final long PACE_NS = TimeUnit.MILLISECONDS.toNanos(2);
        private static final int MAX_IN_FLIGHT = 500;

        final String name;
        private final KafkaProducer<String, String> producer;
        private final AckLog acks;
        private final Semaphore unacknowledged = new Semaphore(MAX_IN_FLIGHT);
        private final AtomicLong failed = new AtomicLong();
        private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable crashed;

        private ProducerLoop(String name, KafkaProducer<String, String> producer, AckLog acks) {
            this.name = name;
            this.producer = producer;
            this.acks = acks;
            this.thread = new Thread(this::run, "fault-producer-" + name);
            thread.setDaemon(true);
        }

        static ProducerLoop start(String name, String bootstrap, AckLog acks) {
            ProducerLoop loop = new ProducerLoop(name, createProducer(bootstrap, idempotentSettings()), acks);
            loop.thread.start();
            return loop;
        }

        private void run() {
            try {
                for (long seq = 0; running; seq++) {
                    while (!unacknowledged.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (!running) {
                            return;
                        }
                    }
                    String value = name + "-" + seq;
                    producer.send(new ProducerRecord<>(TOPIC, (int) (seq % PARTITIONS), null, value), (md, e) -> {
                        unacknowledged.release();
                        if (e == null) {
                            acks.record(md.partition(), md.offset(), value);
                        } else {
                            failed.incrementAndGet();
                            failures.add(e);
                        }
                    });
                    LockSupport.parkNanos(PACE_NS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                crashed = e;
            }
        }

        /**
         * Fails the wait at once when the send loop died or a send failed: with a delivery timeout
         * of minutes only a fatal error (OutOfOrderSequence, a corrupt record) fails a send.
         */
        void checkNotFailedFatally() {
            if (crashed != null) {
                throw new AssertionError("producer " + name + " stopped: " + crashed, crashed);
            }
            if (failed() > 0) {
                throw new AssertionError("producer " + name + ": " + failed() + " sends failed, first: " + firstFailure());
            }
        }

        long failed() {
            return failed.get();
        }

        String firstFailure() {
            synchronized (failures) {
                return failures.isEmpty() ? "none" : failures.get(0).toString();
            }
        }

        /** Records sent and not yet acknowledged or failed. */
        int inFlight() {
            return MAX_IN_FLIGHT - unacknowledged.availablePermits();
        }

        /** Ends the send loop; what was sent still completes. */
        void stopSending() {
            running = false;
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops sending and closes the producer, waiting up to {@code timeout} for what is in flight. */
        void stop(Duration timeout) {
            stopSending();
            producer.close(timeout);
        }
    }
}
