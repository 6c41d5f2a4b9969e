package io.weir.broker.server;

import static io.weir.broker.server.ReplicationTestKit.epochs;
import static io.weir.broker.server.ReplicationTestKit.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.broker.replica.PartitionFetchState;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.storage.epoch.EpochEntry;

/**
 * Replication between ReplicaManagers in one process: real logs, a fake ZooKeeper, in-memory
 * leader endpoints, fetchers driven by the test and a mock clock.
 */
@Timeout(60)
class ReplicaManagerReplicationTest {

    private static final TopicPartition TP = new TopicPartition("replicated", 0);
    private static final short ACKS_ALL = -1;
    private static final short ACKS_ONE = 1;

    @TempDir
    Path dir;

    @AutoClose
    private ReplicationTestKit kit;

    private ReplicationTestKit kit(int... brokers) {
        kit = ReplicationTestKit.builder(dir).brokers(brokers).build();
        return kit;
    }

    @Test
    void followersCopyTheLogAndTakeTheHighWatermark() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        assertThat(kit.produce(1, TP, ACKS_ONE, "a", "b", "c").join().error()).isEqualTo(Errors.NONE);
        assertThat(kit.partition(1, TP).highWatermark()).as("followers' LEOs are unknown").isZero();

        kit.replicate();

        for (int id : List.of(1, 2, 3)) {
            assertThat(values(kit.log(id, TP))).as("broker %d", id).containsExactly("a", "b", "c");
            assertThat(kit.partition(id, TP).highWatermark()).as("HW on broker %d", id).isEqualTo(3);
        }
        assertThat(kit.partition(1, TP).followerLogEndOffset(2)).isEqualTo(3);
    }

    @Test
    void highWatermarkIsTheMinimumLogEndOffsetOverTheIsrAndMovesAsFollowersFetch() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "a", "b");
        Partition leader = kit.partition(1, TP);

        fetchAs(2);
        fetchAs(2);
        assertThat(leader.followerLogEndOffset(2)).isEqualTo(2);
        assertThat(leader.highWatermark()).as("broker 3 is still at 0").isZero();

        fetchAs(3);
        assertThat(leader.highWatermark()).as("3 appended but has not asked past it yet").isZero();
        fetchAs(3);
        assertThat(leader.highWatermark()).isEqualTo(2);
        assertThat(kit.partition(3, TP).highWatermark()).as("the answer carried the HW after the update")
            .isEqualTo(2);
        assertThat(kit.partition(2, TP).highWatermark()).as("2 learns it on its next fetch").isZero();
        fetchAs(2);
        assertThat(kit.partition(2, TP).highWatermark()).isEqualTo(2);
    }

    @Test
    void acksAllCompletesOnlyWhenEveryIsrFollowerFetchedPastTheBatch() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 2);
        kit.replicate();
        CompletableFuture<ProducePartitionResult> produced = kit.produce(1, TP, ACKS_ALL, "x", "y");
        assertThat(produced).isNotDone();

        fetchAs(2);
        fetchAs(2);
        assertThat(produced).as("broker 2 has it, broker 3 not").isNotDone();
        fetchAs(3);
        assertThat(produced).as("broker 3 appended but did not fetch past it").isNotDone();
        fetchAs(3);

        assertThat(produced).isCompleted();
        assertThat(produced.join().error()).isEqualTo(Errors.NONE);
        assertThat(produced.join().baseOffset()).isZero();
    }

    @Test
    void acksAllIsRefusedWhenTheIsrIsSmallerThanMinInsyncReplicas() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 2);
        // The controller takes broker 2 out of the ISR without a new leader epoch.
        kit.zk.controllerWrite(TP, new LeaderAndIsr(1, 0, List.of(1), kit.controllerEpoch, 0));
        kit.sendLeaderAndIsr(TP);
        assertThat(kit.partition(1, TP).isr()).containsExactly(1);

        ProducePartitionResult refused = kit.produce(1, TP, ACKS_ALL, "x").join();
        assertThat(refused.error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(kit.log(1, TP).logEndOffset()).as("nothing appended").isZero();
        assertThat(kit.produce(1, TP, ACKS_ONE, "y").join().error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aProduceWaitingWhileTheIsrShrinksBelowMinInsyncFailsAfterAppend() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 2);
        kit.replicate();
        CompletableFuture<ProducePartitionResult> produced = new CompletableFuture<>();
        kit.rm(1).appendRecords(120_000L, ACKS_ALL, Map.of(TP, ReplicationTestKit.records("x")),
            r -> produced.complete(r.get(TP)));

        kit.time.sleep(kit.config.replicaLagTimeMaxMs() + 1);

        assertThat(kit.zk.state(TP).isr()).containsExactly(1);
        assertThat(kit.partition(1, TP).isr()).containsExactly(1);
        assertThat(kit.partition(1, TP).partitionEpoch()).isEqualTo(1);
        assertThat(produced).isCompleted();
        assertThat(produced.join().error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        assertThat(kit.log(1, TP).logEndOffset()).as("the record stays in the log").isEqualTo(1);
    }

    @Test
    void aLaggingFollowerLeavesTheIsrAndRejoinsWhenItCatchesUp() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        List<Boolean> isrChanges = new CopyOnWriteArrayList<>();
        kit.rm(1).setIsrChangeListener((partition, expanded) -> isrChanges.add(expanded)); // the metrics' counters
        kit.replicate();
        for (int i = 0; i < 5; i++) {
            kit.produce(1, TP, ACKS_ONE, "r" + i);
            kit.time.sleep(10_000);
            fetchAs(2);
            fetchAs(2);
        }
        assertThat(kit.zk.state(TP).isr()).as("3 did not fetch for 50 s").containsExactly(1, 2);
        assertThat(isrChanges).as("one shrink told").containsExactly(false);
        assertThat(kit.partition(1, TP).isr()).containsExactly(1, 2);
        assertThat(kit.partition(1, TP).highWatermark()).as("the HW no longer waits for 3").isEqualTo(5);

        fetchAs(3);
        assertThat(kit.partition(1, TP).isr()).as("below the HW: not yet").containsExactly(1, 2);
        fetchAs(3);
        assertThat(kit.partition(1, TP).isr()).containsExactly(1, 2, 3);
        assertThat(kit.zk.state(TP).isr()).containsExactly(1, 2, 3);
        assertThat(kit.partition(1, TP).partitionEpoch()).isEqualTo(2);
        assertThat(kit.zk.isrWrites()).extracting(LeaderAndIsr::isr)
            .containsExactly(List.of(1, 2), List.of(1, 2, 3));
        assertThat(isrChanges).as("then one expand").containsExactly(false, true);
    }

    @Test
    void anIsrWriteThatConflictsLeavesTheCachedStateUntilTheControllerSendsTheTruth() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        List<Boolean> isrChanges = new CopyOnWriteArrayList<>();
        kit.rm(1).setIsrChangeListener((partition, expanded) -> isrChanges.add(expanded));
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "a");
        // The controller changed the znode (say, for a reassignment) but has not sent it yet.
        kit.zk.controllerWrite(TP, new LeaderAndIsr(1, 0, List.of(1, 2), kit.controllerEpoch, 0));
        kit.time.sleep(kit.config.replicaLagTimeMaxMs() * 2);

        assertThat(kit.partition(1, TP).isr()).as("the shrink conflicted").containsExactly(1, 2);
        assertThat(kit.partition(1, TP).partitionEpoch()).isZero();
        assertThat(kit.zk.isrWrites()).isEmpty();
        assertThat(isrChanges).as("a conflicted write is no shrink").isEmpty();

        kit.sendLeaderAndIsr(TP);
        kit.time.sleep(kit.config.replicaLagTimeMaxMs() / 2);
        assertThat(kit.partition(1, TP).isr()).as("retried at the new partition epoch").containsExactly(1);
        assertThat(kit.zk.version(TP)).isEqualTo(2);
        assertThat(isrChanges).containsExactly(false);
    }

    @Test
    void aNewControllerEpochFencesRequestsOfTheOldOne() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.controllerEpoch = 2;
        kit.sendLeaderAndIsr(TP);
        assertThat(kit.rm(1).controllerEpoch()).isEqualTo(2);

        ReplicaManager.LeaderAndIsrOutcome stale = kit.sendLeaderAndIsr(1, 1, kit.partitionInfo(TP));
        assertThat(stale.error()).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(stale.partitionErrors()).containsEntry(TP, Errors.STALE_CONTROLLER_EPOCH);
        assertThat(stale.changed()).isEmpty();

        ReplicaManager.StopReplicaOutcome stop = kit.rm(2).stopReplicas(new BrokerRequest.StopReplicaRequest(2, 1,
            List.of(new BrokerRequest.StopReplicaPartition(TP, 0, true))));
        assertThat(stop.error()).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(kit.rm(2).partition(TP)).isPresent();
    }

    /**
     * Found by the cluster simulation: a restarted broker applied a LeaderAndIsr queued for its
     * previous incarnation (same controller epoch or a deposed controller's), led an epoch long
     * replaced, moved its HW over records that were never committed and cut the newer epochs from
     * its leader-epoch cache. As in Kafka (KIP-380) such requests carry the broker epoch they were
     * built for and are refused.
     */
    @Test
    void requestsForAnEarlierRegistrationOfTheBrokerAreRefused() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        AtomicLong registered = new AtomicLong(BrokerRequest.UNKNOWN_BROKER_EPOCH);
        kit.rm(1).setBrokerEpoch(registered::get);
        kit.elect(TP, 2, List.of(1, 2));
        kit.controllerEpoch = 2;
        kit.zk.controllerWrite(TP, new LeaderAndIsr(1, 3, List.of(1, 2), kit.controllerEpoch, 0));
        BrokerRequest.PartitionInfo epoch3 = kit.partitionInfo(TP);

        assertThat(leaderAndIsr(epoch3, 6L).error()).as("not registered yet: 6 was an earlier incarnation's")
            .isEqualTo(Errors.STALE_BROKER_EPOCH);
        registered.set(7L);
        ReplicaManager.LeaderAndIsrOutcome stale = leaderAndIsr(epoch3, 6L);
        assertThat(stale.error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(stale.partitionErrors()).containsEntry(TP, Errors.STALE_BROKER_EPOCH);
        assertThat(kit.partition(1, TP).isLeader()).isFalse();
        ReplicaManager.StopReplicaOutcome stop = kit.rm(1).stopReplicas(new BrokerRequest.StopReplicaRequest(1,
            kit.controllerEpoch, List.of(new BrokerRequest.StopReplicaPartition(TP, -1, true)), 6L));
        assertThat(stop.error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(kit.rm(1).partition(TP)).isPresent();

        registered.set(BrokerRequest.UNKNOWN_BROKER_EPOCH);
        assertThat(leaderAndIsr(epoch3, 6L).error()).as("the session expired: 7 is still the epoch to beat")
            .isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(leaderAndIsr(epoch3, 7L).partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(kit.partition(1, TP).leaderEpoch()).isEqualTo(3);
    }

    private ReplicaManager.LeaderAndIsrOutcome leaderAndIsr(BrokerRequest.PartitionInfo info, long brokerEpoch) {
        return kit.rm(1).becomeLeaderOrFollower(
            new BrokerRequest.LeaderAndIsrRequest(1, kit.controllerEpoch, List.of(info), List.of(), brokerEpoch),
            kit::topicConfig);
    }

    @Test
    void leaderAndPartitionEpochsDecideWhatAStateChanges() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        BrokerRequest.PartitionInfo epoch0 = kit.partitionInfo(TP);
        kit.elect(TP, 2, List.of(1, 2));
        Partition follower = kit.partition(1, TP);
        assertThat(follower.leaderId()).isEqualTo(2);
        assertThat(follower.leaderEpoch()).isEqualTo(1);

        ReplicaManager.LeaderAndIsrOutcome older = kit.sendLeaderAndIsr(1, epoch0);
        assertThat(older.partitionErrors()).containsEntry(TP, Errors.STALE_CONTROLLER_EPOCH);
        assertThat(follower.leaderId()).isEqualTo(2);

        ReplicaManager.LeaderAndIsrOutcome same = kit.sendLeaderAndIsr(1, kit.partitionInfo(TP));
        assertThat(same.partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(same.changed()).isEmpty();

        PartitionFetchState before = kit.rm(1).replicaFetcherManager().fetchState(TP).orElseThrow();
        BrokerRequest.PartitionInfo epoch1 = kit.partitionInfo(TP);
        kit.zk.controllerWrite(TP, new LeaderAndIsr(2, 1, List.of(2), kit.controllerEpoch, 0));
        ReplicaManager.LeaderAndIsrOutcome isrOnly = kit.sendLeaderAndIsr(1, kit.partitionInfo(TP));
        assertThat(isrOnly.partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(isrOnly.changed()).as("no leadership change").isEmpty();
        assertThat(follower.isr()).containsExactly(2);
        assertThat(follower.partitionEpoch()).isEqualTo(2);
        assertThat(kit.rm(1).replicaFetcherManager().fetchState(TP)).as("the fetcher kept going").contains(before);

        ReplicaManager.LeaderAndIsrOutcome olderPartitionEpoch = kit.sendLeaderAndIsr(1, epoch1);
        assertThat(olderPartitionEpoch.partitionErrors()).containsEntry(TP, Errors.STALE_CONTROLLER_EPOCH);
        assertThat(follower.isr()).containsExactly(2);
    }

    @Test
    void aReassignmentAddsAReplicaWithoutANewLeaderOrPartitionEpoch() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2), 1);
        kit.produce(1, TP, ACKS_ONE, "a", "b");
        kit.replicate();
        // The assignment changes (/brokers/topics), the state znode does not.
        BrokerRequest.PartitionInfo s = kit.partitionInfo(TP);
        BrokerRequest.PartitionInfo moving = new BrokerRequest.PartitionInfo(TP, s.topicId(), s.leader(),
            s.leaderEpoch(), s.isr(), s.partitionEpoch(), s.stateControllerEpoch(), List.of(1, 2, 3), List.of(3),
            List.of(), List.of(), true);
        for (int id : List.of(1, 2, 3)) {
            assertThat(kit.sendLeaderAndIsr(id, moving).partitionErrors()).containsEntry(TP, Errors.NONE);
        }
        assertThat(kit.partition(1, TP).replicas()).containsExactly(1, 2, 3);

        kit.replicate();

        assertThat(values(kit.log(3, TP))).containsExactly("a", "b");
        assertThat(kit.partition(1, TP).isr()).containsExactly(1, 2, 3);
    }

    @Test
    void aPartitionWhoseReplicasExcludeThisBrokerIsSkipped() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2), 1);
        BrokerRequest.PartitionInfo info = kit.partitionInfo(TP);
        ReplicaManager.LeaderAndIsrOutcome outcome = kit.sendLeaderAndIsr(3, info);
        assertThat(outcome.partitionErrors()).containsEntry(TP, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(kit.rm(3).partition(TP)).isEmpty();
    }

    @Test
    void leadershipChangesAreReportedForTheGroupCoordinator() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.zk.controllerWrite(TP, new LeaderAndIsr(2, 1, List.of(1, 2), kit.controllerEpoch, 0));
        Map<Integer, ReplicaManager.LeaderAndIsrOutcome> outcomes = kit.sendLeaderAndIsr(TP);
        assertThat(outcomes.get(1).changed()).extracting(Partition::isLeader).containsExactly(false);
        assertThat(outcomes.get(2).changed()).extracting(Partition::isLeader).containsExactly(true);
        assertThat(outcomes.get(2).changed().get(0).leaderEpoch()).isEqualTo(1);
    }

    @Test
    void aFollowerTruncatesTheTailTheNewLeaderDoesNotHave() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        kit.produce(1, TP, ACKS_ONE, "a", "b", "c");
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "d");
        kit.produce(1, TP, ACKS_ONE, "e");
        assertThat(values(kit.log(1, TP))).as("only the old leader has d and e").hasSize(5);

        // Broker 1 disappears; 2 leads epoch 1 and writes what 1 never saw.
        kit.broker(1).unreachable = true;
        kit.zk.controllerWrite(TP, new LeaderAndIsr(2, 1, List.of(2, 3), kit.controllerEpoch, 0));
        kit.sendLeaderAndIsr(2, kit.partitionInfo(TP));
        kit.sendLeaderAndIsr(3, kit.partitionInfo(TP));
        kit.produce(2, TP, ACKS_ONE, "x", "y", "z");
        kit.replicate();

        // Broker 1 returns as a follower of epoch 1.
        kit.broker(1).unreachable = false;
        kit.sendLeaderAndIsr(1, kit.partitionInfo(TP));
        kit.replicate();

        for (int id : List.of(1, 2, 3)) {
            assertThat(values(kit.log(id, TP))).as("broker %d", id).containsExactly("a", "b", "c", "x", "y", "z");
            assertThat(epochs(kit.log(id, TP))).as("broker %d", id).containsExactly(0, 0, 0, 1, 1, 1);
        }
        assertThat(kit.log(1, TP).leaderEpochCache().epochEntries())
            .containsExactly(new EpochEntry(0, 0), new EpochEntry(1, 3));
        assertThat(kit.partition(2, TP).isr()).as("1 rejoined").containsExactly(2, 3, 1);
    }

    @Test
    void aFollowerBehindTheLeadersLogStartStartsOverThere() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.zk.controllerWrite(TP, new LeaderAndIsr(1, 0, List.of(1), kit.controllerEpoch, 0));
        kit.sendLeaderAndIsr(1, kit.partitionInfo(TP));
        for (int i = 0; i < 5; i++) {
            kit.produce(1, TP, ACKS_ONE, "r" + i);
        }
        assertThat(kit.rm(1).deleteRecords(TP, 4).error()).isEqualTo(Errors.NONE);
        kit.sendLeaderAndIsr(2, kit.partitionInfo(TP));

        kit.replicate();

        Partition follower = kit.partition(2, TP);
        assertThat(follower.log().logStartOffset()).isEqualTo(4);
        assertThat(values(follower.log())).containsExactly("r4");
        assertThat(kit.partition(1, TP).isr()).as("caught up: back in the ISR").containsExactly(1, 2);
    }

    @Test
    void aFollowerTakesTheLeadersLogStartOffsetWhenItMoves() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.produce(1, TP, ACKS_ONE, "a", "b", "c");
        kit.replicate();
        assertThat(kit.rm(1).deleteRecords(TP, 2).error()).isEqualTo(Errors.NONE);
        kit.replicate();
        assertThat(kit.log(2, TP).logStartOffset()).isEqualTo(2);
    }

    @Test
    void anUnreachableLeaderIsRetriedAfterTheBackoff() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.broker(1).unreachable = true;
        kit.rm(2).replicaFetcherManager().doWork();
        PartitionFetchState state = kit.rm(2).replicaFetcherManager().fetchState(TP).orElseThrow();
        assertThat(state.state()).as("no epochs yet: truncated locally").isEqualTo(PartitionFetchState.State.FETCHING);
        assertThat(state.delayedUntilMs()).isEqualTo(kit.time.milliseconds() + kit.config.replicaFetchBackoffMs());

        kit.broker(1).unreachable = false;
        assertThat(kit.rm(2).replicaFetcherManager().doWork()).as("still backing off").isZero();
        kit.time.sleep(kit.config.replicaFetchBackoffMs());
        assertThat(kit.rm(2).replicaFetcherManager().doWork()).isPositive();
        assertThat(kit.rm(2).replicaFetcherManager().fetchState(TP).orElseThrow().state())
            .isEqualTo(PartitionFetchState.State.FETCHING);
    }

    @Test
    void aFollowerFencedByANewerLeaderEpochKeepsThePartitionUntilItsLeaderAndIsrArrives() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.replicate();
        kit.zk.controllerWrite(TP, new LeaderAndIsr(1, 1, List.of(1, 2), kit.controllerEpoch, 0));
        kit.sendLeaderAndIsr(1, kit.partitionInfo(TP));
        kit.produce(1, TP, ACKS_ONE, "a");

        kit.rm(2).replicaFetcherManager().doWork();
        PartitionFetchState fenced = kit.rm(2).replicaFetcherManager().fetchState(TP).orElseThrow();
        assertThat(fenced.currentLeaderEpoch()).isZero();
        assertThat(fenced.delayedUntilMs()).isGreaterThan(kit.time.milliseconds());
        assertThat(kit.log(2, TP).logEndOffset()).isZero();

        kit.sendLeaderAndIsr(2, kit.partitionInfo(TP));
        kit.replicate();
        assertThat(values(kit.log(2, TP))).containsExactly("a");
    }

    @Test
    void aNewLeadersHighWatermarkIsNotSafeUntilItReachesTheStartOfItsEpoch() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        kit.produce(1, TP, ACKS_ONE, "a", "b", "c");
        kit.replicate();
        kit.produce(1, TP, ACKS_ONE, "d", "e");
        fetchAs(2);
        fetchAs(2);
        assertThat(kit.log(2, TP).logEndOffset()).isEqualTo(5);
        assertThat(kit.partition(2, TP).highWatermark()).isEqualTo(3);

        kit.elect(TP, 2, List.of(2, 3));
        Partition leader = kit.partition(2, TP);
        assertThat(leader.leaderEpochStartOffset()).isEqualTo(5);
        assertThat(leader.highWatermark()).as("3's LEO is unknown to the new leader").isEqualTo(3);

        kit.replicate();
        assertThat(leader.highWatermark()).isEqualTo(5);
        assertThat(leader.isr()).containsExactly(2, 3, 1);
    }

    @Test
    void stopReplicaStopsFetchingAndDeletesWhenAsked() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2, 3), 1);
        kit.produce(1, TP, ACKS_ONE, "a");
        kit.replicate();

        ReplicaManager.StopReplicaOutcome keep = kit.rm(2).stopReplicas(new BrokerRequest.StopReplicaRequest(2,
            kit.controllerEpoch, List.of(new BrokerRequest.StopReplicaPartition(TP, 0, false))));
        assertThat(keep.partitionErrors()).containsEntry(TP, Errors.NONE);
        assertThat(kit.rm(2).partition(TP)).isPresent();
        assertThat(kit.rm(2).replicaFetcherManager().fetchState(TP)).isEmpty();
        assertThat(kit.rm(2).replicaFetcherManager().fetchers()).as("idle fetcher stopped").isEmpty();

        ReplicaManager.StopReplicaOutcome fenced = kit.rm(3).stopReplicas(new BrokerRequest.StopReplicaRequest(3,
            kit.controllerEpoch, List.of(new BrokerRequest.StopReplicaPartition(TP, -1, true))));
        assertThat(fenced.partitionErrors()).as("-1: no epoch to check").containsEntry(TP, Errors.NONE);
        assertThat(kit.rm(3).partition(TP)).isEmpty();
        assertThat(kit.broker(3).logManager.getLog(TP)).isEmpty();

        kit.elect(TP, 1, List.of(1));
        ReplicaManager.StopReplicaOutcome old = kit.rm(1).stopReplicas(new BrokerRequest.StopReplicaRequest(1,
            kit.controllerEpoch, List.of(new BrokerRequest.StopReplicaPartition(TP, 0, true))));
        assertThat(old.partitionErrors()).containsEntry(TP, Errors.FENCED_LEADER_EPOCH);
        assertThat(kit.rm(1).partition(TP)).isPresent();
    }

    @Test
    void offsetsForLeaderEpochIsAnsweredByTheLeaderOnly() {
        kit(1, 2).createPartition(TP, List.of(1, 2), 1);
        kit.produce(1, TP, ACKS_ONE, "a", "b");
        kit.replicate();
        kit.elect(TP, 1, List.of(1, 2));
        kit.produce(1, TP, ACKS_ONE, "c");

        assertThat(kit.rm(1).lastOffsetForLeaderEpoch(TP, 1, 0))
            .isEqualTo(new ReplicaManager.EpochEndOffsetResult(Errors.NONE, 0, 2));
        assertThat(kit.rm(1).lastOffsetForLeaderEpoch(TP, -1, 1))
            .isEqualTo(new ReplicaManager.EpochEndOffsetResult(Errors.NONE, 1, 3));
        assertThat(kit.rm(1).lastOffsetForLeaderEpoch(TP, 0, 0).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(kit.rm(1).lastOffsetForLeaderEpoch(TP, 2, 0).error()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(kit.rm(2).lastOffsetForLeaderEpoch(TP, 1, 0).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(kit.rm(1).lastOffsetForLeaderEpoch(TP, -1, 7))
            .isEqualTo(new ReplicaManager.EpochEndOffsetResult(Errors.NONE, -1, -1L));
    }

    @Test
    void onlyAssignedReplicasMayFetchAsFollowersAndOnlyFromTheLeader() {
        kit(1, 2, 3).createPartition(TP, List.of(1, 2), 1);
        assertThat(replicaFetch(1, 3).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(replicaFetch(2, 1).error()).as("2 is a follower").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(replicaFetch(1, 2).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aFetchSessionKeepsTheInstanceTheBrokerKeysEachPartitionBy() {
        Uuid topicId = kit(1).createPartition(TP, List.of(1), 1);
        // A topic name read from a request is a String of its own.
        TopicIdPartition fromRequest = new TopicIdPartition(topicId, new TopicPartition(new String(TP.topic()), 0));
        assertThat(fromRequest.topicPartition()).isEqualTo(TP).isNotSameAs(kit.partition(1, TP).topicPartition());

        assertThat(kit.rm(1).hosted(fromRequest).topicPartition()).isSameAs(kit.partition(1, TP).topicPartition());
        assertThat(kit.rm(1).hosted(fromRequest).topicId()).isEqualTo(topicId);
        TopicIdPartition notHere = new TopicIdPartition(topicId, new TopicPartition("elsewhere", 0));
        assertThat(kit.rm(1).hosted(notHere)).isSameAs(notHere);
    }

    /** One turn of broker {@code id}'s fetchers. */
    private void fetchAs(int id) {
        kit.rm(id).replicaFetcherManager().doWork();
    }

    private FetchPartitionResult replicaFetch(int leader, int replicaId) {
        LinkedHashMap<TopicIdPartition, ReplicaManager.FetchPosition> positions = new LinkedHashMap<>();
        positions.put(new TopicIdPartition(kit.zk.topicId(TP), TP), new ReplicaManager.FetchPosition(0, 1024, -1));
        AtomicReference<FetchPartitionResult> result = new AtomicReference<>();
        kit.rm(leader).fetchMessages(new FetchParams(replicaId, 0, 1, 1024, IsolationLevel.READ_UNCOMMITTED),
            positions, r -> result.set(r.values().iterator().next()));
        return result.get();
    }
}
