package io.weir.broker.network;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;

/**
 * {@code num.io.threads} threads that take requests from the {@link RequestChannel} and call the
 * {@link ApiRequestHandler}, then give the request's frame back to the pool. A handler exception is logged once here and answered with the API's
 * error response. Requests of connections that closed meanwhile are still handled. Threads are never
 * interrupted (an interrupt would close a FileChannel the handler is reading); {@link #close()}
 * unparks them. An idle handler waits without a timeout: every needless wake-up of an idle broker
 * costs CPU.
 *
 * <p>Thread-safe.
 */
public final class RequestHandlerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandlerPool.class);

    private final RequestChannel requestChannel;
    private final ApiRequestHandler handler;
    private final Time time;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public RequestHandlerPool(int numIoThreads, RequestChannel requestChannel, ApiRequestHandler handler, Time time) {
        if (numIoThreads < 1) {
            throw new IllegalArgumentException("num.io.threads must be at least 1, got " + numIoThreads);
        }
        this.requestChannel = requestChannel;
        this.handler = handler;
        this.time = time;
        for (int i = 0; i < numIoThreads; i++) {
            Thread thread = new Thread(this::run, "weir-request-handler-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    public int numThreads() {
        return threads.size();
    }

    private void run() {
        while (running) {
            Request request;
            try {
                request = requestChannel.receive(RequestChannel.NO_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (request != null) {
                // Also when the client already closed: what it sent before closing is handled
                // (an acks=0 produce must not vanish); the response is dropped.
                handle(request);
            }
        }
    }

    void handle(Request request) {
        handle(handler, request, time);
    }

    /**
     * Calls {@code handler}; on an exception answers with the API's error response. Gives the
     * request's frame back when the handler returns. Also used by network threads for requests
     * they handle inline ({@link InlineHandling}).
     */
    static void handle(ApiRequestHandler handler, Request request, Time time) {
        try {
            handler.handle(request);
        } catch (Throwable t) {
            LOG.error("Error handling {} ({} ms after it arrived)", request,
                (time.nanoseconds() - request.receivedTimeNs()) / 1_000_000L, t);
            if (!request.isCompleted()) {
                respondWithError(request, t);
            }
        } finally {
            // Handlers read a request's body only on this thread, before they return.
            request.releaseFrame();
        }
    }

    private static void respondWithError(Request request, Throwable t) {
        try {
            request.sendResponse(request.body().getErrorResponse(0, t));
        } catch (IllegalStateException raced) {
            // The handler completed it from another thread meanwhile.
        } catch (RuntimeException e) {
            LOG.error("Cannot build the error response for {}, closing the connection: {}", request, e.toString());
            if (!request.isCompleted()) {
                request.closeConnection();
            }
        }
    }

    /** Stops the threads after their current request and waits for them. */
    @Override
    public void close() {
        running = false;
        threads.forEach(LockSupport::unpark);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
