package io.weir.cluster.zk;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Synchronous znode primitives over Curator that turn the expected outcomes (no node, node
 * exists, bad version) into return values and every other failure into a
 * {@link ZkStoreException} naming the path. Thread-safe (Curator is).
 */
final class ZkOps {

    /**
     * A znode's payload, the version it was read at, its ephemeral owner session (0 when
     * persistent) and the zxid that created it (Kafka's broker epoch for {@code /brokers/ids/<id>}).
     */
    record Versioned(byte[] data, int version, long ephemeralOwner, long czxid) {

        static Versioned of(byte[] data, Stat stat) {
            return new Versioned(data, stat.getVersion(), stat.getEphemeralOwner(), stat.getCzxid());
        }
    }

    @FunctionalInterface
    interface ZkCall<T> {
        T run() throws Exception;
    }

    private final CuratorFramework client;
    private final String chroot;
    private final long batchReadTimeoutMs;

    ZkOps(CuratorFramework client, String chroot, long batchReadTimeoutMs) {
        this.client = client;
        this.chroot = chroot;
        this.batchReadTimeoutMs = batchReadTimeoutMs;
    }

    CuratorFramework client() {
        return client;
    }

    /** Runs {@code call}, translating failures into a {@link ZkStoreException} about {@code what} at {@code path}. */
    <T> T call(String what, String path, ZkCall<T> call) {
        try {
            return call.run();
        } catch (ZkStoreException | IllegalArgumentException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZkStoreException("interrupted during ZooKeeper " + what + " of " + describe(path), e);
        } catch (KeeperException e) {
            throw new ZkStoreException("ZooKeeper " + what + " of " + describe(path) + " failed: " + e.code(), e);
        } catch (Exception e) {
            throw new ZkStoreException("ZooKeeper " + what + " of " + describe(path) + " failed: " + e, e);
        }
    }

    /** The path with the chroot, as an operator would find it with zkCli. */
    String describe(String path) {
        return chroot.isEmpty() ? path : chroot + path + " (chroot " + chroot + ")";
    }

    Optional<Versioned> read(String path) {
        return read(path, null);
    }

    /** Reads the node, leaving the one-shot {@code watcher} on it if not null and the node exists. */
    Optional<Versioned> read(String path, CuratorWatcher watcher) {
        return call("read", path, () -> {
            try {
                Stat stat = new Stat();
                byte[] data = watcher == null
                    ? client.getData().storingStatIn(stat).forPath(path)
                    : client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
                return Optional.of(Versioned.of(data, stat));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Reads many znodes at once: all requests are pipelined on the connection (one round trip
     * instead of one per node). Missing nodes are absent from the result. Must not be called
     * from ZooKeeper's own event thread, which delivers the replies.
     */
    Map<String, Versioned> readAll(Collection<String> paths) {
        return readAll(paths, null);
    }

    /** {@link #readAll(Collection)}, leaving the one-shot {@code watcher} (if not null) on every node that exists. */
    Map<String, Versioned> readAll(Collection<String> paths, CuratorWatcher watcher) {
        Map<String, Versioned> results = new ConcurrentHashMap<>();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch pending = new CountDownLatch(paths.size());
        for (String path : paths) {
            BackgroundCallback callback = (c, event) -> {
                onBatchRead(path, event, results, failure);
                pending.countDown();
            };
            call("read", path, () -> watcher == null
                ? client.getData().inBackground(callback).forPath(path)
                : client.getData().usingWatcher(watcher).inBackground(callback).forPath(path));
        }
        boolean done = call("read", paths.isEmpty() ? "/" : paths.iterator().next(),
            () -> pending.await(batchReadTimeoutMs, TimeUnit.MILLISECONDS));
        if (!done) {
            throw new ZkStoreException("reading " + paths.size() + " znodes timed out after " + batchReadTimeoutMs + " ms");
        }
        if (failure.get() != null) {
            throw new ZkStoreException(failure.get());
        }
        return results;
    }

    private void onBatchRead(String path, CuratorEvent event, Map<String, Versioned> results,
                             AtomicReference<String> failure) {
        KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
        if (code == KeeperException.Code.OK) {
            results.put(path, Versioned.of(event.getData(), event.getStat()));
        } else if (code != KeeperException.Code.NONODE) {
            failure.compareAndSet(null, "ZooKeeper read of " + describe(path) + " failed: " + code);
        }
    }

    Optional<Stat> exists(String path) {
        return call("exists check", path, () -> Optional.ofNullable(client.checkExists().forPath(path)));
    }

    /** The sorted child names, empty when the node does not exist. */
    List<String> children(String path) {
        return children(path, null);
    }

    /** The sorted child names, leaving the one-shot {@code watcher} (if not null) on the node when it exists. */
    List<String> children(String path, CuratorWatcher watcher) {
        return call("list", path, () -> {
            try {
                List<String> names = watcher == null ? client.getChildren().forPath(path)
                    : client.getChildren().usingWatcher(watcher).forPath(path);
                return names.stream().sorted().toList();
            } catch (KeeperException.NoNodeException e) {
                return List.<String>of();
            }
        });
    }

    /** Creates the node; false when it already exists. */
    boolean create(String path, byte[] data, CreateMode mode, boolean createParents) {
        return call("create", path, () -> {
            try {
                if (createParents) {
                    client.create().creatingParentsIfNeeded().withMode(mode).forPath(path, data);
                } else {
                    client.create().withMode(mode).forPath(path, data);
                }
                return true;
            } catch (KeeperException.NodeExistsException e) {
                return false;
            }
        });
    }

    /** Conditional write; the new version, or empty when the node is not at {@code expectedVersion}. */
    OptionalInt setData(String path, byte[] data, int expectedVersion) {
        return call("conditional write", path, () -> {
            try {
                Stat stat = client.setData().withVersion(expectedVersion).forPath(path, data);
                return OptionalInt.of(stat.getVersion());
            } catch (KeeperException.BadVersionException e) {
                return OptionalInt.empty();
            } catch (KeeperException.NoNodeException e) {
                throw new ZkStoreException("znode " + describe(path) + " does not exist", e);
            }
        });
    }

    /** Unconditional write that creates the node (and parents) when missing. */
    void setOrCreate(String path, byte[] data) {
        call("write", path, () -> {
            for (int attempt = 0; attempt < 10; attempt++) {
                try {
                    client.setData().forPath(path, data);
                    return null;
                } catch (KeeperException.NoNodeException e) {
                    if (create(path, data, CreateMode.PERSISTENT, true)) {
                        return null;
                    }
                }
            }
            throw new ZkStoreException("znode " + describe(path) + " keeps being created and deleted concurrently");
        });
    }

    /** Deletes the node and its descendants; false when it did not exist. */
    boolean deleteRecursive(String path) {
        return call("delete", path, () -> {
            try {
                client.delete().deletingChildrenIfNeeded().forPath(path);
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    /** Creates a persistent node with no data unless it exists. */
    void ensurePath(String path) {
        if (exists(path).isEmpty()) {
            create(path, new byte[0], CreateMode.PERSISTENT, true);
        }
    }

    long sessionId() {
        return call("session lookup", "/", () -> client.getZookeeperClient().getZooKeeper().getSessionId());
    }
}
