package io.weir.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One Weir broker as a process of its own, started with the {@code weir} launcher the benchmark
 * was given ({@code weir server --set ...}), so it can be SIGKILLed ({@link #kill}), SIGTERMed
 * ({@link #stop}, the broker's controlled shutdown) and started again on the same port with the
 * same data. Output goes to {@code broker-<id>.log} in the benchmark's directory; the pid of each
 * start is written to {@code pids/broker-<id>.pid} so the calling script can clean up even if
 * this JVM dies.
 *
 * <p>Not thread-safe: driven by the benchmark's main thread.
 */
final class BenchBroker implements AutoCloseable {

    private final int id;
    private final int port;
    private final Path dir;
    private final List<String> command;
    private Process process;
    private int starts;

    private BenchBroker(int id, int port, Path dir, List<String> command) {
        this.id = id;
        this.port = port;
        this.dir = dir;
        this.command = command;
    }

    /** Starts broker {@code id} on a free loopback port that it keeps across restarts. */
    static BenchBroker start(int id, Path weir, Path dir, String zookeeperConnect, Map<String, String> extra) {
        int port = freePort();
        Map<String, String> settings = new TreeMap<>();
        settings.put("broker.id", String.valueOf(id));
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("log.dirs", dir.resolve("broker-" + id).toString());
        settings.put("zookeeper.connect", zookeeperConnect);
        settings.put("metrics.port", "0");
        settings.putAll(extra);
        List<String> command = new ArrayList<>(List.of(weir.toString(), "server"));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        BenchBroker broker = new BenchBroker(id, port, dir, List.copyOf(command));
        broker.launch();
        return broker;
    }

    private void launch() {
        Path logFile = dir.resolve("broker-" + id + ".log");
        starts++;
        try {
            Files.writeString(logFile, "===== " + Instant.now() + " start #" + starts + " of broker " + id + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            Path pids = Files.createDirectories(dir.resolve("pids"));
            Files.writeString(pids.resolve("broker-" + id + ".pid"), process.pid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker " + id, e);
        }
    }

    int id() {
        return id;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (the launcher execs java, so this is the broker's JVM itself); returns once it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: a clean stop with controlled shutdown; returns once the process has exited. */
    void stop(long timeoutMs) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("broker " + id + " did not exit within " + timeoutMs + " ms of SIGTERM");
        }
    }

    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("broker " + id + " still runs");
        }
        launch();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
