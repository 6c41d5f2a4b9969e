package io.weir.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an I/O error turns a log directory offline. Every {@link Log} reports
 * its I/O failures here (and then throws {@link org.apache.kafka.common.errors.KafkaStorageException});
 * the {@link LogManager} lists the offline directories and stops using them. Other directories,
 * and the process, carry on.
 *
 * <p>Thread-safe.
 */
public final class LogDirFailureChannel {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirFailureChannel.class);

    private final Set<Path> offlineLogDirs = ConcurrentHashMap.newKeySet();

    /** Marks {@code logDir} offline (once) after {@code cause}. */
    public void maybeAddOfflineLogDir(Path logDir, String message, IOException cause) {
        if (offlineLogDirs.add(logDir)) {
            LOG.error("Log directory {} is now offline: {}", logDir, message, cause);
        }
    }

    public boolean hasOfflineLogDir(Path logDir) {
        return offlineLogDirs.contains(logDir);
    }

    public Set<Path> offlineLogDirs() {
        return Set.copyOf(offlineLogDirs);
    }
}
