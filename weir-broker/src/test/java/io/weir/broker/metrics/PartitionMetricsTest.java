package io.weir.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.MetadataCache.PartitionInfo;
import io.weir.broker.server.Partition;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;

class PartitionMetricsTest {

    private static final int BROKER_ID = 1;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Partition> hosted = new ArrayList<>();
    private final MetadataCache cache = new MetadataCache();
    private final PartitionMetrics metrics = new PartitionMetrics(registry, () -> hosted, cache, BROKER_ID);

    @AfterEach
    void closeLogs() {
        hosted.forEach(p -> p.log().close());
    }

    @Test
    void countsHostedLeaderUnderReplicatedAndUnderMinIsrPartitions() {
        Partition healthy = partition("a", 0, 2);
        healthy.makeLeaderOrFollower(BROKER_ID, 0, List.of(1, 2), List.of(1, 2));
        Partition shrunk = partition("a", 1, 2);
        shrunk.makeLeaderOrFollower(BROKER_ID, 0, List.of(1, 2, 3), List.of(1));
        Partition follower = partition("b", 0, 1);
        follower.makeLeaderOrFollower(2, 0, List.of(1, 2), List.of(2));

        assertThat(gauge(PartitionMetrics.PARTITIONS)).isEqualTo(3.0);
        assertThat(gauge(PartitionMetrics.LEADER_PARTITIONS)).isEqualTo(2.0);
        assertThat(gauge(PartitionMetrics.UNDER_REPLICATED)).isEqualTo(1.0);
        assertThat(gauge(PartitionMetrics.UNDER_MIN_ISR)).isEqualTo(1.0);

        shrunk.makeLeaderOrFollower(BROKER_ID, 1, List.of(1, 2, 3), List.of(1, 2, 3));
        assertThat(gauge(PartitionMetrics.UNDER_REPLICATED)).isZero();
        assertThat(gauge(PartitionMetrics.UNDER_MIN_ISR)).isZero();
        hosted.remove(follower);
        follower.log().close();
        assertThat(gauge(PartitionMetrics.PARTITIONS)).isEqualTo(2.0);
    }

    @Test
    void activeControllerAndOfflinePartitionsFollowTheMetadataCache() {
        cache.updateBrokers(List.of(broker(1), broker(2)));
        cache.updateTopic(new MetadataCache.TopicInfo("t", Uuid.randomUuid(), Map.of(
            0, new PartitionInfo(0, List.of(1), 1, 0, List.of(1)),
            1, new PartitionInfo(1, List.of(3), 3, 0, List.of(3)),
            2, new PartitionInfo(2, List.of(2), -1, 0, List.of()))));

        assertThat(gauge(PartitionMetrics.ACTIVE_CONTROLLER)).isZero();
        assertThat(gauge(PartitionMetrics.OFFLINE)).isZero();

        cache.setControllerId(BROKER_ID);
        assertThat(gauge(PartitionMetrics.ACTIVE_CONTROLLER)).isEqualTo(1.0);
        assertThat(gauge(PartitionMetrics.OFFLINE)).isEqualTo(2.0);

        cache.updateBrokers(List.of(broker(1), broker(2), broker(3)));
        assertThat(gauge(PartitionMetrics.OFFLINE)).isEqualTo(1.0);
    }

    @Test
    void logSizesFollowTheHostedLogsAtEachRefresh() {
        Partition p = partition("sized", 0, 1);
        p.makeLeaderOrFollower(BROKER_ID, 0, List.of(1), List.of(1));
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("value".getBytes()));
        assertThat(p.appendRecordsToLeader(records, (short) 1, 1).info().validBytes())
            .isEqualTo(records.sizeInBytes());

        metrics.refreshLogSizes();
        assertThat(registry.get(PartitionMetrics.LOG_SIZE).tags("topic", "sized", "partition", "0").gauge().value())
            .isEqualTo(records.sizeInBytes());

        hosted.remove(p);
        p.log().close();
        metrics.refreshLogSizes();
        assertThat(registry.find(PartitionMetrics.LOG_SIZE).gauges()).isEmpty();
    }

    @Test
    void isrCountersAreRegisteredAtZero() {
        assertThat(registry.get(PartitionMetrics.ISR_SHRINKS).counter().count()).isZero();
        metrics.onIsrShrink();
        metrics.onIsrExpand();
        metrics.onIsrExpand();
        assertThat(registry.get(PartitionMetrics.ISR_SHRINKS).counter().count()).isEqualTo(1.0);
        assertThat(registry.get(PartitionMetrics.ISR_EXPANDS).counter().count()).isEqualTo(2.0);
    }

    private Partition partition(String topic, int index, int minIsr) {
        TopicPartition tp = new TopicPartition(topic, index);
        LogConfig config = LogConfig.fromProps(Map.of(), Map.of("min.insync.replicas", minIsr));
        Log log = Log.open(dir.resolve(tp.toString()), config, 0L, 0L, true, time, new MockScheduler(time),
            86_400_000L, new LogDirFailureChannel());
        Partition p = new Partition(tp, Uuid.randomUuid(), BROKER_ID, log);
        hosted.add(p);
        return p;
    }

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, List.of(), Optional.empty());
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
