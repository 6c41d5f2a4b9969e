package io.weir.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a client program (kcat, node) to completion with a deadline; kills it if it overruns. */
final class ExternalProcess {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ExternalProcess() {
    }

    static Result run(List<String> command, Path workDir, byte[] stdin, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (" + e.getMessage()
                + "); .ci/run installs the client tools the tests need", e);
        }
        try {
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                new String(err.get(), StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(buf);
            } catch (IOException e) {
                // The process was killed; keep what was read.
            }
            return buf.toByteArray();
        });
    }
}
