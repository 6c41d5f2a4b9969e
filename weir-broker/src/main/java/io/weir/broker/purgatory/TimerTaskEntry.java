package io.weir.broker.purgatory;

/**
 * A task's place in one {@link TimerTaskList}: a node of that list's doubly linked ring.
 *
 * <p>Thread-safe: links change only under the owning list's monitor and this entry's monitor.
 */
final class TimerTaskEntry {

    final TimerTask task;
    final long expirationMs;
    volatile TimerTaskList list;
    TimerTaskEntry next;
    TimerTaskEntry prev;

    TimerTaskEntry(TimerTask task, long expirationMs) {
        this.task = task;
        this.expirationMs = expirationMs;
        if (task != null) {
            task.setEntry(this);
        }
    }

    /** True once the task was cancelled or re-bound to another entry. */
    boolean cancelled() {
        return task.entry() != this;
    }

    /** Unlinks this entry from whichever list holds it; retries if it moves meanwhile. */
    void remove() {
        TimerTaskList current = list;
        while (current != null) {
            current.remove(this);
            current = list;
        }
    }
}
