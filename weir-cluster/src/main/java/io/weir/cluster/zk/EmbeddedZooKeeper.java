package io.weir.cluster.zk;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server in this process: the real {@link ZooKeeperServer} behind an NIO
 * connection factory, with its snapshots and transaction log in one data directory, so a single
 * broker runs without an external ensemble. No AdminServer is started (only
 * {@code ZooKeeperServerMain} starts one); of the four-letter words ZooKeeper keeps only
 * {@code srvr}, which it always allows. Several instances can run side by side on different
 * directories and ports.
 *
 * <p>Thread-safe: {@link #close} is idempotent and may be called from any thread.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    /** Session expiry is checked once a tick; also bounds how long {@link #close} waits for the tracker. */
    private static final int TICK_TIME_MS = 200;
    private static final int MIN_SESSION_TIMEOUT_MS = 1_000;
    private static final int MAX_SESSION_TIMEOUT_MS = 60_000;
    /** No per-address connection limit: every local broker and tool connects from 127.0.0.1. */
    private static final int MAX_CLIENT_CNXNS = 0;

    private final String host;
    private final ZooKeeperServer server;
    private final FileTxnSnapLog txnLog;
    private final ServerCnxnFactory factory;
    private final Path dataDir;
    private final int port;
    private boolean closed;

    private EmbeddedZooKeeper(String host, ZooKeeperServer server, FileTxnSnapLog txnLog, ServerCnxnFactory factory,
                              Path dataDir) {
        this.host = host;
        this.server = server;
        this.port = factory.getLocalPort();
        this.txnLog = txnLog;
        this.factory = factory;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server on {@code host:port} ({@code port} 0 picks a free one) with its data in
     * {@code dataDir} (created if missing; existing data is loaded).
     */
    public static EmbeddedZooKeeper start(Path dataDir, String host, int port) throws IOException {
        System.setProperty("zookeeper.admin.enableServer",
            System.getProperty("zookeeper.admin.enableServer", "false"));
        Files.createDirectories(dataDir);
        FileTxnSnapLog txnLog = new FileTxnSnapLog(dataDir.toFile(), dataDir.toFile());
        ServerCnxnFactory factory = new NIOServerCnxnFactory();
        ZooKeeperServer server = new ZooKeeperServer(txnLog, TICK_TIME_MS, MIN_SESSION_TIMEOUT_MS,
            MAX_SESSION_TIMEOUT_MS, -1, new ZKDatabase(txnLog), "");
        try {
            factory.configure(new InetSocketAddress(host, port), MAX_CLIENT_CNXNS);
            factory.startup(server);
        } catch (IOException | RuntimeException e) {
            factory.shutdown();
            txnLog.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            factory.shutdown();
            txnLog.close();
            throw new IOException("interrupted while starting ZooKeeper", e);
        }
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(host, server, txnLog, factory, dataDir);
        LOG.info("ZooKeeper listening on {} (data in {})", zk.connectString(), dataDir);
        return zk;
    }

    /** {@code host:port}, for {@code zookeeper.connect}. */
    public String connectString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + port();
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The session tracker stops at its next tick once shut down; ZooKeeper does not join it. */
    private void joinSessionTracker() throws InterruptedException {
        if (server.getSessionTracker() instanceof Thread tracker) {
            tracker.join(10L * TICK_TIME_MS);
        }
    }

    /** Stops the server and joins its threads. Deletes nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        factory.shutdown();
        try {
            factory.join();
            joinSessionTracker();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            txnLog.close();
        } catch (IOException e) {
            LOG.warn("Error closing ZooKeeper transaction log in {}: {}", dataDir, e.toString());
        }
    }
}
