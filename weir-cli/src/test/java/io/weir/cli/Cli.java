package io.weir.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.weir.common.Time;
import picocli.CommandLine;

/** Runs {@code weir} in-process with in-memory stdin, stdout and stderr. */
public final class Cli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {
    }

    /** What one command did. */
    public record Result(int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(stdoutBytes);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + stdout(), e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout() + "\nstderr: " + stderr;
        }
    }

    public static Result run(String... args) {
        return run(new byte[0], args);
    }

    /** Runs {@code weir --bootstrap-server BOOTSTRAP args...} with the given stdin. */
    public static Result against(String bootstrap, byte[] stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(List.of(args));
        return run(stdin, all.toArray(String[]::new));
    }

    /** Asserts the command exited 0 (showing its output otherwise) and returns it. */
    public static Result ok(Result r) {
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    public static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Weir.commandLine(new Stdio(new ByteArrayInputStream(stdin), out, err)).execute(args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code weir args...} as if stderr were a terminal and stdin a file of its size, on
     * {@code time} (the clock of the client commands).
     */
    public static Result onTerminal(Time time, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio terminal = new Stdio(new ByteArrayInputStream(stdin), out, err, true, OptionalLong.of(stdin.length));
        int code = Weir.commandLine(terminal, time).execute(args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** A command running on another thread, e.g. a following consume. */
    public static final class Running {
        public final CommandLine commandLine;
        public final WatchedOutput out = new WatchedOutput();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit;

        Running(String... args) {
            commandLine = Weir.commandLine(new Stdio(new ByteArrayInputStream(new byte[0]), out, err));
            exit = CompletableFuture.supplyAsync(() -> commandLine.execute(args));
        }

        public <T> T subcommand(String name) {
            return commandLine.getSubcommands().get(name).getCommand();
        }

        public Result await(Duration timeout) throws Exception {
            int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    public static Running start(String... args) {
        return new Running(args);
    }

    /** A stdout that a test can wait on until some text arrived (no sleeping). */
    public static final class WatchedOutput extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            notifyAll();
        }

        @Override
        public synchronized void write(int b) {
            super.write(b);
            notifyAll();
        }

        public synchronized void awaitContains(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' within " + timeout + " in: " + toString(StandardCharsets.UTF_8));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
