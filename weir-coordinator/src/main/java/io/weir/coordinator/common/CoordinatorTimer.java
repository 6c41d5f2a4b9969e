package io.weir.coordinator.common;

/**
 * Timers of one shard, keyed so that re-scheduling a key replaces the previous timer (a session
 * timeout is pushed back by every heartbeat). A timer fires as an operation on the shard's
 * thread, and its result is written and replayed like any other operation's.
 *
 * <p>Only used from the shard's owner thread.
 */
public interface CoordinatorTimer {

    /** A timed operation; {@code nowMs} is the time it runs at. */
    @FunctionalInterface
    interface TimerTask {
        CoordinatorResult<Void> run(long nowMs);
    }

    /** Schedules {@code task} after {@code delayMs}, replacing any timer with the same key. */
    void schedule(String key, long delayMs, TimerTask task);

    /** Cancels the timer with this key, if any. */
    void cancel(String key);

    /** Whether a timer with this key is pending. */
    boolean isScheduled(String key);
}
