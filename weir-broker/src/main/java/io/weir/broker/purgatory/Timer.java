package io.weir.broker.purgatory;

/**
 * Runs {@link TimerTask}s when their delay has passed. Implementations: {@link SystemTimer}
 * (timing wheel and a reaper thread) and {@link MockTimer} (driven by a MockTime, for tests).
 *
 * <p>Thread-safe.
 */
public interface Timer extends AutoCloseable {

    /** Schedules the task {@code task.delayMs()} from now; a task already due runs soon after. */
    void add(TimerTask task);

    /**
     * Runs the tasks that are due, waiting up to {@code timeoutMs} for one to fall due.
     * {@link SystemTimer}'s reaper thread calls this; tests may call it too.
     *
     * @return whether any bucket of tasks fell due
     */
    boolean advanceClock(long timeoutMs);

    /** Scheduled tasks not yet run or cancelled. */
    int size();

    /** Stops the timer; tasks not yet due never run. */
    @Override
    void close();
}
