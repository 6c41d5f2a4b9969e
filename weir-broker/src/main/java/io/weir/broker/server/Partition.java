package io.weir.broker.server;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

import io.weir.storage.Log;
import io.weir.storage.LogAppendInfo;

/**
 * One partition hosted by this broker: its log, its role (leader or follower), leader epoch,
 * replicas and ISR, and the high watermark rule (HW = min LEO over the ISR).
 *
 * <p>Thread-safe: leadership changes and appends synchronize on this object; reads of the
 * volatile role fields and of the log need no lock.
 */
public final class Partition {

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int localBrokerId;
    private final Log log;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> replicas = List.of();
    private volatile List<Integer> isr = List.of();

    public Partition(TopicPartition topicPartition, Uuid topicId, int localBrokerId, Log log) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localBrokerId = localBrokerId;
        this.log = log;
    }

    /** Applies a leadership decision; returns true if the partition's state changed. */
    public synchronized boolean makeLeaderOrFollower(int newLeader, int newLeaderEpoch, List<Integer> newReplicas,
                                                     List<Integer> newIsr) {
        if (newLeaderEpoch < leaderEpoch) {
            return false;
        }
        boolean changed = newLeader != leaderId || newLeaderEpoch != leaderEpoch
            || !newIsr.equals(isr) || !newReplicas.equals(replicas);
        leaderId = newLeader;
        leaderEpoch = newLeaderEpoch;
        replicas = List.copyOf(newReplicas);
        isr = List.copyOf(newIsr);
        if (isLeader()) {
            maybeIncrementLeaderHighWatermark();
        }
        return changed;
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

    /**
     * Appends as leader. Expected failures (not leader, not enough replicas, invalid records)
     * come back as {@link LogAppendInfo#error()}.
     */
    public synchronized AppendResult appendRecordsToLeader(MemoryRecords records, short requiredAcks,
                                                           int minInSyncReplicas) {
        if (!isLeader()) {
            return AppendResult.failed(Errors.NOT_LEADER_OR_FOLLOWER, null);
        }
        if (requiredAcks == -1 && isr.size() < minInSyncReplicas) {
            return AppendResult.failed(Errors.NOT_ENOUGH_REPLICAS, "the ISR has " + isr.size()
                + " replicas, fewer than min.insync.replicas=" + minInSyncReplicas);
        }
        LogAppendInfo info = log.appendAsLeader(records, leaderEpoch);
        if (info.error() == Errors.NONE) {
            maybeIncrementLeaderHighWatermark();
        }
        return new AppendResult(info.error(), info.errorMessage(), info);
    }

    /** HW = min LEO over the ISR. With only the leader in the ISR that is the leader's LEO. */
    private void maybeIncrementLeaderHighWatermark() {
        long newHw = log.logEndOffset();
        if (newHw > log.highWatermark()) {
            log.updateHighWatermark(newHw);
        }
    }

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

    public List<Integer> replicas() {
        return replicas;
    }

    public List<Integer> isr() {
        return isr;
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    /** The outcome of an append: an error code, or NONE with the log's append info. */
    public record AppendResult(Errors error, String errorMessage, LogAppendInfo info) {
        static AppendResult failed(Errors error, String message) {
            return new AppendResult(error, message, null);
        }
    }
}
