package io.weir.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;


import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.apache.kafka.common.TopicPartition;



import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;
import io.weir.broker.server.MetadataCache;
import io.weir.cluster.zk.EmbeddedZooKeeper;

/**
 * An in-process Weir cluster for integration tests: one embedded ZooKeeper and N brokers on free
 * loopback ports, each with its own log dir under one temp folder. Brokers can be stopped
 * (with or without a controlled shutdown) and restarted on the same port with the same data.
 * {@link #close()} stops everything and deletes the data, also after a failed test.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
public final class WeirCluster implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private final Map<Integer, Map<String, String>> brokerOverrides;
    private final EmbeddedZooKeeper zk;
    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private final Map<Integer, Integer> ports = new HashMap<>();

    private WeirCluster(Path dataDir, Map<String, String> overrides, Map<Integer, Map<String, String>> brokerOverrides,
                        EmbeddedZooKeeper zk) {
        this.dataDir = dataDir;
        this.overrides = overrides;
        this.brokerOverrides = brokerOverrides;
        this.zk = zk;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a cluster to start. */
    public static final class Builder {
        private int brokers = 3;
        private final Map<String, String> overrides = new HashMap<>();
        private final Map<Integer, Map<String, String>> brokerOverrides = new HashMap<>();

        public Builder brokers(int count) {
            this.brokers = count;
            return this;
        }

        /** A broker setting for every broker. */
        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** A setting for broker {@code id} only (e.g. its {@code broker.rack}); wins over {@link #set(String, String)}. */
        public Builder set(int id, String key, String value) {
            brokerOverrides.computeIfAbsent(id, i -> new HashMap<>()).put(key, value);
            return this;
        }

        public WeirCluster start() throws IOException {
            Path dir = Files.createTempDirectory("weir-cluster");
            EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zookeeper"), "127.0.0.1", 0);
            Map<Integer, Map<String, String>> perBroker = new HashMap<>();
            brokerOverrides.forEach((id, settings) -> perBroker.put(id, Map.copyOf(settings)));
            WeirCluster cluster = new WeirCluster(dir, Map.copyOf(overrides), Map.copyOf(perBroker), zk);
            try {
                for (int id = 0; id < brokers; id++) {
                    cluster.startBroker(id);
                }
                cluster.awaitBrokersKnown(brokers);
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }

    private void startBroker(int id) {
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.BROKER_ID, String.valueOf(id));
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + ports.getOrDefault(id, 0));
        props.put(BrokerConfig.LOG_DIRS, dataDir.resolve("broker-" + id).toString());
        props.put(BrokerConfig.ZOOKEEPER_CONNECT, zk.connectString());
        props.put(BrokerConfig.ZOOKEEPER_SESSION_TIMEOUT_MS, "3000");
        props.put(BrokerConfig.METRICS_PORT, "0");
        props.put("controlled.shutdown.retry.backoff.ms", "200");
        props.put("replica.fetch.backoff.ms", "100");
        props.putAll(overrides);
        props.putAll(brokerOverrides.getOrDefault(id, Map.of()));
        Broker broker = new Broker(BrokerConfig.fromProperties(props));
        brokers.put(id, broker);
        broker.startup();
        ports.put(id, broker.boundPort());
    }

    /** Stops a broker the polite way: controlled shutdown first (leaderships move away). */
    public void stop(int id) {
        Broker b = brokers.remove(id);
        if (b != null) {
            b.shutdown();
        }
    }

    /**
     * Stops a broker as a crash would look to the others: no controlled shutdown; its ZooKeeper
     * session closes, so the controller sees it leave at once.
     */
    public void kill(int id) {
        Broker b = brokers.remove(id);
        if (b != null) {
            b.shutdown(false);
        }
    }

    /**
     * Stops the cluster's ZooKeeper, as an ensemble that is lost would look to the brokers: their
     * sessions are suspended, then expire. The brokers keep running.
     */
    public void stopZooKeeper() {
        zk.close();
    }

    /** Starts a stopped broker again on its old port with its data. */
    public void restart(int id) {
        if (brokers.containsKey(id)) {
            stop(id);
        }
        startBroker(id);
    }

    public Broker broker(int id) {
        Broker b = brokers.get(id);
        if (b == null) {
            throw new IllegalArgumentException("broker " + id + " is not running");
        }
        return b;
    }

    public List<Integer> runningBrokers() {
        return new ArrayList<>(brokers.keySet());
    }

    /** The id of the active controller, as the running brokers see it. */
    public Optional<Integer> controllerId() {
        return brokers.values().stream().filter(b -> b.controller().isActive()).map(b -> b.config().brokerId())
            .findFirst();
    }

    /** The leader of a partition as the running brokers' metadata says, or -1. */
    public int leaderOf(TopicPartition tp) {
        for (Broker b : brokers.values()) {
            Optional<MetadataCache.PartitionInfo> info = b.context().metadataCache().partition(tp);
            if (info.isPresent() && info.get().leader() >= 0 && brokers.containsKey(info.get().leader())
                && b.context().replicaManager().partition(tp).map(p -> p.isLeader()).orElse(true)) {
                return info.get().leader();
            }
        }
        return -1;
    }

    /** The ISR the partition's leader holds, or an empty list. */
    public List<Integer> isrOf(TopicPartition tp) {
        int leader = leaderOf(tp);
        if (leader < 0) {
            return List.of();
        }
        return broker(leader).context().replicaManager().partition(tp).map(p -> p.isr()).orElse(List.of());
    }

    public String bootstrapServers() {
        return brokers.values().stream().map(Broker::bootstrapServers).collect(Collectors.joining(","));
    }

    public Admin admin() {
        return TestClients.admin(bootstrapServers());
    }

    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        return TestClients.producer(bootstrapServers(), extra);
    }

    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
        return TestClients.consumer(bootstrapServers(), extra);
    }

    /** Waits until every running broker's metadata lists {@code count} live brokers. */
    public void awaitBrokersKnown(int count) {
        await("every broker to know " + count + " live brokers", Duration.ofSeconds(30),
            () -> brokers.values().stream().allMatch(b -> b.context().metadataCache().aliveBrokers().size() == count));
    }

    /** Polls {@code condition} every 20 ms until it holds; fails the test after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        new ArrayList<>(brokers.keySet()).forEach(this::kill);
        zk.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
