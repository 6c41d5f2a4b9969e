package io.weir.storage;

import java.nio.file.Path;
import java.util.OptionalLong;

import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's names for the files of a partition directory. A segment's files share the prefix
 * {@code <base offset as 20 digits>}; suffixes mark files being deleted ({@code .deleted}),
 * written by the cleaner ({@code .cleaned}) or being swapped in ({@code .swap}).
 *
 * <p>Stateless and thread-safe.
 */
public final class LogFileNames {

    public static final String LOG_FILE_SUFFIX = ".log";
    public static final String INDEX_FILE_SUFFIX = ".index";
    public static final String TIME_INDEX_FILE_SUFFIX = ".timeindex";
    public static final String TXN_INDEX_FILE_SUFFIX = ".txnindex";
    public static final String DELETED_FILE_SUFFIX = ".deleted";
    public static final String CLEANED_FILE_SUFFIX = ".cleaned";
    public static final String SWAP_FILE_SUFFIX = ".swap";
    public static final String TMP_FILE_SUFFIX = ".tmp";
    /** Suffix of a partition directory scheduled for deletion: {@code <topic>-<p>.<uuid>-delete}. */
    public static final String DELETE_DIR_SUFFIX = "-delete";
    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    public static final String PARTITION_METADATA_FILE = "partition.metadata";
    public static final String LEADER_EPOCH_CHECKPOINT_FILE = "leader-epoch-checkpoint";
    public static final String RECOVERY_POINT_CHECKPOINT_FILE = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT_FILE = "log-start-offset-checkpoint";
    public static final String REPLICATION_OFFSET_CHECKPOINT_FILE = "replication-offset-checkpoint";

    private LogFileNames() {
    }

    /** The 20-digit, zero-padded offset Kafka uses as file name prefix. */
    public static String filenamePrefixFromOffset(long offset) {
        return String.format("%020d", offset);
    }

    public static Path logFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX + suffix);
    }

    public static Path offsetIndexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + INDEX_FILE_SUFFIX + suffix);
    }

    public static Path timeIndexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + TIME_INDEX_FILE_SUFFIX + suffix);
    }

    /** The base offset encoded in a segment file name, if it has the 20-digit prefix. */
    public static OptionalLong offsetFromFileName(String fileName) {
        int dot = fileName.indexOf('.');
        if (dot != 20) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fileName.substring(0, dot)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The partition directory name {@code <topic>-<partition>}. */
    public static String logDirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /**
     * The partition of a directory named {@code <topic>-<partition>}, or of one being deleted
     * ({@code <topic>-<partition>.<uuid>-delete}); null for anything else.
     */
    public static TopicPartition parseTopicPartition(String dirName) {
        String name = dirName;
        if (name.endsWith(DELETE_DIR_SUFFIX)) {
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            name = name.substring(0, dot);
        }
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(name.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
