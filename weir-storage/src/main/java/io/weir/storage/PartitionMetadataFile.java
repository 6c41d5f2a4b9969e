package io.weir.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.Uuid;

/**
 * The {@code partition.metadata} file of a partition directory, in Kafka's format:
 * <pre>
 * version: 0
 * topic_id: &lt;base64 topic id&gt;
 * </pre>
 * Written atomically (temporary file, fsync, rename).
 *
 * <p>Thread-safe (synchronized).
 */
public final class PartitionMetadataFile {

    static final int CURRENT_VERSION = 0;

    private final Path file;

    public PartitionMetadataFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public synchronized void write(Uuid topicId) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + LogFileNames.TMP_FILE_SUFFIX);
        byte[] content = ("version: " + CURRENT_VERSION + "\ntopic_id: " + topicId).getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The topic id in the file; empty if there is no file. */
    public synchronized Optional<Uuid> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).trim().equals("version: " + CURRENT_VERSION)
                || !lines.get(1).startsWith("topic_id: ")) {
            throw new IOException("Malformed partition metadata file " + file + ": " + lines);
        }
        try {
            return Optional.of(Uuid.fromString(lines.get(1).substring("topic_id: ".length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new IOException("Malformed topic id in " + file + ": " + lines.get(1), e);
        }
    }
}
