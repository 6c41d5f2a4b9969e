package io.weir.common;

import java.util.concurrent.ScheduledFuture;

/**
 * Runs background tasks (retention checks, flushes, checkpoints) once or periodically.
 * {@link KafkaScheduler} uses a thread pool; {@link MockScheduler} runs tasks when a
 * {@link MockTime} is advanced, so tests need no threads and no sleeps.
 *
 * <p>Implementations are thread-safe.
 */
public interface Scheduler extends AutoCloseable {

    void startup();

    /**
     * Schedules {@code task} to run after {@code delayMs}, then every {@code periodMs}
     * (or only once when {@code periodMs <= 0}).
     */
    ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs);

    default ScheduledFuture<?> scheduleOnce(String name, Runnable task, long delayMs) {
        return schedule(name, task, delayMs, -1);
    }

    /** Stops running tasks; waits for the running ones to finish. */
    void shutdown() throws InterruptedException;

    @Override
    default void close() throws InterruptedException {
        shutdown();
    }
}
