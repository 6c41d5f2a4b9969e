package io.weir.broker.server;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.broker.purgatory.DelayedOperation;

/**
 * A long-poll fetch waiting for {@code fetch.min.bytes} of new data below the high watermark
 * (or the log end offset for followers), or for {@code fetch.max.wait.ms} to pass. A follower's
 * fetch read by news waits under its session instead of under each partition: it sizes, and when
 * complete reads, the session's partitions with news at that moment.
 *
 * <p>Thread-safe through {@link DelayedOperation}'s exactly-once completion.
 */
public final class DelayedFetch extends DelayedOperation {

    /** What {@link #newBytes} returns when a partition's state means the fetch must be answered now. */
    private static final long ANSWER_NOW = -1L;

    private final FetchParams params;
    private final LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> fetchInfos;
    /** The same positions by partition: the keys this fetch is watched under (empty when read by news). */
    private final Map<TopicPartition, ReplicaManager.FetchPosition> byPartition;
    /** A follower's session read by news, or null: this fetch reads {@code fetchInfos}. */
    private final FetchSessionCache.FetchSession session;
    private final ReplicaManager replicaManager;
    private final Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback;

    DelayedFetch(FetchParams params, LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> fetchInfos,
                 FetchSessionCache.FetchSession session, ReplicaManager replicaManager,
                 Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback) {
        super(params.maxWaitMs());
        this.params = params;
        this.fetchInfos = fetchInfos;
        this.session = session;
        this.byPartition = new HashMap<>(session == null ? 2 * fetchInfos.size() : 0);
        if (session == null) {
            fetchInfos.forEach((tip, pos) -> byPartition.put(tip.topicPartition(), pos));
        }
        this.replicaManager = replicaManager;
        this.callback = callback;
    }

    /** The keys to watch this fetch under: its partitions, or its session. */
    Collection<?> watchKeys() {
        return session == null ? byPartition.keySet() : List.of(session);
    }

    /**
     * Complete when the readable bytes past each fetch offset add up to minBytes, or a partition
     * moved away (gone, not leader here any more when only the leader may serve, or a new leader
     * epoch), or the offset left the log (truncated below it, or below the log start). A consumer
     * ahead of the HW (a new leader's lagging HW, or a follower serving it under KIP-392) waits for
     * the HW to move, as in Kafka, instead of being answered empty at once and asking again.
     */
    @Override
    public boolean tryComplete() {
        long accumulated = 0;
        for (Map.Entry<TopicIdPartition, ReplicaManager.FetchPosition> e : positions(false).entrySet()) {
            long bytes = newBytes(e.getKey().topicPartition(), e.getValue());
            if (bytes == ANSWER_NOW) {
                return forceComplete();
            }
            accumulated += bytes;
        }
        return accumulated >= params.minBytes() && forceComplete();
    }

    /**
     * After an event on one partition, that partition alone may be enough (a follower's fetch,
     * with minBytes 1, completes on any new batch): then the fetch's other partitions, which may
     * be hundreds at rest, are not looked at until the answer is read.
     */
    @Override
    protected boolean tryCompleteFor(Object key) {
        ReplicaManager.FetchPosition pos = byPartition.get(key);
        if (pos != null) {
            long bytes = newBytes((TopicPartition) key, pos);
            if (bytes == ANSWER_NOW || bytes >= params.minBytes()) {
                return forceComplete();
            }
        }
        return tryComplete();
    }

    /** What this fetch reads: its partitions, or its session's with news now ({@code forRead}: to answer). */
    private LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions(boolean forRead) {
        return session == null ? fetchInfos : session.positionsWithNews(forRead);
    }

    /** The bytes readable past the fetch offset of {@code tp}, or {@link #ANSWER_NOW}. */
    private long newBytes(TopicPartition tp, ReplicaManager.FetchPosition pos) {
        Partition p = replicaManager.partition(tp).orElse(null);
        if (p == null || (!p.isLeader() && params.fetchOnlyLeader())
            || p.checkLeaderEpoch(pos.currentLeaderEpoch()) != Errors.NONE) {
            return ANSWER_NOW;
        }
        long end = params.isFromFollower() ? p.log().logEndOffset() : p.highWatermark();
        long fetchOffset = pos.fetchOffset();
        if (fetchOffset > p.log().logEndOffset() || fetchOffset < p.log().logStartOffset()) {
            return ANSWER_NOW;
        }
        if (fetchOffset >= end) {
            return 0L;
        }
        // A read only looks up positions (a file slice), so it is cheap enough to size new data.
        return LogReadResult.read(p.log(), fetchOffset, pos.maxBytes(), end, true).records().sizeInBytes();
    }

    @Override
    public void onComplete() {
        // A follower's position was recorded when its request arrived, not again here (Kafka's rule).
        callback.accept(replicaManager.readFromLocalLogs(params, positions(true), false));
    }

    @Override
    public void onExpiration() {
    }
}
