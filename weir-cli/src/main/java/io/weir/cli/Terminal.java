package io.weir.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What the process's standard streams are connected to, read from {@code /proc/self/fd} on
 * Linux: whether stderr is a terminal (for a progress display; {@code System.console()} would
 * say no as soon as stdin is a pipe, which is exactly when input is long) and whether stdin is a
 * regular file of known size ({@code weir produce T < big.txt}). Elsewhere: stderr is a terminal
 * when {@code System.console()} exists, and the size of stdin is unknown.
 *
 * <p>Stateless; thread-safe.
 */
public final class Terminal {

    private static final Path FDS = Path.of("/proc/self/fd");

    private Terminal() {
    }

    /** Whether file descriptor {@code fd} of this process is a terminal. */
    public static boolean isTerminal(int fd) {
        Path link = FDS.resolve(Integer.toString(fd));
        if (!Files.isSymbolicLink(link)) {
            return System.console() != null;
        }
        return isTerminalLink(link);
    }

    /** The size of the regular file behind file descriptor {@code fd}, empty for a pipe, terminal or elsewhere. */
    public static OptionalLong regularFileSize(int fd) {
        return regularFileSize(FDS.resolve(Integer.toString(fd)));
    }

    /** Whether the link (a {@code /proc/self/fd} entry) points at a terminal device. */
    static boolean isTerminalLink(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The size of the regular file at {@code path} (links followed), empty if it is not one. */
    static OptionalLong regularFileSize(Path path) {
        try {
            return Files.isRegularFile(path) ? OptionalLong.of(Files.size(path)) : OptionalLong.empty();
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }
}
