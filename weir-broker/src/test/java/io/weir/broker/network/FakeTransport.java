package io.weir.broker.network;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.weir.common.MockTime;

/**
 * A transport for idle-time tests on a {@link MockTime}: each run waits {@link #waitMs}, runs
 * {@link #during}, then handles ready channels for {@link #activeMs}, reporting that active time
 * as Netty's NIO and epoll handlers do. Public for the metrics tests.
 *
 * <p>Not thread-safe: driven by the test's thread.
 */
public final class FakeTransport implements IoHandler {

    private final MockTime time;
    public long waitMs;
    public long activeMs;
    public Runnable during = () -> { };
    final List<IoHandlerContext> contexts = new ArrayList<>();

    public FakeTransport(MockTime time) {
        this.time = time;
    }

    /** The event loop's own context; it wants active time reports only if {@code wantsReports}. */
    public static final class LoopContext implements IoHandlerContext {
        final boolean wantsReports;
        long reportedNs;

        public LoopContext(boolean wantsReports) {
            this.wantsReports = wantsReports;
        }

        @Override
        public boolean canBlock() {
            return true;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 42;
        }

        @Override
        public long deadlineNanos() {
            return 4242;
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return wantsReports;
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            reportedNs += activeNanos;
        }
    }

    /** A processor measured by {@code stats} whose transport is {@code transport}. */
    public static IoHandler processor(ProcessorIdleStats stats, FakeTransport transport) {
        return stats.wrap(executor -> transport).newHandler(null);
    }

    @Override
    public int run(IoHandlerContext context) {
        contexts.add(context);
        time.advance(waitMs);
        during.run();
        if (context.shouldReportActiveIoTime()) {
            context.reportActiveIoTime(activeMs * 1_000_000L);
        }
        time.advance(activeMs);
        return 1;
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void wakeup() {
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return true;
    }
}
