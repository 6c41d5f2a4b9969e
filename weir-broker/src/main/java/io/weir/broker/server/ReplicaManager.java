package io.weir.broker.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.metrics.BrokerTopicStats;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;
import io.weir.storage.cleaner.LogCleaner;

/**
 * The partitions this broker hosts and the produce and fetch paths through them: appends as
 * leader, parks acks=all produces and long-poll fetches in purgatories, and completes them when
 * a partition's high watermark moves.
 *
 * <p>Thread-safe: called from the request handler threads; per-partition work synchronizes on
 * the {@link Partition}.
 */
public final class ReplicaManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localBrokerId;
    private final LogManager logManager;
    private final LogCleaner cleaner;
    private final DelayedOperationPurgatory<DelayedProduce> producePurgatory;
    private final DelayedOperationPurgatory<DelayedFetch> fetchPurgatory;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final BrokerTopicStats topicStats;

    public ReplicaManager(int localBrokerId, LogManager logManager, LogCleaner cleaner,
                          DelayedOperationPurgatory<DelayedProduce> producePurgatory,
                          DelayedOperationPurgatory<DelayedFetch> fetchPurgatory, BrokerTopicStats topicStats) {
        this.localBrokerId = localBrokerId;
        this.logManager = logManager;
        this.cleaner = cleaner;
        this.producePurgatory = producePurgatory;
        this.fetchPurgatory = fetchPurgatory;
        this.topicStats = topicStats;
    }

    /** Makes this broker leader or follower of a partition it hosts, creating the log if needed. */
    public Partition applyPartitionState(TopicIdPartition tip, MetadataCache.PartitionInfo info, LogConfig config) {
        Partition partition = partitions.computeIfAbsent(tip.topicPartition(), tp -> {
            Log log = logManager.getOrCreateLog(tp, tip.topicId(), config);
            return new Partition(tp, tip.topicId(), localBrokerId, log);
        });
        if (partition.makeLeaderOrFollower(info.leader(), info.leaderEpoch(), info.replicas(), info.isr())) {
            LOG.info("Partition {} leader={} epoch={} isr={}", tip.topicPartition(), info.leader(),
                info.leaderEpoch(), info.isr());
        }
        return partition;
    }

    /** Stops hosting a partition; deletes its log when {@code delete}. */
    public void stopReplica(TopicPartition tp, boolean delete) {
        Partition removed = partitions.remove(tp);
        fetchPurgatory.checkAndComplete(tp);
        producePurgatory.checkAndComplete(tp);
        if (removed != null && delete) {
            stopCleaning(removed.log());
            logManager.deleteLog(tp);
        }
    }

    /** The cleaner must let go of a log (and forget its checkpoint) before the log is deleted. */
    private void stopCleaning(Log log) {
        try {
            cleaner.abortAndPauseCleaning(log.topicPartition());
            cleaner.removeCheckpoint(log.parentDir(), log.topicPartition());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Cannot remove the cleaner checkpoint of {}: {}", log.topicPartition(), e.getMessage());
        } finally {
            cleaner.resumeCleaning(log.topicPartition());
        }
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> allPartitions() {
        return partitions.values();
    }

    /** This broker's leader partition for {@code tp}, or the error a client should see instead. */
    public record LeaderLookup(Partition partition, Errors error) {
        public boolean found() {
            return error == Errors.NONE;
        }
    }

    /**
     * The local leader of {@code tp}, checked against the leader epoch the client believes current
     * (-1: unchecked): UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH or
     * UNKNOWN_LEADER_EPOCH otherwise.
     */
    public LeaderLookup leaderFor(TopicPartition tp, int currentLeaderEpoch) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return new LeaderLookup(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (!p.isLeader()) {
            return new LeaderLookup(null, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        Errors epochError = p.checkLeaderEpoch(currentLeaderEpoch);
        return epochError == Errors.NONE ? new LeaderLookup(p, Errors.NONE) : new LeaderLookup(null, epochError);
    }

    /**
     * Appends to the local leaders and calls back with each partition's result: at once for
     * acks 0 and 1, once the high watermark covers the batch for acks=all (or on timeout).
     */
    public void appendRecords(long timeoutMs, short requiredAcks, Map<TopicPartition, MemoryRecords> entries,
                              Consumer<Map<TopicPartition, ProducePartitionResult>> callback) {
        Map<TopicPartition, ProducePartitionResult> results = new LinkedHashMap<>();
        Map<TopicPartition, Long> requiredOffsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, MemoryRecords> e : entries.entrySet()) {
            ProducePartitionResult r = appendToLocalLog(e.getKey(), e.getValue(), requiredAcks);
            results.put(e.getKey(), r);
            if (r.error() == Errors.NONE) {
                requiredOffsets.put(e.getKey(), r.lastOffset() + 1);
                fetchPurgatory.checkAndComplete(e.getKey());
            }
        }
        if (requiredAcks != -1 || requiredOffsets.isEmpty()) {
            callback.accept(results);
            return;
        }
        DelayedProduce delayed = new DelayedProduce(timeoutMs, results, requiredOffsets, this, callback);
        producePurgatory.tryCompleteElseWatch(delayed, new ArrayList<>(requiredOffsets.keySet()));
    }

    private ProducePartitionResult appendToLocalLog(TopicPartition tp, MemoryRecords records, short acks) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return ProducePartitionResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        try {
            int minIsr = partition.log().config().minInSyncReplicas();
            Partition.AppendResult result = partition.appendRecordsToLeader(records, acks, minIsr);
            if (result.error() != Errors.NONE) {
                return ProducePartitionResult.error(result.error(), result.errorMessage());
            }
            LogAppendInfo info = result.info();
            topicStats.onAppend(tp.topic(), info.validBytes(), info.numMessages());
            return new ProducePartitionResult(Errors.NONE, null, info.firstOffset(), info.lastOffset(),
                info.logAppendTimeMs(), info.logStartOffset());
        } catch (KafkaStorageException e) {
            LOG.error("Append to {} failed: {}", tp, e.getMessage());
            return ProducePartitionResult.error(Errors.KAFKA_STORAGE_ERROR, e.getMessage());
        }
    }

    /** Called when a partition's high watermark may have moved: completes waiting requests. */
    public void onHighWatermarkUpdated(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    /**
     * Reads for a fetch and calls back with the results: at once when there is enough data,
     * an error, or no wait; otherwise after data arrives or maxWaitMs passes.
     */
    public void fetchMessages(FetchParams params, LinkedHashMap<TopicIdPartition, FetchPosition> fetchInfos,
                              Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback) {
        Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> counted = params.isFromFollower() ? callback
            : r -> {
                topicStats.onConsumerFetch(r);
                callback.accept(r);
            };
        LinkedHashMap<TopicIdPartition, FetchPartitionResult> results = readFromLocalLogs(params, fetchInfos);
        long bytes = 0;
        boolean anyError = false;
        for (FetchPartitionResult r : results.values()) {
            bytes += r.sizeInBytes();
            anyError |= r.error() != Errors.NONE;
        }
        if (params.maxWaitMs() <= 0 || fetchInfos.isEmpty() || bytes >= params.minBytes() || anyError) {
            counted.accept(results);
            return;
        }
        DelayedFetch delayed = new DelayedFetch(params, fetchInfos, this, counted);
        List<Object> keys = new ArrayList<>();
        for (TopicIdPartition tip : fetchInfos.keySet()) {
            keys.add(tip.topicPartition());
        }
        fetchPurgatory.tryCompleteElseWatch(delayed, keys);
    }

    /** Reads every partition in order, sharing maxBytes; the first non-empty one may exceed it. */
    LinkedHashMap<TopicIdPartition, FetchPartitionResult> readFromLocalLogs(
            FetchParams params, LinkedHashMap<TopicIdPartition, FetchPosition> fetchInfos) {
        LinkedHashMap<TopicIdPartition, FetchPartitionResult> results = new LinkedHashMap<>();
        int remaining = params.maxBytes();
        boolean minOneMessage = true;
        for (Map.Entry<TopicIdPartition, FetchPosition> e : fetchInfos.entrySet()) {
            FetchPosition pos = e.getValue();
            int limit = Math.max(0, Math.min(pos.maxBytes(), remaining));
            FetchPartitionResult r = readPartition(params, e.getKey().topicPartition(), pos, limit, minOneMessage);
            results.put(e.getKey(), r);
            int size = r.sizeInBytes();
            if (size > 0) {
                minOneMessage = false;
                remaining = Math.max(0, remaining - size);
            }
        }
        return results;
    }

    private FetchPartitionResult readPartition(FetchParams params, TopicPartition tp, FetchPosition pos,
                                               int maxBytes, boolean minOneMessage) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return FetchPartitionResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (!partition.isLeader() && !params.isFromFollower()) {
            return FetchPartitionResult.error(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        Errors epochError = partition.checkLeaderEpoch(pos.currentLeaderEpoch());
        if (epochError != Errors.NONE) {
            return FetchPartitionResult.error(epochError);
        }
        Log log = partition.log();
        long hw = log.highWatermark();
        long upperBound = params.isFromFollower() ? log.logEndOffset() : hw;
        try {
            LogReadResult read = LogReadResult.read(log, pos.fetchOffset(), maxBytes, upperBound, minOneMessage);
            if (read.error() != Errors.NONE) {
                return new FetchPartitionResult(read.error(), hw, hw, log.logStartOffset(), MemoryRecords.EMPTY);
            }
            return new FetchPartitionResult(Errors.NONE, hw, hw, log.logStartOffset(), read.records());
        } catch (KafkaStorageException e) {
            return FetchPartitionResult.error(Errors.KAFKA_STORAGE_ERROR);
        }
    }

    /** Moves the log start offset of a leader partition (DeleteRecords). */
    public DeleteRecordsResult deleteRecords(TopicPartition tp, long offset) {
        LeaderLookup leader = leaderFor(tp, -1);
        if (!leader.found()) {
            return new DeleteRecordsResult(leader.error(), -1L);
        }
        Log log = leader.partition().log();
        long target = offset == -1L ? log.highWatermark() : offset;
        if (target < 0 || target > log.highWatermark()) {
            return new DeleteRecordsResult(Errors.OFFSET_OUT_OF_RANGE, -1L);
        }
        try {
            log.maybeIncrementLogStartOffset(target);
            return new DeleteRecordsResult(Errors.NONE, log.logStartOffset());
        } catch (KafkaStorageException e) {
            return new DeleteRecordsResult(Errors.KAFKA_STORAGE_ERROR, -1L);
        }
    }

    /** The result of DeleteRecords on one partition. */
    public record DeleteRecordsResult(Errors error, long lowWatermark) {
    }

    /** Where a fetch reads one partition. */
    public record FetchPosition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
    }

    @Override
    public void close() {
        producePurgatory.shutdown();
        fetchPurgatory.shutdown();
        partitions.clear();
    }
}
