package io.weir.broker.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.broker.purgatory.DelayedOperation;

/**
 * An acks=all produce waiting until every partition's high watermark covers its batch; on
 * timeout the uncovered partitions answer REQUEST_TIMED_OUT. A partition whose ISR shrank below
 * {@code min.insync.replicas} while it waited answers NOT_ENOUGH_REPLICAS_AFTER_APPEND (the
 * records are in the log), one that lost leadership NOT_LEADER_OR_FOLLOWER.
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
            if (outcome(e.getKey(), e.getValue()).isEmpty()) {
                return false;
            }
        }
        return forceComplete();
    }

    /** Empty while the partition's HW is below the offset, else the partition's answer. */
    private Optional<Errors> outcome(TopicPartition tp, long requiredOffset) {
        Partition p = replicaManager.partition(tp).orElse(null);
        if (p == null) {
            return Optional.of(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        return p.checkEnoughReplicasReachOffset(requiredOffset);
    }

    @Override
    public void onComplete() {
        for (Map.Entry<TopicPartition, Long> e : requiredOffsets.entrySet()) {
            Errors error = outcome(e.getKey(), e.getValue()).orElse(Errors.REQUEST_TIMED_OUT);
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
