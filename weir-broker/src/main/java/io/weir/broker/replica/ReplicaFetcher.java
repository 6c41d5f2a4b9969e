package io.weir.broker.replica;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaConfig;
import io.weir.common.Time;

/**
 * The follower side of replication for the partitions this broker follows from one leader (one
 * of {@code num.replica.fetchers} slices): Kafka's AbstractFetcherThread without the thread. Each
 * {@link #doWork()} is one bounded turn: one OffsetsForLeaderEpoch for the partitions that must
 * truncate first, then one Fetch for the others; the batches are appended with their offsets,
 * the leader's high watermark and log start offset taken over. Fetches go in an incremental fetch
 * session (KIP-227), as Kafka's followers do: after the first full request only partitions whose
 * position changed go out, and the leader answers only partitions with news, so partitions with
 * no traffic cost a fetch nothing on either side of the wire. A turn looks only at the partitions
 * whose state changed since the last ({@link FollowerFetchSession}), and at all of them once
 * every {@link #FULL_REFRESH_MS} (a log start moved by our own retention).
 *
 * <p>Thread-safe: {@link #doWork()} runs on one thread (the fetcher thread, or a test); adding
 * and removing partitions may come from others. The partition map lock is held while the
 * fetcher changes a log, never during network I/O, so once {@link #removePartitions} returns
 * this fetcher no longer touches those partitions.
 */
public final class ReplicaFetcher {

    /** The last Fetch version with topic names (v13+ use ids); the server side accepts 4-17. */
    public static final short FETCH_VERSION = 12;

    /** How often every partition's fetch data is built again, whether or not its state changed. */
    static final long FULL_REFRESH_MS = 1_000L;

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    private final String name;
    private final int localBrokerId;
    private final BrokerEndpoint leader;
    private final LeaderEndpoint endpoint;
    private final ReplicaConfig config;
    private final Function<TopicPartition, Optional<Partition>> partitions;
    private final Consumer<TopicPartition> onHighWatermarkMoved;
    private final Time time;
    private final ReentrantLock partitionMapLock = new ReentrantLock();
    private final Condition partitionsChanged = partitionMapLock.newCondition();
    private final LinkedHashMap<TopicPartition, PartitionFetchState> states = new LinkedHashMap<>();
    /** Indexes of {@link #states}, kept by {@link #setState} and {@link #removeState} under the lock. */
    private final Set<TopicPartition> changedPartitions = new LinkedHashSet<>();
    private final Set<TopicPartition> truncatingPartitions = new LinkedHashSet<>();
    private final Set<TopicPartition> delayedPartitions = new LinkedHashSet<>();
    /** This follower's incremental fetch session with the leader (KIP-227); used by {@link #doWork()} only. */
    private final FollowerFetchSession session = new FollowerFetchSession();
    private long nextFullRefreshMs;
    private volatile boolean shuttingDown;

    public ReplicaFetcher(String name, int localBrokerId, BrokerEndpoint leader, LeaderEndpoint endpoint,
                          ReplicaConfig config, Function<TopicPartition, Optional<Partition>> partitions, Time time) {
        this(name, localBrokerId, leader, endpoint, config, partitions, tp -> {
        }, time);
    }

    /** @param onHighWatermarkMoved told, outside the partition map lock, of partitions whose HW a fetch moved */
    public ReplicaFetcher(String name, int localBrokerId, BrokerEndpoint leader, LeaderEndpoint endpoint,
                          ReplicaConfig config, Function<TopicPartition, Optional<Partition>> partitions,
                          Consumer<TopicPartition> onHighWatermarkMoved, Time time) {
        this.onHighWatermarkMoved = onHighWatermarkMoved;
        this.name = name;
        this.localBrokerId = localBrokerId;
        this.leader = leader;
        this.endpoint = endpoint;
        this.config = config;
        this.partitions = partitions;
        this.time = time;
    }

    // ---- partitions ----

    /**
     * Starts fetching the partitions: each truncates first, from its initial offset. A partition
     * already fetched at the same leader epoch keeps its position.
     */
    public void addPartitions(Map<TopicPartition, InitialFetchState> initial) {
        partitionMapLock.lock();
        try {
            initial.forEach((tp, init) -> {
                PartitionFetchState current = states.get(tp);
                if (current == null || current.currentLeaderEpoch() != init.currentLeaderEpoch()) {
                    setState(tp, PartitionFetchState.truncating(init.topicId(), init.initOffset(),
                        init.currentLeaderEpoch()));
                }
            });
            partitionsChanged.signalAll();
        } finally {
            partitionMapLock.unlock();
        }
    }

    /** Stops fetching the partitions; returns those this fetcher had. */
    public Set<TopicPartition> removePartitions(Collection<TopicPartition> tps) {
        partitionMapLock.lock();
        try {
            Set<TopicPartition> removed = new HashSet<>();
            for (TopicPartition tp : tps) {
                if (removeState(tp) != null) {
                    removed.add(tp);
                }
            }
            return removed;
        } finally {
            partitionMapLock.unlock();
        }
    }

    public Optional<PartitionFetchState> fetchState(TopicPartition tp) {
        partitionMapLock.lock();
        try {
            return Optional.ofNullable(states.get(tp));
        } finally {
            partitionMapLock.unlock();
        }
    }

    public int partitionCount() {
        partitionMapLock.lock();
        try {
            return states.size();
        } finally {
            partitionMapLock.unlock();
        }
    }

    public String name() {
        return name;
    }

    public BrokerEndpoint leader() {
        return leader;
    }

    // ---- one turn ----

    /**
     * One turn: truncation for the partitions that need it, then one Fetch for the rest.
     *
     * @return the number of partitions the leader answered about; 0 when nothing could be done
     *     (no partitions, all backing off, or the leader unreachable)
     */
    public int doWork() {
        return maybeTruncate() + maybeFetch();
    }

    /**
     * Waits up to {@code maxMs} for a reason to work: a partition added or one whose backoff
     * ends. The fetcher thread calls it after a turn that did nothing.
     */
    public void awaitWork(long maxMs) throws InterruptedException {
        partitionMapLock.lock();
        try {
            long waitMs = Math.min(maxMs, idleMs());
            if (waitMs > 0) {
                partitionsChanged.await(waitMs, TimeUnit.MILLISECONDS);
            }
        } finally {
            partitionMapLock.unlock();
        }
    }

    /** Stops talking to the leader: closes the connection (failing a call in progress) and wakes the thread. */
    public void initiateShutdown() {
        shuttingDown = true;
        endpoint.close();
        wakeUp();
    }

    /** Wakes a thread in {@link #awaitWork}. */
    public void wakeUp() {
        partitionMapLock.lock();
        try {
            partitionsChanged.signalAll();
        } finally {
            partitionMapLock.unlock();
        }
    }

    /** Time until some partition may work again (0: one may now); caller holds the lock. */
    private long idleMs() {
        if (states.size() > delayedPartitions.size()) {
            return 0L;
        }
        long now = time.milliseconds();
        long idle = config.replicaFetchBackoffMs();
        for (TopicPartition tp : delayedPartitions) {
            idle = Math.min(idle, Math.max(0L, states.get(tp).delayedUntilMs() - now));
        }
        return idle;
    }

    /**
     * Every change of a partition's state goes through here (caller holds the lock): the next
     * fetch looks at the partition again, and the indexes of truncating and delayed partitions
     * follow. The same state again (an answer that only moved the high watermark) is no change.
     */
    private void setState(TopicPartition tp, PartitionFetchState state) {
        if (state.equals(states.put(tp, state))) {
            return;
        }
        changedPartitions.add(tp);
        index(truncatingPartitions, tp, state.state() == PartitionFetchState.State.TRUNCATING);
        index(delayedPartitions, tp, state.delayedUntilMs() > 0L);
    }

    private PartitionFetchState removeState(TopicPartition tp) {
        changedPartitions.add(tp);
        truncatingPartitions.remove(tp);
        delayedPartitions.remove(tp);
        return states.remove(tp);
    }

    private static void index(Set<TopicPartition> set, TopicPartition tp, boolean member) {
        if (member) {
            set.add(tp);
        } else {
            set.remove(tp);
        }
    }

    private Map<TopicPartition, PartitionFetchState> readyToTruncate() {
        long now = time.milliseconds();
        Map<TopicPartition, PartitionFetchState> ready = new LinkedHashMap<>();
        partitionMapLock.lock();
        try {
            for (TopicPartition tp : truncatingPartitions) {
                PartitionFetchState s = states.get(tp);
                if (s.isReady(PartitionFetchState.State.TRUNCATING, now)) {
                    ready.put(tp, s);
                }
            }
        } finally {
            partitionMapLock.unlock();
        }
        return ready;
    }

    // ---- truncation ----

    private int maybeTruncate() {
        Map<TopicPartition, PartitionFetchState> truncating = readyToTruncate();
        if (truncating.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Integer> latestEpochs = new LinkedHashMap<>();
        partitionMapLock.lock();
        try {
            truncating.forEach((tp, state) -> {
                Partition p = partitions.apply(tp).orElse(null);
                OptionalInt latest = p == null ? OptionalInt.empty() : p.log().latestEpoch();
                if (p == null) {
                    delay(tp, state);
                } else if (latest.isPresent()) {
                    latestEpochs.put(tp, latest.getAsInt());
                } else {
                    // No epochs to compare: Kafka's rule, truncate to the high watermark we started from.
                    truncate(tp, state, p, new OffsetTruncationState(state.fetchOffset(), true));
                }
            });
        } finally {
            partitionMapLock.unlock();
        }
        if (latestEpochs.isEmpty()) {
            return truncating.size();
        }
        OffsetForLeaderEpochResponseData response;
        try {
            response = endpoint.offsetsForLeaderEpoch(OffsetsForLeaderEpochRequest.Builder.forFollower(
                epochRequest(latestEpochs, truncating), localBrokerId));
        } catch (IOException e) {
            logFailure("OffsetsForLeaderEpoch to", e);
            delayUnchanged(truncating, latestEpochs.keySet());
            return truncating.size() - latestEpochs.size();
        }
        partitionMapLock.lock();
        try {
            for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult t : response.topics()) {
                for (EpochEndOffset r : t.partitions()) {
                    TopicPartition tp = new TopicPartition(t.topic(), r.partition());
                    PartitionFetchState state = states.get(tp);
                    if (state != null && state.equals(truncating.get(tp))) {
                        onEpochEndOffset(tp, state, r);
                    }
                }
            }
        } finally {
            partitionMapLock.unlock();
        }
        return truncating.size();
    }

    private static OffsetForLeaderTopicCollection epochRequest(Map<TopicPartition, Integer> latestEpochs,
                                                               Map<TopicPartition, PartitionFetchState> states) {
        OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
        latestEpochs.forEach((tp, epoch) -> {
            OffsetForLeaderTopic topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new OffsetForLeaderTopic().setTopic(tp.topic());
                topics.add(topic);
            }
            topic.partitions().add(new OffsetForLeaderPartition().setPartition(tp.partition())
                .setCurrentLeaderEpoch(states.get(tp).currentLeaderEpoch()).setLeaderEpoch(epoch));
        });
        return topics;
    }

    /** The leader's answer for one partition; caller holds the lock. */
    private void onEpochEndOffset(TopicPartition tp, PartitionFetchState state, EpochEndOffset r) {
        Errors error = Errors.forCode(r.errorCode());
        Partition p = partitions.apply(tp).orElse(null);
        if (error != Errors.NONE || p == null) {
            LOG.debug("{}: cannot truncate {} yet: {}", name, tp, p == null ? "not hosted" : error);
            delay(tp, state);
            return;
        }
        long leo = p.log().logEndOffset();
        OffsetTruncationState target = OffsetTruncationState.of(r.endOffset(), r.leaderEpoch(),
            r.leaderEpoch() < 0 ? Optional.empty() : p.log().endOffsetForEpoch(r.leaderEpoch()), leo,
            state.fetchOffset());
        truncate(tp, state, p, target);
    }

    /** Caller holds the lock. */
    private void truncate(TopicPartition tp, PartitionFetchState state, Partition p, OffsetTruncationState target) {
        try {
            long before = p.log().logEndOffset();
            Errors error = p.followerLog().truncateTo(target.offset(), state.currentLeaderEpoch());
            if (error != Errors.NONE) {
                delay(tp, state);
                return;
            }
            long end = p.log().logEndOffset();
            if (end < before) {
                LOG.info("{}: truncated {} from {} to {} (leader {})", name, tp, before, end, leader);
            }
            setState(tp, target.truncationCompleted() ? state.fetchingAt(end) : state.truncatingAt(end));
        } catch (KafkaStorageException e) {
            fail(tp, e);
        }
    }

    // ---- fetch ----

    private int maybeFetch() {
        FollowerFetchSession.Request request;
        partitionMapLock.lock();
        try {
            updateSession(time.milliseconds());
            if (session.isEmpty()) {
                // Not built: what changed is told the leader once a request can go.
                return 0;
            }
            request = session.build();
        } finally {
            partitionMapLock.unlock();
        }
        try {
            return endpoint.fetch(FetchRequest.Builder.forReplica(FETCH_VERSION, localBrokerId, -1L,
                    config.replicaFetchWaitMaxMs(), config.replicaFetchMinBytes(), request.toSend())
                .setMaxBytes(config.replicaFetchResponseMaxBytes())
                .removed(request.toForget())
                .metadata(request.metadata()), this::onFetchResponse);
        } catch (IOException e) {
            session.handleError();
            logFailure("Fetch from", e);
            delayUnchanged();
            return 0;
        }
    }

    /**
     * Tells the session of the partitions whose state changed (all of them every
     * {@link #FULL_REFRESH_MS}) and of those whose backoff ended: a partition ready to fetch goes
     * in at its offset, any other leaves it. Caller holds the lock.
     */
    private void updateSession(long nowMs) {
        if (nowMs >= nextFullRefreshMs) {
            nextFullRefreshMs = nowMs + FULL_REFRESH_MS;
            changedPartitions.addAll(states.keySet());
        }
        for (Iterator<TopicPartition> it = delayedPartitions.iterator(); it.hasNext(); ) {
            TopicPartition tp = it.next();
            if (states.get(tp).delayedUntilMs() <= nowMs) {
                it.remove();
                changedPartitions.add(tp);
            }
        }
        List<TopicPartition> changed = new ArrayList<>(changedPartitions);
        changedPartitions.clear();
        for (TopicPartition tp : changed) {
            PartitionFetchState state = states.get(tp);
            boolean fetchable = state != null && state.isReady(PartitionFetchState.State.FETCHING, nowMs);
            Partition p = fetchable ? partitions.apply(tp).orElse(null) : null;
            if (p != null) {
                session.put(tp, state, new FetchRequest.PartitionData(
                    state.topicId() == null ? Uuid.ZERO_UUID : state.topicId(), state.fetchOffset(),
                    p.log().logStartOffset(), config.replicaFetchMaxBytes(),
                    Optional.of(state.currentLeaderEpoch())));
            } else {
                session.remove(tp);
                if (fetchable) {
                    delay(tp, state);   // not hosted here any more
                }
            }
        }
    }

    /** The answer to a Fetch, while its records are readable: they are appended before this returns. */
    private int onFetchResponse(FetchResponseData response) {
        if (!session.handleResponse(response)) {
            return onSessionlessAnswer(response);
        }
        processFetchResponse(response);
        return session.size();
    }

    /**
     * The leader refused the request or answered outside the session. A lost session (the
     * leader restarted, or evicted it from its cache) is not the partitions' fault: the next turn
     * opens a new one with a full request at once. Other errors back the partitions off.
     */
    private int onSessionlessAnswer(FetchResponseData response) {
        Errors error = Errors.forCode(response.errorCode());
        if (error == Errors.FETCH_SESSION_ID_NOT_FOUND || error == Errors.INVALID_FETCH_SESSION_EPOCH) {
            LOG.info("{}: {} answered {}; opening a new fetch session", name, leader, error);
        } else if (error != Errors.NONE) {
            LOG.warn("{}: Fetch from {} answered {}", name, leader, error);
            delayUnchanged();
        } else {
            LOG.warn("{}: {} answered partitions outside the fetch session; opening a new one", name, leader);
        }
        return 0;
    }

    private void processFetchResponse(FetchResponseData response) {
        List<TopicPartition> highWatermarkMoved = new ArrayList<>();
        partitionMapLock.lock();
        try {
            for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
                String topic = topicName(t);
                for (FetchResponseData.PartitionData pd : t.partitions()) {
                    TopicPartition tp = new TopicPartition(topic, pd.partitionIndex());
                    PartitionFetchState state = states.get(tp);
                    if (topic != null && state != null && state.equals(session.sentState(tp))) {
                        onPartitionData(tp, state, pd, highWatermarkMoved);
                    }
                }
            }
        } finally {
            partitionMapLock.unlock();
        }
        // Kafka's completeDelayedFetchRequests: consumers may fetch from this follower (KIP-392).
        highWatermarkMoved.forEach(onHighWatermarkMoved);
    }

    /** Names for v12 and below, ids from v13: resolve either to our topic name. */
    private String topicName(FetchResponseData.FetchableTopicResponse t) {
        if (t.topic() != null && !t.topic().isEmpty()) {
            return t.topic();
        }
        for (Map.Entry<TopicPartition, FollowerFetchSession.Entry> e : session.partitions().entrySet()) {
            Uuid id = e.getValue().state().topicId();
            if (id != null && id.equals(t.topicId())) {
                return e.getKey().topic();
            }
        }
        return null;
    }

    /** Caller holds the lock. */
    private void onPartitionData(TopicPartition tp, PartitionFetchState state, FetchResponseData.PartitionData pd,
                                 List<TopicPartition> highWatermarkMoved) {
        Partition p = partitions.apply(tp).orElse(null);
        Errors error = Errors.forCode(pd.errorCode());
        if (p == null) {
            delay(tp, state);
            return;
        }
        try {
            if (error == Errors.NONE) {
                append(tp, state, p, pd, highWatermarkMoved);
            } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
                onOffsetOutOfRange(tp, state, p, pd);
            } else {
                // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, ...: the partition
                // stays here until the next LeaderAndIsr moves it; retry after the backoff.
                if (isLeadershipChange(error)) {
                    LOG.debug("{}: {} answered {} for {}", name, leader, error, tp);
                } else {
                    LOG.warn("{}: {} answered {} for {}", name, leader, error, tp);
                }
                delay(tp, state);
            }
        } catch (KafkaStorageException e) {
            fail(tp, e);
        }
    }

    /**
     * Errors that are expected while a leadership change (or a new partition) reaches the brokers
     * one by one.
     */
    private static boolean isLeadershipChange(Errors error) {
        return error == Errors.NOT_LEADER_OR_FOLLOWER || error == Errors.FENCED_LEADER_EPOCH
            || error == Errors.UNKNOWN_LEADER_EPOCH || error == Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    private void append(TopicPartition tp, PartitionFetchState state, Partition p,
                        FetchResponseData.PartitionData pd, List<TopicPartition> highWatermarkMoved) {
        MemoryRecords records = toMemoryRecords(FetchResponse.recordsOrFail(pd));
        int epoch = state.currentLeaderEpoch();
        if (records.sizeInBytes() > 0) {
            Partition.AppendResult result = p.followerLog().appendRecords(records, epoch);
            if (result.error() != Errors.NONE) {
                LOG.warn("{}: append of fetched data to {} failed: {} {}", name, tp, result.error(),
                    result.errorMessage() == null ? "" : result.errorMessage());
                delay(tp, state);
                return;
            }
        }
        long highWatermark = p.highWatermark();
        if (p.followerLog().updateOffsets(pd.highWatermark(), pd.logStartOffset(), epoch) != Errors.NONE) {
            delay(tp, state);
            return;
        }
        if (p.highWatermark() != highWatermark) {
            highWatermarkMoved.add(tp);
        }
        setState(tp, state.fetchingAt(p.log().logEndOffset()));
    }

    /**
     * Our fetch offset is outside the leader's log: behind its log start (retention moved it),
     * so start over there; or past its end (it lost data we have, e.g. unclean election), so cut
     * back to its high watermark; otherwise truncate again by epoch.
     */
    private void onOffsetOutOfRange(TopicPartition tp, PartitionFetchState state, Partition p,
                                    FetchResponseData.PartitionData pd) {
        long leo = p.log().logEndOffset();
        int epoch = state.currentLeaderEpoch();
        Errors error;
        if (pd.logStartOffset() > leo) {
            LOG.warn("{}: {} is behind the leader's log start {} (LEO {}), starting over there", name, tp,
                pd.logStartOffset(), leo);
            error = p.followerLog().truncateFullyAndStartAt(pd.logStartOffset(), epoch);
        } else if (pd.highWatermark() >= 0 && pd.highWatermark() < leo) {
            LOG.warn("{}: {} is ahead of the leader (LEO {}, leader HW {}), truncating to the leader's HW", name,
                tp, leo, pd.highWatermark());
            error = p.followerLog().truncateTo(pd.highWatermark(), epoch);
        } else {
            setState(tp, state.truncatingAt(p.log().highWatermark()).delayedUntil(backoffDeadline()));
            return;
        }
        if (error != Errors.NONE) {
            delay(tp, state);
            return;
        }
        setState(tp, state.fetchingAt(p.log().logEndOffset()));
    }

    static MemoryRecords toMemoryRecords(Records records) {
        if (records instanceof MemoryRecords memory) {
            return memory;
        }
        if (records instanceof FileRecords file) {
            ByteBuffer buffer = ByteBuffer.allocate(file.sizeInBytes());
            try {
                file.readInto(buffer, 0);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot read fetched records", e);
            }
            return MemoryRecords.readableRecords(buffer);
        }
        throw new IllegalArgumentException("Unsupported records " + records.getClass().getName());
    }

    private void logFailure(String what, IOException e) {
        if (shuttingDown) {
            LOG.debug("{}: {} {} failed while shutting down: {}", name, what, leader, e.toString());
        } else {
            LOG.warn("{}: {} {} failed: {}", name, what, leader, e.toString());
        }
    }

    // ---- backoff ----

    private long backoffDeadline() {
        return time.milliseconds() + config.replicaFetchBackoffMs();
    }

    /** Caller holds the lock. */
    private void delay(TopicPartition tp, PartitionFetchState state) {
        setState(tp, state.delayedUntil(backoffDeadline()));
    }

    /** Backs off the partitions that are still as they were when the request went out. */
    private void delayUnchanged(Map<TopicPartition, PartitionFetchState> sent, Collection<TopicPartition> tps) {
        partitionMapLock.lock();
        try {
            for (TopicPartition tp : tps) {
                PartitionFetchState state = states.get(tp);
                if (state != null && state.equals(sent.get(tp))) {
                    delay(tp, state);
                }
            }
        } finally {
            partitionMapLock.unlock();
        }
    }

    /** Backs off the session's partitions that are still as they were when the Fetch went out. */
    private void delayUnchanged() {
        Map<TopicPartition, PartitionFetchState> sent = new LinkedHashMap<>();
        session.partitions().forEach((tp, e) -> sent.put(tp, e.state()));
        delayUnchanged(sent, sent.keySet());
    }

    /** The log is offline: stop fetching it (the log dir failure handling takes it from here). */
    private void fail(TopicPartition tp, KafkaStorageException e) {
        LOG.error("{}: stopped fetching {}: {}", name, tp, e.getMessage());
        removeState(tp);
    }

    @Override
    public String toString() {
        return name;
    }
}
