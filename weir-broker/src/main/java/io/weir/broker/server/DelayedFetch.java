package io.weir.broker.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.broker.purgatory.DelayedOperation;

/**
 * A long-poll fetch waiting for {@code fetch.min.bytes} of new data below the high watermark
 * (or the log end offset for followers), or for {@code fetch.max.wait.ms} to pass.
 *
 * <p>Thread-safe through {@link DelayedOperation}'s exactly-once completion.
 */
public final class DelayedFetch extends DelayedOperation {

    private final FetchParams params;
    private final LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> fetchInfos;
    private final ReplicaManager replicaManager;
    private final Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback;

    DelayedFetch(FetchParams params, LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> fetchInfos,
                 ReplicaManager replicaManager,
                 Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback) {
        super(params.maxWaitMs());
        this.params = params;
        this.fetchInfos = fetchInfos;
        this.replicaManager = replicaManager;
        this.callback = callback;
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
        for (Map.Entry<TopicIdPartition, ReplicaManager.FetchPosition> e : fetchInfos.entrySet()) {
            TopicPartition tp = e.getKey().topicPartition();
            Partition p = replicaManager.partition(tp).orElse(null);
            if (p == null || (!p.isLeader() && params.fetchOnlyLeader())
                || p.checkLeaderEpoch(e.getValue().currentLeaderEpoch()) != Errors.NONE) {
                return forceComplete();
            }
            long end = params.isFromFollower() ? p.log().logEndOffset() : p.highWatermark();
            long fetchOffset = e.getValue().fetchOffset();
            if (fetchOffset > p.log().logEndOffset() || fetchOffset < p.log().logStartOffset()) {
                return forceComplete();
            }
            if (fetchOffset < end) {
                // A read only looks up positions (a file slice), so it is cheap enough to size new data.
                accumulated += LogReadResult.read(p.log(), fetchOffset, e.getValue().maxBytes(), end, true)
                    .records().sizeInBytes();
            }
        }
        return accumulated >= params.minBytes() && forceComplete();
    }

    @Override
    public void onComplete() {
        // A follower's position was recorded when its request arrived, not again here (Kafka's rule).
        callback.accept(replicaManager.readFromLocalLogs(params, fetchInfos, false));
    }

    @Override
    public void onExpiration() {
    }
}
