package io.weir.cluster.zk;

import java.util.Optional;
import java.util.OptionalInt;

import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ephemeral {@code /controller} and the persistent {@code /controller_epoch}. Winning creates
 * {@code /controller} and increments the epoch in one transaction (as Kafka's
 * {@code registerControllerAndIncrementControllerEpoch} does), so a controller always holds a
 * fresh epoch. Thread-safe: stateless over {@link ZkOps}.
 */
final class ControllerElection {

    private static final int MAX_ATTEMPTS = 10;

    private final ZkOps ops;

    ControllerElection(ZkOps ops) {
        this.ops = ops;
    }

    /** The broker id in {@code /controller}, leaving {@code watcher} (if not null) to fire on its creation, change or deletion. */
    OptionalInt controllerId(CuratorWatcher watcher) {
        String path = ZkPaths.CONTROLLER;
        if (watcher != null) {
            Stat stat = ops.call("watch", path, () -> ops.client().checkExists().usingWatcher(watcher).forPath(path));
            if (stat == null) {
                return OptionalInt.empty();
            }
        }
        Optional<ZkOps.Versioned> node = ops.read(path);
        return node.isEmpty() ? OptionalInt.empty()
            : OptionalInt.of(ZkJson.decodeControllerId(ops.describe(path), node.get().data()));
    }

    /** True when {@code /controller} exists and belongs to this store's current session. */
    boolean ownedByThisSession() {
        return ops.read(ZkPaths.CONTROLLER).map(v -> v.ephemeralOwner() == ops.sessionId()).orElse(false);
    }

    /**
     * Tries to become controller: creates {@code /controller} and increments {@code /controller_epoch}
     * (creating it with epoch 1 when absent) in one transaction. Empty when another session holds
     * {@code /controller}.
     */
    Optional<ControllerEpoch> tryElect(int brokerId, long timestampMs) {
        byte[] controller = ZkJson.encodeController(brokerId, timestampMs);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<ZkOps.Versioned> epochNode = ops.read(ZkPaths.CONTROLLER_EPOCH);
            Optional<ControllerEpoch> won = tryCreate(controller, epochNode);
            if (won.isPresent()) {
                return won;
            }
            Optional<ZkOps.Versioned> holder = ops.read(ZkPaths.CONTROLLER);
            if (holder.isPresent()) {
                // Our own session holds it when a create retried after a connection loss had succeeded.
                return holder.get().ephemeralOwner() == ops.sessionId() ? Optional.of(currentEpoch()) : Optional.empty();
            }
            // /controller_epoch changed under us (another broker won and resigned in between): read it again.
        }
        throw new ZkStoreException("cannot elect a controller: " + ops.describe(ZkPaths.CONTROLLER_EPOCH)
            + " keeps changing");
    }

    private Optional<ControllerEpoch> tryCreate(byte[] controller, Optional<ZkOps.Versioned> epochNode) {
        String epochPath = ZkPaths.CONTROLLER_EPOCH;
        int epoch = epochNode.map(v -> ZkJson.decodeControllerEpoch(ops.describe(epochPath), v.data()) + 1).orElse(1);
        byte[] epochData = ZkJson.encodeControllerEpoch(epoch);
        return ops.call("create", ZkPaths.CONTROLLER, () -> {
            TransactionOp op = ops.client().transactionOp();
            CuratorOp create = op.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, controller);
            CuratorOp bump = epochNode.isPresent()
                ? op.setData().withVersion(epochNode.get().version()).forPath(epochPath, epochData)
                : op.create().withMode(CreateMode.PERSISTENT).forPath(epochPath, epochData);
            try {
                ops.client().transaction().forOperations(create, bump);
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException e) {
                return Optional.empty();
            }
            return Optional.of(new ControllerEpoch(epoch, epochNode.map(v -> v.version() + 1).orElse(0)));
        });
    }

    /** The epoch in {@code /controller_epoch} and its version. */
    ControllerEpoch currentEpoch() {
        String path = ZkPaths.CONTROLLER_EPOCH;
        ZkOps.Versioned node = ops.read(path)
            .orElseThrow(() -> new ZkStoreException("znode " + ops.describe(path) + " does not exist"));
        return new ControllerEpoch(ZkJson.decodeControllerEpoch(ops.describe(path), node.data()), node.version());
    }

    /** The version of {@code /controller_epoch}, or -1 when it does not exist. */
    int epochZkVersion() {
        return ops.exists(ZkPaths.CONTROLLER_EPOCH).map(Stat::getVersion).orElse(-1);
    }

    /** Deletes {@code /controller} if this session holds it (resignation); false otherwise. */
    boolean deleteIfOwned() {
        String path = ZkPaths.CONTROLLER;
        Optional<ZkOps.Versioned> node = ops.read(path);
        if (node.isEmpty() || node.get().ephemeralOwner() != ops.sessionId()) {
            return false;
        }
        return ops.call("delete", path, () -> {
            try {
                ops.client().delete().withVersion(node.get().version()).forPath(path);
                return true;
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                return false;
            }
        });
    }
}
