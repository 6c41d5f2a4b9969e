package io.weir.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.weir.cli.Weir;

/**
 * One Weir broker in a JVM of its own ({@code weir server} on the test's classpath), so a test
 * can do to it what happens to real brokers: SIGKILL ({@link #kill}), SIGSTOP / SIGCONT
 * ({@link #pause} / {@link #resume}), SIGTERM ({@link #stop}, a clean stop with controlled
 * shutdown) and {@link #restart} on the same port with the same data. Its stdout and stderr are
 * appended to {@code broker-<id>.log} in the test's directory, one header line per start.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final int id;
    private final int port;
    private final Path logDir;
    private final Path logFile;
    private final Map<String, String> settings;
    private Process process;
    private boolean paused;
    private int starts;

    private BrokerProcess(int id, int port, Path dir, Map<String, String> settings) {
        this.id = id;
        this.port = port;
        this.logDir = dir.resolve("broker-" + id);
        this.logFile = dir.resolve("broker-" + id + ".log");
        this.settings = settings;
    }

    /**
     * Starts broker {@code id} on a free loopback port (kept for its restarts), with its log dir
     * and log file in {@code dir}; {@code extra} settings come after the ones this class sets.
     * Returns once the process runs, not once the broker serves: see {@link FaultIT}'s waits.
     */
    static BrokerProcess start(int id, Path dir, String zookeeperConnect, Map<String, String> extra) {
        int port = freePort();
        Map<String, String> settings = new TreeMap<>();
        settings.put("broker.id", String.valueOf(id));
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("log.dirs", dir.resolve("broker-" + id).toString());
        settings.put("zookeeper.connect", zookeeperConnect);
        settings.put("metrics.port", "0");
        settings.put("zookeeper.session.timeout.ms", "3000");
        settings.putAll(extra);
        BrokerProcess broker = new BrokerProcess(id, port, dir, Map.copyOf(settings));
        broker.launch();
        return broker;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms64m", "-Xmx512m", "-cp", System.getProperty("java.class.path"), Weir.class.getName(), "server"));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        starts++;
        try {
            Files.writeString(logFile, "===== " + Instant.now() + " start #" + starts + " of broker " + id
                + ": " + String.join(" ", command.subList(command.indexOf("server"), command.size())) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker " + id, e);
        }
        paused = false;
    }

    int id() {
        return id;
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    Path logDir() {
        return logDir;
    }

    /** SIGKILL, as a crash or a power cut: no controlled shutdown, no flush; waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit("SIGKILL");
        paused = false;
    }

    /** SIGSTOP: the JVM freezes (no heartbeats, no fetches) while its sockets stay open. */
    void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    void resume() {
        signal("CONT");
        paused = false;
    }

    /** SIGTERM, as {@code kill PID} or Ctrl-C: the broker's controlled shutdown; waits until it exited. */
    void stop() {
        if (paused) {
            resume();
        }
        process.destroy();
        awaitExit("SIGTERM");
    }

    /** Starts the broker again on the same port with the same data (stopping it first if it still runs). */
    void restart() {
        if (process.isAlive()) {
            stop();
        }
        launch();
    }

    /** The last {@code lines} lines of the broker's log file (all its runs). */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    Path logFile() {
        return logFile;
    }

    /** Whatever state it is in: resumed if paused, then SIGKILL. For clean-up after any test. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        if (paused && process.isAlive()) {
            try {
                resume();
            } catch (RuntimeException e) {
                // SIGKILL below ends a stopped process too.
            }
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitExit(String how) {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("broker " + id + " (pid " + pid() + ") did not exit within " + STOP_TIMEOUT
                    + " of " + how + "; its log ends with:\n" + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for broker " + id + " to exit", e);
        }
    }

    private void signal(String name) {
        if (!process.isAlive()) {
            throw new IllegalStateException("broker " + id + " is not running; cannot send SIG" + name);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).redirectErrorStream(true)
                .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + name, e);
        }
    }

    /**
     * A loopback port nothing uses now, below the kernel's ephemeral range where possible: the
     * broker binds it again at every restart, and a port in that range could meanwhile be the
     * local end of some client's connection.
     */
    private static int freePort() {
        int ephemeralLow = ephemeralPortRangeStart();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100 && ephemeralLow > 20_000; attempt++) {
            int candidate = random.nextInt(15_000, ephemeralLow);
            try (ServerSocket s = new ServerSocket(candidate, 50, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // Taken: try another.
            }
        }
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int ephemeralPortRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
