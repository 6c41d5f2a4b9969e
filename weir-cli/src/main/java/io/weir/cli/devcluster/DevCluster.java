package io.weir.cli.devcluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;
import io.weir.cluster.zk.EmbeddedZooKeeper;

/**
 * What {@code weir dev-cluster} runs in its process: one embedded ZooKeeper and the brokers that
 * use it. {@link #close} stops the brokers (newest first, each with the broker's own shutdown,
 * controlled by default) and then ZooKeeper; it deletes nothing, so the next run on the same
 * directory finds its topics again.
 *
 * <p>Thread-safe: the command's thread starts the parts; {@link #close} may come at the same
 * time from the signal hook's thread. A broker still starting is stopped once its start-up
 * returns (the broker's start and stop share its lock), and nothing starts after a close.
 */
final class DevCluster implements AutoCloseable {

    private final List<Broker> brokers = new ArrayList<>();
    private EmbeddedZooKeeper zooKeeper;
    private boolean closed;

    /** Starts ZooKeeper on {@code 127.0.0.1:port} (0: a free port) with its data in {@code dataDir}. */
    synchronized EmbeddedZooKeeper startZooKeeper(Path dataDir, int port) throws IOException {
        ensureOpen();
        zooKeeper = EmbeddedZooKeeper.start(dataDir, "127.0.0.1", port);
        return zooKeeper;
    }

    /**
     * Starts one broker; on failure the broker has already stopped what it started and the
     * exception is the broker's.
     */
    Broker startBroker(BrokerConfig config) {
        Broker broker = new Broker(config);
        synchronized (this) {
            ensureOpen();
            brokers.add(broker);
        }
        // Outside this object's lock: the broker's own lock orders this start-up and a concurrent
        // close()'s shutdown of it.
        broker.startup();
        return broker;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the dev cluster is stopping");
        }
    }

    /** Stops every broker started (newest first), then ZooKeeper; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).shutdown();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }
}
