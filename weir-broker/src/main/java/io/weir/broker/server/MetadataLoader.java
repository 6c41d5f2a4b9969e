package io.weir.broker.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.cluster.zk.TopicAssignment;
import io.weir.cluster.zk.ZkStore;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;

/**
 * Turns what ZooKeeper says about topics, partition states, topic configs and brokers into this
 * broker's {@link MetadataCache} and local partitions (the role the controller's LeaderAndIsr and
 * UpdateMetadata requests will take in a cluster). Applying the same state twice changes nothing.
 *
 * <p>Thread-safe: every method synchronizes on this loader, so ZooKeeper watch events and direct
 * calls after an admin write are applied one at a time.
 */
public final class MetadataLoader {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataLoader.class);

    private final int localBrokerId;
    private final ZkStore zk;
    private final MetadataCache cache;
    private final ReplicaManager replicaManager;
    private final LogManager logManager;
    private final Map<String, Object> topicDefaults;
    private volatile MetadataListener listener = MetadataListener.NONE;

    public MetadataLoader(int localBrokerId, ZkStore zk, MetadataCache cache, ReplicaManager replicaManager,
                          LogManager logManager, Map<String, Object> topicDefaults) {
        this.localBrokerId = localBrokerId;
        this.zk = zk;
        this.cache = cache;
        this.replicaManager = replicaManager;
        this.logManager = logManager;
        this.topicDefaults = topicDefaults;
    }

    /** Registers the one listener told of applied changes (set before {@link #loadAll()}). */
    public void setListener(MetadataListener listener) {
        this.listener = listener;
    }

    /** Loads every topic and broker; called once at start-up. */
    public synchronized void loadAll() {
        onBrokersChanged();
        for (TopicAssignment t : zk.getAllTopics().values()) {
            onTopicChanged(t);
        }
    }

    public synchronized void onBrokersChanged() {
        List<BrokerRegistration> brokers = zk.getAllBrokers();
        cache.updateBrokers(brokers);
    }

    /** A topic was created or its partitions changed: refresh it and the local replicas. */
    public synchronized void onTopicChanged(TopicAssignment assignment) {
        String topic = assignment.topic();
        Map<TopicPartition, LeaderAndIsr> states = zk.getPartitionStates(topic);
        Map<Integer, MetadataCache.PartitionInfo> partitions = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : assignment.partitions().entrySet()) {
            LeaderAndIsr state = states.get(new TopicPartition(topic, e.getKey()));
            MetadataCache.PartitionInfo info = state == null
                ? new MetadataCache.PartitionInfo(e.getKey(), e.getValue(), -1, -1, List.of())
                : new MetadataCache.PartitionInfo(e.getKey(), e.getValue(), state.leader(), state.leaderEpoch(),
                    state.isr());
            partitions.put(e.getKey(), info);
        }
        cache.updateTopic(new MetadataCache.TopicInfo(topic, assignment.topicId(), partitions));
        LogConfig config = topicConfig(topic);
        for (MetadataCache.PartitionInfo info : partitions.values()) {
            if (info.replicas().contains(localBrokerId) && info.leader() >= 0) {
                TopicIdPartition tip = new TopicIdPartition(assignment.topicId(), info.partition(), topic);
                Partition p = replicaManager.applyPartitionState(tip, info, config);
                replicaManager.onHighWatermarkUpdated(p.topicPartition());
                listener.onPartitionApplied(p);
            }
        }
        listener.onMetadataChanged(cache.snapshot());
    }

    /** Re-reads one topic from ZooKeeper and applies it (after this broker wrote it). */
    public synchronized void refreshTopic(String topic) {
        zk.getTopic(topic).ifPresentOrElse(this::onTopicChanged, () -> onTopicDeleted(topic));
    }

    /** A topic was deleted: forget it and delete its local logs. */
    public synchronized void onTopicDeleted(String topic) {
        MetadataCache.TopicInfo info = cache.topic(topic).orElse(null);
        cache.removeTopic(topic);
        if (info == null) {
            return;
        }
        for (int p : info.partitions().keySet()) {
            replicaManager.stopReplica(new TopicPartition(topic, p), true);
        }
        listener.onTopicDeleted(topic, info.numPartitions());
        listener.onMetadataChanged(cache.snapshot());
        LOG.info("Topic {} removed from this broker", topic);
    }

    /** A topic's dynamic configs changed: the logs take them at once. */
    public synchronized void onTopicConfigChanged(String topic, Map<String, String> overrides) {
        try {
            logManager.updateTopicConfig(topic, LogConfig.fromProps(topicDefaults, overrides));
        } catch (RuntimeException e) {
            LOG.warn("Ignoring invalid config for topic {}: {}", topic, e.getMessage());
        }
    }

    /** The effective config of a topic: broker defaults overlaid with its ZooKeeper overrides. */
    public LogConfig topicConfig(String topic) {
        return LogConfig.fromProps(topicDefaults, zk.getTopicConfig(topic));
    }
}
