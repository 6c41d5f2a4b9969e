package io.weir.broker.network;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;

/**
 * Event loops that sleep until I/O, a task, or a scheduled task's deadline. Netty 4.2's loops
 * also wake once a second when nothing is scheduled: {@code SingleThreadEventExecutor} answers
 * "no scheduled task" with a deadline one second out ({@code SCHEDULE_PURGE_INTERVAL}), which the
 * 4.2 epoll handler now asks for. Netty 4.1's epoll loop had dropped that wake-up as unneeded
 * (netty#9605). All it buys is that a cancelled scheduled task leaves the queue within a second:
 * the cancel hands its removal to the loop lazily, so here it leaves at the loop's next wake-up for
 * I/O or a task, at the latest at its own deadline. "No scheduled task" is -1 here (epoll: no
 * timer) and {@code Long.MAX_VALUE} (NIO: select without a timeout), the values both handlers
 * already take for "none". An idle broker has three such loops (acceptor, network thread, control
 * plane); each wake-up costs CPU.
 *
 * <p>Thread-safe, as {@link MultiThreadIoEventLoopGroup}.
 */
public final class QuietEventLoopGroup extends MultiThreadIoEventLoopGroup {

    public QuietEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
        super(threads, threadFactory, ioHandlerFactory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new QuietEventLoop(this, executor, ioHandlerFactory);
    }

    private static final class QuietEventLoop extends SingleThreadIoEventLoop {

        QuietEventLoop(QuietEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
            super(parent, executor, ioHandlerFactory);
        }

        @Override
        protected long delayNanos(long currentTimeNanos) {
            return nextScheduledTaskDeadlineNanos() == -1L ? Long.MAX_VALUE : super.delayNanos(currentTimeNanos);
        }

        @Override
        protected long deadlineNanos() {
            return nextScheduledTaskDeadlineNanos();
        }
    }
}
