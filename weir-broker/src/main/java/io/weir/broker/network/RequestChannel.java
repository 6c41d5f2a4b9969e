package io.weir.broker.network;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue ({@code queued.max.requests}) between the network threads and the request
 * handler threads. Network threads never block on it: when it is full, a connection parks its
 * request (at most one per connection) and stops reading, registering a waiter; each request a
 * handler takes wakes one waiter, which passes the wake-up on while there is room.
 *
 * <p>Thread-safe.
 */
public final class RequestChannel {

    private final ArrayBlockingQueue<Request> queue;
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    public RequestChannel(int queuedMaxRequests) {
        if (queuedMaxRequests < 1) {
            throw new IllegalArgumentException("queued.max.requests must be at least 1, got " + queuedMaxRequests);
        }
        this.queue = new ArrayBlockingQueue<>(queuedMaxRequests);
    }

    /** Requests waiting for a handler thread. */
    public int size() {
        return queue.size();
    }

    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    /** Connections waiting for room in the queue. */
    public int waiting() {
        return waiters.size();
    }

    /** Network side: enqueues without blocking; false if the queue is full. */
    boolean offer(Request request) {
        return queue.offer(request);
    }

    boolean isFull() {
        return queue.remainingCapacity() == 0;
    }

    /**
     * Network side: runs {@code waiter} (on a handler thread; it must only hand work to an event
     * loop) once there is room. A woken waiter must call {@link #passOn()} when it is done.
     */
    void whenSpace(Runnable waiter) {
        waiters.add(waiter);
        // The queue may have drained between the caller's failed offer and now.
        passOn();
    }

    /** Wakes the next waiter if there is room. */
    void passOn() {
        if (queue.remainingCapacity() > 0) {
            Runnable waiter = waiters.poll();
            if (waiter != null) {
                waiter.run();
            }
        }
    }

    /** Handler side: the next request, or null after {@code timeoutMs}. */
    Request receive(long timeoutMs) throws InterruptedException {
        Request request = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (request != null) {
            passOn();
        }
        return request;
    }

    /** Drops everything queued (at shutdown, once the connections are closed). */
    void clear() {
        Request request;
        while ((request = queue.poll()) != null) {
            request.releaseFrame();
        }
        waiters.clear();
    }
}
