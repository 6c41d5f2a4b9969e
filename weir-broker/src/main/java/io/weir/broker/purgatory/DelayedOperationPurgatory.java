package io.weir.broker.purgatory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where delayed operations wait (Kafka's purgatory): each operation is watched under one or more
 * keys (such as a TopicPartition) and put on a {@link Timer}; {@link #checkAndComplete(Object)}
 * retries the operations of a key when something changed for it, the timer completes the rest.
 * A completed operation leaves all its watch lists at once (a follower's fetch is watched under
 * every partition it fetches, and most of them see no event before another one completes it).
 * A purge, which runs after {@code purgeInterval} operations were watched, drops the lists that
 * are empty and any operation that completed while it was still being put in its lists.
 *
 * <p>Thread-safe: every method may be called from any thread; the timer may be shared by
 * several purgatories and is not closed by {@link #shutdown()} unless this purgatory owns it.
 */
public final class DelayedOperationPurgatory<T extends DelayedOperation> {

    private static final int DEFAULT_PURGE_INTERVAL = 1000;

    private final String name;
    private final Timer timer;
    private final boolean ownsTimer;
    private final int purgeInterval;
    private final Map<Object, Watchers<T>> watchersByKey = new ConcurrentHashMap<>();
    private final AtomicInteger estimatedTotalOperations = new AtomicInteger();
    private final AtomicInteger delayed = new AtomicInteger();
    private final AtomicBoolean purging = new AtomicBoolean();
    private volatile boolean shutDown;

    /** A purgatory on a timer shared with others; the caller closes the timer. */
    public DelayedOperationPurgatory(String name, Timer timer) {
        this(name, timer, DEFAULT_PURGE_INTERVAL, false);
    }

    public DelayedOperationPurgatory(String name, Timer timer, int purgeInterval, boolean ownsTimer) {
        if (purgeInterval < 1) {
            throw new IllegalArgumentException("purgeInterval must be at least 1, got " + purgeInterval);
        }
        this.name = name;
        this.timer = timer;
        this.purgeInterval = purgeInterval;
        this.ownsTimer = ownsTimer;
    }

    public String name() {
        return name;
    }

    /**
     * Completes the operation now if it can; otherwise watches it under every key and starts its
     * timeout. With no keys the operation only times out.
     *
     * @return true if it completed within this call (by this caller)
     */
    public boolean tryCompleteElseWatch(T operation, Collection<?> watchKeys) {
        if (shutDown) {
            throw new IllegalStateException("purgatory " + name + " is shut down");
        }
        if (operation.safeTryCompleteOrElse(() -> watchAll(operation, watchKeys))) {
            return true;
        }
        if (!operation.isCompleted()) {
            if (operation.trackDelayed(delayed)) {
                timer.add(operation);
            }
            if (operation.isCompleted()) {
                operation.cancel();
            }
        }
        maybePurge();
        return false;
    }

    private void watchAll(T operation, Collection<?> watchKeys) {
        for (Object key : watchKeys) {
            // Inside compute, so it is atomic with removeKeyIfEmpty: no operation lands in a dropped list.
            watchersByKey.compute(key, (k, w) -> {
                Watchers<T> watchers = w == null ? new Watchers<>(k) : w;
                watchers.watch(operation);
                return watchers;
            });
        }
        if (!watchKeys.isEmpty()) {
            estimatedTotalOperations.incrementAndGet();
            operation.onWatched(() -> unwatch(operation, watchKeys));
        }
    }

    /** Takes a completed operation out of its watch lists. Empty lists stay, for the next operation, until a purge. */
    private void unwatch(T operation, Collection<?> watchKeys) {
        for (Object key : watchKeys) {
            Watchers<T> watchers = watchersByKey.get(key);
            if (watchers != null) {
                watchers.remove(operation);
            }
        }
    }

    /**
     * Retries the operations watched under {@code key}; call after anything changed for it.
     *
     * @return how many operations this call completed
     */
    public int checkAndComplete(Object key) {
        Watchers<T> watchers = watchersByKey.get(key);
        if (watchers == null) {
            return 0;
        }
        int completed = watchers.tryCompleteWatched();
        removeKeyIfEmpty(watchers);
        return completed;
    }

    /** Operations waiting for their timeout (not yet completed). */
    public int numDelayed() {
        return delayed.get();
    }

    /** Entries in all watch lists, including completed ones not yet purged. */
    public int watched() {
        int total = 0;
        for (Watchers<T> watchers : watchersByKey.values()) {
            total += watchers.size();
        }
        return total;
    }

    /** Keys with a watch list; for tests and metrics. */
    public int watchedKeys() {
        return watchersByKey.size();
    }

    /** Drops every watch list (waiting operations are not completed) and closes an owned timer. */
    public void shutdown() {
        shutDown = true;
        watchersByKey.clear();
        if (ownsTimer) {
            timer.close();
        }
    }

    /** Drops completed operations and empty lists; returns how many operations were dropped. */
    public int purgeCompleted() {
        estimatedTotalOperations.set(numDelayed());
        int purged = 0;
        for (Watchers<T> watchers : new ArrayList<>(watchersByKey.values())) {
            purged += watchers.purgeCompleted();
            removeKeyIfEmpty(watchers);
        }
        return purged;
    }

    private void maybePurge() {
        if (estimatedTotalOperations.get() - numDelayed() > purgeInterval && purging.compareAndSet(false, true)) {
            try {
                purgeCompleted();
            } finally {
                purging.set(false);
            }
        }
    }

    private void removeKeyIfEmpty(Watchers<T> watchers) {
        if (watchers.isEmpty()) {
            // Atomic with watchAll(): compute and computeIfPresent hold the same map bin lock.
            watchersByKey.computeIfPresent(watchers.key(), (k, w) -> w == watchers && w.isEmpty() ? null : w);
        }
    }
}
