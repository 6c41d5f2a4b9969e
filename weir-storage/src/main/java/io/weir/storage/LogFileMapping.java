package io.weir.storage;

import java.io.IOException;

import org.apache.kafka.common.record.internal.FileRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only memory mapping of a sealed segment's {@code .log}, made on first use, so that
 * offset lookups in closed segments read batch headers without a system call.
 *
 * <p>Invariant: while sealed, the file is neither written nor shrunk, and a mapping exists only
 * while sealed. {@link LogSegment} seals a segment when it stops being active and unseals it
 * before anything writes or truncates its file; {@link #unseal()} retires the mapping, which
 * waits for the readers that hold it and then unmaps it. So a lookup racing a truncation either
 * finished on the old bytes before the file shrank, or never took the mapping and reads through
 * the channel as before: no access past the end of a shrunk file (SIGBUS), no access to an
 * unmapped region.
 *
 * <p>Threading: {@link #seal()}, {@link #unseal()} under the log lock, {@link #close()} under the
 * log lock or from the deletion task; {@link #acquire()} from any thread, lock-free once mapped.
 */
final class LogFileMapping {

    private static final Logger LOG = LoggerFactory.getLogger(LogFileMapping.class);

    private final FileRecords log;
    private final Object lock = new Object();
    private volatile boolean sealed;
    private volatile MappedLogFile mapped;
    private boolean closed;
    private boolean failed;

    LogFileMapping(FileRecords log) {
        this.log = log;
    }

    boolean isSealed() {
        return sealed;
    }

    /** The file is immutable from now until {@link #unseal()}. */
    void seal() {
        synchronized (lock) {
            sealed = !closed;
        }
    }

    /** Before a write or truncation: no new mappings; waits for readers of the current one and unmaps it. */
    void unseal() {
        if (!sealed && mapped == null) {
            return;
        }
        MappedLogFile old;
        synchronized (lock) {
            sealed = false;
            old = mapped;
            mapped = null;
        }
        if (old != null) {
            old.retire();
        }
    }

    /** The segment is closed or deleted: unmaps now (freeing a deleted file's space) and never maps again. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
        unseal();
    }

    /**
     * The mapping, taken for one scan (the caller must {@link MappedLogFile#release()} it), or
     * null if the segment is not sealed, is being unsealed, or cannot be mapped.
     */
    MappedLogFile acquire() {
        MappedLogFile m = mapped;
        if (m == null) {
            if (!sealed) {
                return null;
            }
            m = mapIfSealed();
            if (m == null) {
                return null;
            }
        }
        return m.tryAcquire() ? m : null;
    }

    private MappedLogFile mapIfSealed() {
        synchronized (lock) {
            if (mapped == null && sealed && !failed) {
                try {
                    mapped = MappedLogFile.map(log);
                } catch (IOException | RuntimeException e) {
                    // e.g. vm.max_map_count reached: this segment is read through its channel.
                    failed = true;
                    LOG.warn("Cannot map {}, reading it through the file channel: {}", log.file(), e.toString());
                }
            }
            return mapped;
        }
    }
}
