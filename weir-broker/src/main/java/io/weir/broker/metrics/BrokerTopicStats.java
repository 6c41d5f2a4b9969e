package io.weir.broker.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weir.broker.server.FetchPartitionResult;

/**
 * Per-topic traffic counters (Kafka's BrokerTopicStats): bytes and messages appended as leader,
 * bytes and messages returned to consumers. A topic's counters are created on its first event and cached by
 * name, so the hot path costs one map lookup and an add per partition per request, never any
 * work per record.
 *
 * <p>Thread-safe: called from request handler and purgatory threads at once.
 */
public final class BrokerTopicStats {

    static final String IN_BYTES = "weir.topic.in.bytes";
    static final String IN_MESSAGES = "weir.topic.in.messages";
    static final String OUT_BYTES = "weir.topic.out.bytes";
    static final String OUT_MESSAGES = "weir.topic.out.messages";

    /** One topic's counters. */
    private record TopicMeters(Counter inBytes, Counter inMessages, Counter outBytes, Counter outMessages) {
    }

    private final MeterRegistry registry;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();

    public BrokerTopicStats(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A successful leader append of {@code validBytes} in {@code numMessages} records. */
    public void onAppend(String topic, int validBytes, int numMessages) {
        TopicMeters m = meters(topic);
        m.inBytes().increment(validBytes);
        m.inMessages().increment(numMessages);
    }

    /** {@code bytes} of records, {@code messages} of them, handed to a consumer (not a follower) for one partition. */
    public void onConsumerFetch(String topic, long bytes, long messages) {
        TopicMeters m = meters(topic);
        m.outBytes().increment(bytes);
        m.outMessages().increment(messages);
    }

    /** Counts the records of every successful partition of a consumer fetch response. */
    public void onConsumerFetch(Map<TopicIdPartition, FetchPartitionResult> results) {
        for (Map.Entry<TopicIdPartition, FetchPartitionResult> e : results.entrySet()) {
            FetchPartitionResult r = e.getValue();
            int bytes = r.sizeInBytes();
            if (r.error() == Errors.NONE && bytes > 0) {
                onConsumerFetch(e.getKey().topic(), bytes, r.offsetsRead());
            }
        }
    }

    private TopicMeters meters(String topic) {
        TopicMeters m = topics.get(topic);
        return m != null ? m : topics.computeIfAbsent(topic, this::register);
    }

    private TopicMeters register(String topic) {
        return new TopicMeters(
            counter(IN_BYTES, topic, "Bytes appended to the topic's partitions led by this broker"),
            counter(IN_MESSAGES, topic, "Records appended to the topic's partitions led by this broker"),
            counter(OUT_BYTES, topic, "Bytes of records returned to consumers from the topic"),
            counter(OUT_MESSAGES, topic, "Records returned to consumers from the topic"));
    }

    private Counter counter(String name, String topic, String help) {
        return Counter.builder(name).tag("topic", topic).description(help).register(registry);
    }
}
