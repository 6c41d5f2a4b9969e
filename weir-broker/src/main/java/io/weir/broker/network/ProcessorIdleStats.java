package io.weir.broker.network;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.weir.common.Time;

/**
 * How long each network processor (a worker event loop) was idle, Kafka's
 * {@code NetworkProcessorAvgIdlePercent} at the source. A processor's loop alternates between
 * its transport's {@link IoHandler#run} (wait for readiness, then handle the ready channels) and
 * its task queue (completions, responses to write). Idle is the time inside {@code run} minus the
 * active I/O time the transport reports through {@link IoHandlerContext#reportActiveIoTime}
 * (NIO and epoll both time their ready-key processing when asked): that is, the time spent
 * waiting in select/epoll_wait. The rest of the wall-clock time is busy. A wait still in progress
 * counts up to now, so a processor that has slept for a minute reads as a minute idle; so does one
 * whose thread has not started yet (Netty starts a loop's thread with its first channel).
 *
 * <p>Cost per loop turn: two {@code Time.nanoseconds()} readings and a few volatile writes by the
 * loop's own thread; readers never block it.
 *
 * <p>Thread-safe: each {@link Clock} is written by its event loop only and read from any thread.
 */
public final class ProcessorIdleStats {

    private final Time time;
    private final AtomicReferenceArray<Clock> clocks;
    private final AtomicInteger nextIndex = new AtomicInteger();

    public ProcessorIdleStats(int processors, Time time) {
        this.time = time;
        this.clocks = new AtomicReferenceArray<>(processors);
    }

    /** Processors this can hold ({@code num.network.threads}). */
    public int processors() {
        return clocks.length();
    }

    /** Nanoseconds processor {@code index} waited for I/O since it started; 0 before it started. */
    public long idleNs(int index) {
        Clock clock = clocks.get(index);
        return clock == null ? 0L : clock.idleNs(time.nanoseconds());
    }

    /** {@code Time.nanoseconds()} when processor {@code index} started, or empty before. */
    public OptionalLong startedNs(int index) {
        Clock clock = clocks.get(index);
        return clock == null ? OptionalLong.empty() : OptionalLong.of(clock.startedNs);
    }

    /** A factory whose handlers measure into this (one processor per handler, in creation order). */
    public IoHandlerFactory wrap(IoHandlerFactory factory) {
        return ForwardingIoHandler.decorate(factory, handler -> new MeteredIoHandler(handler, newClock(), time));
    }

    /** The clock of the next processor. */
    private Clock newClock() {
        int index = nextIndex.getAndIncrement();
        if (index >= clocks.length()) {
            throw new IllegalStateException("more than " + clocks.length() + " network processors");
        }
        Clock clock = new Clock(time.nanoseconds());
        clocks.set(index, clock);
        return clock;
    }

    /**
     * One processor's idle time. The loop thread publishes a wait's start, then at its end adds it
     * to the total under a sequence number (odd while it writes), so that a reader sees the total
     * and the wait in progress as one consistent pair and never counts a wait twice.
     */
    static final class Clock {

        private static final long NOT_WAITING = Long.MIN_VALUE;

        private final long startedNs;
        private volatile int version;
        private volatile long idleNs;
        private volatile long waitingSinceNs;
        /** Loop thread only: before its first turn the processor counts as waiting since it was created. */
        private boolean turned;

        Clock(long startedNs) {
            this.startedNs = startedNs;
            this.waitingSinceNs = startedNs;
        }

        /** Loop thread: entering the transport's run at {@code nowNs}. */
        void onRunStart(long nowNs) {
            if (turned) {
                waitingSinceNs = nowNs;
            }
            turned = true;
        }

        /** Loop thread: the run ended at {@code nowNs}, {@code activeNs} of it spent on ready channels. */
        void onRunEnd(long nowNs, long activeNs) {
            long waitedNs = Math.max(0L, nowNs - waitingSinceNs - activeNs);
            version++;
            idleNs += waitedNs;
            waitingSinceNs = NOT_WAITING;
            version++;
        }

        /** Any thread: the idle total as of {@code nowNs}, counting a wait in progress. */
        long idleNs(long nowNs) {
            while (true) {
                int before = version;
                if ((before & 1) == 0) {
                    long total = idleNs;
                    long since = waitingSinceNs;
                    if (version == before) {
                        return since == NOT_WAITING ? total : total + Math.max(0L, nowNs - since);
                    }
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The transport's handler with its run timed. Asks the transport for its active I/O time (the
     * processor's own context may not) and passes the report on when the loop wants it too.
     *
     * <p>Confined to its event loop's thread, except {@link #wakeup()}, which Netty calls from any.
     */
    static final class MeteredIoHandler extends ForwardingIoHandler implements IoHandlerContext {

        private final Clock clock;
        private final Time time;
        private IoHandlerContext context;
        private long activeNs;

        MeteredIoHandler(IoHandler delegate, Clock clock, Time time) {
            super(delegate);
            this.clock = clock;
            this.time = time;
        }

        @Override
        public int run(IoHandlerContext loopContext) {
            context = loopContext;
            activeNs = 0L;
            clock.onRunStart(time.nanoseconds());
            try {
                return delegate.run(this);
            } finally {
                clock.onRunEnd(time.nanoseconds(), activeNs);
                context = null;
            }
        }

        @Override
        public boolean canBlock() {
            return context.canBlock();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return context.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return context.deadlineNanos();
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return true;
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            activeNs += activeNanos;
            if (context.shouldReportActiveIoTime()) {
                context.reportActiveIoTime(activeNanos);
            }
        }
    }
}
