package io.weir.storage.cleaner;

import io.weir.storage.LogConfig;
import io.weir.storage.LogSegment;
import io.weir.storage.state.ProducerStateEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What the log cleaner needs from a partition Log. The Log implements it; the cleaner touches
 * a log only through these calls, and only closed segments (never the active one).
 *
 * <p>Threading: called from the cleaner thread; implementations take the Log's lock where they
 * read or change mutable state ({@link #activeProducers()}, {@link #replaceSegments}).
 */
public interface CleanableLog {

    TopicPartition topicPartition();

    /** The partition directory; its parent (the log dir) holds {@code cleaner-offset-checkpoint}. */
    Path dir();

    LogConfig config();

    long logStartOffset();

    long logEndOffset();

    /**
     * The cleaner never cleans at or beyond this offset: the high watermark (the last stable
     * offset once transactions exist), so nothing a follower may still truncate is compacted.
     */
    long lastStableOffset();

    /** A snapshot of all segments, oldest first; the last one is the active segment. */
    List<LogSegment> logSegments();

    /** The producer states; the last batch of each active producer is kept, possibly empty. */
    Map<Long, ProducerStateEntry> activeProducers();

    /**
     * Creates an empty segment at {@code baseOffset} whose files carry the {@code .cleaned}
     * suffix (replacing leftovers of an earlier attempt), for the cleaner to fill.
     */
    CleanedSegment createCleanedSegment(long baseOffset) throws IOException;

    /**
     * Swaps {@code cleaned} in for {@code oldSegments} with Kafka's crash-safe protocol
     * ({@code .cleaned} -> {@code .swap} -> live, old segments deleted), under the Log's lock.
     * Old segments that were removed meanwhile (retention) are skipped.
     */
    void replaceSegments(CleanedSegment cleaned, List<LogSegment> oldSegments) throws IOException;
}
