package io.weir.broker.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaManager;
import io.weir.coordinator.group.GroupCoordinator;
import io.weir.coordinator.group.RequestContext;

/**
 * Consumer group gauges, read from this broker's group coordinator at scrape time: groups by
 * state and type, and the lag of every group's committed offset on each partition this broker
 * leads (high watermark minus committed offset) — the lag Kafka itself does not export.
 *
 * <p>Thread-safe: {@link #refresh} runs on the scraping thread; the coordinator answers on its own
 * threads and the refresh waits for it a bounded time.
 */
public final class GroupMetrics {

    static final String GROUPS = "weir_groups";
    static final String LAG = "weir_group_lag";

    private static final Logger LOG = LoggerFactory.getLogger(GroupMetrics.class);
    private static final long TIMEOUT_MS = 2_000;
    private static final RequestContext CONTEXT = new RequestContext((short) 9, "weir-metrics", "/127.0.0.1");

    private final GroupCoordinator coordinator;
    private final ReplicaManager replicaManager;
    private final MultiGauge groups;
    private final MultiGauge lag;

    public GroupMetrics(MeterRegistry registry, GroupCoordinator coordinator, ReplicaManager replicaManager) {
        this.coordinator = coordinator;
        this.replicaManager = replicaManager;
        this.groups = MultiGauge.builder(GROUPS).description("Consumer groups on this coordinator, by state and type")
            .register(registry);
        this.lag = MultiGauge.builder(LAG).description(
            "High watermark minus the group's committed offset, per partition led by this broker").register(registry);
    }

    /** Re-reads the groups and their committed offsets; called before each scrape. */
    void refresh() {
        try {
            List<ListGroupsResponseData.ListedGroup> listed = coordinator.listGroups(CONTEXT,
                new ListGroupsRequestData()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS).groups();
            groups.register(groupRows(listed), true);
            lag.register(lagRows(listed), true);
        } catch (Exception e) {
            LOG.debug("Group metrics not refreshed: {}", e.toString());
        }
    }

    private static List<MultiGauge.Row<?>> groupRows(List<ListGroupsResponseData.ListedGroup> listed) {
        Map<Tags, Integer> counts = new HashMap<>();
        for (ListGroupsResponseData.ListedGroup g : listed) {
            counts.merge(Tags.of("state", String.valueOf(g.groupState()), "type", String.valueOf(g.groupType())), 1,
                Integer::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((tags, n) -> rows.add(MultiGauge.Row.of(tags, n)));
        return rows;
    }

    private List<MultiGauge.Row<?>> lagRows(List<ListGroupsResponseData.ListedGroup> listed) throws Exception {
        List<OffsetFetchRequestGroup> request = new ArrayList<>();
        for (ListGroupsResponseData.ListedGroup g : listed) {
            request.add(new OffsetFetchRequestGroup().setGroupId(g.groupId()).setTopics(null));
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (request.isEmpty()) {
            return rows;
        }
        for (OffsetFetchResponseGroup group : coordinator.fetchOffsets(CONTEXT, request)
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            for (OffsetFetchResponseTopics topic : group.topics()) {
                for (OffsetFetchResponsePartitions p : topic.partitions()) {
                    addLag(rows, group.groupId(), new TopicPartition(topic.name(), p.partitionIndex()),
                        p.committedOffset());
                }
            }
        }
        return rows;
    }

    private void addLag(List<MultiGauge.Row<?>> rows, String group, TopicPartition tp, long committed) {
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (committed < 0 || partition == null || !partition.isLeader()) {
            return;
        }
        long value = Math.max(0, partition.highWatermark() - committed);
        rows.add(MultiGauge.Row.of(Tags.of("group", group, "topic", tp.topic(),
            "partition", Integer.toString(tp.partition())), value));
    }
}
