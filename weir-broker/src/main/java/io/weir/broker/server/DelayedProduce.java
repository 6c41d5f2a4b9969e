package io.weir.broker.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.broker.purgatory.DelayedOperation;

/**
 * An acks=all produce waiting until every partition's high watermark covers its batch; on
 * timeout the uncovered partitions answer REQUEST_TIMED_OUT.
 *
 * <p>Thread-safe through {@link DelayedOperation}'s exactly-once completion.
 */
public final class DelayedProduce extends DelayedOperation {

    private final Map<TopicPartition, ProducePartitionResult> results;
    private final Map<TopicPartition, Long> requiredOffsets;
    private final ReplicaManager replicaManager;
    private final Consumer<Map<TopicPartition, ProducePartitionResult>> callback;

    DelayedProduce(long timeoutMs, Map<TopicPartition, ProducePartitionResult> results,
                   Map<TopicPartition, Long> requiredOffsets, ReplicaManager replicaManager,
                   Consumer<Map<TopicPartition, ProducePartitionResult>> callback) {
        super(timeoutMs);
        this.results = new LinkedHashMap<>(results);
        this.requiredOffsets = requiredOffsets;
        this.replicaManager = replicaManager;
        this.callback = callback;
    }

    @Override
    public boolean tryComplete() {
        for (Map.Entry<TopicPartition, Long> e : requiredOffsets.entrySet()) {
            if (pendingError(e.getKey(), e.getValue()) == Errors.REQUEST_TIMED_OUT) {
                return false;
            }
        }
        return forceComplete();
    }

    /** NONE when the partition's HW covers the offset, REQUEST_TIMED_OUT while it does not. */
    private Errors pendingError(TopicPartition tp, long requiredOffset) {
        Partition p = replicaManager.partition(tp).orElse(null);
        if (p == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (!p.isLeader()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return p.highWatermark() >= requiredOffset ? Errors.NONE : Errors.REQUEST_TIMED_OUT;
    }

    @Override
    public void onComplete() {
        for (Map.Entry<TopicPartition, Long> e : requiredOffsets.entrySet()) {
            Errors error = pendingError(e.getKey(), e.getValue());
            if (error != Errors.NONE) {
                results.put(e.getKey(), ProducePartitionResult.error(error, null));
            }
        }
        callback.accept(results);
    }

    @Override
    public void onExpiration() {
    }
}
