package io.weir.broker.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.common.Time;
import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;
import io.weir.storage.cleaner.LogCleaner;

/**
 * One partition hosted by this broker: its log, its role (leader or follower), leader epoch,
 * partition epoch (the state znode's version), replicas and ISR. As leader it tracks each
 * follower's fetch position, keeps HW = min LEO over the ISR (leader included), and proposes ISR
 * expansions and shrinks, which the {@link ReplicaManager} writes; as follower it takes the
 * appends, truncations and high watermark its fetcher hands it through its {@link FollowerLog}.
 *
 * <p>Thread-safe: role and ISR changes take the write side of a read-write lock; appends (leader
 * and follower), follower fetch updates and truncation take the read side; follower states and
 * high watermark moves are serialized by a small monitor so the HW only moves forward. Reads of
 * the volatile role fields and of the log take no lock. Lock order: read-write lock, HW monitor,
 * then the log's own lock.
 */
public final class Partition {

    /** What applying a LeaderAndIsr partition state did. */
    public enum StateChange {
        /** An older leader epoch: ignored (Kafka answers STALE_CONTROLLER_EPOCH). */
        STALE_LEADER_EPOCH,
        /** The current leader epoch with an older partition epoch: ignored. */
        STALE_PARTITION_EPOCH,
        /** The current leader and partition epochs and the same replicas: nothing to do. */
        UNCHANGED,
        /**
         * Same leadership, new ISR and/or replicas: the current leader epoch with a newer partition
         * epoch, or with the same one and another replica set (a reassignment changes the
         * assignment, not the state znode; the controller's ordered channel makes the latest
         * request the truth).
         */
        ASSIGNMENT_UPDATED,
        /** A new leader epoch led by this broker. */
        BECAME_LEADER,
        /** A new leader epoch led by another broker. */
        BECAME_FOLLOWER;

        public boolean leadershipChanged() {
            return this == BECAME_LEADER || this == BECAME_FOLLOWER;
        }
    }

    /**
     * An ISR change this leader proposed and has in flight (Kafka's pending partition change):
     * {@code newState} is to be written if the znode is still at {@code expectedPartitionEpoch}.
     */
    public record IsrChange(TopicPartition topicPartition, int leaderEpoch, int expectedPartitionEpoch,
                            List<Integer> newIsr, boolean expand, LeaderAndIsr newState) {
        public IsrChange {
            newIsr = List.copyOf(newIsr);
        }
    }

    private static final int NO_CONFLICT = Integer.MIN_VALUE;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int localBrokerId;
    private final Log log;
    private final Time time;
    private final long replicaLagTimeMaxMs;
    private final FollowerLog followerLog;
    private final ReentrantReadWriteLock leaderIsrUpdateLock = new ReentrantReadWriteLock();
    private final Object hwLock = new Object();

    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile int partitionEpoch = -1;
    private volatile int stateControllerEpoch = -1;
    private volatile List<Integer> replicas = List.of();
    private volatile List<Integer> isr = List.of();
    private volatile long leaderEpochStartOffset = -1L;
    /** False while the state comes from the single-broker path, where HW = the leader's LEO. */
    private volatile boolean controllerManaged;
    private volatile IsrChange pendingIsrChange;
    /** A write expecting this partition epoch conflicted: propose nothing until a new state arrives. */
    private volatile int isrConflictPartitionEpoch = NO_CONFLICT;
    /** The leader's view of the other replicas; the map is replaced under the write lock. */
    private volatile Map<Integer, FollowerReplica> followers = Map.of();

    public Partition(TopicPartition topicPartition, Uuid topicId, int localBrokerId, Log log) {
        this(topicPartition, topicId, localBrokerId, log, Time.SYSTEM, ReplicaConfig.defaults().replicaLagTimeMaxMs());
    }

    public Partition(TopicPartition topicPartition, Uuid topicId, int localBrokerId, Log log, Time time,
                     long replicaLagTimeMaxMs) {
        this(topicPartition, topicId, localBrokerId, log, time, replicaLagTimeMaxMs, null);
    }

    /**
     * @param cleaner the log cleaner, paused while a follower truncates into segments it may be
     *     cleaning (null: none)
     */
    public Partition(TopicPartition topicPartition, Uuid topicId, int localBrokerId, Log log, Time time,
                     long replicaLagTimeMaxMs, LogCleaner cleaner) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.time = time;
        this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
        this.followerLog = new FollowerLog(this, log, cleaner);
    }

    // ---- leadership ----

    /**
     * Applies a leadership decision from the single-broker metadata path, where the HW is the
     * leader's LEO (no follower tracking); returns true if the partition's state changed.
     */
    public boolean makeLeaderOrFollower(int newLeader, int newLeaderEpoch, List<Integer> newReplicas,
                                        List<Integer> newIsr) {
        leaderIsrUpdateLock.writeLock().lock();
        try {
            if (newLeaderEpoch < leaderEpoch) {
                return false;
            }
            boolean changed = newLeader != leaderId || newLeaderEpoch != leaderEpoch
                || !newIsr.equals(isr) || !newReplicas.equals(replicas);
            leaderId = newLeader;
            leaderEpoch = newLeaderEpoch;
            replicas = List.copyOf(newReplicas);
            isr = List.copyOf(newIsr);
            controllerManaged = false;
            followers = Map.of();
            pendingIsrChange = null;
            leaderEpochStartOffset = -1L;
            if (isLeader()) {
                maybeIncrementLeaderHighWatermark();
            }
            return changed;
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    /**
     * Applies a controller's LeaderAndIsr state (Kafka's makeLeader / makeFollower): a new leader
     * epoch changes the role; the current epoch with a newer partition epoch (or another replica
     * set) only takes the new ISR and replicas (our controller does not bump the leader epoch for
     * ISR or assignment changes).
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException if the epoch cannot be recorded
     */
    public StateChange applyLeaderAndIsr(BrokerRequest.PartitionInfo state) {
        leaderIsrUpdateLock.writeLock().lock();
        try {
            if (state.leaderEpoch() < leaderEpoch) {
                return StateChange.STALE_LEADER_EPOCH;
            }
            if (state.leaderEpoch() == leaderEpoch && controllerManaged && state.leader() == leaderId) {
                if (state.partitionEpoch() < partitionEpoch) {
                    return StateChange.STALE_PARTITION_EPOCH;
                }
                if (state.partitionEpoch() == partitionEpoch && state.replicas().equals(replicas)) {
                    return StateChange.UNCHANGED;
                }
                updateAssignmentAndIsr(state);
                return StateChange.ASSIGNMENT_UPDATED;
            }
            return state.leader() == localBrokerId ? becomeLeader(state) : becomeFollower(state);
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    /** Caller holds the write lock. */
    private StateChange becomeLeader(BrokerRequest.PartitionInfo state) {
        boolean wasLeader = controllerManaged && isLeader();
        long startOffset = log.logEndOffset();
        // Appends of this epoch carry it; a follower asking for the end of an older epoch learns
        // where this one starts even before anything was appended.
        log.leaderEpochCache().assign(state.leaderEpoch(), startOffset);
        followers = followersFor(state, wasLeader, startOffset);
        leaderId = localBrokerId;
        leaderEpoch = state.leaderEpoch();
        leaderEpochStartOffset = startOffset;
        setAssignment(state);
        maybeIncrementLeaderHighWatermark();
        return StateChange.BECAME_LEADER;
    }

    /** Caller holds the write lock. */
    private StateChange becomeFollower(BrokerRequest.PartitionInfo state) {
        leaderId = state.leader();
        leaderEpoch = state.leaderEpoch();
        leaderEpochStartOffset = -1L;
        followers = Map.of();
        setAssignment(state);
        return StateChange.BECAME_FOLLOWER;
    }

    /** Caller holds the write lock. */
    private void updateAssignmentAndIsr(BrokerRequest.PartitionInfo state) {
        if (isLeader()) {
            followers = followersFor(state, false, log.logEndOffset());
        }
        setAssignment(state);
        if (isLeader()) {
            maybeIncrementLeaderHighWatermark();
        }
    }

    private void setAssignment(BrokerRequest.PartitionInfo state) {
        replicas = state.replicas();
        isr = state.isr();
        partitionEpoch = state.partitionEpoch();
        stateControllerEpoch = state.stateControllerEpoch();
        pendingIsrChange = null;
        isrConflictPartitionEpoch = NO_CONFLICT;
        controllerManaged = true;
    }

    /**
     * The follower states for {@code state}'s replicas: kept for replicas already tracked (reset
     * with their offsets when {@code reElected}), fresh with an unknown LEO for new ones.
     */
    private Map<Integer, FollowerReplica> followersFor(BrokerRequest.PartitionInfo state, boolean reElected,
                                                     long leaderEndOffset) {
        long now = time.milliseconds();
        Map<Integer, FollowerReplica> previous = followers;
        Map<Integer, FollowerReplica> next = new HashMap<>();
        for (int id : state.replicas()) {
            if (id == localBrokerId) {
                continue;
            }
            boolean inSync = state.isr().contains(id);
            FollowerReplica old = previous.get(id);
            FollowerReplica r;
            if (old == null) {
                r = new FollowerReplica(id, inSync, now);
            } else {
                r = reElected ? old.reset(inSync, now, leaderEndOffset) : old;
            }
            next.put(id, r);
        }
        return Map.copyOf(next);
    }

    /**
     * KIP-320 check of the leader epoch a client believes current: NONE when it sent none (-1)
     * or the current one, FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer.
     */
    public Errors checkLeaderEpoch(int requestEpoch) {
        int current = leaderEpoch;
        if (requestEpoch < 0 || requestEpoch == current) {
            return Errors.NONE;
        }
        return requestEpoch < current ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }

    public boolean isLeader() {
        return leaderId == localBrokerId;
    }

    // ---- leader: appends and the high watermark ----

    /**
     * Appends as leader. Expected failures (not leader, not enough replicas, invalid records)
     * come back as {@link AppendResult#error()}.
     */
    public AppendResult appendRecordsToLeader(MemoryRecords records, short requiredAcks, int minInSyncReplicas) {
        leaderIsrUpdateLock.readLock().lock();
        try {
            if (!isLeader()) {
                return AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER, null);
            }
            int inSync = isr.size();
            if (requiredAcks == -1 && inSync < minInSyncReplicas) {
                return AppendResult.failed(Errors.NOT_ENOUGH_REPLICAS, "the ISR has " + inSync
                    + " replicas, fewer than min.insync.replicas=" + minInSyncReplicas);
            }
            LogAppendInfo info = log.appendAsLeader(records, leaderEpoch);
            if (info.error() == Errors.NONE) {
                maybeIncrementLeaderHighWatermark();
            }
            return new AppendResult(info.error(), info.errorMessage(), info);
        } finally {
            leaderIsrUpdateLock.readLock().unlock();
        }
    }

    /**
     * HW = min LEO over the maximal ISR (the ISR plus a replica being added), the leader
     * included; a member whose LEO is unknown holds it. Only moves forward. Caller holds the
     * read or write lock.
     *
     * @return whether the HW moved
     */
    private boolean maybeIncrementLeaderHighWatermark() {
        synchronized (hwLock) {
            long newHw = log.logEndOffset();
            if (controllerManaged) {
                List<Integer> maximal = maximalIsr();
                for (FollowerReplica f : followers.values()) {
                    if (maximal.contains(f.brokerId())) {
                        newHw = Math.min(newHw, f.logEndOffset());
                    }
                }
            }
            if (newHw > log.highWatermark()) {
                log.updateHighWatermark(newHw);
                return true;
            }
            return false;
        }
    }

    /** The ISR to wait for: the committed one plus a replica whose addition is in flight. */
    private List<Integer> maximalIsr() {
        IsrChange pending = pendingIsrChange;
        if (pending == null || !pending.expand()) {
            return isr;
        }
        return pending.newIsr();
    }

    /**
     * acks=all: empty while the HW is below {@code requiredOffset}; then NONE, or
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below {@code min.insync.replicas}
     * meanwhile; NOT_LEADER_OR_FOLLOWER once leadership moved away.
     */
    public Optional<Errors> checkEnoughReplicasReachOffset(long requiredOffset) {
        if (!isLeader()) {
            return Optional.of(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        if (log.highWatermark() < requiredOffset) {
            return Optional.empty();
        }
        int minIsr = log.config().minInSyncReplicas();
        return Optional.of(isr.size() >= minIsr ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    // ---- leader: follower fetches and ISR changes ----

    /** Whether {@code replicaId} is a follower this leader tracks (may fetch as a replica). */
    public boolean hasFollower(int replicaId) {
        return isLeader() && followers.containsKey(replicaId);
    }

    /**
     * Records a follower's fetch at {@code fetchOffset} (its LEO) with its log start offset, read
     * when the leader's log ended at {@code leaderEndOffset}, and moves the HW if it can.
     *
     * @return whether the HW moved
     */
    public boolean updateFollowerFetchState(int replicaId, long fetchOffset, long followerLogStartOffset,
                                            long leaderEndOffset, long fetchTimeMs) {
        leaderIsrUpdateLock.readLock().lock();
        try {
            FollowerReplica follower = isLeader() ? followers.get(replicaId) : null;
            if (follower == null) {
                return false;
            }
            synchronized (hwLock) {
                long before = follower.logEndOffset();
                follower.updateFetchState(fetchOffset, followerLogStartOffset, leaderEndOffset, fetchTimeMs);
                return before != fetchOffset && maybeIncrementLeaderHighWatermark();
            }
        } finally {
            leaderIsrUpdateLock.readLock().unlock();
        }
    }

    /**
     * If {@code replicaId} is in sync (LEO at least the HW and the start of this leader's epoch)
     * but not in the ISR, marks its addition in flight and returns it for the caller to write.
     */
    public Optional<IsrChange> maybePrepareIsrExpand(int replicaId) {
        leaderIsrUpdateLock.readLock().lock();
        try {
            if (!needsIsrExpand(replicaId)) {
                return Optional.empty();
            }
        } finally {
            leaderIsrUpdateLock.readLock().unlock();
        }
        leaderIsrUpdateLock.writeLock().lock();
        try {
            if (!needsIsrExpand(replicaId)) {
                return Optional.empty();
            }
            List<Integer> newIsr = new ArrayList<>(isr);
            newIsr.add(replicaId);
            return Optional.of(prepareIsrChange(newIsr, true));
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    private boolean needsIsrExpand(int replicaId) {
        FollowerReplica follower = followers.get(replicaId);
        if (!canProposeIsrChange() || follower == null || isr.contains(replicaId)) {
            return false;
        }
        synchronized (hwLock) {
            long leo = follower.logEndOffset();
            long epochStart = leaderEpochStartOffset;
            return leo >= log.highWatermark() && epochStart >= 0 && leo >= epochStart;
        }
    }

    /**
     * If ISR followers have not caught up for {@code replica.lag.time.max.ms}, marks their removal
     * in flight and returns it for the caller to write. The leader itself is never removed.
     */
    public Optional<IsrChange> maybePrepareIsrShrink() {
        leaderIsrUpdateLock.readLock().lock();
        try {
            if (outOfSyncReplicas().isEmpty()) {
                return Optional.empty();
            }
        } finally {
            leaderIsrUpdateLock.readLock().unlock();
        }
        leaderIsrUpdateLock.writeLock().lock();
        try {
            List<Integer> outOfSync = outOfSyncReplicas();
            if (outOfSync.isEmpty()) {
                return Optional.empty();
            }
            List<Integer> newIsr = new ArrayList<>(isr);
            newIsr.removeAll(outOfSync);
            return Optional.of(prepareIsrChange(newIsr, false));
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    private List<Integer> outOfSyncReplicas() {
        if (!canProposeIsrChange()) {
            return List.of();
        }
        long now = time.milliseconds();
        List<Integer> outOfSync = new ArrayList<>();
        synchronized (hwLock) {
            long leaderEnd = log.logEndOffset();
            for (int id : isr) {
                if (id == localBrokerId) {
                    continue;
                }
                FollowerReplica follower = followers.get(id);
                if (follower == null || !follower.isCaughtUp(leaderEnd, now, replicaLagTimeMaxMs)) {
                    outOfSync.add(id);
                }
            }
        }
        return outOfSync;
    }

    private boolean canProposeIsrChange() {
        return isLeader() && controllerManaged && pendingIsrChange == null
            && isrConflictPartitionEpoch != partitionEpoch;
    }

    /** Caller holds the write lock. */
    private IsrChange prepareIsrChange(List<Integer> newIsr, boolean expand) {
        LeaderAndIsr newState = new LeaderAndIsr(localBrokerId, leaderEpoch, newIsr, stateControllerEpoch,
            partitionEpoch);
        IsrChange change = new IsrChange(topicPartition, leaderEpoch, partitionEpoch, newIsr, expand, newState);
        pendingIsrChange = change;
        return change;
    }

    /**
     * The write of {@code change} finished: with the znode's new version the new ISR takes effect;
     * empty means a version conflict, and the cached state stays until the controller sends the
     * truth. Ignored if a LeaderAndIsr replaced the state meanwhile.
     *
     * @return whether the HW moved
     */
    public boolean completeIsrChange(IsrChange change, OptionalInt newPartitionEpoch) {
        leaderIsrUpdateLock.writeLock().lock();
        try {
            if (pendingIsrChange != change) {
                return false;
            }
            pendingIsrChange = null;
            if (newPartitionEpoch.isEmpty()) {
                isrConflictPartitionEpoch = change.expectedPartitionEpoch();
                return false;
            }
            isr = change.newIsr();
            partitionEpoch = newPartitionEpoch.getAsInt();
            return maybeIncrementLeaderHighWatermark();
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    /** The write of {@code change} failed (not a conflict): it may be proposed again. */
    public void abortIsrChange(IsrChange change) {
        leaderIsrUpdateLock.writeLock().lock();
        try {
            if (pendingIsrChange == change) {
                pendingIsrChange = null;
            }
        } finally {
            leaderIsrUpdateLock.writeLock().unlock();
        }
    }

    // ---- follower ----

    /** What this partition's fetcher may do to the log while this broker follows. */
    public FollowerLog followerLog() {
        return followerLog;
    }

    /**
     * Runs a fetcher's operation on the log under the read lock (role changes wait for it) if this
     * broker still follows at {@code fetcherLeaderEpoch}; otherwise returns NOT_LEADER_OR_FOLLOWER
     * (leading now) or FENCED_LEADER_EPOCH without running it.
     */
    <T> T whileFollowing(int fetcherLeaderEpoch, Function<Errors, T> refused, Supplier<T> operation) {
        leaderIsrUpdateLock.readLock().lock();
        try {
            Errors error = isLeader() ? Errors.NOT_LEADER_OR_FOLLOWER
                : fetcherLeaderEpoch == leaderEpoch ? Errors.NONE : Errors.FENCED_LEADER_EPOCH;
            return error == Errors.NONE ? operation.get() : refused.apply(error);
        } finally {
            leaderIsrUpdateLock.readLock().unlock();
        }
    }

    // ---- accessors ----

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    public int leaderId() {
        return leaderId;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** The version of the partition state znode this state was read at (-1: not from the controller). */
    public int partitionEpoch() {
        return partitionEpoch;
    }

    public List<Integer> replicas() {
        return replicas;
    }

    public List<Integer> isr() {
        return isr;
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    /**
     * The log end offset when this broker became leader of the current epoch, -1 when not leader
     * (or leading on the single-broker path). Until the HW reaches it, the HW may be below data
     * an earlier leader acknowledged, so consumers are told OFFSET_NOT_AVAILABLE for "latest".
     */
    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    /** The proposed ISR change in flight, if any. */
    public Optional<IsrChange> pendingIsrChange() {
        return Optional.ofNullable(pendingIsrChange);
    }

    /**
     * As leader, what it knows of the followers in the ISR (KIP-392's candidates for serving
     * consumers); empty when not leader.
     */
    List<FollowerReplica.State> inSyncFollowerStates() {
        Map<Integer, FollowerReplica> current = followers;
        List<Integer> inSync = isr;
        List<FollowerReplica.State> states = new ArrayList<>();
        if (!isLeader()) {
            return states;
        }
        synchronized (hwLock) {
            for (FollowerReplica f : current.values()) {
                if (inSync.contains(f.brokerId())) {
                    states.add(f.state());
                }
            }
        }
        return states;
    }

    /** The leader's view of a follower's LEO (-1: unknown or not a follower). */
    public long followerLogEndOffset(int replicaId) {
        FollowerReplica follower = followers.get(replicaId);
        if (follower == null) {
            return FollowerReplica.UNKNOWN_OFFSET;
        }
        synchronized (hwLock) {
            return follower.logEndOffset();
        }
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", leader=" + leaderId + ", leaderEpoch=" + leaderEpoch
            + ", partitionEpoch=" + partitionEpoch + ", isr=" + isr + ")";
    }

    /** The outcome of an append: an error code, or NONE with the log's append info. */
    public record AppendResult(Errors error, String errorMessage, LogAppendInfo info) {
        static AppendResult failed(Errors error, String message) {
            return new AppendResult(error, message, null);
        }
    }
}
