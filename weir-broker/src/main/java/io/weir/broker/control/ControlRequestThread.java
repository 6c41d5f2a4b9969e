package io.weir.broker.control;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs control-plane request handlers, in submission order. Tasks may block.
 * {@link #close()} drops queued tasks, lets the running one finish (it is interrupted only if it
 * takes longer than {@link #CLOSE_TIMEOUT_MS}: an interrupt closes any {@code FileChannel} a
 * handler is using) and joins the thread.
 *
 * <p>Thread-safe.
 */
final class ControlRequestThread implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRequestThread.class);
    static final long CLOSE_TIMEOUT_MS = 30_000L;
    private static final Runnable WAKE_UP = () -> { };

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    ControlRequestThread(String name) {
        this.thread = new Thread(this::run, name);
    }

    void start() {
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (!running) {
            throw new RejectedExecutionException("control-plane request thread is closed");
        }
        queue.add(task);
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                continue;
            }
            if (!running) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                // Tasks answer their own failures; this only keeps the thread alive.
                LOG.error("Uncaught failure on {}", thread.getName(), t);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        queue.clear();
        queue.add(WAKE_UP);
        if (!thread.isAlive() || Thread.currentThread() == thread) {
            // Not started, or closed by a handler: the thread ends after the running task.
            return;
        }
        join(CLOSE_TIMEOUT_MS);
        if (thread.isAlive()) {
            LOG.warn("{} still busy after {} ms, interrupting it", thread.getName(), CLOSE_TIMEOUT_MS);
            thread.interrupt();
            join(0);
        }
    }

    /** Waits up to {@code timeoutMs} (0: forever); an interrupt restarts the wait and is kept. */
    private void join(long timeoutMs) {
        joinUninterruptibly(thread, timeoutMs);
    }

    /** {@link Thread#join(long)} that waits on through interrupts and keeps the interrupt flag. */
    static void joinUninterruptibly(Thread thread, long timeoutMs) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join(timeoutMs);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

}
