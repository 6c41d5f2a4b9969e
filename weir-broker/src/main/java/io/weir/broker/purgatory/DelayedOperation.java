package io.weir.broker.purgatory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request that waits in a {@link DelayedOperationPurgatory} until {@link #tryComplete()} finds
 * its condition met (on an event for one of its keys) or {@link #delayMs()} passes. Completion
 * happens exactly once: {@link #forceComplete()} returns true to the one caller that won, and that
 * caller runs {@link #onComplete()}; on timeout the timer thread also runs {@link #onExpiration()}
 * after it.
 *
 * <p>Thread-safe: completion is a CAS; the purgatory serializes {@code tryComplete} calls on one
 * operation with a lock, so implementations need no locking of their own.
 */
public abstract class DelayedOperation extends TimerTask {

    /** Marks an operation whose completion was already counted. */
    private static final AtomicInteger COUNTED = new AtomicInteger();

    private final AtomicBoolean completed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<AtomicInteger> delayedCounter = new AtomicReference<>();
    /** Takes this operation out of the watch lists it is in; set by the purgatory that watches it. */
    private final AtomicReference<Runnable> unwatch = new AtomicReference<>();

    protected DelayedOperation(long delayMs) {
        super(delayMs);
    }

    /**
     * Checks whether the operation can complete now and, if so, calls {@link #forceComplete()}
     * and returns its result.
     */
    public abstract boolean tryComplete();

    /**
     * {@link #tryComplete()} after an event on {@code key}, one of the keys this operation is
     * watched under. An operation watched under many keys may look at what the event changed first
     * and complete on that alone; it falls back to {@code tryComplete()} when that is not enough.
     */
    protected boolean tryCompleteFor(Object key) {
        return tryComplete();
    }

    /** The work to do on completion (build and send the response). Runs exactly once. */
    public abstract void onComplete();

    /** Called after {@link #onComplete()} when the operation completed by timing out. */
    public abstract void onExpiration();

    /**
     * Completes the operation if nobody did yet: cancels its timeout and runs {@link #onComplete()}.
     *
     * @return true only for the caller that completed it
     */
    public boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        cancel();
        AtomicInteger counter = delayedCounter.getAndSet(COUNTED);
        if (counter != null) {
            counter.decrementAndGet();
        }
        try {
            onComplete();
        } finally {
            maybeUnwatch();
        }
        return true;
    }

    public boolean isCompleted() {
        return completed.get();
    }

    /** The timer's expiry action. */
    @Override
    public final void run() {
        if (forceComplete()) {
            onExpiration();
        }
    }

    /** tryCompleteFor(key) under the operation's lock, so racing events do not run it concurrently. */
    final boolean safeTryComplete(Object key) {
        lock.lock();
        try {
            return !isCompleted() && tryCompleteFor(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * tryComplete; if that fails run {@code watch} and try once more, all under the lock, so an
     * event arriving while the keys are being watched cannot be missed.
     */
    final boolean safeTryCompleteOrElse(Runnable watch) {
        lock.lock();
        try {
            if (tryComplete()) {
                return true;
            }
            watch.run();
            return tryComplete();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The purgatory put this operation in its watch lists: {@code unwatch} takes it out of them,
     * which happens when it completes (at once if it already did), whichever key or timeout
     * completed it. A completed operation left in the list of a key that sees no more events
     * would otherwise stay there, with everything it holds, until a purge.
     */
    final void onWatched(Runnable unwatch) {
        this.unwatch.set(unwatch);
        if (isCompleted()) {
            maybeUnwatch();
        }
    }

    private void maybeUnwatch() {
        Runnable action = unwatch.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    /** Counts this operation in {@code counter} until it completes; false if it already did. */
    final boolean trackDelayed(AtomicInteger counter) {
        counter.incrementAndGet();
        if (delayedCounter.compareAndSet(null, counter)) {
            return true;
        }
        counter.decrementAndGet();
        return false;
    }
}
