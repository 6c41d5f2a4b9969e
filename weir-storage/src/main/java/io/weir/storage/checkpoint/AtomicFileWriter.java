package io.weir.storage.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file atomically: the bytes go to {@code <file>.tmp}, are fsynced, the temporary
 * file is renamed over the target, and the directory is fsynced so the rename survives a crash.
 * A reader therefore sees either the old or the new content, never a torn mix; a crash before
 * the rename leaves a stale {@code .tmp} file that readers ignore and the next write replaces.
 *
 * <p>Stateless and thread-safe; callers serialize writes to the same target themselves.
 */
public final class AtomicFileWriter {

    /** Suffix of the temporary file a write goes through. */
    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFileWriter() {
    }

    /** The temporary file used while {@code target} is being replaced. */
    public static Path tmpFileFor(Path target) {
        return target.resolveSibling(target.getFileName() + TMP_SUFFIX);
    }

    /** Writes {@code content} to {@code target} atomically and durably. */
    public static void write(Path target, ByteBuffer content) throws IOException {
        write(target, content, true);
    }

    /**
     * Writes {@code content} to {@code target} atomically; durably only when {@code sync}. Without
     * it nothing is fsynced: the caller must {@link #flushFile} the target and {@link #flushDir}
     * its directory before it relies on the content surviving a crash (a crash before that may
     * leave the target empty or torn, so its readers must check it).
     */
    public static void write(Path target, ByteBuffer content, boolean sync) throws IOException {
        Path tmp = tmpFileFor(target);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            if (sync) {
                channel.force(true);
            }
        }
        moveAtomically(tmp, target);
        if (sync) {
            flushDir(target.toAbsolutePath().getParent());
        }
    }

    /** Fsyncs a file written with {@code sync} false; a file deleted meanwhile is skipped. */
    public static void flushFile(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    private static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Fsyncs a directory so renames and creations inside it are durable. Opening a directory
     * for reading is not supported everywhere (Windows); there the rename's durability is left
     * to the file system, which is what Kafka does too.
     */
    public static void flushDir(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            if (isWindows()) {
                return;
            }
            throw e;
        }
        try (channel) {
            channel.force(true);
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
