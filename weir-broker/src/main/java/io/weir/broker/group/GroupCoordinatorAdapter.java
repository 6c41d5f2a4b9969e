package io.weir.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.MetadataListener;
import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaManager;
import io.weir.common.Scheduler;
import io.weir.common.Time;
import io.weir.coordinator.group.GroupCoordinator;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.coordinator.group.TopicsImage;
import io.weir.coordinator.group.record.GroupCoordinatorRecordSerde;

/**
 * Connects the group coordinator (weir-coordinator) to this broker: its records go to and come
 * from {@code __consumer_offsets} through the replica manager, it loads a partition's groups
 * when this broker becomes that partition's leader and drops them when it stops being leader,
 * and it sees topic changes (partition counts, deletions) as they reach the metadata cache.
 *
 * <p>Thread-safe: leadership callbacks come from the metadata thread; the coordinator runs its
 * shards on its own threads.
 */
public final class GroupCoordinatorAdapter implements MetadataListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinatorAdapter.class);

    private final GroupCoordinator coordinator;
    private final ExecutorService shardExecutor;
    private final ExecutorService loaderExecutor;
    private final Map<Integer, Integer> loadedEpochs = new ConcurrentHashMap<>();

    public GroupCoordinatorAdapter(GroupCoordinatorConfig config, ReplicaManager replicaManager, Scheduler scheduler,
                                   Time time) {
        GroupCoordinatorRecordSerde serde = new GroupCoordinatorRecordSerde();
        this.shardExecutor = Executors.newFixedThreadPool(config.numThreads(), daemon("weir-group-coordinator"));
        this.loaderExecutor = Executors.newSingleThreadExecutor(daemon("weir-group-loader"));
        this.coordinator = new GroupCoordinator(config, time, scheduler, shardExecutor,
            new OffsetsTopicWriter(replicaManager, serde, time, config.offsetsCommitTimeoutMs()),
            new OffsetsTopicLoader(replicaManager, serde, loaderExecutor));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    /** Loads or unloads groups when a {@code __consumer_offsets} partition's leadership changes here. */
    @Override
    public void onPartitionApplied(Partition partition) {
        if (!Topic.GROUP_METADATA_TOPIC_NAME.equals(partition.topicPartition().topic())) {
            return;
        }
        int index = partition.topicPartition().partition();
        if (partition.isLeader()) {
            Integer loaded = loadedEpochs.get(index);
            if (loaded == null || loaded != partition.leaderEpoch()) {
                loadedEpochs.put(index, partition.leaderEpoch());
                LOG.info("Loading groups of {} (leader epoch {})", partition.topicPartition(), partition.leaderEpoch());
                coordinator.onElection(index, partition.leaderEpoch());
            }
        } else {
            onOffsetsPartitionRemoved(index);
        }
    }

    /** This broker no longer leads the partition (or no longer hosts it): unload its groups. */
    public void onOffsetsPartitionRemoved(int index) {
        if (loadedEpochs.remove(index) != null) {
            LOG.info("Unloading groups of {}-{}", Topic.GROUP_METADATA_TOPIC_NAME, index);
            coordinator.onResignation(index);
        }
    }

    /** Topics changed: the coordinator re-checks subscriptions against the new partition counts. */
    @Override
    public void onMetadataChanged(MetadataCache.Snapshot snapshot) {
        List<TopicsImage.Topic> topics = new ArrayList<>();
        snapshot.topics().values().forEach(t -> topics.add(new TopicsImage.Topic(t.name(), t.topicId(),
            t.numPartitions())));
        coordinator.onNewMetadataImage(new TopicsImage(topics));
    }

    /** A topic was deleted: its committed offsets go too (and its groups if it is the offsets topic). */
    @Override
    public void onTopicDeleted(String topic, int numPartitions) {
        if (Topic.GROUP_METADATA_TOPIC_NAME.equals(topic)) {
            new ArrayList<>(loadedEpochs.keySet()).forEach(this::onOffsetsPartitionRemoved);
            return;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < numPartitions; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        coordinator.onPartitionsDeleted(partitions);
    }

    @Override
    public void close() throws InterruptedException {
        coordinator.close();
        for (ExecutorService executor : List.of(shardExecutor, loaderExecutor)) {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
