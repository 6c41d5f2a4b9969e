package io.weir.broker.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.ZkStore;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;

/**
 * Applies what the controller tells this broker (Kafka's LeaderAndIsr, UpdateMetadata and
 * StopReplica) to the {@link MetadataCache} and the local partitions, and topic config changes
 * from ZooKeeper to the logs; then tells the {@link MetadataListener} (the group coordinator)
 * what changed. Requests from an older controller epoch are refused with STALE_CONTROLLER_EPOCH.
 *
 * <p>Thread-safe: every method synchronizes on this loader, so controller requests and
 * ZooKeeper config events are applied one at a time.
 */
public final class MetadataLoader {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataLoader.class);

    private final ZkStore zk;
    private final MetadataCache cache;
    private final ReplicaManager replicaManager;
    private final LogManager logManager;
    private final Map<String, Object> topicDefaults;
    private volatile MetadataListener listener = MetadataListener.NONE;
    private int metadataControllerEpoch = -1;

    public MetadataLoader(ZkStore zk, MetadataCache cache, ReplicaManager replicaManager, LogManager logManager,
                          Map<String, Object> topicDefaults) {
        this.zk = zk;
        this.cache = cache;
        this.replicaManager = replicaManager;
        this.logManager = logManager;
        this.topicDefaults = topicDefaults;
    }

    /** Registers the one listener told of applied changes (set before the first request). */
    public void setListener(MetadataListener listener) {
        this.listener = listener;
    }

    /** The partitions this broker leads or follows now; the group coordinator follows leadership. */
    public synchronized ReplicaManager.LeaderAndIsrOutcome onLeaderAndIsr(BrokerRequest.LeaderAndIsrRequest request) {
        ReplicaManager.LeaderAndIsrOutcome outcome = replicaManager.becomeLeaderOrFollower(request, this::topicConfig);
        for (Partition p : outcome.changed()) {
            listener.onPartitionApplied(p);
        }
        return outcome;
    }

    /** Live brokers and partition states for the cache, from which every broker answers Metadata. */
    public synchronized Errors onUpdateMetadata(BrokerRequest.UpdateMetadataRequest request) {
        if (request.controllerEpoch() < Math.max(metadataControllerEpoch, replicaManager.controllerEpoch())) {
            LOG.info("Ignoring UpdateMetadata of controller epoch {} (current {})", request.controllerEpoch(),
                metadataControllerEpoch);
            return Errors.STALE_CONTROLLER_EPOCH;
        }
        metadataControllerEpoch = request.controllerEpoch();
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (LiveBroker b : request.liveBrokers()) {
            brokers.add(new BrokerRegistration(b.id(), b.endpoints(), b.rack()));
        }
        List<MetadataCache.TopicPartitionUpdate> updates = new ArrayList<>();
        for (BrokerRequest.PartitionInfo p : request.partitions()) {
            updates.add(new MetadataCache.TopicPartitionUpdate(p.partition().topic(), p.topicId(),
                new MetadataCache.PartitionInfo(p.partition().partition(), p.replicas(), p.leader(), p.leaderEpoch(),
                    p.isr())));
        }
        Map<String, Integer> removed = cache.applyUpdate(brokers, updates, request.full());
        removed.forEach((topic, partitions) -> {
            LOG.info("Topic {} left the metadata", topic);
            listener.onTopicDeleted(topic, partitions);
        });
        listener.onMetadataChanged(cache.snapshot());
        return Errors.NONE;
    }

    /** Stop following (and maybe delete) partitions. */
    public synchronized ReplicaManager.StopReplicaOutcome onStopReplica(BrokerRequest.StopReplicaRequest request) {
        return replicaManager.stopReplicas(request);
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
