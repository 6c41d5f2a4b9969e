package io.weir.storage.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * A map of partition to offset in Kafka's checkpoint format, as used by
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint},
 * {@code replication-offset-checkpoint} and {@code cleaner-offset-checkpoint}:
 * <pre>
 * 0
 * &lt;n&gt;
 * &lt;topic&gt; &lt;partition&gt; &lt;offset&gt;
 * </pre>
 * Topic names cannot contain whitespace, so a space separates the fields.
 *
 * <p>Thread-safe.
 */
public final class OffsetCheckpointFile {

    /** The only version of the format. */
    public static final int CURRENT_VERSION = 0;

    private final CheckpointFile<Map.Entry<TopicPartition, Long>> checkpoint;
    /** What this object last wrote, or null: the periodic writers skip a write that changes nothing. */
    private Map<TopicPartition, Long> lastWritten;

    public OffsetCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, CURRENT_VERSION, new Formatter());
    }

    public Path file() {
        return checkpoint.file();
    }

    /** Replaces the file's content with {@code offsets}, atomically and durably. */
    public synchronized void write(Map<TopicPartition, Long> offsets) throws IOException {
        lastWritten = null; // should the write fail half-way, the next writeIfChanged writes
        checkpoint.write(new ArrayList<>(offsets.entrySet()));
    }

    /**
     * Writes {@code offsets} unless they equal what this object last wrote (so the file already
     * holds them): an idle broker's periodic checkpoints cost no write, fsync and rename.
     *
     * @return whether the file was written
     */
    public synchronized boolean writeIfChanged(Map<TopicPartition, Long> offsets) throws IOException {
        if (offsets.equals(lastWritten)) {
            return false;
        }
        Map<TopicPartition, Long> copy = Map.copyOf(offsets);
        write(copy);
        lastWritten = copy;
        return true;
    }

    /** The offsets in the file; empty if it does not exist. */
    public Map<TopicPartition, Long> read() throws IOException {
        List<Map.Entry<TopicPartition, Long>> entries = checkpoint.read();
        Map<TopicPartition, Long> offsets = new HashMap<>(entries.size() * 2);
        for (Map.Entry<TopicPartition, Long> entry : entries) {
            offsets.put(entry.getKey(), entry.getValue());
        }
        return offsets;
    }

    private static final class Formatter implements CheckpointFile.EntryFormatter<Map.Entry<TopicPartition, Long>> {

        @Override
        public String toLine(Map.Entry<TopicPartition, Long> entry) {
            TopicPartition tp = entry.getKey();
            return tp.topic() + ' ' + tp.partition() + ' ' + entry.getValue();
        }

        @Override
        public Optional<Map.Entry<TopicPartition, Long>> fromLine(String line) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3 || parts[0].isEmpty()) {
                return Optional.empty();
            }
            try {
                TopicPartition tp = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
                return Optional.of(Map.entry(tp, Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
