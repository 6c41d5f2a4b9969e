package io.weir.broker.purgatory;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The operations watched under one key of a {@link DelayedOperationPurgatory}.
 *
 * <p>Thread-safe: a lock-free queue; adds happen inside the purgatory's map compute so that an
 * empty list is never dropped while an operation is being added to it.
 */
final class Watchers<T extends DelayedOperation> {

    private final Object key;
    private final ConcurrentLinkedQueue<T> operations = new ConcurrentLinkedQueue<>();

    Watchers(Object key) {
        this.key = key;
    }

    Object key() {
        return key;
    }

    void watch(T operation) {
        operations.add(operation);
    }

    void remove(T operation) {
        operations.remove(operation);
    }

    boolean isEmpty() {
        return operations.isEmpty();
    }

    int size() {
        return operations.size();
    }

    /** Tries each watched operation; drops the completed ones; returns how many this call completed. */
    int tryCompleteWatched() {
        int completed = 0;
        Iterator<T> it = operations.iterator();
        while (it.hasNext()) {
            T operation = it.next();
            if (operation.isCompleted()) {
                it.remove();
            } else if (operation.safeTryComplete(key)) {
                it.remove();
                completed++;
            }
        }
        return completed;
    }

    /** Drops operations completed elsewhere (by timeout or another key); returns how many. */
    int purgeCompleted() {
        int purged = 0;
        Iterator<T> it = operations.iterator();
        while (it.hasNext()) {
            if (it.next().isCompleted()) {
                it.remove();
                purged++;
            }
        }
        return purged;
    }
}
