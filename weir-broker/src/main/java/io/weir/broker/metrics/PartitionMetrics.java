package io.weir.broker.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.Partition;

/**
 * Replica and cluster gauges, computed when scraped from the partitions this broker hosts and
 * from its metadata cache: partition and leader counts, under-replicated, under-min-ISR and
 * offline partitions, active controller, and each hosted log's size. Also the ISR shrink and
 * expand counters, counted when this broker as leader wrote an ISR change (the replica manager's
 * {@code IsrChangeListener}); the controller's removal of a dead broker's replica is not one.
 *
 * <p>Thread-safe: gauges read volatile partition state and immutable metadata snapshots;
 * {@link #refreshLogSizes()} is called by the scraping thread.
 */
public final class PartitionMetrics {

    static final String PARTITIONS = "weir.partitions";
    static final String LEADER_PARTITIONS = "weir.leader.partitions";
    static final String UNDER_REPLICATED = "weir.under.replicated.partitions";
    static final String UNDER_MIN_ISR = "weir.under.min.isr.partitions";
    static final String OFFLINE = "weir.offline.partitions";
    static final String ACTIVE_CONTROLLER = "weir.active.controller";
    static final String ISR_SHRINKS = "weir.isr.shrinks";
    static final String ISR_EXPANDS = "weir.isr.expands";
    static final String LOG_SIZE = "weir.log.size";

    private final Supplier<Collection<Partition>> partitions;
    private final MetadataCache metadataCache;
    private final int brokerId;
    private final Counter isrShrinks;
    private final Counter isrExpands;
    private final MultiGauge logSizes;

    public PartitionMetrics(MeterRegistry registry, Supplier<Collection<Partition>> partitions,
                            MetadataCache metadataCache, int brokerId) {
        this.partitions = partitions;
        this.metadataCache = metadataCache;
        this.brokerId = brokerId;
        gauge(registry, PARTITIONS, "Partitions this broker hosts", p -> true);
        gauge(registry, LEADER_PARTITIONS, "Partitions this broker leads", Partition::isLeader);
        gauge(registry, UNDER_REPLICATED, "Partitions led here whose ISR is smaller than their replica set",
            PartitionMetrics::isUnderReplicated);
        gauge(registry, UNDER_MIN_ISR, "Partitions led here whose ISR is smaller than min.insync.replicas",
            PartitionMetrics::isUnderMinIsr);
        Gauge.builder(OFFLINE, this::offlinePartitions)
            .description("Partitions without a live leader (reported by the active controller only)")
            .register(registry);
        Gauge.builder(ACTIVE_CONTROLLER, () -> isActiveController() ? 1 : 0)
            .description("1 if this broker is the active controller, else 0").register(registry);
        isrShrinks = Counter.builder(ISR_SHRINKS).description("Times a partition led here shrank its ISR")
            .register(registry);
        isrExpands = Counter.builder(ISR_EXPANDS).description("Times a partition led here expanded its ISR")
            .register(registry);
        logSizes = MultiGauge.builder(LOG_SIZE).baseUnit("bytes")
            .description("Size of a hosted partition's log (all segments)").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String help, Predicate<Partition> which) {
        Gauge.builder(name, () -> count(which)).description(help).register(registry);
    }

    private int count(Predicate<Partition> which) {
        int n = 0;
        for (Partition p : partitions.get()) {
            if (which.test(p)) {
                n++;
            }
        }
        return n;
    }

    static boolean isUnderReplicated(Partition p) {
        return p.isLeader() && p.isr().size() < p.replicas().size();
    }

    static boolean isUnderMinIsr(Partition p) {
        return p.isLeader() && p.isr().size() < p.log().config().minInSyncReplicas();
    }

    boolean isActiveController() {
        return metadataCache.snapshot().controllerId() == brokerId;
    }

    /** Partitions with no leader or a leader that is not a live broker, as the controller sees them. */
    int offlinePartitions() {
        if (!isActiveController()) {
            return 0;
        }
        MetadataCache.Snapshot s = metadataCache.snapshot();
        int n = 0;
        for (MetadataCache.TopicInfo topic : s.topics().values()) {
            for (MetadataCache.PartitionInfo p : topic.partitions().values()) {
                if (p.leader() < 0 || !s.brokers().containsKey(p.leader())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Re-reads the set of hosted logs for the log size gauges; called before each scrape. */
    void refreshLogSizes() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Partition p : partitions.get()) {
            Tags tags = Tags.of("topic", p.topicPartition().topic(),
                "partition", Integer.toString(p.topicPartition().partition()));
            rows.add(MultiGauge.Row.of(tags, p.log(), log -> log.size()));
        }
        logSizes.register(rows, true);
    }

    /** A partition led here removed followers from its ISR. */
    public void onIsrShrink() {
        isrShrinks.increment();
    }

    /** A partition led here added a caught-up follower back to its ISR. */
    public void onIsrExpand() {
        isrExpands.increment();
    }
}
