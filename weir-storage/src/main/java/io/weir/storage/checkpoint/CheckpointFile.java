package io.weir.storage.checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A small text file of entries, in Kafka's checkpoint format:
 * <pre>
 * &lt;version&gt;
 * &lt;number of entries&gt;
 * &lt;entry&gt;   (one line each, as the {@link EntryFormatter} renders it)
 * </pre>
 * Writes are atomic ({@link AtomicFileWriter}); a missing file reads as no entries; a file with
 * a wrong version, a bad count or a line the formatter rejects is an {@link IOException} that
 * names the path and the line number. A leftover {@code .tmp} file from a crashed write is
 * never read.
 *
 * <p>Thread-safe: reads and writes of one instance are serialized.
 *
 * @param <T> the entry type
 */
public final class CheckpointFile<T> {

    /** Renders an entry as one line and parses it back. */
    public interface EntryFormatter<T> {

        /** The line for {@code entry}, without a line separator. */
        String toLine(T entry);

        /** The entry a line holds, or empty if the line is malformed. */
        Optional<T> fromLine(String line);
    }

    private final Path file;
    private final int version;
    private final EntryFormatter<T> formatter;
    private final Object lock = new Object();

    public CheckpointFile(Path file, int version, EntryFormatter<T> formatter) {
        this.file = Objects.requireNonNull(file, "file");
        this.version = version;
        this.formatter = Objects.requireNonNull(formatter, "formatter");
    }

    public Path file() {
        return file;
    }

    /** Replaces the file's content with {@code entries}, atomically and durably. */
    public void write(Collection<T> entries) throws IOException {
        StringBuilder text = new StringBuilder(32 + entries.size() * 32);
        text.append(version).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(formatter.toLine(entry)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        synchronized (lock) {
            AtomicFileWriter.write(file, bytes);
        }
    }

    /** The entries in the file, in file order; empty if the file does not exist. */
    public List<T> read() throws IOException {
        synchronized (lock) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return parse(reader);
            } catch (NoSuchFileException e) {
                return new ArrayList<>();
            }
        }
    }

    private List<T> parse(BufferedReader reader) throws IOException {
        int fileVersion = parseInt(reader.readLine(), 1);
        if (fileVersion != version) {
            throw malformed(1, "unsupported version " + fileVersion + ", expected " + version);
        }
        int expectedSize = parseInt(reader.readLine(), 2);
        if (expectedSize < 0) {
            throw malformed(2, "negative entry count " + expectedSize);
        }
        List<T> entries = new ArrayList<>(Math.min(expectedSize, 1024));
        int lineNumber = 2;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (entries.size() == expectedSize) {
                throw malformed(lineNumber, "more entries than the declared " + expectedSize);
            }
            Optional<T> entry = formatter.fromLine(line);
            if (entry.isEmpty()) {
                throw malformed(lineNumber, "cannot parse '" + line + "'");
            }
            entries.add(entry.get());
        }
        if (entries.size() != expectedSize) {
            throw malformed(lineNumber, "expected " + expectedSize + " entries but found " + entries.size());
        }
        return entries;
    }

    private int parseInt(String line, int lineNumber) throws IOException {
        if (line == null) {
            throw malformed(lineNumber, "unexpected end of file");
        }
        try {
            return Integer.parseInt(line.trim());
        } catch (NumberFormatException e) {
            throw malformed(lineNumber, "not a number: '" + line + "'");
        }
    }

    private IOException malformed(int lineNumber, String reason) {
        return new IOException("Malformed checkpoint file " + file + " at line " + lineNumber + ": " + reason);
    }
}
