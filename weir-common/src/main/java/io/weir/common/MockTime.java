package io.weir.common;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manual clock for tests: time only moves when {@link #sleep(long)} or {@link #advance(long)}
 * is called, and listeners (such as {@link MockScheduler}) run their due work at that moment,
 * on the caller's thread.
 *
 * <p>Thread-safe; listeners run on the thread that advances the clock.
 */
public final class MockTime implements Time {

    /** Called after the clock moved. */
    public interface Listener {
        void onTimeUpdated();
    }

    private final AtomicLong timeMs;
    private final AtomicLong highResTimeNs;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public MockTime() {
        this(1_700_000_000_000L, 0L);
    }

    public MockTime(long startMs, long startNs) {
        this.timeMs = new AtomicLong(startMs);
        this.highResTimeNs = new AtomicLong(startNs);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public long milliseconds() {
        return timeMs.get();
    }

    @Override
    public long nanoseconds() {
        return highResTimeNs.get();
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    /** Moves both clocks forward by {@code ms} and fires listeners. */
    public void advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("cannot move time backwards by " + ms + " ms");
        }
        timeMs.addAndGet(ms);
        highResTimeNs.addAndGet(ms * 1_000_000L);
        for (Listener listener : listeners) {
            listener.onTimeUpdated();
        }
    }

    /** Sets the wall clock only (the monotonic clock is left alone), then fires listeners. */
    public void setCurrentTimeMs(long newMs) {
        long old = timeMs.getAndSet(newMs);
        if (newMs > old) {
            highResTimeNs.addAndGet((newMs - old) * 1_000_000L);
        }
        for (Listener listener : listeners) {
            listener.onTimeUpdated();
        }
    }
}
