package io.weir.broker.purgatory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A hierarchical hashed timing wheel (Varghese and Lauck; Kafka's TimingWheel): {@code wheelSize}
 * buckets of {@code tickMs} each; a deadline beyond this wheel's interval goes to an overflow wheel
 * whose tick is this wheel's whole interval, created on demand. Insert and delete are O(1); the
 * clock only moves to the expiration of a bucket that fell due, so idle time costs nothing.
 *
 * <p>Not thread-safe on its own: {@link SystemTimer} adds under a read lock and advances under the
 * write lock; buckets are thread-safe so concurrent adds are fine.
 */
final class TimingWheel {

    private final long tickMs;
    private final int wheelSize;
    private final long intervalMs;
    private final AtomicInteger taskCounter;
    private final Consumer<TimerTaskList> bucketQueue;
    private final TimerTaskList[] buckets;
    private volatile long currentTimeMs;
    private volatile TimingWheel overflowWheel;

    TimingWheel(long tickMs, int wheelSize, long startMs, AtomicInteger taskCounter,
                Consumer<TimerTaskList> bucketQueue) {
        this.tickMs = tickMs;
        this.wheelSize = wheelSize;
        this.intervalMs = tickMs * wheelSize;
        this.taskCounter = taskCounter;
        this.bucketQueue = bucketQueue;
        this.buckets = new TimerTaskList[wheelSize];
        for (int i = 0; i < wheelSize; i++) {
            buckets[i] = new TimerTaskList(taskCounter);
        }
        this.currentTimeMs = startMs - (startMs % tickMs);
    }

    /** Places the entry; false if it is cancelled or already due (the caller runs it). */
    boolean add(TimerTaskEntry entry) {
        long expiration = entry.expirationMs;
        if (entry.cancelled()) {
            return false;
        }
        if (expiration < currentTimeMs + tickMs) {
            return false;
        }
        if (expiration < currentTimeMs + intervalMs) {
            long virtualId = expiration / tickMs;
            TimerTaskList bucket = buckets[(int) (virtualId % wheelSize)];
            bucket.add(entry);
            if (bucket.setExpiration(virtualId * tickMs)) {
                bucketQueue.accept(bucket);
            }
            return true;
        }
        return overflow().add(entry);
    }

    /** Moves this wheel (and its overflow wheels) to {@code timeMs}, rounded down to a tick. */
    void advanceClock(long timeMs) {
        if (timeMs >= currentTimeMs + tickMs) {
            currentTimeMs = timeMs - (timeMs % tickMs);
            TimingWheel overflow = overflowWheel;
            if (overflow != null) {
                overflow.advanceClock(currentTimeMs);
            }
        }
    }

    private TimingWheel overflow() {
        TimingWheel overflow = overflowWheel;
        if (overflow == null) {
            synchronized (this) {
                overflow = overflowWheel;
                if (overflow == null) {
                    overflow = new TimingWheel(intervalMs, wheelSize, currentTimeMs, taskCounter, bucketQueue);
                    overflowWheel = overflow;
                }
            }
        }
        return overflow;
    }
}
