package io.weir.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The process's standard streams as bytes: {@code weir produce} reads records from {@code in} and
 * {@code weir consume} writes them to {@code out} byte for byte, which a {@code PrintWriter}
 * (picocli's out and err, for text) could not promise. Also whether {@code err} is a terminal
 * (progress displays go there) and the size of {@code in} when it is a regular file. Tests pass
 * in-memory streams.
 *
 * <p>Immutable; the streams themselves are used by one command at a time.
 */
public record Stdio(InputStream in, OutputStream out, OutputStream err, boolean errIsTerminal,
                    OptionalLong inSizeInBytes) {

    public Stdio {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(inSizeInBytes, "inSizeInBytes");
    }

    /** Streams that are not a terminal, input of unknown size. */
    public Stdio(InputStream in, OutputStream out, OutputStream err) {
        this(in, out, err, false, OptionalLong.empty());
    }

    /** The JVM's stdin, stdout and stderr (byte streams: writing bytes translates no charset). */
    public static Stdio system() {
        return new Stdio(System.in, System.out, System.err, Terminal.isTerminal(2), Terminal.regularFileSize(0));
    }
}
