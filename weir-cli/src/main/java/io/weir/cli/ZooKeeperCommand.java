package io.weir.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import io.weir.cluster.zk.EmbeddedZooKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weir zookeeper}: runs a standalone ZooKeeper server (the one a broker embeds) until
 * SIGTERM or Ctrl-C, for a cluster of brokers on one machine.
 *
 * <p>Threading: {@link #call} blocks the calling thread until {@link #stop} (any thread) or a
 * signal; {@link #started} completes with the connect string once the server listens.
 */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
    description = "Run a standalone ZooKeeper server in the foreground (Ctrl-C or SIGTERM stops it).")
public final class ZooKeeperCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "2181", description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--dir", defaultValue = "./data/zookeeper", paramLabel = "DIR",
        description = "Data directory, created if missing (default: ${DEFAULT-VALUE}).")
    Path dir;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<String> started = new CompletableFuture<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedZooKeeper zk;
        try {
            zk = EmbeddedZooKeeper.start(dir, host, port);
        } catch (Exception e) {
            spec.commandLine().getErr().println("weir zookeeper: cannot start on " + host + ":" + port + ": " + e);
            started.completeExceptionally(e);
            return ExitCode.SOFTWARE;
        }
        SignalShutdown hook = SignalShutdown.install("weir-zookeeper-shutdown", zk::close);
        out.println("ZooKeeper running; zookeeper.connect=" + zk.connectString() + " (data in " + dir + ")");
        out.flush();
        started.complete(zk.connectString());
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hook.remove();
            zk.close();
        }
        return ExitCode.OK;
    }

    /** Completes with the connect string once listening (exceptionally if the start failed). */
    public CompletableFuture<String> started() {
        return started;
    }

    /** Stops a running {@link #call} (for in-process use; signals do the same via the hook). */
    public void stop() {
        stopRequested.countDown();
    }
}
