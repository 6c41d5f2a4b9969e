package io.weir.broker.purgatory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;

/**
 * A {@link Timer} over a hierarchical {@link TimingWheel} (1 ms ticks, 20 buckets per level). One
 * reaper thread waits for the earliest non-empty bucket to fall due, advances the wheel to it and
 * runs the tasks that expired; waiting requests cost no thread. Deadlines use {@link Time}.
 *
 * <p>Thread-safe: {@link #add} from any thread (read lock); the reaper advances under the write lock
 * and runs expired tasks on its own thread, outside the locks.
 */
public final class SystemTimer implements Timer {

    private static final Logger LOG = LoggerFactory.getLogger(SystemTimer.class);
    /**
     * The reaper waits for the earliest bucket's deadline, a new earlier bucket, a ready task or
     * close, each of which signals it; no periodic poll, because every needless wake-up of an idle
     * broker's threads costs CPU (100-250 µs each on a VM).
     */
    private static final long REAPER_WAIT_MS = Long.MAX_VALUE;

    private final Time time;
    private final AtomicInteger taskCounter = new AtomicInteger();
    private final TimingWheel wheel;
    private final PriorityQueue<TimerTaskList> dueBuckets =
        new PriorityQueue<>(Comparator.comparingLong(TimerTaskList::expirationMs));
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueChanged = queueLock.newCondition();
    private final ConcurrentLinkedQueue<TimerTask> readyTasks = new ConcurrentLinkedQueue<>();
    private final ReentrantReadWriteLock wheelLock = new ReentrantReadWriteLock();
    private final Thread reaper;
    private volatile boolean closed;

    /** Starts the reaper thread, named {@code name + "-reaper"}. */
    public SystemTimer(String name, Time time) {
        this(name, time, 1L, 20);
    }

    public SystemTimer(String name, Time time, long tickMs, int wheelSize) {
        this(name, time, tickMs, wheelSize, true);
    }

    /** With {@code startReaper} false the caller drives {@link #advanceClock} (deterministic tests). */
    SystemTimer(String name, Time time, long tickMs, int wheelSize, boolean startReaper) {
        if (tickMs < 1 || wheelSize < 2) {
            throw new IllegalArgumentException("tickMs must be >= 1 and wheelSize >= 2, got " + tickMs + ", " + wheelSize);
        }
        this.time = time;
        this.wheel = new TimingWheel(tickMs, wheelSize, time.hiResClockMs(), taskCounter, this::enqueueBucket);
        this.reaper = new Thread(this::reap, name + "-reaper");
        reaper.setDaemon(true);
        if (startReaper) {
            reaper.start();
        }
    }

    @Override
    public void add(TimerTask task) {
        if (closed) {
            return; // nothing would ever run it
        }
        wheelLock.readLock().lock();
        try {
            addEntry(new TimerTaskEntry(task, task.delayMs() + time.hiResClockMs()));
        } finally {
            wheelLock.readLock().unlock();
        }
        if (!readyTasks.isEmpty()) {
            wakeReaper();
        }
    }

    private void addEntry(TimerTaskEntry entry) {
        if (!wheel.add(entry) && !entry.cancelled()) {
            readyTasks.add(entry.task);
        }
    }

    @Override
    public boolean advanceClock(long timeoutMs) {
        TimerTaskList bucket = pollDueBucket(timeoutMs);
        boolean advanced = bucket != null;
        if (advanced) {
            List<TimerTaskEntry> moved = new ArrayList<>();
            wheelLock.writeLock().lock();
            try {
                while (bucket != null) {
                    wheel.advanceClock(bucket.expirationMs());
                    bucket.flush(moved::add);
                    // Entries of an overflow bucket move down a level; those now due become ready.
                    moved.forEach(this::addEntry);
                    moved.clear();
                    bucket = pollDueBucket(0L);
                }
            } finally {
                wheelLock.writeLock().unlock();
            }
        }
        runReadyTasks();
        return advanced;
    }

    @Override
    public int size() {
        return taskCounter.get() + readyTasks.size();
    }

    @Override
    public void close() {
        closed = true;
        wakeReaper();
        if (Thread.currentThread() != reaper && reaper.isAlive()) {
            try {
                reaper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        readyTasks.clear();
    }

    private void reap() {
        while (!closed) {
            try {
                advanceClock(REAPER_WAIT_MS);
            } catch (RuntimeException | Error e) {
                LOG.error("Timer reaper failed to advance the clock", e);
            }
        }
    }

    private void runReadyTasks() {
        TimerTask task;
        while (!closed && (task = readyTasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("Timer task {} failed", task, e);
            }
        }
    }

    private void enqueueBucket(TimerTaskList bucket) {
        queueLock.lock();
        try {
            dueBuckets.add(bucket);
            if (dueBuckets.peek() == bucket) {
                queueChanged.signalAll();
            }
        } finally {
            queueLock.unlock();
        }
    }

    private void wakeReaper() {
        queueLock.lock();
        try {
            queueChanged.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * The earliest bucket if it is due, waiting up to timeoutMs for it ({@link #REAPER_WAIT_MS}:
     * until signalled); null on timeout or work to do.
     */
    private TimerTaskList pollDueBucket(long timeoutMs) {
        boolean untilSignalled = timeoutMs == REAPER_WAIT_MS;
        long deadlineMs = untilSignalled ? 0L : time.hiResClockMs() + timeoutMs;
        queueLock.lock();
        try {
            while (true) {
                TimerTaskList head = dueBuckets.peek();
                long nowMs = time.hiResClockMs();
                if (head != null && head.expirationMs() <= nowMs) {
                    return dueBuckets.poll();
                }
                if (closed || !readyTasks.isEmpty() || (!untilSignalled && deadlineMs <= nowMs)) {
                    return null;
                }
                long waitMs = head == null ? Long.MAX_VALUE : head.expirationMs() - nowMs;
                if (!untilSignalled) {
                    waitMs = Math.min(waitMs, deadlineMs - nowMs);
                }
                if (waitMs == Long.MAX_VALUE) {
                    queueChanged.await();
                } else {
                    queueChanged.await(waitMs, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            queueLock.unlock();
        }
    }
}
