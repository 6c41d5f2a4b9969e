package io.weir.cluster.zk;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * The controller's access to ZooKeeper (docs/controller.md, "Wiring"): the election, the reads it
 * turns into events, leaving one-shot watches that report to one {@link ControllerZkListener},
 * and {@link #multi} for its writes. Obtained from {@link ZkStore#controllerZk}; shares the
 * store's session.
 *
 * <p>Thread-safe; the bulk reads must not be called from the listener's callbacks (ZooKeeper's
 * event thread). After {@link #close} the listener hears nothing more.
 */
public final class ControllerZkStore implements AutoCloseable {

    private final CuratorFramework client;
    private final ControllerElection election;
    private final ControllerZnodes znodes;
    private final ControllerZkMulti multi;
    private final ControllerZkListener listener;
    private final CuratorWatcher watcher = this::onWatchedEvent;
    private final ConnectionStateListener connectionListener = this::onConnectionStateChanged;
    private volatile boolean closed;

    ControllerZkStore(ZkOps ops, ControllerZkListener listener) {
        this.client = ops.client();
        this.election = new ControllerElection(ops);
        this.znodes = new ControllerZnodes(ops);
        this.multi = new ControllerZkMulti(ops, election);
        this.listener = listener;
        client.getConnectionStateListenable().addListener(connectionListener);
    }

    // ---- election

    /** The broker id in {@code /controller}, watching it. */
    public OptionalInt watchController() {
        return election.controllerId(watcher);
    }

    /** True when {@code /controller} exists and belongs to this store's current session. */
    public boolean controllerOwnedByThisSession() {
        return election.ownedByThisSession();
    }

    /**
     * Tries to become controller: creates the ephemeral {@code /controller} as {@code brokerId} and
     * increments {@code /controller_epoch}, in one transaction. Empty when another broker holds it.
     */
    public Optional<ControllerEpoch> tryElect(int brokerId, long timestampMs) {
        return election.tryElect(brokerId, timestampMs);
    }

    /** Whether the client is connected to ZooKeeper now (its operations would otherwise wait and retry). */
    public boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    /** Deletes {@code /controller} if this session holds it; true if it did. */
    public boolean deleteControllerIfOwned() {
        return election.deleteIfOwned();
    }

    // ---- watched reads

    /** Every registered broker with its epoch, in id order, watching {@code /brokers/ids}. */
    public List<RegisteredBroker> watchBrokers() {
        return znodes.brokers(watcher);
    }

    /** Every topic by name, watching {@code /brokers/topics} and each topic znode. */
    public Map<String, TopicAssignment> watchTopics() {
        return znodes.topics(watcher);
    }

    /** The topic names, watching the children of {@code /brokers/topics}. */
    public Set<String> watchTopicNames() {
        return znodes.topicNames(watcher);
    }

    /** One topic, watching its znode. */
    public Optional<TopicAssignment> watchTopic(String topic) {
        return znodes.topic(topic, watcher);
    }

    /** The topics in {@code /admin/delete_topics}, watching its children. */
    public Set<String> watchTopicDeletions() {
        return znodes.topicsMarkedForDeletion(watcher);
    }

    /** The pending ISR change notifications (by child name), watching {@code /isr_change_notification}. */
    public Map<String, Set<TopicPartition>> watchIsrChangeNotifications() {
        return znodes.isrChangeNotifications(watcher);
    }

    // ---- plain reads and writes

    public Map<String, Map<String, String>> topicConfigs(Collection<String> topics) {
        return znodes.topicConfigs(topics);
    }

    /** The states of these partitions with their versions, and those whose state znode does not decode. */
    public PartitionStates partitionStates(Collection<TopicPartition> partitions) {
        return znodes.partitionStates(partitions);
    }

    public void deleteIsrChangeNotifications(Collection<String> names) {
        znodes.deleteIsrChangeNotifications(names);
    }

    /**
     * Makes {@code writes} in one transaction that first checks that {@code /controller_epoch} is
     * still at {@code controllerEpochZkVersion}. Throws {@link ZkStoreException} on other failures
     * (connection lost beyond the retries).
     */
    public ZkMultiResult multi(int controllerEpochZkVersion, List<ZkMultiOp> writes) {
        return multi.multi(controllerEpochZkVersion, writes);
    }

    /** Stops reporting to the listener. */
    @Override
    public void close() {
        closed = true;
        client.getConnectionStateListenable().removeListener(connectionListener);
    }

    private void onWatchedEvent(WatchedEvent event) {
        if (closed || event.getType() == Watcher.Event.EventType.None || event.getPath() == null) {
            return;
        }
        String path = event.getPath();
        if (path.equals(ZkPaths.CONTROLLER)) {
            listener.onControllerChanged();
        } else if (path.equals(ZkPaths.BROKER_IDS)) {
            listener.onBrokersChanged();
        } else if (path.equals(ZkPaths.TOPICS)) {
            listener.onTopicsChanged();
        } else if (path.equals(ZkPaths.DELETE_TOPICS)) {
            listener.onTopicDeletionsChanged();
        } else if (path.equals(ZkPaths.ISR_CHANGE_NOTIFICATION)) {
            listener.onIsrChangeNotificationsChanged();
        } else {
            ZkPaths.childOf(ZkPaths.TOPICS, path).ifPresent(listener::onTopicChanged);
        }
    }

    private void onConnectionStateChanged(CuratorFramework c, ConnectionState state) {
        if (closed) {
            return;
        }
        if (state == ConnectionState.LOST) {
            listener.onSessionLost();
        } else if (state == ConnectionState.RECONNECTED) {
            listener.onReconnected();
        }
    }
}
