package io.weir.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.common.Scheduler;
import io.weir.common.Time;

/**
 * All partition logs of a broker, spread over {@code log.dirs}: loads them at startup (in
 * parallel, one task per partition directory), creates and deletes them, runs retention,
 * flushes and checkpoints on the {@link Scheduler}, and shuts them down cleanly (flush,
 * checkpoints, {@code .kafka_cleanshutdown} marker per directory).
 *
 * <p>A directory with an I/O error goes offline ({@link #offlineLogDirs()}): its logs are
 * dropped from the manager; the other directories carry on.
 *
 * <p>Thread-safe: the log map is concurrent; creation and deletion are serialized by a lock;
 * periodic tasks run on the scheduler's threads. The {@link Scheduler} must be started before
 * {@link #startup}; it is shared, and the manager cancels only its own tasks at shutdown.
 */
public final class LogManager {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    private static final String CLEAN_SHUTDOWN_CONTENT = "{\"version\":0,\"brokerEpoch\":-1}";

    private final LogManagerConfig config;
    private final Scheduler scheduler;
    private final Time time;
    private final LogDirFailureChannel failureChannel = new LogDirFailureChannel();
    private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    private final Map<String, LogConfig> topicConfigs = new ConcurrentHashMap<>();
    private final Map<Path, LogDirCheckpoints> checkpoints = new ConcurrentHashMap<>();
    private final Set<Path> handledOfflineDirs = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final Object createLock = new Object();
    private final LogDirLocks dirLocks = new LogDirLocks();
    private volatile Function<String, LogConfig> configForTopic;
    private volatile boolean running;

    public LogManager(LogManagerConfig config, Scheduler scheduler, Time time) {
        this.config = config;
        this.scheduler = scheduler;
        this.time = time;
        this.configForTopic = topic -> config.topicDefaults();
    }

    /**
     * Creates missing directories, loads every partition directory (recovering those of a
     * directory without a clean shutdown marker; all dirs in parallel), then starts the
     * periodic tasks. A directory with an I/O error goes offline; startup continues with the
     * others. Any other failure (such as one partition in two dirs) is thrown.
     */
    public void startup(Function<String, LogConfig> configForTopic) {
        this.configForTopic = configForTopic;
        List<Thread> loaders = new ArrayList<>();
        Map<Path, RuntimeException> failures = new ConcurrentHashMap<>();
        for (Path dir : config.logDirs()) {
            Runnable load = () -> {
                try {
                    startupDir(dir);
                } catch (RuntimeException e) {
                    failures.put(dir, e);
                }
            };
            Thread loader = new Thread(load, "log-loader-" + dir.getFileName());
            loader.setDaemon(true);
            loader.start();
            loaders.add(loader);
        }
        for (Thread loader : loaders) {
            joinUninterruptibly(loader);
        }
        if (!failures.isEmpty()) {
            // Not an I/O error: a bug or an inconsistent directory layout; refuse to start, as Kafka does.
            throw failures.values().iterator().next();
        }
        handleOfflineDirs();
        running = true;
        scheduleTasks();
        LOG.info("Log manager started with {} logs in {}", logs.size(), config.logDirs());
    }

    /** Loads one log dir (all dirs load in parallel); a failure takes only this dir offline. */
    private void startupDir(Path dir) {
        try {
            Files.createDirectories(dir);
            dirLocks.lock(dir);
            checkpoints.put(dir, new LogDirCheckpoints(dir));
            loadLogDir(dir);
        } catch (IOException e) {
            failureChannel.maybeAddOfflineLogDir(dir, "Failed to load log dir " + dir, e);
        } catch (KafkaStorageException e) {
            LOG.error("Log dir {} failed while loading", dir, e);
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loadLogDir(Path dir) throws IOException {
        Path marker = dir.resolve(LogFileNames.CLEAN_SHUTDOWN_FILE);
        boolean cleanShutdown = Files.exists(marker);
        LogDirCheckpoints cp = checkpoints.get(dir);
        List<Log> loaded = new LogDirLoader(dir, cleanShutdown, cp.readRecoveryPoints(), cp.readLogStartOffsets(),
                config.numRecoveryThreadsPerDataDir(), this::openLog, this::scheduleDirDeletion).loadAll();
        Map<TopicPartition, Long> highWatermarks = cp.readHighWatermarks();
        for (Log log : loaded) {
            log.updateHighWatermark(highWatermarks.getOrDefault(log.topicPartition(), 0L));
            Log previous = logs.putIfAbsent(log.topicPartition(), log);
            if (previous != null) {
                log.close();
                throw new IllegalStateException("Duplicate log directories for " + log.topicPartition() + ": "
                        + previous.dir() + " and " + log.dir());
            }
        }
        Files.deleteIfExists(marker);
    }

    private Log openLog(Path partitionDir, long logStartOffset, long recoveryPoint, boolean cleanShutdown) {
        TopicPartition tp = LogFileNames.parseTopicPartition(partitionDir.getFileName().toString());
        return Log.open(partitionDir, configFor(tp.topic()), logStartOffset, recoveryPoint, cleanShutdown, time,
                scheduler, config.producerIdExpirationMs(), failureChannel);
    }

    private LogConfig configFor(String topic) {
        LogConfig override = topicConfigs.get(topic);
        return override != null ? override : configForTopic.apply(topic);
    }

    private void scheduleTasks() {
        schedule("kafka-log-retention", this::cleanupLogs, config.retentionCheckIntervalMs());
        schedule("kafka-log-flusher", this::flushDirtyLogs, config.flushSchedulerIntervalMs());
        schedule("kafka-recovery-point-checkpoint", this::checkpointRecoveryPoints,
                config.flushRecoveryPointCheckpointIntervalMs());
        schedule("kafka-log-start-offset-checkpoint", this::checkpointLogStartOffsets,
                config.flushStartOffsetCheckpointIntervalMs());
        schedule("highwatermark-checkpoint", this::checkpointHighWatermarks,
                config.highWatermarkCheckpointIntervalMs());
        schedule("producer-expiration", this::removeExpiredProducers,
                config.producerIdExpirationCheckIntervalMs());
    }

    /** Periodic task; an interval of Long.MAX_VALUE (Kafka's "never") schedules nothing. */
    private void schedule(String name, Runnable task, long intervalMs) {
        if (intervalMs < Long.MAX_VALUE / 2) {
            synchronized (tasks) {
                tasks.add(scheduler.schedule(name, task, intervalMs, intervalMs));
            }
        }
    }

    // ---- log life cycle ----

    /**
     * The log of {@code tp}, created in the log dir with the fewest partitions if missing.
     * A new log records {@code topicId} in its {@code partition.metadata}.
     *
     * @throws KafkaStorageException if no log dir is online or creation fails
     */
    public Log getOrCreateLog(TopicPartition tp, Uuid topicId, LogConfig logConfig) {
        Log existing = logs.get(tp);
        if (existing != null) {
            maybeAssignTopicId(existing, topicId);
            return existing;
        }
        synchronized (createLock) {
            existing = logs.get(tp);
            if (existing != null) {
                maybeAssignTopicId(existing, topicId);
                return existing;
            }
            Log log = createInLeastLoadedDir(tp, logConfig);
            maybeAssignTopicId(log, topicId);
            topicConfigs.putIfAbsent(tp.topic(), logConfig);
            logs.put(tp, log);
            return log;
        }
    }

    /** Tries the online dirs from the least loaded; a dir failing now goes offline and the next is tried. */
    private Log createInLeastLoadedDir(TopicPartition tp, LogConfig logConfig) {
        KafkaStorageException last = null;
        for (Path dir : logDirsByLoad()) {
            try {
                Log log = Log.open(dir.resolve(LogFileNames.logDirName(tp)), logConfig, 0L, 0L, true, time,
                        scheduler, config.producerIdExpirationMs(), failureChannel);
                LOG.info("Created log for {} in {}", tp, dir);
                return log;
            } catch (KafkaStorageException e) {
                LOG.error("Failed to create log for {} in {}", tp, dir, e);
                last = e;
            }
        }
        throw last != null ? last : new KafkaStorageException("No log directory is online: " + config.logDirs());
    }

    private static void maybeAssignTopicId(Log log, Uuid topicId) {
        if (topicId != null && !Uuid.ZERO_UUID.equals(topicId)) {
            log.assignTopicId(topicId);
        }
    }

    /** Online dirs, fewest partitions first (ties by name). */
    private List<Path> logDirsByLoad() {
        Map<Path, Integer> counts = new java.util.HashMap<>();
        for (Path dir : liveLogDirs()) {
            counts.put(dir, 0);
        }
        for (Log log : logs.values()) {
            counts.computeIfPresent(log.parentDir(), (d, n) -> n + 1);
        }
        return counts.entrySet().stream().sorted(Map.Entry.<Path, Integer>comparingByValue()
                .thenComparing(e -> e.getKey().toString())).map(Map.Entry::getKey).toList();
    }

    public Optional<Log> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<Log> allLogs() {
        return List.copyOf(logs.values());
    }

    /**
     * Removes the log: closes it, renames its directory {@code <topic>-<p>.<uuid>-delete} and
     * deletes that after {@code log.segment.delete.delay.ms}.
     */
    public void deleteLog(TopicPartition tp) {
        Log log;
        synchronized (createLock) {
            log = logs.remove(tp);
        }
        if (log == null) {
            return;
        }
        log.close();
        String name = LogFileNames.logDirName(tp) + "." + UUID.randomUUID().toString().replace("-", "")
                + LogFileNames.DELETE_DIR_SUFFIX;
        log.renameDir(name);
        scheduleDirDeletion(log.dir());
        LOG.info("Scheduled deletion of log {} ({})", tp, log.dir());
    }

    private void scheduleDirDeletion(Path dir) {
        scheduler.scheduleOnce("delete-log-" + dir.getFileName(), () -> {
            try {
                FileUtils.deleteRecursively(dir);
            } catch (IOException e) {
                failureChannel.maybeAddOfflineLogDir(dir.getParent(), "Failed to delete " + dir, e);
            }
        }, config.fileDeleteDelayMs());
    }

    /** Applies a new config to every log of {@code topic} at once. */
    public void updateTopicConfig(String topic, LogConfig logConfig) {
        topicConfigs.put(topic, logConfig);
        for (Log log : logs.values()) {
            if (log.topicPartition().topic().equals(topic)) {
                log.updateConfig(logConfig);
            }
        }
    }

    public Set<Path> offlineLogDirs() {
        handleOfflineDirs();
        return failureChannel.offlineLogDirs();
    }

    public List<Path> liveLogDirs() {
        return config.logDirs().stream().filter(d -> !failureChannel.hasOfflineLogDir(d)).toList();
    }

    /** The log directory (a member of {@code log.dirs}) holding {@code tp}'s log. */
    public Path logDirOf(TopicPartition tp) {
        Log log = logs.get(tp);
        return log == null ? null : log.parentDir();
    }

    public LogDirFailureChannel logDirFailureChannel() {
        return failureChannel;
    }

    /** Drops the logs of newly offline dirs (closing their handles) so nothing uses them again. */
    private void handleOfflineDirs() {
        for (Path dir : failureChannel.offlineLogDirs()) {
            if (handledOfflineDirs.add(dir)) {
                logs.values().removeIf(log -> {
                    if (log.parentDir().equals(dir)) {
                        log.closeHandlers();
                        return true;
                    }
                    return false;
                });
                dirLocks.unlock(dir);
                LOG.error("Stopped using offline log dir {}", dir);
            }
        }
    }

    // ---- periodic tasks ----

    /** Retention: deletes old segments of every log; returns how many. */
    public int cleanupLogs() {
        int deleted = 0;
        for (Log log : allLogs()) {
            try {
                deleted += log.deleteOldSegments();
            } catch (KafkaStorageException e) {
                LOG.warn("Retention of {} failed: {}", log.topicPartition(), e.getMessage());
            }
        }
        handleOfflineDirs();
        return deleted;
    }

    /** Flushes the logs whose {@code flush.ms} has passed since their last flush. */
    public void flushDirtyLogs() {
        long nowMs = time.milliseconds();
        for (Log log : allLogs()) {
            try {
                if (nowMs - log.lastFlushTimeMs() >= log.config().flushMs()) {
                    log.flush(log.logEndOffset());
                }
            } catch (KafkaStorageException e) {
                LOG.warn("Flush of {} failed: {}", log.topicPartition(), e.getMessage());
            }
        }
        handleOfflineDirs();
    }

    public void checkpointRecoveryPoints() {
        forEachLiveDir((cp, dirLogs) -> cp.writeRecoveryPoints(dirLogs), "recovery point");
    }

    public void checkpointLogStartOffsets() {
        forEachLiveDir((cp, dirLogs) -> cp.writeLogStartOffsets(dirLogs), "log start offset");
    }

    public void checkpointHighWatermarks() {
        forEachLiveDir((cp, dirLogs) -> cp.writeHighWatermarks(dirLogs), "high watermark");
    }

    private void removeExpiredProducers() {
        for (Log log : allLogs()) {
            try {
                log.removeExpiredProducers();
            } catch (KafkaStorageException e) {
                LOG.warn("Producer expiration of {} failed: {}", log.topicPartition(), e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface CheckpointWriter {
        void write(LogDirCheckpoints checkpoints, List<Log> logsInDir) throws IOException;
    }

    private void forEachLiveDir(CheckpointWriter writer, String what) {
        for (Path dir : liveLogDirs()) {
            LogDirCheckpoints cp = checkpoints.get(dir);
            if (cp == null) {
                continue;
            }
            List<Log> dirLogs = logs.values().stream().filter(l -> l.parentDir().equals(dir)).toList();
            try {
                writer.write(cp, dirLogs);
            } catch (IOException e) {
                failureChannel.maybeAddOfflineLogDir(dir, "Failed to write the " + what + " checkpoint of " + dir, e);
            }
        }
        handleOfflineDirs();
    }

    // ---- shutdown ----

    /**
     * Stops the periodic tasks, flushes and closes every log, writes all checkpoints (recovery
     * points at the log end) and a {@code .kafka_cleanshutdown} marker in each online dir.
     */
    public void shutdown() {
        running = false;
        synchronized (tasks) {
            tasks.forEach(t -> t.cancel(false));
            tasks.clear();
        }
        handleOfflineDirs();
        for (Path dir : liveLogDirs()) {
            shutdownDir(dir);
        }
        logs.clear();
        dirLocks.unlockAll();
        LOG.info("Log manager shut down");
    }

    private void shutdownDir(Path dir) {
        List<Log> dirLogs = logs.values().stream().filter(l -> l.parentDir().equals(dir)).toList();
        try {
            for (Log log : dirLogs) {
                log.flush(log.logEndOffset());
                log.close();
            }
            LogDirCheckpoints cp = checkpoints.get(dir);
            if (cp != null) {
                cp.writeRecoveryPoints(dirLogs);
                cp.writeLogStartOffsets(dirLogs);
                cp.writeHighWatermarks(dirLogs);
                Files.writeString(dir.resolve(LogFileNames.CLEAN_SHUTDOWN_FILE), CLEAN_SHUTDOWN_CONTENT,
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            failureChannel.maybeAddOfflineLogDir(dir, "Failed to shut down log dir " + dir, e);
        } catch (KafkaStorageException e) {
            LOG.error("Log dir {} failed during shutdown", dir, e);
        }
    }

    /**
     * Test hook simulating the death of the process: releases the directory locks and file
     * handles without flushing, checkpointing or writing the clean shutdown marker. Public for
     * the broker's cluster simulation, which crashes brokers in process.
     */
    public void abandon() {
        running = false;
        synchronized (tasks) {
            tasks.forEach(t -> t.cancel(false));
            tasks.clear();
        }
        logs.values().forEach(Log::closeHandlers);
        logs.clear();
        dirLocks.unlockAll();
    }

    public boolean isRunning() {
        return running;
    }
}
