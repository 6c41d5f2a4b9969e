package io.weir.cluster.zk;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ({@code weir-zk-events}) on which a {@link ZkStore} delivers watch callbacks and
 * re-registers its broker, so listeners see events in order and never block ZooKeeper's own
 * event thread. A failing task is logged and does not stop later ones; tasks submitted after
 * {@link #close} are dropped.
 *
 * <p>Thread-safe.
 */
final class ZkEventThread implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkEventThread.class);
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private volatile Thread thread;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weir-zk-events");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> runQuietly(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("ZooKeeper event dropped after close");
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("ZooKeeper event handler failed", e);
        }
    }

    /** True when called from the event thread itself. */
    boolean inEventThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void close() {
        executor.shutdown();
        if (inEventThread()) {
            return;
        }
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("ZooKeeper event thread did not stop within {} ms", CLOSE_TIMEOUT_MS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
