package io.weir.broker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition without fixed sleeps: polls every millisecond up to a deadline. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(30), condition);
    }

    /** A live thread whose name starts with {@code prefix}, if there is one. */
    public static Optional<Thread> thread(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
            .findFirst();
    }

    /** Whether a thread whose name starts with {@code prefix} is alive. */
    public static boolean threadAlive(String prefix) {
        return thread(prefix).isPresent();
    }
}
