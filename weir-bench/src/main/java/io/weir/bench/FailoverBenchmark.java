package io.weir.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import io.weir.common.Time;

/**
 * Failover figures of a three-broker Weir cluster of real processes, with the Java client:
 * <ul>
 * <li>SIGKILL of the leader of a 1-partition, RF 3, min.insync.replicas=2 topic while an
 * idempotent acks=all producer writes one record at a time (~1 per ms): the time from the kill
 * to the first acknowledgement of a record sent after it. Each round restarts the killed broker,
 * waits for a full ISR and kills the current leader again.</li>
 * <li>SIGTERM of the leader (controlled shutdown): the time until the process exits, and the
 * longest pause between two acknowledgements meanwhile.</li>
 * <li>SIGKILL of the controller when it does not lead the partition: the longest pause between
 * acknowledgements, and the time until another broker is controller.</li>
 * </ul>
 * Afterwards every acknowledged record is read back and checked: at its offset, exactly once.
 * Run with {@code bench/failover.sh}, which starts ZooKeeper and passes the {@code weir} launcher.
 *
 * <p>Arguments: {@code --weir PATH --zookeeper HOST:PORT --dir DIR [--kill-rounds N]
 * [--shutdown-rounds N] [--set KEY=VALUE]...} (broker settings beyond Weir's defaults).
 */
public final class FailoverBenchmark {

    private static final String TOPIC = "failover";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** One clock for the kills and the acknowledgements they are measured against. */
    private static final Time TIME = Time.SYSTEM;
    private static final long START_NS = TIME.nanoseconds();

    private final List<BenchBroker> brokers;
    private final Admin admin;
    private final AckRecorder producer;

    private FailoverBenchmark(List<BenchBroker> brokers, Admin admin, AckRecorder producer) {
        this.brokers = brokers;
        this.admin = admin;
        this.producer = producer;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        Map<String, String> brokerSettings = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--set")) {
                String[] kv = args[i + 1].split("=", 2);
                brokerSettings.put(kv[0], kv[1]);
            } else {
                opts.put(args[i], args[i + 1]);
            }
        }
        Path weir = Path.of(required(opts, "--weir"));
        Path dir = Path.of(required(opts, "--dir"));
        String zk = required(opts, "--zookeeper");
        int killRounds = Integer.parseInt(opts.getOrDefault("--kill-rounds", "5"));
        int shutdownRounds = Integer.parseInt(opts.getOrDefault("--shutdown-rounds", "3"));

        List<BenchBroker> brokers = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> brokers.forEach(BenchBroker::close)));
        for (int id = 0; id < 3; id++) {
            brokers.add(BenchBroker.start(id, weir, dir, zk, brokerSettings));
        }
        String bootstrap = String.join(",", brokers.stream().map(BenchBroker::address).toList());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50))) {
            log("brokers starting (settings beyond the defaults: %s)", brokerSettings);
            await("3 brokers registered", () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 3);
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            FailoverBenchmark bench = new FailoverBenchmark(brokers, admin, null);
            bench.awaitFullIsr();
            try (AckRecorder producer = new AckRecorder(bootstrap, TOPIC, TimeUnit.MILLISECONDS.toNanos(1), TIME)) {
                bench = new FailoverBenchmark(brokers, admin, producer);
                bench.awaitProgress("first records");
                bench.run(killRounds, shutdownRounds);
            }
            bench.verify(bootstrap);
        } finally {
            brokers.forEach(BenchBroker::close);
        }
    }

    private void run(int killRounds, int shutdownRounds) throws Exception {
        List<Long> failovers = new ArrayList<>();
        List<Long> leaderSeen = new ArrayList<>();
        for (int round = 1; round <= killRounds; round++) {
            long[] r = killLeaderRound(round);
            failovers.add(r[0]);
            leaderSeen.add(r[1]);
        }
        List<Long> shutdowns = new ArrayList<>();
        List<Long> shutdownGaps = new ArrayList<>();
        for (int round = 1; round <= shutdownRounds; round++) {
            long[] r = controlledShutdownRound(round);
            shutdowns.add(r[0]);
            shutdownGaps.add(r[1]);
        }
        killControllerRound();
        killFollowerRound();
        System.out.println();
        System.out.printf("RESULT SIGKILL of the leader, kill -> first ack of a record sent after it: %s ms; median %d ms%n",
            failovers, median(failovers));
        System.out.printf("RESULT SIGKILL of the leader, kill -> new leader in the metadata: %s ms; median %d ms%n",
            leaderSeen, median(leaderSeen));
        System.out.printf("RESULT SIGTERM of the leader (controlled shutdown), SIGTERM -> process exit: %s ms; median %d ms%n",
            shutdowns, median(shutdowns));
        System.out.printf("RESULT SIGTERM of the leader, longest gap between acks meanwhile: %s ms; median %d ms%n",
            shutdownGaps, median(shutdownGaps));
    }

    /**
     * SIGKILL the leader; returns {kill -> first ack of a record sent after the kill, kill -> a new
     * leader in the metadata Admin sees} in ms.
     */
    private long[] killLeaderRound(int round) throws Exception {
        awaitFullIsr();
        awaitProgress("before kill round " + round);
        int leader = leaderOf();
        int controller = controllerId();
        BenchBroker victim = brokers.get(leader);
        AtomicLong leaderSeenNs = watchForLeaderOtherThan(leader);
        long killNs = TIME.nanoseconds();
        victim.kill();
        AckRecorder.Ack first = awaitAckSentAfter(killNs);
        long failoverMs = ms(first.ackedNs() - killNs);
        awaitNonZero(leaderSeenNs);
        log("kill round %d: SIGKILL broker %d (leader%s); new leader in the metadata after %d ms; "
                + "first ack of a record sent after the kill: %d ms; longest ack gap %d ms", round, leader,
            leader == controller ? " and controller" : ", controller is " + controller,
            ms(leaderSeenNs.get() - killNs), failoverMs, ms(producer.longestAckGapNs(killNs, first.ackedNs())));
        victim.restart();
        return new long[] {failoverMs, ms(leaderSeenNs.get() - killNs)};
    }

    /** SIGTERM the leader; returns {SIGTERM -> exit, longest ack gap in [SIGTERM, exit + 1 s]} in ms. */
    private long[] controlledShutdownRound(int round) throws Exception {
        awaitFullIsr();
        awaitProgress("before shutdown round " + round);
        int leader = leaderOf();
        BenchBroker victim = brokers.get(leader);
        double retries = producer.producerMetric("record-retry-total");
        double errors = producer.producerMetric("record-error-total");
        int failuresBefore = producer.failures().size();
        long termNs = TIME.nanoseconds();
        victim.stop(WAIT.toMillis());
        long exitNs = TIME.nanoseconds();
        awaitProgress("after shutdown round " + round);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        long gapMs = ms(producer.longestAckGapNs(termNs, exitNs + TimeUnit.SECONDS.toNanos(1)));
        AckRecorder.Ack first = awaitAckSentAfter(termNs);
        log("shutdown round %d: SIGTERM broker %d (leader); exited after %d ms; first ack of a record sent after "
                + "SIGTERM: %d ms; longest ack gap %d ms; producer retries %+.0f, errors %+.0f, failed sends %+d; "
                + "new leader %d", round, leader, ms(exitNs - termNs), ms(first.ackedNs() - termNs), gapMs,
            producer.producerMetric("record-retry-total") - retries,
            producer.producerMetric("record-error-total") - errors, producer.failures().size() - failuresBefore,
            leaderOf());
        victim.restart();
        return new long[] {ms(exitNs - termNs), gapMs};
    }

    /** SIGKILL the controller if another broker leads the partition (else says why not). */
    private void killControllerRound() throws Exception {
        awaitFullIsr();
        awaitProgress("before the controller kill");
        int leader = leaderOf();
        int controller = controllerId();
        if (leader == controller) {
            System.out.printf("RESULT SIGKILL of the controller: skipped, broker %d is both controller and leader%n",
                controller);
            return;
        }
        BenchBroker victim = brokers.get(controller);
        long killNs = TIME.nanoseconds();
        victim.kill();
        long[] newControllerNs = {0};
        await("a new controller", () -> {
            int now = controllerId();
            newControllerNs[0] = TIME.nanoseconds();
            return now >= 0 && now != controller;
        });
        awaitProgress("after the controller kill");
        AckRecorder.Ack first = awaitAckSentAfter(killNs);
        long endNs = Math.max(newControllerNs[0], TIME.nanoseconds());
        System.out.printf("RESULT SIGKILL of the controller (broker %d; broker %d leads): new controller seen after "
                + "%d ms; first ack of a record sent after the kill %d ms; longest ack gap until then %d ms%n",
            controller, leader, ms(newControllerNs[0] - killNs), ms(first.ackedNs() - killNs),
            ms(producer.longestAckGapNs(killNs, endNs)));
        victim.restart();
        awaitFullIsr();
    }

    /**
     * SIGKILL a follower that is not the controller: acks=all waits for it until it leaves the ISR
     * (the controller sees its ZooKeeper session expire, or the leader finds it lagging for
     * replica.lag.time.max.ms).
     */
    private void killFollowerRound() throws Exception {
        awaitFullIsr();
        awaitProgress("before the follower kill");
        int leader = leaderOf();
        int controller = controllerId();
        int follower = brokers.stream().map(BenchBroker::id).filter(id -> id != leader && id != controller)
            .findFirst().orElseThrow();
        BenchBroker victim = brokers.get(follower);
        long killNs = TIME.nanoseconds();
        victim.kill();
        long[] shrunkNs = {0};
        await("an ISR without broker " + follower, () -> {
            boolean shrunk = partition().isr().stream().noneMatch(n -> n.id() == follower);
            shrunkNs[0] = TIME.nanoseconds();
            return shrunk;
        });
        AckRecorder.Ack first = awaitAckSentAfter(killNs);
        awaitProgress("after the follower kill");
        System.out.printf("RESULT SIGKILL of a follower (broker %d; broker %d leads, broker %d is controller): ISR "
                + "without it seen after %d ms; first ack of a record sent after the kill %d ms; longest ack gap %d ms%n",
            follower, leader, controller, ms(shrunkNs[0] - killNs), ms(first.ackedNs() - killNs),
            ms(producer.longestAckGapNs(killNs, TIME.nanoseconds())));
        victim.restart();
        awaitFullIsr();
    }

    /** Reads the partition back: every acknowledged record at its offset, no value twice. */
    private void verify(String bootstrap) throws Exception {
        List<AckRecorder.Ack> acks = producer.acks();
        long end = admin.listOffsets(Map.of(TP, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(TP)
            .offset();
        Map<Long, Long> seqAtOffset = new HashMap<>();
        Map<Long, Integer> copies = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long deadline = TIME.nanoseconds() + WAIT.toNanos();
            while (consumer.position(TP) < end && TIME.nanoseconds() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    long seq = ByteBuffer.wrap(r.value()).getLong();
                    seqAtOffset.put(r.offset(), seq);
                    copies.merge(seq, 1, Integer::sum);
                }
            }
        }
        long lost = acks.stream().filter(a -> !Long.valueOf(a.seq()).equals(seqAtOffset.get(a.offset()))).count();
        long duplicated = copies.values().stream().filter(n -> n > 1).count();
        System.out.printf("RESULT check: %d records acknowledged, %d failed in the producer, log end offset %d; "
                + "acknowledged but not at their offset: %d; values written twice: %d%n", acks.size(),
            producer.failures().size(), end, lost, duplicated);
        producer.failures().stream().limit(5).forEach(f -> System.out.println("  failed send: " + f));
    }

    // ---- waits and cluster state ----

    private AckRecorder.Ack awaitAckSentAfter(long ns) {
        AckRecorder.Ack[] first = {null};
        await("an acknowledgement of a record sent after the event", () -> {
            first[0] = producer.firstAckSentAfter(ns);
            return first[0] != null;
        }, 5);
        return first[0];
    }

    /** Polls the metadata on a thread of its own; the result holds the time (TIME.nanoseconds) it first named another leader. */
    private AtomicLong watchForLeaderOtherThan(int old) {
        AtomicLong seenNs = new AtomicLong();
        Thread t = new Thread(() -> {
            long deadline = TIME.nanoseconds() + WAIT.toNanos();
            while (seenNs.get() == 0 && TIME.nanoseconds() < deadline) {
                try {
                    Node leader = partition().leader();
                    if (leader != null && leader.id() >= 0 && leader.id() != old) {
                        seenNs.set(TIME.nanoseconds());
                    }
                } catch (Exception e) {
                    // The cluster is changing; poll again.
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }, "leader-watch");
        t.setDaemon(true);
        t.start();
        return seenNs;
    }

    private void awaitNonZero(AtomicLong value) {
        await("the new leader in the metadata", () -> value.get() != 0);
    }

    private void awaitFullIsr() {
        await("a leader and an ISR of 3", () -> {
            TopicPartitionInfo p = partition();
            return p.leader() != null && p.leader().id() >= 0 && p.isr().size() == 3
                && brokers.stream().allMatch(BenchBroker::isAlive);
        });
    }

    /** At least 200 more acknowledgements than now. */
    private void awaitProgress(String when) {
        int target = producer.ackCount() + 200;
        await("200 more acknowledgements " + when, () -> producer.ackCount() >= target);
    }

    private TopicPartitionInfo partition() throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(5, TimeUnit.SECONDS).get(TOPIC).partitions()
            .get(0);
    }

    private int leaderOf() throws Exception {
        Node leader = partition().leader();
        return leader == null ? -1 : leader.id();
    }

    private int controllerId() throws Exception {
        Node controller = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
        return controller == null ? -1 : controller.id();
    }

    private static void await(String what, Callable<Boolean> condition) {
        await(what, condition, 50);
    }

    private static void await(String what, Callable<Boolean> condition, long pollMs) {
        long deadline = TIME.nanoseconds() + WAIT.toNanos();
        Exception last = null;
        while (TIME.nanoseconds() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMs));
        }
        throw new IllegalStateException("timed out after " + WAIT + " waiting for " + what
            + (last == null ? "" : " (last error: " + last + ")"), last);
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static long ms(long ns) {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }

    private static void log(String format, Object... args) {
        System.out.printf("[%6.1f s] %s%n", (TIME.nanoseconds() - START_NS) / 1e9, String.format(format, args));
    }

    private static String required(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
