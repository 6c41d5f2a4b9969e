package io.weir.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.weir.common.Time;

/**
 * An idempotent acks=all producer on a thread of its own that sends one small record at a time
 * (send, wait for the acknowledgement, then the next no sooner than {@code intervalNs} after the
 * previous send) and records, for every record, when it was sent and when it was acknowledged, on
 * the given {@link Time}'s nanosecond clock. Record {@code i}'s value is {@code i} as 8 bytes.
 *
 * <p>Thread-safe: the producer thread appends, any thread reads through the synchronized methods.
 */
final class AckRecorder implements AutoCloseable {

    /** One acknowledged record. */
    record Ack(long seq, long sentNs, long ackedNs, long offset) {
    }

    /** One record the producer gave up on (after its own retries). */
    record Failure(long seq, long sentNs, long failedNs, String error) {
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final long intervalNs;
    private final Time time;
    private final List<Ack> acks = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    AckRecorder(String bootstrap, String topic, long intervalNs, Time time) {
        this.time = time;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.intervalNs = intervalNs;
        this.thread = new Thread(this::run, "ack-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long seq = 0;
        long nextSendNs = time.nanoseconds();
        while (running) {
            long waitNs = nextSendNs - time.nanoseconds();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
                continue;
            }
            long sentNs = time.nanoseconds();
            nextSendNs = sentNs + intervalNs;
            byte[] value = ByteBuffer.allocate(8).putLong(seq).array();
            try {
                RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
                long ackedNs = time.nanoseconds();
                synchronized (this) {
                    acks.add(new Ack(seq, sentNs, ackedNs, md.offset()));
                }
            } catch (ExecutionException e) {
                synchronized (this) {
                    failures.add(new Failure(seq, sentNs, time.nanoseconds(), String.valueOf(e.getCause())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            seq++;
        }
    }

    synchronized int ackCount() {
        return acks.size();
    }

    synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** The first acknowledgement of a record sent after {@code ns}, or null if there is none yet. */
    synchronized Ack firstAckSentAfter(long ns) {
        for (int i = acks.size() - 1; i >= 0 && acks.get(i).sentNs() > ns; i--) {
            if (i == 0 || acks.get(i - 1).sentNs() <= ns) {
                return acks.get(i);
            }
        }
        return null;
    }

    /** The longest time between two consecutive acknowledgements where the later one falls in [fromNs, toNs]. */
    synchronized long longestAckGapNs(long fromNs, long toNs) {
        long longest = 0;
        for (int i = 1; i < acks.size(); i++) {
            long at = acks.get(i).ackedNs();
            if (at >= fromNs && at <= toNs) {
                longest = Math.max(longest, at - acks.get(i - 1).ackedNs());
            }
        }
        return longest;
    }

    /** The producer's own counter ({@code producer-metrics} group), e.g. record-retry-total. */
    double producerMetric(String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name)) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return Double.NaN;
    }

    /** Stops sending; the record in flight, if any, is waited for (up to the producer's delivery timeout). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.MINUTES.toMillis(3));
        producer.close();
    }
}
