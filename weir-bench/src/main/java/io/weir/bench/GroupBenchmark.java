package io.weir.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;
import io.weir.common.Time;

/**
 * Consumer group figures against an in-process Weir broker, with the real Java consumer:
 * the time from one more member's join to a stable group of 51 (classic protocol vs KIP-848),
 * and offset commits per second to one coordinator. Run: {@code bench/groups.sh}.
 */
public final class GroupBenchmark {

    private static final int MEMBERS = 50;
    private static final int PARTITIONS = 102;

    private GroupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("weir-group-bench");
        Map<String, String> props = new HashMap<>(Map.of(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0",
            BrokerConfig.LOG_DIRS, dir.resolve("logs").toString(), BrokerConfig.EMBEDDED_ZOOKEEPER_DIR,
            dir.resolve("zk").toString(), BrokerConfig.METRICS_PORT, "0", "group.initial.rebalance.delay.ms", "0"));
        Broker broker = new Broker(BrokerConfig.fromProperties(props));
        broker.startup();
        try {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("bench-groups", PARTITIONS, (short) 1))).all().get();
            }
            for (String protocol : List.of("classic", "consumer")) {
                long ms = joinToStableMs(bootstrap, protocol);
                System.out.printf("join of member %d to a stable group, %s protocol: %d ms%n", MEMBERS + 1, protocol,
                    ms);
            }
            System.out.printf("offset commits per second to one coordinator (4 committers): %.0f%n",
                commitsPerSecond(bootstrap));
        } finally {
            broker.shutdown();
            BenchLogs.deleteRecursively(dir);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, String protocol) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** One thread per member polls and publishes its assignment size. */
    private static final class Member implements Runnable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final Map<Integer, Integer> sizes;
        final int id;
        final AtomicBoolean running;

        Member(KafkaConsumer<byte[], byte[]> consumer, Map<Integer, Integer> sizes, int id, AtomicBoolean running) {
            this.consumer = consumer;
            this.sizes = sizes;
            this.id = id;
            this.running = running;
        }

        @Override
        public void run() {
            try (consumer) {
                consumer.subscribe(List.of("bench-groups"));
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(20));
                    sizes.put(id, consumer.assignment().size());
                }
            }
        }
    }

    private static long joinToStableMs(String bootstrap, String protocol) throws Exception {
        Map<Integer, Integer> sizes = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        String group = "bench-" + protocol;
        for (int i = 0; i < MEMBERS; i++) {
            threads.add(start(new Member(consumer(bootstrap, group, protocol), sizes, i, running)));
        }
        awaitStable(sizes, MEMBERS);
        long start = Time.SYSTEM.nanoseconds();
        threads.add(start(new Member(consumer(bootstrap, group, protocol), sizes, MEMBERS, running)));
        awaitStable(sizes, MEMBERS + 1);
        long elapsedMs = (Time.SYSTEM.nanoseconds() - start) / 1_000_000;
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return elapsedMs;
    }

    private static Thread start(Runnable task) {
        Thread t = new Thread(task, "bench-member");
        t.start();
        return t;
    }

    /** Every member holds partitions and together they hold each partition once. */
    private static void awaitStable(Map<Integer, Integer> sizes, int members) {
        long deadline = Time.SYSTEM.nanoseconds() + Duration.ofMinutes(3).toNanos();
        while (Time.SYSTEM.nanoseconds() < deadline) {
            if (sizes.size() == members && sizes.values().stream().allMatch(s -> s > 0)
                    && sizes.values().stream().mapToInt(Integer::intValue).sum() == PARTITIONS) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("group of " + members + " not stable within 3 minutes: " + sizes);
    }

    private static double commitsPerSecond(String bootstrap) throws Exception {
        int committers = 4;
        long durationMs = 10_000;
        AtomicLong commits = new AtomicLong();
        CountDownLatch done = new CountDownLatch(committers);
        long start = Time.SYSTEM.hiResClockMs();
        for (int c = 0; c < committers; c++) {
            int index = c;
            start(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "bench-commits", "classic")) {
                    TopicPartition tp = new TopicPartition("bench-groups", index);
                    long offset = 0;
                    while (Time.SYSTEM.hiResClockMs() - start < durationMs) {
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(++offset)));
                        commits.incrementAndGet();
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        return commits.get() * 1000.0 / (Time.SYSTEM.hiResClockMs() - start);
    }
}
