package io.weir.cli;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;

/**
 * A JVM shutdown hook for long-running commands: on SIGTERM or Ctrl-C it runs the stop action
 * (broker or ZooKeeper shutdown, or a consume or produce finishing its output), flushes the
 * log, and ends the process with status 0 (a clean stop on request is a success; the JVM would
 * otherwise exit 143 or 130). A command that
 * finishes by itself calls {@link #remove} first, so its own exit code stands.
 *
 * <p>Thread-safe: the hook runs on the JVM's shutdown thread; {@link #remove} on any thread.
 */
public final class SignalShutdown {

    private final Thread hook;

    private SignalShutdown(Thread hook) {
        this.hook = hook;
    }

    public static SignalShutdown install(String name, Runnable stopAction) {
        Thread hook = new Thread(() -> stopAndHalt(stopAction), name);
        Runtime.getRuntime().addShutdownHook(hook);
        return new SignalShutdown(hook);
    }

    /** Unregisters the hook; a no-op once the JVM is already shutting down (the hook then finishes the job). */
    public void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // JVM shutdown in progress: the hook is running or about to.
        }
    }

    private static void stopAndHalt(Runnable stopAction) {
        int status = 0;
        try {
            stopAction.run();
        } catch (RuntimeException e) {
            System.err.println("weir: error while stopping: " + e);
            status = 1;
        } finally {
            flushLogging();
        }
        Runtime.getRuntime().halt(status);
    }

    private static void flushLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.stop();
        }
        System.out.flush();
        System.err.flush();
    }
}
