package io.weir.cluster.controller;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Time;

/**
 * The controller thread ({@code weir-controller-event-thread}) and its event queue (Kafka's
 * {@code ControllerEventManager}): tasks run one at a time, in the order they were queued. A
 * failing task is logged and does not stop later ones. {@link #close} lets every task queued
 * before it run, then ends the thread; tasks offered after it are refused.
 *
 * <p>Thread-safe: any thread may queue; tasks run on the controller thread. A test may instead
 * leave the thread unstarted and run the tasks on its own thread, one by one ({@link #runNext}),
 * choosing when each event meets the controller.
 */
final class ControllerEventQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerEventQueue.class);
    static final String THREAD_NAME = "weir-controller-event-thread";

    private record QueuedTask(String name, Runnable task, long enqueuedNs) {
    }

    private final Time time;
    private final LinkedBlockingQueue<QueuedTask> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object lock = new Object();
    private boolean closed;
    private volatile LongConsumer queueTimeObserver = ns -> { };

    ControllerEventQueue(Time time) {
        this.time = time;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code task}; false (and nothing queued) after {@link #close}. */
    boolean offer(String name, Runnable task) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            queue.add(new QueuedTask(name, task, time.nanoseconds()));
            return true;
        }
    }

    /** Tasks waiting (not counting the one running). */
    int size() {
        return queue.size();
    }

    /** The names of the tasks waiting, oldest first. */
    List<String> queuedNames() {
        return queue.stream().map(QueuedTask::name).toList();
    }

    /**
     * Test mode (the thread never started): runs the oldest waiting task on the caller's thread,
     * which is the controller thread meanwhile. False if none was waiting.
     */
    boolean runNext() {
        if (thread.isAlive()) {
            throw new IllegalStateException("the controller thread runs the tasks");
        }
        QueuedTask next = queue.poll();
        if (next == null || next.task() == null) {
            return false;
        }
        runTask(next);
        return true;
    }

    boolean inControllerThread() {
        return Thread.currentThread() == thread;
    }

    /** Receives, for each task, the nanoseconds it waited in the queue. */
    void setQueueTimeObserver(LongConsumer observer) {
        this.queueTimeObserver = observer == null ? ns -> { } : observer;
    }

    /**
     * Refuses new tasks, lets the queued ones run, and waits up to {@code timeoutMs} for the
     * thread to end (not when called from the controller thread itself, which ends after the
     * current task). False if the thread is still running after the timeout.
     */
    boolean close(long timeoutMs) {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                queue.add(new QueuedTask("stop", null, time.nanoseconds()));
            }
        }
        if (inControllerThread() || !thread.isAlive()) {
            return true;
        }
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        while (true) {
            QueuedTask next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                LOG.warn("Controller event thread interrupted; stopping");
                return;
            }
            if (next.task() == null) {
                return;
            }
            runTask(next);
        }
    }

    private void runTask(QueuedTask next) {
        queueTimeObserver.accept(Math.max(0, time.nanoseconds() - next.enqueuedNs()));
        try {
            next.task().run();
        } catch (RuntimeException | Error e) {
            LOG.error("Controller event {} failed", next.name(), e);
        }
    }
}
