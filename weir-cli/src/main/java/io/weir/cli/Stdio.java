package io.weir.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The process's standard streams as bytes: {@code weir produce} reads records from {@code in} and
 * {@code weir consume} writes them to {@code out} byte for byte, which a {@code PrintWriter}
 * (picocli's out and err, for text) could not promise. Tests pass in-memory streams.
 *
 * <p>Immutable; the streams themselves are used by one command at a time.
 */
public record Stdio(InputStream in, OutputStream out, OutputStream err) {

    public Stdio {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The JVM's stdin, stdout and stderr (byte streams: writing bytes translates no charset). */
    public static Stdio system() {
        return new Stdio(System.in, System.out, System.err);
    }
}
