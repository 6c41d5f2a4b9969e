package io.weir.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code .lock} file of each log dir, held with an OS file lock while the broker runs so
 * that a second broker process cannot use the same directory (Kafka does the same).
 *
 * <p>Thread-safe.
 */
final class LogDirLocks {

    static final String LOCK_FILE = ".lock";

    private final Map<Path, FileChannel> held = new ConcurrentHashMap<>();

    void lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("Failed to acquire lock on " + dir.resolve(LOCK_FILE)
                    + ": another process or instance is using this directory");
        }
        held.put(dir, channel);
    }

    void unlock(Path dir) {
        FileChannel channel = held.remove(dir);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing releases the lock; nothing else to do.
            }
        }
    }

    void unlockAll() {
        for (Path dir : held.keySet()) {
            unlock(dir);
        }
    }
}
