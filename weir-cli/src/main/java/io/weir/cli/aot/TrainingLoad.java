package io.weir.cli.aot;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.weir.common.Time;

/**
 * The client side of the launcher's AOT training run (see {@link AotTraining}): a little of each
 * kind of traffic a broker serves, so that the training JVM loads and links the classes of every
 * request path. It runs in a JVM of its own, so that the client's classes stay out of the
 * broker's cache.
 *
 * <ol>
 * <li>acks=1, 100-byte records, one partition, as fast as the client batches them;</li>
 * <li>acks=all with idempotence, 1 KiB records over six replicated partitions;</li>
 * <li>acks=all, one record per request, each awaited (many small requests);</li>
 * <li>all along, a consumer group at the tail (long-poll fetches that data wakes up); at the end,
 * another group reads both topics from the start (large fetches from the files).</li>
 * </ol>
 * Each producing phase stops at its duration or when it has sent its byte budget, whichever
 * comes first, which bounds the disk the run uses.
 *
 * <p>Threading: the phases run one after another on the calling thread; the tail consumer polls
 * on a thread of its own.
 */
public final class TrainingLoad {

    static final String ONE_PARTITION = "weir-aot-one";
    static final String SIX_PARTITIONS = "weir-aot-six";
    private static final List<String> TOPICS = List.of(ONE_PARTITION, SIX_PARTITIONS);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long the consumers may take to read everything acknowledged; they stop as soon as they have. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final Duration phase;
    private final long bytesPerPhase;
    private final Time time = Time.SYSTEM;

    /** What one run did: records acknowledged, and read by the tail group and by the group from the start. */
    public record Summary(long produced, long consumedAtTail, long consumedFromStart) {
    }

    TrainingLoad(String bootstrap, Duration phase, long bytesPerPhase) {
        this.bootstrap = bootstrap;
        this.phase = phase;
        this.bytesPerPhase = bytesPerPhase;
    }

    /** {@code TrainingLoad BOOTSTRAP PHASE_MS BYTES_PER_PHASE}; exits 1 (an exception) when a phase fails. */
    public static void main(String[] args) throws Exception {
        Summary summary = new TrainingLoad(args[0], Duration.ofMillis(Long.parseLong(args[1])),
            Long.parseLong(args[2])).run();
        System.out.println("weir aot training load: " + summary);
    }

    Summary run() throws Exception {
        createTopics();
        try (TailConsumer tail = TailConsumer.start(consumerConfig("weir-aot-tail"), time)) {
            long produced = produce(ONE_PARTITION, 100, Map.of(ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false), false);
            produced += produce(SIX_PARTITIONS, 1024, Map.of(ProducerConfig.ACKS_CONFIG, "all"), false);
            produced += produce(SIX_PARTITIONS, 100, Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), true);
            long atTail = tail.awaitCount(produced, CATCH_UP_TIMEOUT);
            return new Summary(produced, atTail, consumeFromStart(produced));
        }
    }

    private void createTopics() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            short replicas = (short) Math.min(2, admin.describeCluster().nodes().get().size());
            admin.createTopics(List.of(new NewTopic(ONE_PARTITION, 1, replicas),
                new NewTopic(SIX_PARTITIONS, 6, replicas))).all().get();
        }
    }

    /** Sends records until the phase's time or byte budget runs out; returns how many were acknowledged. */
    private long produce(String topic, int valueBytes, Map<String, Object> settings, boolean oneByOne)
        throws Exception {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long deadlineNs = time.nanoseconds() + phase.toNanos();
        byte[] value = new byte[valueBytes];
        long records = bytesPerPhase / valueBytes;
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records && time.nanoseconds() < deadlineNs && failure.get() == null; i++) {
                var sent = producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
                if (oneByOne) {
                    sent.get();
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed", failure.get());
        }
        return acknowledged.get();
    }

    private long consumeFromStart(long expected) {
        long deadlineNs = time.nanoseconds() + CATCH_UP_TIMEOUT.toNanos();
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig("weir-aot-start"))) {
            consumer.subscribe(TOPICS);
            while (count < expected && time.nanoseconds() < deadlineNs) {
                count += consumer.poll(POLL).count();
            }
            consumer.commitSync();
        }
        return count;
    }

    private Map<String, Object> consumerConfig(String group) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    }

    /** A group member that polls both topics on its own thread until closed, counting what it reads. */
    private static final class TailConsumer implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Time time;
        private final Thread thread;
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private long count; // guarded by this
        private boolean stopped; // guarded by this

        private TailConsumer(Map<String, Object> config, Time time) {
            this.consumer = new KafkaConsumer<>(config);
            this.time = time;
            this.thread = new Thread(this::pollUntilClosed, "weir-aot-tail-consumer");
        }

        static TailConsumer start(Map<String, Object> config, Time time) {
            TailConsumer tail = new TailConsumer(config, time);
            tail.thread.start();
            return tail;
        }

        private void pollUntilClosed() {
            try (consumer) {
                consumer.subscribe(TOPICS);
                while (running) {
                    onRecords(consumer.poll(POLL).count());
                }
                consumer.commitSync();
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                onStopped();
            }
        }

        private synchronized void onStopped() {
            stopped = true;
            notifyAll();
        }

        private synchronized void onRecords(int records) {
            count += records;
            notifyAll();
        }

        /** Waits until the member has read {@code expected} records, or stopped, or timed out; returns its count. */
        synchronized long awaitCount(long expected, Duration timeout) throws InterruptedException {
            long deadlineNs = time.nanoseconds() + timeout.toNanos();
            for (long leftNs = timeout.toNanos(); count < expected && !stopped && leftNs > 0;
                 leftNs = deadlineNs - time.nanoseconds()) {
                TimeUnit.NANOSECONDS.timedWait(this, leftNs);
            }
            return count;
        }

        /** Stops the polling and waits for the member to leave its group; rethrows what failed its thread. */
        @Override
        public void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }
}
