package io.weir.common;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} over a small pool of daemon threads named {@code <prefix>-N}.
 * A task that throws is logged and, if periodic, keeps its schedule.
 *
 * <p>Thread-safe.
 */
public final class KafkaScheduler implements Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaScheduler.class);

    private final int threads;
    private final String threadNamePrefix;
    private volatile ScheduledThreadPoolExecutor executor;

    public KafkaScheduler(int threads, String threadNamePrefix) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.threadNamePrefix = threadNamePrefix;
    }

    @Override
    public synchronized void startup() {
        if (executor != null) {
            throw new IllegalStateException("scheduler already started");
        }
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, threadNamePrefix + "-" + counter.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, factory);
        pool.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        executor = pool;
    }

    @Override
    public ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs) {
        ScheduledThreadPoolExecutor pool = executor;
        if (pool == null) {
            throw new IllegalStateException("scheduler is not running");
        }
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("Scheduled task '{}' failed", name, t);
            }
        };
        if (periodMs > 0) {
            return pool.scheduleAtFixedRate(guarded, delayMs, periodMs, TimeUnit.MILLISECONDS);
        }
        return pool.schedule(guarded, delayMs, TimeUnit.MILLISECONDS);
    }

    public boolean isStarted() {
        return executor != null;
    }

    @Override
    public void shutdown() throws InterruptedException {
        ScheduledThreadPoolExecutor pool;
        synchronized (this) {
            pool = executor;
            executor = null;
        }
        if (pool != null) {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.DAYS);
        }
    }
}
