package io.weir.cli.aot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.weir.cli.devcluster.DevClusterCommand;
import picocli.CommandLine;

/**
 * The training run of the launcher's AOT cache ({@code WEIR_AOT_CACHE=on bin/weir server} on JDK 25
 * and later; why and what it gains: {@code aot_opts} in bin/weir, and docs/benchmarks.md, "The
 * launcher's AOT cache"). The launcher starts this class in a JVM with the broker's own flags plus
 * {@code -XX:AOTCacheOutput}: it runs a two-broker dev cluster in this JVM, drives it with
 * {@link TrainingLoad} in a child JVM, stops the cluster and returns. The JVM writes the cache
 * when it exits through {@code System.exit}; {@code Runtime.halt}, which the signal hook of
 * {@code weir server} uses, would skip it.
 *
 * <p>Two brokers, so that the cache holds the classes of the follower's fetch path and of
 * acks=all's waits as well as the leader's.
 *
 * <p>Threading: the main thread starts the cluster on a thread of its own and waits for the load.
 */
public final class AotTraining {

    /** Brokers in the training cluster. */
    static final int BROKERS = 2;
    /**
     * How long each phase of {@link TrainingLoad} runs at most. The cache keeps the classes the
     * run loaded, not its method profiles, so a phase only has to run each request path once.
     */
    static final Duration PHASE = Duration.ofSeconds(1);
    /** What each producing phase sends at most: with two replicas, the run writes at most ~100 MB. */
    static final long BYTES_PER_PHASE = 16L << 20;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

    private AotTraining() {
    }

    /**
     * {@code AotTraining DIR [BROKERS [PHASE_MS [BYTES_PER_PHASE]]]} (the launcher gives only DIR;
     * the rest is for experiments such as those in docs/benchmarks.md): exits with the load's exit
     * code (0: the cache may be kept). The caller deletes DIR.
     */
    public static void main(String[] args) throws Exception {
        int brokers = args.length > 1 ? Integer.parseInt(args[1]) : BROKERS;
        Duration phase = args.length > 2 ? Duration.ofMillis(Long.parseLong(args[2])) : PHASE;
        long bytesPerPhase = args.length > 3 ? Long.parseLong(args[3]) : BYTES_PER_PHASE;
        System.exit(run(Path.of(args[0]), brokers, phase, bytesPerPhase));
    }

    /** Runs the cluster in {@code dir} and the load against it; returns the load's exit code. */
    static int run(Path dir, int brokers, Duration phase, long bytesPerPhase) throws Exception {
        DevClusterCommand cluster = new DevClusterCommand();
        CommandLine commandLine = new CommandLine(cluster);
        // No initial rebalance delay: each consumer group of the load joins at once instead of after 3 s.
        Thread thread = new Thread(() -> commandLine.execute("--brokers", String.valueOf(brokers),
            "--dir", dir.toString(), "--base-port", "0", "--zookeeper-port", "0", "--metrics-base-port", "0",
            "--set", "group.initial.rebalance.delay.ms=0"), "weir-aot-cluster");
        thread.start();
        try {
            String bootstrap = cluster.started().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return runLoad(List.of(bootstrap, String.valueOf(phase.toMillis()), String.valueOf(bytesPerPhase)));
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("weir aot training: the cluster did not start: " + e);
            return 1;
        } finally {
            cluster.stop();
            thread.join();
        }
    }

    /** Runs {@link TrainingLoad} in a JVM of its own (same JDK and class path, no AOT flags). */
    private static int runLoad(List<String> args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m",
            "-cp", System.getProperty("java.class.path"), TrainingLoad.class.getName()));
        command.addAll(args);
        Process load = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!load.waitFor(LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("weir aot training: the load did not finish in " + LOAD_TIMEOUT);
                return 1;
            }
            return load.exitValue();
        } finally {
            load.destroyForcibly();
        }
    }
}
