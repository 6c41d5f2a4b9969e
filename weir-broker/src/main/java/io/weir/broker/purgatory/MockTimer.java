package io.weir.broker.purgatory;

import java.util.Comparator;
import java.util.PriorityQueue;

import io.weir.common.MockTime;

/**
 * A {@link Timer} for tests: tasks run on the thread that advances the {@link MockTime}, in
 * deadline order (ties in the order added); a task with no delay runs at once in {@link #add}.
 *
 * <p>Thread-safe; tasks run outside the internal lock.
 */
public final class MockTimer implements Timer {

    private record Scheduled(TimerTaskEntry entry, long sequence) {
    }

    private final MockTime time;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
        Comparator.comparingLong((Scheduled s) -> s.entry().expirationMs).thenComparingLong(Scheduled::sequence));
    private long nextSequence;
    private volatile boolean closed;

    public MockTimer(MockTime time) {
        this.time = time;
        time.addListener(this::runDueTasks);
    }

    public MockTime time() {
        return time;
    }

    @Override
    public void add(TimerTask task) {
        if (closed) {
            return;
        }
        if (task.delayMs() <= 0) {
            task.run();
            return;
        }
        synchronized (this) {
            queue.add(new Scheduled(new TimerTaskEntry(task, time.hiResClockMs() + task.delayMs()), nextSequence++));
        }
    }

    /** Moves the MockTime forward by {@code timeoutMs}, which runs what fell due. */
    @Override
    public boolean advanceClock(long timeoutMs) {
        int before = size();
        time.sleep(timeoutMs);
        return size() < before;
    }

    @Override
    public synchronized int size() {
        queue.removeIf(s -> s.entry().cancelled());
        return queue.size();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            queue.clear();
        }
    }

    private void runDueTasks() {
        TimerTaskEntry due;
        while (!closed && (due = pollDue()) != null) {
            if (!due.cancelled()) {
                due.task.run();
            }
        }
    }

    private synchronized TimerTaskEntry pollDue() {
        Scheduled head = queue.peek();
        if (head == null || head.entry().expirationMs > time.hiResClockMs()) {
            return null;
        }
        return queue.poll().entry();
    }
}
