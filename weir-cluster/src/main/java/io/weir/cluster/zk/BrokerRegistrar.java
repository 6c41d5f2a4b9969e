package io.weir.cluster.zk;

import java.util.Optional;
import java.util.concurrent.Executor;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;

/**
 * Keeps this broker's ephemeral {@code /brokers/ids/<id>} znode alive: creates it (refusing an id
 * that another session holds), and re-creates it after a session expiry, when Curator reports
 * RECONNECTED. If the old session's node still exists then, it waits for its deletion with a
 * watch instead of polling.
 *
 * <p>The owner adds it as a Curator connection state listener.
 *
 * <p>Thread-safe: {@link #register} runs on the caller's thread; re-registration runs on the
 * store's event executor; the registration is published through a volatile field.
 */
final class BrokerRegistrar implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistrar.class);

    private final ZkOps ops;
    private final Time time;
    private final Executor events;
    private volatile BrokerRegistration registration;

    BrokerRegistrar(ZkOps ops, Time time, Executor events) {
        this.ops = ops;
        this.time = time;
        this.events = events;
    }

    /** Creates the node, or throws {@link BrokerIdInUseException} if another session holds it. */
    void register(BrokerRegistration broker) {
        String path = ZkPaths.brokerId(broker.id());
        byte[] data = ZkJson.encodeBroker(broker, time.milliseconds());
        Optional<Long> foreignOwner = tryCreate(path, data);
        if (foreignOwner.isPresent()) {
            throw new BrokerIdInUseException(broker.id(), ops.describe(path), foreignOwner.get());
        }
        registration = broker;
        LOG.info("Registered broker {} at {}", broker.id(), ops.describe(path));
    }

    /** Deletes this broker's node if it is ours; registration stops being maintained. */
    void deregister() {
        BrokerRegistration current = registration;
        registration = null;
        if (current == null) {
            return;
        }
        String path = ZkPaths.brokerId(current.id());
        Optional<ZkOps.Versioned> node = ops.read(path);
        if (node.isPresent() && node.get().ephemeralOwner() == ops.sessionId()) {
            ops.call("delete", path, () -> ops.client().delete().withVersion(node.get().version()).forPath(path));
        }
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        if (newState == ConnectionState.RECONNECTED && registration != null) {
            events.execute(this::maybeReregister);
        }
    }

    /**
     * Creates the node unless it exists; when it exists and belongs to this session (a retried
     * create after a connection loss), rewrites it. Returns the owner session when it is foreign.
     */
    private Optional<Long> tryCreate(String path, byte[] data) {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (ops.create(path, data, CreateMode.EPHEMERAL, false)) {
                return Optional.empty();
            }
            Optional<ZkOps.Versioned> existing = ops.read(path);
            if (existing.isEmpty()) {
                continue;
            }
            if (existing.get().ephemeralOwner() != ops.sessionId()) {
                return Optional.of(existing.get().ephemeralOwner());
            }
            if (ops.setData(path, data, existing.get().version()).isPresent()) {
                return Optional.empty();
            }
        }
        throw new ZkStoreException("znode " + ops.describe(path) + " keeps changing while registering");
    }

    private void maybeReregister() {
        BrokerRegistration broker = registration;
        if (broker == null) {
            return;
        }
        String path = ZkPaths.brokerId(broker.id());
        try {
            Optional<ZkOps.Versioned> existing = ops.read(path);
            if (existing.isPresent() && existing.get().ephemeralOwner() == ops.sessionId()) {
                return;
            }
            Optional<Long> foreignOwner = tryCreate(path, ZkJson.encodeBroker(broker, time.milliseconds()));
            if (foreignOwner.isEmpty()) {
                LOG.info("Re-registered broker {} at {} after a new ZooKeeper session", broker.id(), ops.describe(path));
                return;
            }
            LOG.warn("Broker {}: {} still held by session 0x{}; re-registering once it goes", broker.id(),
                ops.describe(path), Long.toHexString(foreignOwner.get()));
            watchForDeletion(path);
        } catch (ZkStoreException e) {
            LOG.error("Broker {}: re-registration at {} failed; will retry on the next reconnect: {}",
                broker.id(), ops.describe(path), e.getMessage());
        }
    }

    private void watchForDeletion(String path) {
        CuratorWatcher watcher = (WatchedEvent event) -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
                events.execute(this::maybeReregister);
            }
        };
        boolean gone = ops.call("watch", path,
            () -> ops.client().checkExists().usingWatcher(watcher).forPath(path) == null);
        if (gone) {
            events.execute(this::maybeReregister);
        }
    }
}
