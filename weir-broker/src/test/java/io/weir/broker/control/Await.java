package io.weir.broker.control;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition without fixed sleeps: polls every millisecond up to a deadline. */
final class Await {

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        Duration timeout = Duration.ofSeconds(10);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /** Whether a thread whose name starts with {@code prefix} is alive. */
    static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }
}
