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

import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;


import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.apache.kafka.common.TopicPartition;



import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;

/**
 * A single in-process Weir broker on a free loopback port with its data (logs and embedded
 * ZooKeeper) in a temp directory, for tests driving it with the real Kafka clients.
 * {@link #restart()} keeps the data; {@link #close()} stops the broker and deletes the data.
 */
public final class WeirTestBroker implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private Broker broker;
    private int port;

    private WeirTestBroker(Path dataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    public static WeirTestBroker start() throws IOException {
        return start(Map.of());
    }

    public static WeirTestBroker start(Map<String, String> overrides) throws IOException {
        WeirTestBroker b = new WeirTestBroker(Files.createTempDirectory("weir-test"), overrides);
        b.startBroker(0);
        return b;
    }

    private void startBroker(int listenPort) {
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + listenPort);
        props.put(BrokerConfig.LOG_DIRS, dataDir.resolve("logs").toString());
        props.put(BrokerConfig.EMBEDDED_ZOOKEEPER_DIR, dataDir.resolve("zookeeper").toString());
        props.put(BrokerConfig.METRICS_PORT, "0");
        props.putAll(overrides);
        broker = new Broker(BrokerConfig.fromProperties(props));
        broker.startup();
        port = broker.boundPort();
    }

    /** Stops the broker cleanly and starts it again on the same port with the same data. */
    public void restart() {
        broker.shutdown();
        startBroker(port);
    }

    public Broker broker() {
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
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

    /**
     * Reads the partitions from their beginning until {@code expected} records arrived or 60 s
     * passed, and returns what was read (the caller asserts on it).
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeFromBeginning(List<TopicPartition> partitions, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads the partitions from their beginning up to their current end offsets (at most 60 s). */
    public List<ConsumerRecord<byte[], byte[]>> consumeToEnd(List<TopicPartition> partitions) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** All partitions {@code 0..count-1} of a topic. */
    public static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    @Override
    public void close() throws IOException {
        if (broker != null) {
            broker.shutdown();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
