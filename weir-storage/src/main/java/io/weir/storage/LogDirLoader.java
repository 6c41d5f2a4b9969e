package io.weir.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the partition directories of one log dir in parallel: a pool of
 * {@code num.recovery.threads.per.data.dir} threads, one task per partition directory.
 * Directories marked {@code -delete} are handed to the deleter; other names are skipped.
 *
 * <p>Used once, by the thread that runs {@link LogManager#startup}.
 */
final class LogDirLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirLoader.class);

    /** Opens one partition's log. */
    @FunctionalInterface
    interface LogOpener {
        Log open(Path partitionDir, long logStartOffset, long recoveryPoint, boolean cleanShutdown);
    }

    private final Path logDir;
    private final boolean cleanShutdown;
    private final Map<TopicPartition, Long> recoveryPoints;
    private final Map<TopicPartition, Long> logStartOffsets;
    private final int threads;
    private final LogOpener opener;
    private final Consumer<Path> deleter;

    LogDirLoader(Path logDir, boolean cleanShutdown, Map<TopicPartition, Long> recoveryPoints,
                 Map<TopicPartition, Long> logStartOffsets, int threads, LogOpener opener, Consumer<Path> deleter) {
        this.logDir = logDir;
        this.cleanShutdown = cleanShutdown;
        this.recoveryPoints = recoveryPoints;
        this.logStartOffsets = logStartOffsets;
        this.threads = threads;
        this.opener = opener;
        this.deleter = deleter;
    }

    List<Log> loadAll() throws IOException {
        List<Path> partitionDirs = partitionDirs();
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "log-recovery-" + logDir.getFileName() + "-" + counter.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Log>> futures = new ArrayList<>();
            for (Path dir : partitionDirs) {
                futures.add(pool.submit(() -> load(dir)));
            }
            List<Log> logs = new ArrayList<>();
            for (Future<Log> future : futures) {
                logs.add(await(future));
            }
            LOG.info("Loaded {} logs from {} (clean shutdown: {})", logs.size(), logDir, cleanShutdown);
            return logs;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Path> partitionDirs() throws IOException {
        List<Path> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(logDir, Files::isDirectory)) {
            for (Path dir : entries) {
                String name = dir.getFileName().toString();
                if (name.endsWith(LogFileNames.DELETE_DIR_SUFFIX)) {
                    deleter.accept(dir);
                } else if (LogFileNames.parseTopicPartition(name) != null) {
                    result.add(dir);
                } else {
                    LOG.warn("Skipping {}: not a partition directory", dir);
                }
            }
        }
        return result;
    }

    private Log load(Path dir) {
        TopicPartition tp = LogFileNames.parseTopicPartition(dir.getFileName().toString());
        return opener.open(dir, logStartOffsets.getOrDefault(tp, 0L), recoveryPoints.getOrDefault(tp, 0L),
                cleanShutdown);
    }

    private static Log await(Future<Log> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStorageException("Interrupted while loading logs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new KafkaStorageException("Failed to load a log", e.getCause());
        }
    }
}
