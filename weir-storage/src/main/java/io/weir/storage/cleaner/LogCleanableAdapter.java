package io.weir.storage.cleaner;

import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogSegment;
import io.weir.storage.state.ProducerStateEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Presents a {@link Log} to the cleaner through its public API: cleaned segments are written by
 * {@link LogCleanedSegment} and swapped in with {@link Log#replaceSegments}.
 *
 * <p>Thread-safe as far as the Log's public methods are.
 */
public final class LogCleanableAdapter implements CleanableLog {

    private final Log log;
    private final Time time;

    private LogCleanableAdapter(Log log, Time time) {
        this.log = log;
        this.time = time;
    }

    public static CleanableLog of(Log log, Time time) {
        return new LogCleanableAdapter(log, time);
    }

    public Log log() {
        return log;
    }

    @Override
    public TopicPartition topicPartition() {
        return log.topicPartition();
    }

    @Override
    public Path dir() {
        return log.dir();
    }

    @Override
    public LogConfig config() {
        return log.config();
    }

    @Override
    public long logStartOffset() {
        return log.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return log.logEndOffset();
    }

    @Override
    public long lastStableOffset() {
        return log.highWatermark();
    }

    @Override
    public List<LogSegment> logSegments() {
        return log.logSegments();
    }

    @Override
    public Map<Long, ProducerStateEntry> activeProducers() {
        return log.activeProducers();
    }

    @Override
    public CleanedSegment createCleanedSegment(long baseOffset) throws IOException {
        return new LogCleanedSegment(log.dir(), baseOffset, log.config(), time);
    }

    @Override
    public void replaceSegments(CleanedSegment cleaned, List<LogSegment> oldSegments) {
        log.replaceSegments(List.of(((LogCleanedSegment) cleaned).segment()), oldSegments);
    }

    @Override
    public String toString() {
        return "CleanableLog(" + log + ")";
    }
}
