package io.weir.common;

import java.util.PriorityQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} driven by a {@link MockTime}: due tasks run on the thread that advances
 * the clock, in due-time order. No threads, so tests are deterministic.
 *
 * <p>Thread-safe (one lock); tasks run outside the lock.
 */
public final class MockScheduler implements Scheduler, MockTime.Listener {

    private final MockTime time;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            (a, b) -> a.nextRunMs != b.nextRunMs ? Long.compare(a.nextRunMs, b.nextRunMs) : Long.compare(a.seq, b.seq));
    private long sequence;

    public MockScheduler(MockTime time) {
        this.time = time;
        time.addListener(this);
    }

    @Override
    public void startup() {
    }

    @Override
    public ScheduledFuture<?> schedule(String name, Runnable task, long delayMs, long periodMs) {
        Task t;
        synchronized (this) {
            t = new Task(name, task, time.milliseconds() + delayMs, periodMs, sequence++);
            tasks.add(t);
        }
        onTimeUpdated();
        return t;
    }

    /** Runs every task that is due now. */
    @Override
    public void onTimeUpdated() {
        while (true) {
            Task due;
            synchronized (this) {
                due = tasks.peek();
                if (due == null || due.nextRunMs > time.milliseconds()) {
                    return;
                }
                tasks.poll();
            }
            if (due.cancelled) {
                continue;
            }
            due.runnable.run();
            if (due.periodMs > 0 && !due.cancelled) {
                synchronized (this) {
                    due.nextRunMs += due.periodMs;
                    tasks.add(due);
                }
            } else {
                due.done = true;
            }
        }
    }

    public synchronized int pendingTasks() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public synchronized void shutdown() {
        tasks.clear();
    }

    private final class Task implements ScheduledFuture<Object> {
        final String name;
        final Runnable runnable;
        final long periodMs;
        final long seq;
        long nextRunMs;
        volatile boolean cancelled;
        volatile boolean done;

        Task(String name, Runnable runnable, long nextRunMs, long periodMs, long seq) {
            this.name = name;
            this.runnable = runnable;
            this.nextRunMs = nextRunMs;
            this.periodMs = periodMs;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(nextRunMs - time.milliseconds(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() throws ExecutionException {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws ExecutionException {
            return null;
        }

        @Override
        public String toString() {
            return "Task(" + name + " at " + nextRunMs + ")";
        }
    }
}
