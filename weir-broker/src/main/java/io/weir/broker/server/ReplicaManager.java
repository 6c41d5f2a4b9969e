package io.weir.broker.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.metrics.BrokerTopicStats;
import io.weir.broker.purgatory.DelayedOperationPurgatory;
import io.weir.broker.replica.BlockingLeaderEndpoint;
import io.weir.broker.replica.LeaderEndpoint;
import io.weir.broker.replica.ReplicaFetcherManager;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.common.Scheduler;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;
import io.weir.storage.LogConfig;
import io.weir.storage.LogManager;
import io.weir.storage.cleaner.LogCleaner;
import io.weir.storage.epoch.OffsetAndEpoch;

/**
 * The partitions this broker hosts and the produce and fetch paths through them: appends as
 * leader, parks acks=all produces and long-poll fetches in purgatories, and completes them when
 * a partition's high watermark moves. Applies the controller's LeaderAndIsr and StopReplica
 * ({@link LeaderAndIsrHandler}), tracks followers' fetches as leader (HW, ISR expansion, the
 * periodic ISR shrink) and runs the follower fetchers.
 *
 * <p>Thread-safe: called from the request handler threads, the controller-request thread, the
 * fetcher threads and the scheduler; per-partition work synchronizes in the {@link Partition};
 * controller requests are applied one at a time.
 */
public final class ReplicaManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localBrokerId;
    private final LogManager logManager;
    private final LogCleaner cleaner;
    private final DelayedOperationPurgatory<DelayedProduce> producePurgatory;
    private final DelayedOperationPurgatory<DelayedFetch> fetchPurgatory;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final SessionPartitions sessionPartitions = new SessionPartitions();
    private final BrokerTopicStats topicStats;
    private final ReplicaConfig replicaConfig;
    private final IsrWriter isrWriter;
    private final ReadReplicaSelector readReplicaSelector;
    private final Scheduler scheduler;
    private final Time time;
    private final ReplicaFetcherManager fetcherManager;
    private final LeaderAndIsrHandler controllerRequests;
    private volatile IsrChangeListener isrChangeListener = IsrChangeListener.NONE;
    /** Null: controller requests are not fenced by broker epoch (tests that play the controller). */
    private volatile LongSupplier brokerEpoch;
    private final AtomicLong highestBrokerEpoch = new AtomicLong(BrokerRequest.UNKNOWN_BROKER_EPOCH);
    private volatile ScheduledFuture<?> isrExpiration;

    public ReplicaManager(int localBrokerId, LogManager logManager, LogCleaner cleaner,
                          DelayedOperationPurgatory<DelayedProduce> producePurgatory,
                          DelayedOperationPurgatory<DelayedFetch> fetchPurgatory, BrokerTopicStats topicStats,
                          ReplicaConfig replicaConfig, IsrWriter isrWriter, ReadReplicaSelector readReplicaSelector,
                          Scheduler scheduler, Time time) {
        this(localBrokerId, logManager, cleaner, producePurgatory, fetchPurgatory, topicStats, replicaConfig,
            isrWriter, readReplicaSelector, scheduler, time,
            BlockingLeaderEndpoint.factory(replicaConfig), true);
    }

    /**
     * With the fetchers' leader endpoints and threading given: tests pass an in-memory leader and
     * {@code fetcherThreads = false}, then drive {@code replicaFetcherManager().doWork()}.
     */
    public ReplicaManager(int localBrokerId, LogManager logManager, LogCleaner cleaner,
                          DelayedOperationPurgatory<DelayedProduce> producePurgatory,
                          DelayedOperationPurgatory<DelayedFetch> fetchPurgatory, BrokerTopicStats topicStats,
                          ReplicaConfig replicaConfig, IsrWriter isrWriter, ReadReplicaSelector readReplicaSelector,
                          Scheduler scheduler, Time time, LeaderEndpoint.Factory leaderEndpoints,
                          boolean fetcherThreads) {
        this.localBrokerId = localBrokerId;
        this.logManager = logManager;
        this.cleaner = cleaner;
        this.producePurgatory = producePurgatory;
        this.fetchPurgatory = fetchPurgatory;
        this.topicStats = topicStats;
        this.replicaConfig = replicaConfig;
        this.isrWriter = isrWriter;
        this.readReplicaSelector = readReplicaSelector;
        this.scheduler = scheduler;
        this.time = time;
        this.fetcherManager = new ReplicaFetcherManager(localBrokerId, replicaConfig, leaderEndpoints,
            this::partition, this::onFetchableChange, time, fetcherThreads);
        this.controllerRequests = new LeaderAndIsrHandler(this);
    }

    /** Schedules the ISR shrink check every {@code replica.lag.time.max.ms / 2}. */
    public void startup() {
        long period = replicaConfig.replicaLagTimeMaxMs() / 2;
        isrExpiration = scheduler.schedule("isr-expiration", this::maybeShrinkIsr, 0L, period);
    }

    /** Told of every ISR change this broker wrote as leader (metrics). */
    public void setIsrChangeListener(IsrChangeListener listener) {
        this.isrChangeListener = listener;
    }

    /**
     * Where the epoch of this broker's current registration comes from (the czxid of
     * {@code /brokers/ids/<id>}, {@link BrokerRequest#UNKNOWN_BROKER_EPOCH} when it cannot be
     * read); from then on controller requests built for another registration are refused (Kafka's
     * KIP-380), including every request that names an epoch while this process has not yet
     * learnt its own: it can only be for an earlier incarnation.
     */
    public void setBrokerEpoch(LongSupplier brokerEpoch) {
        this.brokerEpoch = brokerEpoch;
    }

    /** Whether controller requests are fenced by broker epoch ({@link #setBrokerEpoch} was called). */
    boolean fencesBrokerEpochs() {
        return brokerEpoch != null;
    }

    /**
     * The highest registration epoch this process has seen: after its session expired (its node is
     * gone, or ZooKeeper cannot be read) it still refuses requests built for an earlier registration.
     */
    public long brokerEpoch() {
        LongSupplier source = brokerEpoch;
        long now = source == null ? BrokerRequest.UNKNOWN_BROKER_EPOCH : source.getAsLong();
        return highestBrokerEpoch.accumulateAndGet(now, Math::max);
    }

    // ---- controller requests ----

    /**
     * Applies a controller's LeaderAndIsr: makes this broker leader or follower of each partition
     * it is a replica of, creating logs as needed, and starts or stops fetchers accordingly.
     */
    public LeaderAndIsrOutcome becomeLeaderOrFollower(BrokerRequest.LeaderAndIsrRequest request,
                                                      Function<String, LogConfig> topicConfigs) {
        LeaderAndIsrOutcome outcome = controllerRequests.becomeLeaderOrFollower(request, topicConfigs);
        // A new role fails waiting requests; a new ISR may have moved the HW or min.insync.replicas.
        outcome.partitionErrors().forEach((tp, error) -> {
            if (error == Errors.NONE) {
                onHighWatermarkUpdated(tp);
            }
        });
        return outcome;
    }

    /** Applies a controller's StopReplica: stops fetching and, if asked, deletes the logs. */
    public StopReplicaOutcome stopReplicas(BrokerRequest.StopReplicaRequest request) {
        return controllerRequests.stopReplicas(request);
    }

    /** The highest controller epoch seen in a controller request (0 before the first). */
    public int controllerEpoch() {
        return controllerRequests.controllerEpoch();
    }

    /**
     * The result of a LeaderAndIsr: a request-level error (STALE_CONTROLLER_EPOCH) or NONE with an
     * error per partition; {@code changed} lists the partitions whose leader, leader epoch or role
     * changed (for the group coordinator).
     */
    public record LeaderAndIsrOutcome(Errors error, Map<TopicPartition, Errors> partitionErrors,
                                      List<Partition> changed) {
        public LeaderAndIsrOutcome {
            partitionErrors = Map.copyOf(partitionErrors);
            changed = List.copyOf(changed);
        }
    }

    /** The result of a StopReplica: a request-level error or NONE with an error per partition. */
    public record StopReplicaOutcome(Errors error, Map<TopicPartition, Errors> partitionErrors) {
        public StopReplicaOutcome {
            partitionErrors = Map.copyOf(partitionErrors);
        }
    }

    /** The hosted partition, created with its log if new. */
    Partition getOrCreatePartition(TopicIdPartition tip, LogConfig config) {
        return partitions.computeIfAbsent(tip.topicPartition(), tp -> {
            Log log = logManager.getOrCreateLog(tp, tip.topicId(), config);
            return new Partition(tp, tip.topicId(), localBrokerId, log, time, replicaConfig.replicaLagTimeMaxMs(),
                cleaner);
        });
    }

    ReplicaConfig replicaConfig() {
        return replicaConfig;
    }

    int localBrokerId() {
        return localBrokerId;
    }

    public ReplicaFetcherManager replicaFetcherManager() {
        return fetcherManager;
    }

    // ---- the single-broker metadata path ----

    /** Makes this broker leader or follower of a partition it hosts, creating the log if needed. */
    public Partition applyPartitionState(TopicIdPartition tip, MetadataCache.PartitionInfo info, LogConfig config) {
        Partition partition = getOrCreatePartition(tip, config);
        if (partition.makeLeaderOrFollower(info.leader(), info.leaderEpoch(), info.replicas(), info.isr())) {
            LOG.info("Partition {} leader={} epoch={} isr={}", tip.topicPartition(), info.leader(),
                info.leaderEpoch(), info.isr());
        }
        return partition;
    }

    /** Stops hosting a partition; deletes its log when {@code delete}. */
    public void stopReplica(TopicPartition tp, boolean delete) {
        fetcherManager.removeFetcherForPartitions(List.of(tp));
        Partition removed = partitions.remove(tp);
        onFetchableChange(tp);
        producePurgatory.checkAndComplete(tp);
        if (removed != null && delete) {
            stopCleaning(removed.log());
            logManager.deleteLog(tp);
        }
    }

    /** Removes a partition hosted here (the controller path); its fetcher was stopped already. */
    void removePartitionAndDeleteLog(TopicPartition tp) {
        Partition removed = partitions.remove(tp);
        onHighWatermarkUpdated(tp);
        if (removed != null) {
            stopCleaning(removed.log());
        }
        if (logManager.getLog(tp).isPresent()) {
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

    /**
     * The name of the topic with {@code topicId} if this broker hosts one of its partitions. The
     * controller's LeaderAndIsr (which makes this broker leader) can arrive before its
     * UpdateMetadata (which fills the metadata cache), and a client that learned of the new leader
     * from another broker may already produce to it by topic id.
     */
    public Optional<String> hostedTopicName(Uuid topicId) {
        for (Partition p : partitions.values()) {
            if (topicId.equals(p.topicId())) {
                return Optional.of(p.topicPartition().topic());
            }
        }
        return Optional.empty();
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * {@code tip} with the TopicPartition instance this broker keys the partition by, if it hosts
     * it. A fetch session keeps its partitions this way (FetchSessionCache's canonical): a
     * follower's fetch looks up every partition of its session (hundreds, most at rest), and the
     * map's key check is then an identity check instead of a comparison of topic names.
     */
    public TopicIdPartition hosted(TopicIdPartition tip) {
        Partition p = partitions.get(tip.topicPartition());
        return p == null || p.topicPartition() == tip.topicPartition() ? tip
            : new TopicIdPartition(tip.topicId(), p.topicPartition());
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
     * (-1: unchecked), in Kafka's order: UNKNOWN_TOPIC_OR_PARTITION, then FENCED_LEADER_EPOCH or
     * UNKNOWN_LEADER_EPOCH, then NOT_LEADER_OR_FOLLOWER.
     */
    public LeaderLookup leaderFor(TopicPartition tp, int currentLeaderEpoch) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return new LeaderLookup(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        Errors epochError = p.checkLeaderEpoch(currentLeaderEpoch);
        if (epochError != Errors.NONE) {
            return new LeaderLookup(null, epochError);
        }
        return p.isLeader() ? new LeaderLookup(p, Errors.NONE) : new LeaderLookup(null, Errors.NOT_LEADER_OR_FOLLOWER);
    }

    /** The leader's answer to OffsetsForLeaderEpoch for one partition. */
    public record EpochEndOffsetResult(Errors error, int leaderEpoch, long endOffset) {
    }

    /**
     * OffsetsForLeaderEpoch on the leader (Kafka answers only there): the end offset of
     * {@code requestedEpoch}, or of the largest epoch below it, from the leader epoch cache;
     * UNDEFINED (-1, -1) when this leader knows no such epoch.
     */
    public EpochEndOffsetResult lastOffsetForLeaderEpoch(TopicPartition tp, int currentLeaderEpoch,
                                                         int requestedEpoch) {
        LeaderLookup leader = leaderFor(tp, currentLeaderEpoch);
        if (!leader.found()) {
            return new EpochEndOffsetResult(leader.error(), OffsetAndEpoch.UNDEFINED_EPOCH,
                OffsetAndEpoch.UNDEFINED_EPOCH_OFFSET);
        }
        try {
            OffsetAndEpoch end = leader.partition().log().endOffsetForEpoch(requestedEpoch)
                .orElse(OffsetAndEpoch.UNDEFINED);
            return new EpochEndOffsetResult(Errors.NONE, end.leaderEpoch(), end.offset());
        } catch (KafkaStorageException e) {
            return new EpochEndOffsetResult(Errors.KAFKA_STORAGE_ERROR, OffsetAndEpoch.UNDEFINED_EPOCH,
                OffsetAndEpoch.UNDEFINED_EPOCH_OFFSET);
        }
    }

    // ---- produce ----

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
                onFetchableChange(e.getKey());
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
        onFetchableChange(tp);
    }

    /**
     * Something a fetch of {@code tp} waits for or must be told may have changed: retries the
     * fetches parked on it and marks it in the followers' sessions that hold it, which wakes their
     * parked fetches.
     */
    private void onFetchableChange(TopicPartition tp) {
        fetchPurgatory.checkAndComplete(tp);
        sessionPartitions.onChange(tp, fetchPurgatory::checkAndComplete);
    }

    /** Where followers' fetch sessions register their partitions to hear of changes (FetchSessionCache). */
    public SessionPartitions sessionPartitions() {
        return sessionPartitions;
    }

    // ---- fetch ----

    /**
     * Reads for a fetch and calls back with the results: at once when there is enough data,
     * an error, or no wait; otherwise after data arrives or maxWaitMs passes. A follower's fetch
     * records its position (which may move the HW and grow the ISR) before the answer is built,
     * so the answer carries the HW after it.
     */
    public void fetchMessages(FetchParams params, LinkedHashMap<TopicIdPartition, FetchPosition> fetchInfos,
                              Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback) {
        fetchMessages(params, fetchInfos, null, callback);
    }

    /**
     * As above; with {@code session} (a follower's session read by news, FetchContext.readsByNews),
     * {@code fetchInfos} are its partitions with news, possibly none: the fetch then waits under
     * the session, and reads the partitions with news again when it completes.
     */
    public void fetchMessages(FetchParams params, LinkedHashMap<TopicIdPartition, FetchPosition> fetchInfos,
                              FetchSessionCache.FetchSession session,
                              Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> callback) {
        Consumer<LinkedHashMap<TopicIdPartition, FetchPartitionResult>> counted = params.isFromFollower() ? callback
            : r -> {
                topicStats.onConsumerFetch(r);
                callback.accept(r);
            };
        LinkedHashMap<TopicIdPartition, FetchPartitionResult> results = readFromLocalLogs(params, fetchInfos, true);
        long bytes = 0;
        boolean answerNow = false;
        for (FetchPartitionResult r : results.values()) {
            bytes += r.sizeInBytes();
            // An error, or a consumer to send to its preferred read replica (KIP-392), is answered at once.
            answerNow |= r.error() != Errors.NONE || r.hasPreferredReadReplica();
        }
        boolean nothingToWaitFor = fetchInfos.isEmpty() && session == null;
        if (params.maxWaitMs() <= 0 || nothingToWaitFor || bytes >= params.minBytes() || answerNow) {
            counted.accept(results);
            return;
        }
        DelayedFetch delayed = new DelayedFetch(params, fetchInfos, session, this, counted);
        fetchPurgatory.tryCompleteElseWatch(delayed, delayed.watchKeys());
    }

    /**
     * Reads every partition in order, sharing maxBytes; the first non-empty one may exceed it.
     * With {@code recordFollower} a follower's fetch positions are recorded (only when its request
     * arrives, not again when it leaves the purgatory).
     */
    LinkedHashMap<TopicIdPartition, FetchPartitionResult> readFromLocalLogs(
            FetchParams params, LinkedHashMap<TopicIdPartition, FetchPosition> fetchInfos, boolean recordFollower) {
        LinkedHashMap<TopicIdPartition, FetchPartitionResult> results = new LinkedHashMap<>();
        List<FollowerUpdate> followerUpdates = new ArrayList<>();
        int remaining = params.maxBytes();
        boolean minOneMessage = true;
        for (Map.Entry<TopicIdPartition, FetchPosition> e : fetchInfos.entrySet()) {
            FetchPosition pos = e.getValue();
            int limit = Math.max(0, Math.min(pos.maxBytes(), remaining));
            FetchPartitionResult r = readPartition(params, e.getKey().topicPartition(), pos, limit, minOneMessage,
                recordFollower ? followerUpdates : null);
            results.put(e.getKey(), r);
            int size = r.sizeInBytes();
            if (size > 0) {
                minOneMessage = false;
                remaining = Math.max(0, remaining - size);
            }
        }
        for (FollowerUpdate u : followerUpdates) {
            if (u.highWatermarkMoved()) {
                onHighWatermarkUpdated(u.partition().topicPartition());
            }
            u.partition().maybePrepareIsrExpand(params.replicaId())
                .ifPresent(change -> submitIsrChange(u.partition(), change));
        }
        return results;
    }

    private record FollowerUpdate(Partition partition, boolean highWatermarkMoved) {
    }

    private FetchPartitionResult readPartition(FetchParams params, TopicPartition tp, FetchPosition pos,
                                               int maxBytes, boolean minOneMessage,
                                               List<FollowerUpdate> followerUpdates) {
        Partition partition = partitions.get(tp);
        Errors refused = checkReadable(params, partition, pos);
        if (refused != Errors.NONE) {
            return FetchPartitionResult.error(refused);
        }
        boolean follower = params.isFromFollower();
        Log log = partition.log();
        OptionalInt preferred = preferredReadReplica(params, partition, pos.fetchOffset());
        if (preferred.isPresent()) {
            // Kafka skips the read: the consumer learns where to fetch, with the leader's offsets.
            long hw = log.highWatermark();
            return new FetchPartitionResult(Errors.NONE, hw, hw, log.logStartOffset(), MemoryRecords.EMPTY, 0L,
                preferred.getAsInt());
        }
        long leaderEnd = log.logEndOffset();
        // A follower serving a consumer (KIP-392) reads up to the HW it learned from the leader.
        long upperBound = follower ? leaderEnd : log.highWatermark();
        try {
            LogReadResult read = pos.fetchOffset() == upperBound && upperBound >= log.logStartOffset()
                ? LogReadResult.NOTHING_NEW   // most partitions of a follower's session: nothing to look up
                : LogReadResult.read(log, pos.fetchOffset(), maxBytes, upperBound, minOneMessage);
            if (read.error() != Errors.NONE) {
                long hw = log.highWatermark();
                return new FetchPartitionResult(read.error(), hw, hw, log.logStartOffset(), MemoryRecords.EMPTY, 0L);
            }
            if (follower && followerUpdates != null) {
                boolean moved = partition.updateFollowerFetchState(params.replicaId(), pos.fetchOffset(),
                    pos.logStartOffset(), leaderEnd, time.milliseconds());
                followerUpdates.add(new FollowerUpdate(partition, moved));
            }
            long hw = log.highWatermark();
            return new FetchPartitionResult(Errors.NONE, hw, hw, log.logStartOffset(), read.records(),
                read.offsetsRead(), FetchPartitionResult.NO_PREFERRED_REPLICA, read == LogReadResult.NOTHING_NEW);
        } catch (KafkaStorageException e) {
            return FetchPartitionResult.error(Errors.KAFKA_STORAGE_ERROR);
        }
    }

    /**
     * Whether this broker may serve the fetch of {@code partition}, in Kafka's order: hosted here
     * (UNKNOWN_TOPIC_OR_PARTITION), at the client's leader epoch (FENCED_LEADER_EPOCH or
     * UNKNOWN_LEADER_EPOCH), as leader unless a consumer with client metadata reads (KIP-392), and
     * for a follower's fetch from one of the followers this leader tracks (NOT_LEADER_OR_FOLLOWER).
     */
    private static Errors checkReadable(FetchParams params, Partition partition, FetchPosition pos) {
        if (partition == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        Errors epochError = partition.checkLeaderEpoch(pos.currentLeaderEpoch());
        if (epochError != Errors.NONE) {
            return epochError;
        }
        if ((!partition.isLeader() && params.fetchOnlyLeader())
                || (params.isFromFollower() && !partition.hasFollower(params.replicaId()))) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return Errors.NONE;
    }

    /**
     * Kafka's findPreferredReadReplica: for a consumer's fetch with client metadata to this
     * leader, the follower the configured selector prefers, if any.
     */
    private OptionalInt preferredReadReplica(FetchParams params, Partition partition, long fetchOffset) {
        if (params.isFromFollower() || params.clientMetadata().isEmpty() || !partition.isLeader()
                || !readReplicaSelector.enabled()) {
            return OptionalInt.empty();
        }
        return readReplicaSelector.select(partition.topicPartition(), params.clientMetadata().get(),
            localBrokerId, partition.log().logEndOffset(), partition.inSyncFollowerStates(), fetchOffset,
            time.milliseconds());
    }

    // ---- ISR changes ----

    /** The periodic check: followers that fell behind for too long leave the ISR. */
    void maybeShrinkIsr() {
        for (Partition p : partitions.values()) {
            try {
                p.maybePrepareIsrShrink().ifPresent(change -> submitIsrChange(p, change));
            } catch (RuntimeException e) {
                LOG.error("ISR check of {} failed", p.topicPartition(), e);
            }
        }
    }

    /** Writes the change off the caller's thread: ZooKeeper is never called under a lock or on a handler. */
    private void submitIsrChange(Partition partition, Partition.IsrChange change) {
        try {
            scheduler.scheduleOnce("isr-change-" + change.topicPartition(), () -> writeIsrChange(partition, change), 0L);
        } catch (RuntimeException e) {
            LOG.warn("Cannot schedule the ISR change {} of {}: {}", change.newIsr(), change.topicPartition(),
                e.toString());
            partition.abortIsrChange(change);
        }
    }

    private void writeIsrChange(Partition partition, Partition.IsrChange change) {
        TopicPartition tp = change.topicPartition();
        OptionalInt version;
        try {
            version = isrWriter.writeIsr(tp, change.newState(), change.expectedPartitionEpoch());
        } catch (RuntimeException e) {
            LOG.warn("Writing ISR {} of {} failed: {}", change.newIsr(), tp, e.toString());
            partition.abortIsrChange(change);
            return;
        }
        partition.completeIsrChange(change, version);
        if (version.isPresent()) {
            LOG.info("{} ISR of {} to {} (partition epoch {})", change.expand() ? "Expanded" : "Shrank", tp,
                change.newIsr(), version.getAsInt());
            isrChangeListener.onIsrChange(partition, change.expand());
        } else {
            LOG.info("ISR change of {} to {} conflicted at partition epoch {}; waiting for the controller", tp,
                change.newIsr(), change.expectedPartitionEpoch());
        }
        // Even when the HW did not move, a produce waiting on a shrunk ISR may now fail.
        onHighWatermarkUpdated(tp);
    }

    /** Told of ISR changes this broker wrote as leader. Called on the scheduler's thread. */
    @FunctionalInterface
    public interface IsrChangeListener {
        void onIsrChange(Partition partition, boolean expanded);

        IsrChangeListener NONE = (partition, expanded) -> {
        };
    }

    // ---- admin ----

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
            onFetchableChange(tp);
            return new DeleteRecordsResult(Errors.NONE, log.logStartOffset());
        } catch (KafkaStorageException e) {
            return new DeleteRecordsResult(Errors.KAFKA_STORAGE_ERROR, -1L);
        }
    }

    /** The result of DeleteRecords on one partition. */
    public record DeleteRecordsResult(Errors error, long lowWatermark) {
    }

    /**
     * Where a fetch reads one partition; {@code logStartOffset} is a follower's own log start
     * (-1 from consumers).
     */
    public record FetchPosition(long fetchOffset, int maxBytes, int currentLeaderEpoch, long logStartOffset) {

        public FetchPosition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
            this(fetchOffset, maxBytes, currentLeaderEpoch, -1L);
        }
    }

    /** Stops the ISR check and the fetchers (nothing is appended after), then the purgatories. */
    @Override
    public void close() {
        ScheduledFuture<?> check = isrExpiration;
        if (check != null) {
            check.cancel(false);
        }
        fetcherManager.close();
        readReplicaSelector.close();
        producePurgatory.shutdown();
        fetchPurgatory.shutdown();
        partitions.clear();
    }
}
