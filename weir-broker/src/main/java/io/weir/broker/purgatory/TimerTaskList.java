package io.weir.broker.purgatory;

import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bucket of a {@link TimingWheel}: the entries that expire in the same tick, as a ring
 * with a sentinel root, plus the bucket's expiration time.
 *
 * <p>Thread-safe: structural changes take this list's monitor, then the entry's.
 */
final class TimerTaskList {

    private final AtomicInteger taskCounter;
    private final TimerTaskEntry root = new TimerTaskEntry(null, -1L);
    private final AtomicLong expirationMs = new AtomicLong(-1L);

    TimerTaskList(AtomicInteger taskCounter) {
        this.taskCounter = taskCounter;
        root.next = root;
        root.prev = root;
    }

    /** Sets the bucket's expiration; true if it changed, meaning the bucket must be (re)queued. */
    boolean setExpiration(long newExpirationMs) {
        return expirationMs.getAndSet(newExpirationMs) != newExpirationMs;
    }

    long expirationMs() {
        return expirationMs.get();
    }

    /** Appends the entry, first taking it out of any list that holds it. */
    void add(TimerTaskEntry entry) {
        boolean done = false;
        while (!done) {
            // Unlink outside our monitor: taking two list monitors at once could deadlock.
            entry.remove();
            synchronized (this) {
                synchronized (entry) {
                    if (entry.list == null) {
                        TimerTaskEntry tail = root.prev;
                        entry.next = root;
                        entry.prev = tail;
                        entry.list = this;
                        tail.next = entry;
                        root.prev = entry;
                        taskCounter.incrementAndGet();
                        done = true;
                    }
                }
            }
        }
    }

    synchronized void remove(TimerTaskEntry entry) {
        synchronized (entry) {
            if (entry.list == this) {
                entry.next.prev = entry.prev;
                entry.prev.next = entry.next;
                entry.next = null;
                entry.prev = null;
                entry.list = null;
                taskCounter.decrementAndGet();
            }
        }
    }

    /** Removes every entry, hands each to {@code sink}, and resets the expiration. */
    synchronized void flush(Consumer<TimerTaskEntry> sink) {
        TimerTaskEntry head = root.next;
        while (head != root) {
            remove(head);
            sink.accept(head);
            head = root.next;
        }
        expirationMs.set(-1L);
    }
}
