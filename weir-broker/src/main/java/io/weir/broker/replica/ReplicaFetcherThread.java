package io.weir.broker.replica;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link ReplicaFetcher}'s turns on its own daemon thread until shut down, waiting for
 * work (a partition added, a backoff ended) after a turn that did nothing. The thread is never
 * interrupted: an interrupt during a log write would close the segment's FileChannel and take
 * the log dir offline, so shutdown closes the leader connection instead, which fails a blocked
 * call at once.
 *
 * <p>Thread-safe: {@link #start()} and {@link #shutdown()} may be called from any thread.
 */
public final class ReplicaFetcherThread {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherThread.class);

    private final ReplicaFetcher fetcher;
    private final long idleMaxMs;
    private final Thread thread;
    private volatile boolean running = true;

    public ReplicaFetcherThread(ReplicaFetcher fetcher, long idleMaxMs) {
        this.fetcher = fetcher;
        this.idleMaxMs = Math.max(1L, idleMaxMs);
        this.thread = new Thread(this::run, fetcher.name());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public ReplicaFetcher fetcher() {
        return fetcher;
    }

    private void run() {
        LOG.info("{} started", fetcher.name());
        while (running) {
            try {
                if (fetcher.doWork() == 0 && running) {
                    fetcher.awaitWork(idleMaxMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("{}: unexpected error, backing off", fetcher.name(), e);
                try {
                    fetcher.awaitWork(idleMaxMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        LOG.info("{} stopped", fetcher.name());
    }

    /** Stops the thread and waits for it: the current turn ends, nothing is appended after. */
    public void shutdown() {
        running = false;
        fetcher.initiateShutdown();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
