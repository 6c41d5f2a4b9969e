package io.weir.cluster.zk;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;

/**
 * Weir's view of ZooKeeper: cluster id, broker registration, topics, partition states, configs,
 * producer id blocks and watches, in Kafka's znode layout and JSON (docs/zookeeper.md).
 *
 * <p>Failures surface as {@link ZkStoreException} naming the path. Expected outcomes are return
 * values ({@link Optional}, {@link OptionalInt}) or specific exceptions: {@link TopicExistsException},
 * {@link BrokerIdInUseException}, {@link ZkVersionConflictException}.
 *
 * <p>Thread-safe: any thread may call any method (calls block on ZooKeeper). Watch callbacks and
 * broker re-registration after a session expiry run on this store's single event thread
 * ({@code weir-zk-events}).
 */
public final class ZkStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);

    private final CuratorFramework client;
    private final ZkOps ops;
    private final ZkEventThread events = new ZkEventThread();
    private final BrokerRegistrar registrar;
    private final TopicStore topics;
    private final ProducerIdBlockAllocator producerIds;
    private final ZkWatches watches;
    private final ControllerElection election;
    private final ControllerZnodes controllerZnodes;
    private final String connectString;

    private ZkStore(CuratorFramework client, ZkConnectString connect, Time time, long batchReadTimeoutMs) {
        this.client = client;
        this.connectString = connect.original();
        this.ops = new ZkOps(client, connect.chroot(), batchReadTimeoutMs);
        this.registrar = new BrokerRegistrar(ops, time, events);
        this.topics = new TopicStore(ops);
        this.producerIds = new ProducerIdBlockAllocator(ops);
        this.watches = new ZkWatches(client, events);
        this.election = new ControllerElection(ops);
        this.controllerZnodes = new ControllerZnodes(ops);
    }

    /** Connects with the system clock; see {@link #connect(String, int, int, Time)}. */
    public static ZkStore connect(String connectString, int sessionTimeoutMs, int connectionTimeoutMs) {
        return connect(connectString, sessionTimeoutMs, connectionTimeoutMs, Time.SYSTEM);
    }

    /**
     * Connects to {@code connectString} ({@code host:port[,host:port...][/chroot]}), creates the
     * chroot and Kafka's persistent paths if missing, and returns once connected. Throws
     * {@link ZkStoreException} if no connection is made within {@code connectionTimeoutMs}.
     */
    public static ZkStore connect(String connectString, int sessionTimeoutMs, int connectionTimeoutMs, Time time) {
        ZkConnectString connect = ZkConnectString.parse(connectString);
        CuratorFramework client = CuratorFrameworkFactory.builder()
            .connectString(connect.hosts())
            .namespace(connect.namespace())
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs(connectionTimeoutMs)
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 10))
            .ensembleTracker(false)
            .zkClientConfig(new PlaintextZkClientConfig())
            .build();
        client.start();
        awaitConnected(client, connectString, connectionTimeoutMs);
        // Background reads retry like any operation; bound the wait by what a connection loss can take.
        long batchReadTimeoutMs = 2L * Math.max(sessionTimeoutMs, connectionTimeoutMs);
        ZkStore store = new ZkStore(client, connect, time, batchReadTimeoutMs);
        client.getConnectionStateListenable().addListener(store.registrar);
        try {
            ZkPaths.PERSISTENT_PATHS.forEach(store.ops::ensurePath);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("Connected to ZooKeeper at {}", connectString);
        return store;
    }

    private static void awaitConnected(CuratorFramework client, String connectString, int connectionTimeoutMs) {
        boolean connected;
        try {
            connected = client.blockUntilConnected(connectionTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            client.close();
            throw new ZkStoreException("could not connect to ZooKeeper at " + connectString + " within "
                + connectionTimeoutMs + " ms (zookeeper.connection.timeout.ms); is it running?");
        }
    }

    /**
     * Whether this store's client is connected to ZooKeeper, waiting up to {@code maxWaitMs} for it
     * to reconnect; false at once when interrupted.
     */
    public boolean awaitConnected(long maxWaitMs) {
        try {
            return client.blockUntilConnected((int) Math.min(maxWaitMs, Integer.MAX_VALUE), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The connect string this store was opened with, chroot included. */
    public String connectString() {
        return connectString;
    }

    /** The Curator client, for tests in this package. */
    CuratorFramework curator() {
        return client;
    }

    /** The current ZooKeeper session id (changes after an expiry). */
    public long sessionId() {
        return ops.sessionId();
    }

    // ---- cluster id

    /** The cluster id in {@code /cluster/id}, writing {@code proposed} if there is none yet. */
    public String getOrCreateClusterId(String proposed) {
        String path = ZkPaths.CLUSTER_ID;
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<ZkOps.Versioned> existing = ops.read(path);
            if (existing.isPresent()) {
                return ZkJson.decodeClusterId(ops.describe(path), existing.get().data());
            }
            if (ops.create(path, ZkJson.encodeClusterId(proposed), CreateMode.PERSISTENT, true)) {
                return proposed;
            }
        }
        throw new ZkStoreException("cannot read or create " + ops.describe(path));
    }

    // ---- brokers

    /**
     * Creates the ephemeral {@code /brokers/ids/<id>} and keeps it registered across session
     * expiries. Throws {@link BrokerIdInUseException} if another session holds the id.
     */
    public void registerBroker(BrokerRegistration broker) {
        registrar.register(broker);
    }

    /** Removes this store's broker registration (before a controlled shutdown); no-op if none. */
    public void deregisterBroker() {
        registrar.deregister();
    }

    public List<BrokerRegistration> getAllBrokers() {
        return ops.children(ZkPaths.BROKER_IDS).stream()
            .flatMap(name -> parseBrokerId(name).stream())
            .sorted()
            .flatMap(id -> getBroker(id).stream())
            .toList();
    }

    public Optional<BrokerRegistration> getBroker(int id) {
        String path = ZkPaths.brokerId(id);
        return ops.read(path).map(v -> ZkJson.decodeBroker(ops.describe(path), id, v.data()));
    }

    /**
     * The broker epoch of a registered broker: the creation zxid of {@code /brokers/ids/<id>} (what
     * the controller checks in ControlledShutdown). Throws {@link ZkStoreException} if absent.
     */
    public long brokerEpoch(int brokerId) {
        return controllerZnodes.brokerEpoch(brokerId);
    }

    private static Optional<Integer> parseBrokerId(String name) {
        try {
            return Optional.of(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---- topics

    /**
     * Writes {@code /config/topics/<t>} and {@code /brokers/topics/<t>} in one transaction.
     * Throws {@link TopicExistsException} if the topic exists.
     */
    public void createTopic(String topic, Uuid topicId, Map<Integer, List<Integer>> assignment,
                            Map<String, String> configs) {
        topics.createTopic(topic, topicId, assignment, configs);
    }

    public Optional<TopicAssignment> getTopic(String topic) {
        return topics.getTopic(topic);
    }

    /** Every topic by name, in name order. */
    public Map<String, TopicAssignment> getAllTopics() {
        return topics.getAllTopics();
    }

    /**
     * Replaces a topic's assignment if the znode is still at {@code updated.zkVersion()}; returns
     * the new version. Throws {@link ZkVersionConflictException} if it changed since.
     */
    public int setTopicAssignment(TopicAssignment updated) {
        return topics.setTopicAssignment(updated);
    }

    /** Deletes the topic znode with its partition states, and its config; no-op if absent. */
    public void deleteTopic(String topic) {
        topics.deleteTopic(topic);
    }

    /** Queues a topic for deletion by the controller ({@code /admin/delete_topics/<t>}); no-op if queued. */
    public void markTopicForDeletion(String topic) {
        controllerZnodes.markTopicForDeletion(topic);
    }

    /** The topics queued in {@code /admin/delete_topics}, in name order. */
    public Set<String> topicsMarkedForDeletion() {
        return controllerZnodes.topicsMarkedForDeletion(null);
    }

    // ---- partition states

    /**
     * Creates the state znodes of the given partitions in one transaction. Throws
     * {@link ZkStoreException} if the topic does not exist or a state already does.
     */
    public void createPartitionStates(String topic, Map<Integer, LeaderAndIsr> states) {
        topics.createPartitionStates(topic, states);
    }

    public Optional<LeaderAndIsr> getPartitionState(TopicPartition tp) {
        return topics.getPartitionState(tp);
    }

    /** The states of a topic's partitions, in partition order; empty if it has none. */
    public Map<TopicPartition, LeaderAndIsr> getPartitionStates(String topic) {
        return topics.getPartitionStates(topic);
    }

    /**
     * Writes {@code newState} if the znode is at {@code expectedZkVersion}: the new version, or
     * empty on a version conflict ({@code newState.zkVersion()} is ignored).
     */
    public OptionalInt updatePartitionState(TopicPartition tp, LeaderAndIsr newState, int expectedZkVersion) {
        return topics.updatePartitionState(tp, newState, expectedZkVersion);
    }

    /**
     * Tells the controller that this leader changed these partitions' ISRs (after
     * {@link #updatePartitionState}): a persistent sequential
     * {@code /isr_change_notification/isr_change_<seq>}. No-op for an empty set.
     */
    public void createIsrChangeNotification(Set<TopicPartition> partitions) {
        controllerZnodes.createIsrChangeNotification(partitions);
    }

    // ---- controller

    /** The broker id in {@code /controller}; empty when there is no controller. */
    public OptionalInt activeControllerId() {
        return election.controllerId(null);
    }

    /** The controller's access to ZooKeeper, on this store's session, reporting to {@code listener}. */
    public ControllerZkStore controllerZk(ControllerZkListener listener) {
        return new ControllerZkStore(ops, listener);
    }

    // ---- configs

    /** A topic's dynamic config overrides; empty if none. */
    public Map<String, String> getTopicConfig(String topic) {
        return readConfig(ZkPaths.topicConfig(topic));
    }

    /** Replaces a topic's dynamic config overrides. */
    public void setTopicConfig(String topic, Map<String, String> configs) {
        ops.setOrCreate(ZkPaths.topicConfig(topic), ZkJson.encodeConfig(configs));
    }

    /** Dynamic broker configs of {@code entity}: a broker id or {@code "<default>"}. */
    public Map<String, String> getBrokerConfig(String entity) {
        return readConfig(ZkPaths.brokerConfig(entity));
    }

    public void setBrokerConfig(String entity, Map<String, String> configs) {
        ops.setOrCreate(ZkPaths.brokerConfig(entity), ZkJson.encodeConfig(configs));
    }

    private Map<String, String> readConfig(String path) {
        return ops.read(path).map(v -> ZkJson.decodeConfig(ops.describe(path), v.data()))
            .orElseGet(TreeMap::new);
    }

    // ---- producer ids

    /** Reserves the next {@code blockSize} producer ids for {@code brokerId}; unique cluster-wide. */
    public ProducerIdBlock allocateProducerIdBlock(int brokerId, int blockSize) {
        return producerIds.allocate(brokerId, blockSize);
    }

    // ---- watches

    /**
     * Watches {@code /brokers/topics}: the current topics first, then every change. Callbacks run
     * on this store's single event thread. Close the result to stop.
     */
    public AutoCloseable watchTopics(TopicListener listener) {
        return watches.watchTopics(listener);
    }

    /** Watches {@code /config/topics}; callbacks on this store's single event thread. */
    public AutoCloseable watchTopicConfigs(ConfigListener listener) {
        return watches.watchTopicConfigs(listener);
    }

    /** Watches {@code /brokers/ids}; callbacks on this store's single event thread. */
    public AutoCloseable watchBrokers(BrokerListener listener) {
        return watches.watchBrokers(listener);
    }

    /** Closes the session (its ephemeral znodes go with it) and stops the event thread. */
    @Override
    public void close() {
        client.getConnectionStateListenable().removeListener(registrar);
        events.close();
        client.close();
    }
}
