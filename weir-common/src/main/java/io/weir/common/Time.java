package io.weir.common;

/**
 * The clock every component reads. Main code never calls {@code System.currentTimeMillis()},
 * {@code System.nanoTime()} or {@code Thread.sleep} directly; tests inject {@link MockTime}.
 *
 * <p>Thread-safe.
 */
public interface Time {

    /** The system clock. */
    Time SYSTEM = new SystemTime();

    /** Wall-clock milliseconds since the epoch. */
    long milliseconds();

    /** Monotonic nanoseconds (arbitrary origin). */
    long nanoseconds();

    /** Sleeps for {@code ms}; {@link MockTime} advances its clock instead. */
    void sleep(long ms);

    /** Monotonic milliseconds derived from {@link #nanoseconds()}. */
    default long hiResClockMs() {
        return nanoseconds() / 1_000_000L;
    }
}
