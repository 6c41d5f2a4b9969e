package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.common.MockScheduler;
import io.weir.common.MockTime;
import io.weir.storage.Log;
import io.weir.storage.LogConfig;
import io.weir.storage.LogDirFailureChannel;
import io.weir.storage.epoch.EpochEntry;

/** The leader's bookkeeping in one {@link Partition}: follower states, HW, ISR proposals; time is mocked. */
@Timeout(30)
class PartitionTest {

    private static final TopicPartition TP = new TopicPartition("p", 0);
    private static final long LAG_MS = 10_000L;
    private static final short ACKS_ALL = -1;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private Log log;
    private Partition partition;

    @BeforeEach
    void open() {
        LogConfig config = LogConfig.fromProps(Map.of(), Map.of("min.insync.replicas", 2));
        log = Log.open(dir.resolve(TP.toString()), config, 0L, 0L, true, time, new MockScheduler(time), 86_400_000L,
            new LogDirFailureChannel());
        partition = new Partition(TP, Uuid.randomUuid(), 1, log, time, LAG_MS);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private static BrokerRequest.PartitionInfo state(int leader, int leaderEpoch, List<Integer> isr,
                                                     int partitionEpoch) {
        return new BrokerRequest.PartitionInfo(TP, Uuid.ZERO_UUID, leader, leaderEpoch, isr, partitionEpoch, 1,
            List.of(1, 2, 3), List.of(), List.of(), List.of(), false);
    }

    private void append(int records) {
        for (int i = 0; i < records; i++) {
            assertThat(partition.appendRecordsToLeader(ReplicationTestKit.records("v" + i), (short) 1, 1).error())
                .isEqualTo(Errors.NONE);
        }
    }

    private boolean fetch(int replica, long offset) {
        return partition.updateFollowerFetchState(replica, offset, -1L, log.logEndOffset(), time.milliseconds());
    }

    @Test
    void aFollowerWhoseLogEndIsUnknownHoldsTheHighWatermark() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2, 3), 0));
        append(3);
        assertThat(partition.highWatermark()).isZero();
        assertThat(fetch(2, 3)).isFalse();
        assertThat(fetch(3, 2)).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(fetch(3, 3)).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(3);
    }

    @Test
    void theSingleBrokerPathKeepsTheHighWatermarkAtTheLogEnd() {
        partition.makeLeaderOrFollower(1, 0, List.of(1, 2, 3), List.of(1, 2, 3));
        append(2);
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(partition.maybePrepareIsrShrink()).isEmpty();
    }

    @Test
    void caughtUpTimeFollowsKafkasRule() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 0));
        long start = time.milliseconds();
        append(1);
        fetch(2, 1);
        time.sleep(6_000);
        append(1);
        // Behind the current end, but it reached where the log ended at its previous fetch: caught
        // up as of that previous fetch (start), not now.
        fetch(2, 1);
        time.sleep(LAG_MS - 6_000);
        assertThat(partition.maybePrepareIsrShrink()).as("exactly the lag is still in sync").isEmpty();
        time.sleep(1);
        Partition.IsrChange shrink = partition.maybePrepareIsrShrink().orElseThrow();
        assertThat(shrink.newIsr()).containsExactly(1);
        assertThat(shrink.expand()).isFalse();
        assertThat(time.milliseconds() - start).isEqualTo(LAG_MS + 1);
    }

    @Test
    void aFollowerAtTheLogEndIsNeverOutOfSync() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 0));
        fetch(2, 0);
        time.sleep(LAG_MS * 10);
        assertThat(partition.maybePrepareIsrShrink()).as("2 is at the (empty) log's end").isEmpty();
        append(1);
        assertThat(partition.maybePrepareIsrShrink()).as("last caught up long ago").isPresent();
    }

    @Test
    void theLeaderIsNeverRemovedAndOnlyOneChangeIsInFlight() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2, 3), 0));
        append(1);
        time.sleep(LAG_MS + 1);
        Partition.IsrChange shrink = partition.maybePrepareIsrShrink().orElseThrow();
        assertThat(shrink.newIsr()).containsExactly(1);
        assertThat(shrink.newState().leader()).isEqualTo(1);
        assertThat(shrink.expectedPartitionEpoch()).isZero();
        assertThat(partition.maybePrepareIsrShrink()).as("one in flight").isEmpty();
        assertThat(partition.highWatermark()).as("the maximal ISR still holds the HW").isZero();

        assertThat(partition.completeIsrChange(shrink, OptionalInt.of(1))).isTrue();
        assertThat(partition.isr()).containsExactly(1);
        assertThat(partition.partitionEpoch()).isEqualTo(1);
        assertThat(partition.highWatermark()).isEqualTo(1);
    }

    @Test
    void aFollowerJoinsOnlyAtTheHighWatermarkAndTheStartOfTheLeadersEpoch() {
        log.appendAsLeader(ReplicationTestKit.records("a", "b"), 0);
        partition.applyLeaderAndIsr(state(1, 3, List.of(1, 3), 0));
        assertThat(partition.leaderEpochStartOffset()).isEqualTo(2);
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(3, 2));
        assertThat(partition.highWatermark()).as("3's LEO is unknown").isZero();

        fetch(2, 1);
        assertThat(partition.maybePrepareIsrExpand(2)).as("at the HW but below the epoch start").isEmpty();
        fetch(3, 2);
        append(2);
        fetch(3, 4);
        assertThat(partition.highWatermark()).isEqualTo(4);
        fetch(2, 3);
        assertThat(partition.maybePrepareIsrExpand(2)).as("below the HW").isEmpty();
        fetch(2, 4);
        Partition.IsrChange expand = partition.maybePrepareIsrExpand(2).orElseThrow();
        assertThat(expand.newIsr()).containsExactly(1, 3, 2);
        assertThat(expand.expand()).isTrue();

        append(1);
        fetch(3, 5);
        assertThat(partition.highWatermark()).as("the joining follower already counts").isEqualTo(4);
        partition.completeIsrChange(expand, OptionalInt.of(1));
        assertThat(partition.isr()).containsExactly(1, 3, 2);
        fetch(2, 5);
        assertThat(partition.highWatermark()).isEqualTo(5);
    }

    @Test
    void aConflictingWriteStopsProposalsUntilANewPartitionEpochArrives() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 0));
        append(1);
        time.sleep(LAG_MS + 1);
        Partition.IsrChange shrink = partition.maybePrepareIsrShrink().orElseThrow();
        assertThat(partition.completeIsrChange(shrink, OptionalInt.empty())).isFalse();
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.maybePrepareIsrShrink()).as("a retry would conflict again").isEmpty();

        assertThat(partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 1)))
            .isEqualTo(Partition.StateChange.ASSIGNMENT_UPDATED);
        assertThat(partition.maybePrepareIsrShrink()).isPresent();
    }

    @Test
    void aFailedWriteMayBeProposedAgainAndAStateChangeDropsAPendingOne() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 0));
        append(1);
        time.sleep(LAG_MS + 1);
        Partition.IsrChange first = partition.maybePrepareIsrShrink().orElseThrow();
        partition.abortIsrChange(first);
        Partition.IsrChange second = partition.maybePrepareIsrShrink().orElseThrow();

        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2, 3), 1));
        assertThat(partition.completeIsrChange(second, OptionalInt.of(1))).isFalse();
        assertThat(partition.isr()).as("the controller's state wins").containsExactly(1, 2, 3);
        assertThat(partition.partitionEpoch()).isEqualTo(1);
    }

    @Test
    void anAcksAllAppendIsRefusedOrFailsAfterAppendBelowMinInsync() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1), 0));
        assertThat(partition.appendRecordsToLeader(ReplicationTestKit.records("x"), ACKS_ALL, 2).error())
            .isEqualTo(Errors.NOT_ENOUGH_REPLICAS);

        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 1));
        assertThat(partition.appendRecordsToLeader(ReplicationTestKit.records("x"), ACKS_ALL, 2).error())
            .isEqualTo(Errors.NONE);
        assertThat(partition.checkEnoughReplicasReachOffset(1)).isEmpty();
        time.sleep(LAG_MS + 1);
        partition.completeIsrChange(partition.maybePrepareIsrShrink().orElseThrow(), OptionalInt.of(2));
        assertThat(partition.checkEnoughReplicasReachOffset(1)).contains(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);

        partition.applyLeaderAndIsr(state(2, 1, List.of(2), 3));
        assertThat(partition.checkEnoughReplicasReachOffset(1)).contains(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aReElectedLeaderKeepsWhatItKnowsOfItsFollowers() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1, 2), 0));
        append(2);
        fetch(2, 2);
        assertThat(partition.applyLeaderAndIsr(state(1, 1, List.of(1, 2), 1)))
            .isEqualTo(Partition.StateChange.BECAME_LEADER);
        assertThat(partition.followerLogEndOffset(2)).isEqualTo(2);

        partition.applyLeaderAndIsr(state(3, 2, List.of(3), 2));
        partition.applyLeaderAndIsr(state(1, 3, List.of(1, 2), 3));
        assertThat(partition.followerLogEndOffset(2)).as("a new leader starts from nothing").isEqualTo(-1);
    }

    @Test
    void followerOperationsRequireTheFetchersLeaderEpoch() {
        partition.applyLeaderAndIsr(state(2, 4, List.of(2, 1), 0));
        assertThat(partition.followerLog().appendRecords(ReplicationTestKit.records("x"), 3).error())
            .isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(partition.followerLog().truncateTo(0, 3)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(partition.followerLog().updateOffsets(0, 0, 5)).isEqualTo(Errors.FENCED_LEADER_EPOCH);

        partition.applyLeaderAndIsr(state(1, 5, List.of(1, 2), 1));
        assertThat(partition.followerLog().truncateTo(0, 5)).as("a leader is not truncated by a fetcher")
            .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void truncatingAtTheLogEndDropsAnEpochThatWroteNothing() {
        partition.applyLeaderAndIsr(state(1, 0, List.of(1), 0));
        append(2);
        partition.applyLeaderAndIsr(state(1, 1, List.of(1), 1));
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(1, 2));

        partition.applyLeaderAndIsr(state(2, 2, List.of(2, 1), 2));
        assertThat(partition.followerLog().truncateTo(5, 2)).isEqualTo(Errors.NONE);
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(0, 0));
        assertThat(log.logEndOffset()).isEqualTo(2);
    }
}
