package io.weir.storage.cleaner;

import io.weir.common.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for {@code cleanup.policy=compact} (and {@code compact,delete}) logs, as a
 * bounded duty cycle: each {@link #doWork()} cleans at most the one dirtiest log and reports
 * how much it did; the cleaner thread ({@link #startup()}) runs it and idles for
 * {@code log.cleaner.backoff.ms} after a turn with nothing to do. Tests call {@link #doWork()}
 * directly.
 *
 * <p>Logs that truncate or are deleted call {@link #abortAndPauseCleaning} first (it waits for
 * a running cleaning of that partition to stop) and {@link #resumeCleaning} after, and report
 * truncation with {@link #maybeTruncateCheckpoint} and deletion with {@link #removeCheckpoint}.
 *
 * <p>Threading: {@link #doWork()} runs on one thread at a time (the cleaner thread or a test);
 * the pause, resume and checkpoint methods may be called from any thread.
 */
public final class LogCleaner {

    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);

    private final CleanerConfig config;
    private final Supplier<? extends Collection<? extends CleanableLog>> logs;
    private final Time time;
    private final LogCleanerManager manager = new LogCleanerManager();
    private Cleaner cleaner;
    private final ReentrantLock runLock = new ReentrantLock();
    private final Condition wakeUp = runLock.newCondition();
    private volatile boolean shuttingDown;
    private Thread thread;
    private boolean running;

    /**
     * @param logs the current logs of the broker (all of them; non-compacted ones are skipped)
     */
    public LogCleaner(CleanerConfig config, Supplier<? extends Collection<? extends CleanableLog>> logs, Time time) {
        this.config = config;
        this.logs = logs;
        this.time = time;
    }

    /**
     * The cleaner and its dedupe buffer (log.cleaner.dedupe.buffer.size, 128 MiB by default) are
     * made on the first cleaning, so a broker without compacted topics never pays for them.
     * Only the cleaning thread (or a test calling doWork) gets here.
     */
    private Cleaner cleaner() {
        if (cleaner == null) {
            cleaner = new Cleaner(config, this::checkDone);
        }
        return cleaner;
    }

    /**
     * Cleans the dirtiest compacted log, if one needs it.
     *
     * @return the number of logs cleaned or attempted in this turn (0 when idle)
     */
    public int doWork() {
        Optional<LogToClean> next;
        try {
            next = manager.grabFilthiestCompactedLog(logs.get(), time.milliseconds());
        } catch (IOException e) {
            log.error("Cannot read cleaner checkpoints", e);
            return 0;
        }
        if (next.isEmpty()) {
            return 0;
        }
        cleanLog(next.get());
        return 1;
    }

    private void cleanLog(LogToClean cleanable) {
        TopicPartition tp = cleanable.log().topicPartition();
        Path logDir = LogCleanerManager.logDirOf(cleanable.log());
        long endOffset = cleanable.firstDirtyOffset();
        boolean completed = false;
        try {
            endOffset = cleaner().clean(cleanable, time.milliseconds(), new CleanerStats());
            completed = true;
        } catch (LogCleaningAbortedException e) {
            log.info("Cleaning of {} was aborted", tp);
        } catch (KafkaStorageException e) {
            log.warn("Stopped cleaning {}: its log dir is offline", tp);
        } catch (IOException | RuntimeException e) {
            log.error("Unexpected error cleaning {}; it will not be cleaned again until restart", tp, e);
            manager.markUncleanable(tp);
        } finally {
            finishCleaning(tp, logDir, endOffset, completed);
        }
    }

    private void finishCleaning(TopicPartition tp, Path logDir, long endOffset, boolean completed) {
        try {
            manager.doneCleaning(tp, logDir, endOffset, completed);
        } catch (IOException e) {
            log.error("Cannot write the cleaner checkpoint of {}", logDir, e);
        }
    }

    /** Called between chunks of work: stops a cleaning that was aborted, or at shutdown. */
    private void checkDone(TopicPartition tp) {
        if (shuttingDown) {
            throw new LogCleaningAbortedException();
        }
        manager.checkCleaningAborted(tp);
    }

    /** Stops cleaning {@code tp} until {@link #resumeCleaning}; waits for a cleaning in progress to stop. */
    public void abortAndPauseCleaning(TopicPartition tp) throws InterruptedException {
        manager.abortAndPauseCleaning(tp);
    }

    public void resumeCleaning(TopicPartition tp) {
        manager.resumeCleaning(tp);
    }

    /** After truncating {@code tp} to {@code offset}: the next cleaning must not start past it. */
    public void maybeTruncateCheckpoint(Path logDir, TopicPartition tp, long offset) throws IOException {
        manager.maybeTruncateCheckpoint(logDir, tp, offset);
    }

    /** After deleting the log of {@code tp}. */
    public void removeCheckpoint(Path logDir, TopicPartition tp) throws IOException {
        manager.removeCheckpoint(logDir, tp);
    }

    /** The first dirty offset recorded for {@code tp} in {@code logDir}'s cleaner checkpoint. */
    public Optional<Long> checkpointOf(Path logDir, TopicPartition tp) throws IOException {
        return manager.checkpointOf(logDir, tp);
    }

    /** Starts the cleaner thread, unless {@code log.cleaner.enable} is false. */
    public void startup() {
        if (!config.enabled()) {
            log.info("Log cleaner is disabled");
            return;
        }
        runLock.lock();
        try {
            if (thread != null) {
                return;
            }
            running = true;
            shuttingDown = false;
            thread = new Thread(this::run, "kafka-log-cleaner-thread-0");
            thread.setDaemon(true);
            thread.start();
        } finally {
            runLock.unlock();
        }
    }

    private void run() {
        while (isRunning()) {
            if (doWork() == 0) {
                idle();
            }
        }
    }

    private boolean isRunning() {
        runLock.lock();
        try {
            return running;
        } finally {
            runLock.unlock();
        }
    }

    private void idle() {
        runLock.lock();
        try {
            if (running) {
                wakeUp.await(config.backoffMs(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            runLock.unlock();
        }
    }

    /** Stops the cleaner thread, aborting a cleaning in progress, and waits for it. */
    public void shutdown() throws InterruptedException {
        Thread toJoin;
        shuttingDown = true;
        runLock.lock();
        try {
            running = false;
            wakeUp.signalAll();
            toJoin = thread;
            thread = null;
        } finally {
            runLock.unlock();
        }
        if (toJoin != null) {
            toJoin.join();
        }
    }
}
