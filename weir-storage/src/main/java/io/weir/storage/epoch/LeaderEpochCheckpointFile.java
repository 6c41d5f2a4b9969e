package io.weir.storage.epoch;

import io.weir.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@code leader-epoch-checkpoint} file of a partition directory, in Kafka's format:
 * <pre>
 * 0
 * &lt;n&gt;
 * &lt;epoch&gt; &lt;startOffset&gt;
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class LeaderEpochCheckpointFile {

    /** The file name inside a partition directory, as in Kafka. */
    public static final String LEADER_EPOCH_CHECKPOINT_FILENAME = "leader-epoch-checkpoint";

    /** The only version of the format. */
    public static final int CURRENT_VERSION = 0;

    private final CheckpointFile<EpochEntry> checkpoint;

    public LeaderEpochCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, CURRENT_VERSION, new Formatter());
    }

    /** The checkpoint file of the partition directory {@code logDir}. */
    public static Path fileIn(Path logDir) {
        return logDir.resolve(LEADER_EPOCH_CHECKPOINT_FILENAME);
    }

    public Path file() {
        return checkpoint.file();
    }

    public void write(Collection<EpochEntry> entries) throws IOException {
        checkpoint.write(entries);
    }

    public List<EpochEntry> read() throws IOException {
        return checkpoint.read();
    }

    private static final class Formatter implements CheckpointFile.EntryFormatter<EpochEntry> {

        @Override
        public String toLine(EpochEntry entry) {
            return entry.epoch() + " " + entry.startOffset();
        }

        @Override
        public Optional<EpochEntry> fromLine(String line) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                return Optional.empty();
            }
            try {
                return Optional.of(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
