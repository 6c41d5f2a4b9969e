package io.weir.broker.network;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded queue ({@code queued.max.requests}) between the network threads and the request
 * handler threads. Network threads never block on it: when it is full, a connection parks its
 * request (at most one per connection) and stops reading, registering a waiter; each request a
 * handler takes wakes one waiter, which passes the wake-up on while there is room.
 *
 * <p>The queue itself is lock-free with a bounded count, so a network thread never waits for a
 * handler's lock; a new request wakes the handler that parked last, its caches being the warmest.
 * (A handler that yielded its core up to 50 times before parking took about 700 futex calls
 * instead of 15,000 over 4,771 produce requests, but spent them as 23,000 {@code sched_yield}
 * calls and more CPU per record: 4.3 against 3.8 s per million records of 1 KiB, measured with
 * {@code bench/diagnostics/broker-profile.sh}; so handlers park at once.)
 *
 * <p>Thread-safe.
 */
public final class RequestChannel {

    /** {@link #receive} waits until a request comes or the thread is unparked. */
    static final long NO_TIMEOUT = Long.MAX_VALUE;

    private final int capacity;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Thread> parked = new ConcurrentLinkedDeque<>();

    public RequestChannel(int queuedMaxRequests) {
        if (queuedMaxRequests < 1) {
            throw new IllegalArgumentException("queued.max.requests must be at least 1, got " + queuedMaxRequests);
        }
        this.capacity = queuedMaxRequests;
    }

    /** Requests waiting for a handler thread. */
    public int size() {
        return size.get();
    }

    public int capacity() {
        return capacity;
    }

    /** Connections waiting for room in the queue. */
    public int waiting() {
        return waiters.size();
    }

    /** Network side: enqueues without blocking; false if the queue is full. */
    boolean offer(Request request) {
        // Reserve a place without ever counting past the capacity: size() (the request queue
        // gauge, the tests) must not see capacity + 1 while a refused offer backs out.
        int queued;
        do {
            queued = size.get();
            if (queued >= capacity) {
                return false;
            }
        } while (!size.compareAndSet(queued, queued + 1));
        queue.add(request);
        // A handler about to park counts itself parked and then looks at the queue once more,
        // so a request offered meanwhile is not missed.
        Thread handler = parked.pollFirst();
        if (handler != null) {
            LockSupport.unpark(handler);
        }
        return true;
    }

    boolean isFull() {
        return size.get() >= capacity;
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
        if (size.get() < capacity) {
            Runnable waiter = waiters.poll();
            if (waiter != null) {
                waiter.run();
            }
        }
    }

    /**
     * Handler side: the next request, or null after about {@code timeoutMs}, or (with
     * {@link #NO_TIMEOUT}) null only when the thread is unparked without one, as at shutdown.
     */
    Request receive(long timeoutMs) throws InterruptedException {
        Request request = poll();
        if (request == null) {
            request = park(timeoutMs);
        }
        if (request != null) {
            passOn();
        }
        return request;
    }

    private Request poll() {
        Request request = queue.poll();
        if (request != null) {
            size.decrementAndGet();
        }
        return request;
    }

    private Request park(long timeoutMs) throws InterruptedException {
        Thread self = Thread.currentThread();
        parked.addFirst(self);
        try {
            Request request = poll(); // an offer before this thread counted itself parked woke nobody
            if (request == null) {
                if (timeoutMs == NO_TIMEOUT) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                request = poll();
            }
            return request;
        } finally {
            parked.remove(self);
        }
    }

    /** Drops everything queued (at shutdown, once the connections are closed). */
    void clear() {
        Request request;
        while ((request = poll()) != null) {
            request.releaseFrame();
        }
        waiters.clear();
    }
}
