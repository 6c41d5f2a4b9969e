package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weir.broker.server.FetchPartitionResult;

class BrokerTopicStatsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BrokerTopicStats stats = new BrokerTopicStats(registry);

    @Test
    void appendsCountBytesAndMessagesPerTopic() {
        stats.onAppend("orders", 100, 3);
        stats.onAppend("orders", 50, 2);
        stats.onAppend("payments", 10, 1);

        assertThat(count(BrokerTopicStats.IN_BYTES, "orders")).isEqualTo(150.0);
        assertThat(count(BrokerTopicStats.IN_MESSAGES, "orders")).isEqualTo(5.0);
        assertThat(count(BrokerTopicStats.IN_BYTES, "payments")).isEqualTo(10.0);
        assertThat(count(BrokerTopicStats.IN_MESSAGES, "payments")).isEqualTo(1.0);
        assertThat(registry.find(BrokerTopicStats.IN_BYTES).counters()).hasSize(2);
    }

    @Test
    void consumerFetchesCountTheBytesAndMessagesOfSuccessfulPartitionsOnly() {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
        Uuid id = Uuid.randomUuid();
        LinkedHashMap<TopicIdPartition, FetchPartitionResult> results = new LinkedHashMap<>();
        results.put(new TopicIdPartition(id, 0, "orders"), new FetchPartitionResult(Errors.NONE, 1, 1, 0, records, 1L));
        results.put(new TopicIdPartition(id, 1, "orders"), new FetchPartitionResult(Errors.NONE, 1, 1, 0, records, 3L));
        results.put(new TopicIdPartition(id, 2, "orders"), FetchPartitionResult.error(Errors.NOT_LEADER_OR_FOLLOWER));
        results.put(new TopicIdPartition(id, 3, "orders"),
            new FetchPartitionResult(Errors.NONE, 1, 1, 0, MemoryRecords.EMPTY, 0L));

        stats.onConsumerFetch(results);
        stats.onConsumerFetch(results);

        assertThat(count(BrokerTopicStats.OUT_BYTES, "orders")).isEqualTo(4.0 * records.sizeInBytes());
        assertThat(count(BrokerTopicStats.OUT_MESSAGES, "orders")).isEqualTo(8.0);
        assertThat(count(BrokerTopicStats.IN_BYTES, "orders")).isZero();
    }

    private double count(String name, String topic) {
        return registry.get(name).tag("topic", topic).counter().count();
    }
}
