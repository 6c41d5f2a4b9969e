package io.weir.broker.purgatory;

/**
 * Work a {@link Timer} runs once {@link #delayMs()} has passed, unless cancelled first.
 *
 * <p>Thread-safe: {@link #cancel()} may race with the timer; the entry link is guarded by this.
 */
public abstract class TimerTask implements Runnable {

    private final long delayMs;
    private TimerTaskEntry entry;

    protected TimerTask(long delayMs) {
        this.delayMs = delayMs;
    }

    /** How long after {@link Timer#add} the task is due. */
    public final long delayMs() {
        return delayMs;
    }

    /** Takes the task off its timer; it will not run. Safe to call more than once. */
    public final void cancel() {
        synchronized (this) {
            if (entry != null) {
                entry.remove();
            }
            entry = null;
        }
    }

    /** Binds this task to the entry a timer holds, unlinking any previous one. */
    final void setEntry(TimerTaskEntry newEntry) {
        synchronized (this) {
            if (entry != null && entry != newEntry) {
                entry.remove();
            }
            entry = newEntry;
        }
    }

    final synchronized TimerTaskEntry entry() {
        return entry;
    }
}
