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
 * <p>A handler thread that finds the queue empty spins a few tens of microseconds before it
 * parks: a pipelining connection's next request follows its previous response within about that
 * time (the connection reads ahead), and a request taken by a spinning handler costs no unpark and
 * no park (about three futex calls per request otherwise). It spins by yielding its core, not by
 * busy-waiting: on a machine with few cores the network thread that will hand it the next request
 * may need that very core. A new
 * request wakes a parked handler only when more requests are queued than handlers spin, and then
 * the one that parked last, its caches being the warmest. The queue itself is lock-free, so a spinning handler never
 * contends with a network thread for a lock.
 *
 * <p>Thread-safe.
 */
public final class RequestChannel {

    /** Empty polls a handler makes, each after yielding its core, before it parks: some tens of µs. */
    static final int DEFAULT_SPIN_TRIES = 50;

    private final int capacity;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spinning = new AtomicInteger();
    private final ConcurrentLinkedDeque<Thread> parked = new ConcurrentLinkedDeque<>();
    private final int spinTries;

    public RequestChannel(int queuedMaxRequests) {
        this(queuedMaxRequests, DEFAULT_SPIN_TRIES);
    }

    /** {@code spinTries} 0 parks a handler as soon as it finds the queue empty. */
    RequestChannel(int queuedMaxRequests, int spinTries) {
        if (queuedMaxRequests < 1) {
            throw new IllegalArgumentException("queued.max.requests must be at least 1, got " + queuedMaxRequests);
        }
        this.capacity = queuedMaxRequests;
        this.spinTries = spinTries;
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
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        queue.add(request);
        // A spinning handler takes it, unless more are queued than handlers spin. A handler that
        // stops spinning counts itself parked and then looks at the queue once more, so a
        // request offered meanwhile is not missed.
        if (size.get() > spinning.get()) {
            Thread handler = parked.pollFirst();
            if (handler != null) {
                LockSupport.unpark(handler);
            }
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

    /** Handler side: the next request, or null after about {@code timeoutMs}. */
    Request receive(long timeoutMs) throws InterruptedException {
        Request request = poll();
        if (request == null) {
            request = spin();
        }
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

    private Request spin() {
        spinning.incrementAndGet();
        try {
            for (int i = 0; i < spinTries; i++) {
                Thread.yield();
                if (!queue.isEmpty()) {
                    Request request = poll();
                    if (request != null) {
                        return request;
                    }
                }
            }
            return null;
        } finally {
            spinning.decrementAndGet();
        }
    }

    private Request park(long timeoutMs) throws InterruptedException {
        Thread self = Thread.currentThread();
        parked.addFirst(self);
        try {
            Request request = poll(); // an offer that saw this thread spinning woke nobody
            if (request == null) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
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
