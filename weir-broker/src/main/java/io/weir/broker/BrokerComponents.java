package io.weir.broker;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import io.weir.broker.admin.TopicAdmin;
import io.weir.broker.api.BrokerContext;
import io.weir.broker.control.BrokerControllerChannel;
import io.weir.broker.group.GroupCoordinatorAdapter;
import io.weir.broker.group.OffsetsTopic;
import io.weir.broker.metrics.BrokerTopicStats;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.broker.purgatory.SystemTimer;
import io.weir.broker.server.DelayedFetch;
import io.weir.broker.server.DelayedProduce;
import io.weir.broker.server.FetchSessionCache;
import io.weir.broker.server.IsrWriter;
import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.MetadataLoader;
import io.weir.broker.server.ReadReplicaSelector;
import io.weir.broker.server.ReplicaManager;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerDriver;
import io.weir.cluster.zk.ProducerIdManager;
import io.weir.cluster.zk.ZkStore;
import io.weir.common.Scheduler;
import io.weir.common.Time;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;
import io.weir.storage.LogManagerConfig;
import io.weir.storage.cleaner.CleanerConfig;
import io.weir.storage.cleaner.LogCleanableAdapter;
import io.weir.storage.cleaner.LogCleaner;

/**
 * Wires the broker's in-process parts (everything between the network and ZooKeeper) and stops
 * them again. Kept apart from {@link Broker} so tests can build the same graph.
 *
 * <p>Not thread-safe; built and closed by the broker's lifecycle thread.
 */
final class BrokerComponents implements AutoCloseable {

    private final BrokerContext context;
    private final SystemTimer timer;
    private final LogCleaner cleaner;

    private BrokerComponents(BrokerContext context, SystemTimer timer, LogCleaner cleaner) {
        this.context = context;
        this.timer = timer;
        this.cleaner = cleaner;
    }

    static LogManager startLogManager(BrokerConfig config, ZkStore zk, Scheduler scheduler, Time time) {
        Map<String, Object> defaults = config.topicDefaults();
        LogConfig topicDefaults = LogConfig.fromProps(defaults, Map.of());
        LogManagerConfig lmc = new LogManagerConfig(
            config.logDirs(),
            topicDefaults,
            config.getInt(BrokerConfig.NUM_RECOVERY_THREADS_PER_DATA_DIR),
            config.getLong(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS),
            config.getLong(BrokerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS),
            config.getInt(BrokerConfig.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
            config.getInt(BrokerConfig.LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS),
            config.getLong(BrokerConfig.REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS),
            topicDefaults.fileDeleteDelayMs(),
            config.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_MS),
            config.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS));
        LogManager logManager = new LogManager(lmc, scheduler, time);
        logManager.startup(topic -> LogConfig.fromProps(defaults, zk.getTopicConfig(topic)));
        return logManager;
    }

    static BrokerComponents create(BrokerConfig config, String clusterId, ZkStore zk, LogManager logManager,
                                   BrokerTopicStats topicStats, Scheduler scheduler, Time time) {
        MetadataCache cache = new MetadataCache();
        // First: a bad replica.selector.class fails start-up before anything runs.
        ReadReplicaSelector readReplicaSelector = ClusterConfigs.readReplicaSelector(config, cache);
        LogCleaner cleaner = new LogCleaner(CleanerConfig.fromBrokerProps(config.givenSettings()),
            () -> logManager.allLogs().stream().map(log -> LogCleanableAdapter.of(log, time)).toList(), time);
        cleaner.startup();
        SystemTimer timer = new SystemTimer("weir-purgatory", time);
        DelayedOperationPurgatory<DelayedProduce> producePurgatory = new DelayedOperationPurgatory<>("Produce", timer);
        DelayedOperationPurgatory<DelayedFetch> fetchPurgatory = new DelayedOperationPurgatory<>("Fetch", timer);
        ReplicaManager replicaManager = new ReplicaManager(config.brokerId(), logManager, cleaner, producePurgatory,
            fetchPurgatory, topicStats, ClusterConfigs.replicaConfig(config), isrWriter(zk),
            readReplicaSelector, scheduler, time);
        replicaManager.setBrokerEpoch(() -> registeredEpoch(zk, config.brokerId()));
        MetadataLoader loader = new MetadataLoader(zk, cache, replicaManager, logManager, config.topicDefaults());
        ControllerDriver controller = new ControllerDriver(zk, config.brokerId(),
            ClusterConfigs.controllerDriverConfig(config),
            new BrokerControllerChannel(config.getInt(ClusterConfigs.CONTROLLER_SOCKET_TIMEOUT_MS), time), time);
        TopicAdmin topicAdmin = new TopicAdmin(zk, cache, config);
        GroupCoordinatorConfig groupConfig = GroupCoordinatorConfig.fromProperties(config.givenSettings());
        GroupCoordinatorAdapter groups = new GroupCoordinatorAdapter(groupConfig, replicaManager, scheduler, time);
        loader.setListener(groups);
        BrokerContext ctx = new BrokerContext(config, clusterId, time, zk, cache, loader, replicaManager,
            logManager, topicAdmin, new ProducerIdManager(zk, config.brokerId()),
            new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots(), time, replicaManager::hosted,
                replicaManager.sessionPartitions()), groups,
            new OffsetsTopic(topicAdmin, cache, groupConfig), controller);
        return new BrokerComponents(ctx, timer, cleaner);
    }

    /**
     * The epoch of this broker's registration as it is now (read on the control plane's thread, once
     * per LeaderAndIsr or StopReplica); unknown while it is not registered or ZooKeeper cannot answer,
     * and then requests are not fenced by it.
     */
    private static long registeredEpoch(ZkStore zk, int brokerId) {
        try {
            return zk.brokerEpoch(brokerId);
        } catch (RuntimeException e) {
            return BrokerRequest.UNKNOWN_BROKER_EPOCH;
        }
    }

    /**
     * A leader's ISR change: a conditional write of the partition state, then a notification the
     * controller watches (Kafka's {@code /isr_change_notification}).
     */
    private static IsrWriter isrWriter(ZkStore zk) {
        return (tp, state, expectedZkVersion) -> {
            OptionalInt version = zk.updatePartitionState(tp, state, expectedZkVersion);
            if (version.isPresent()) {
                zk.createIsrChangeNotification(Set.of(tp));
            }
            return version;
        };
    }

    BrokerContext context() {
        return context;
    }

    @Override
    public void close() throws InterruptedException {
        context.groups().close();
        cleaner.shutdown();
        context.replicaManager().close();
        timer.close();
    }
}
