package io.weir.coordinator.group;

import static io.weir.coordinator.group.GroupCoordinatorShardTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.classic.ClassicGroupState;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataKey;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ClassicGroupTest {

    private static final String GROUP = "g";

    private final GroupCoordinatorShardTestContext ctx = new GroupCoordinatorShardTestContext.Builder().build();

    /** Joins with an empty id (KIP-394), then with the id given. */
    private CompletableFuture<JoinGroupResponseData> joinNew(String instanceId, String... protocols) {
        JoinGroupResponseData first = ctx.join(joinRequest(GROUP, "", instanceId, protocols), 5).join();
        if (instanceId != null) {
            throw new IllegalStateException("static members join at once");
        }
        assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(first.memberId()).startsWith("client-");
        return ctx.join(joinRequest(GROUP, first.memberId(), null, protocols), 5);
    }

    private String[] stableGroupOfTwo() {
        CompletableFuture<JoinGroupResponseData> a = joinNew(null, "range", "roundrobin");
        CompletableFuture<JoinGroupResponseData> b = joinNew(null, "roundrobin", "range");
        assertThat(a).isNotDone();
        ctx.sleep(3000); // the initial delay is extended once because b arrived during it
        assertThat(a).isNotDone();
        ctx.sleep(3000);
        JoinGroupResponseData ja = a.join();
        JoinGroupResponseData jb = b.join();
        assertThat(ja.generationId()).isEqualTo(1).isEqualTo(jb.generationId());
        assertThat(ja.leader()).isEqualTo(ja.memberId());
        assertThat(ja.members()).hasSize(2);
        assertThat(jb.members()).isEmpty();
        assertThat(ja.protocolName()).isEqualTo("range"); // tie: the first voter's preference
        CompletableFuture<SyncGroupResponseData> sb = ctx.sync(sync(jb.memberId(), 1));
        assertThat(sb).isNotDone();
        CompletableFuture<SyncGroupResponseData> sa = ctx.sync(sync(ja.memberId(), 1,
                ja.memberId(), "A", jb.memberId(), "B"));
        assertThat(new String(sa.join().assignment())).isEqualTo("A");
        assertThat(new String(sb.join().assignment())).isEqualTo("B");
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
        return new String[] {ja.memberId(), jb.memberId()};
    }

    private static SyncGroupRequestData sync(String memberId, int generation, String... assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationId(generation);
        for (int i = 0; i < assignments.length; i += 2) {
            request.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                    .setMemberId(assignments[i]).setAssignment(assignments[i + 1].getBytes()));
        }
        return request;
    }

    private ClassicGroup group() {
        return ctx.shard.groups().classicGroup(GROUP);
    }

    @Test
    void memberIdIsRequiredFromVersion4AndPendingMembersExpire() {
        JoinGroupResponseData first = ctx.join(joinRequest(GROUP, "", null, "range"), 4).join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(group().state()).isEqualTo(ClassicGroupState.EMPTY);
        ctx.sleep(10_000); // the pending member never came back
        JoinGroupResponseData late = ctx.join(joinRequest(GROUP, first.memberId(), null, "range"), 4).join();
        assertThat(Errors.forCode(late.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        CompletableFuture<JoinGroupResponseData> v3 = ctx.join(joinRequest(GROUP, "", null, "range"), 3);
        ctx.sleep(3000);
        assertThat(v3.join().generationId()).isEqualTo(1);
    }

    @Test
    void twoMembersJoinSyncAndHeartbeat() {
        String[] ids = stableGroupOfTwo();
        assertThat(ctx.heartbeat(GROUP, ids[0], 1)).isEqualTo(Errors.NONE);
        assertThat(ctx.heartbeat(GROUP, ids[0], 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(ctx.heartbeat(GROUP, "nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(ctx.history()).extracting(r -> r.key()).containsOnly(new GroupMetadataKey(GROUP));
        GroupMetadataValue value = (GroupMetadataValue) ctx.history().get(ctx.history().size() - 1).value();
        assertThat(value.generation()).isEqualTo(1);
        assertThat(value.members()).hasSize(2);
    }

    @Test
    void inconsistentProtocolsAreRejected() {
        stableGroupOfTwo();
        JoinGroupResponseData other = ctx.join(joinRequest(GROUP, "", null, "sticky"), 3).join();
        assertThat(Errors.forCode(other.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void aJoiningMemberRebalancesTheGroupAndHeartbeatsSayRebalanceInProgress() {
        String[] ids = stableGroupOfTwo();
        CompletableFuture<JoinGroupResponseData> c = joinNew(null, "range");
        assertThat(group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(ctx.heartbeat(GROUP, ids[1], 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        CompletableFuture<JoinGroupResponseData> a = ctx.join(joinRequest(GROUP, ids[0], null, "range"), 5);
        CompletableFuture<JoinGroupResponseData> b = ctx.join(joinRequest(GROUP, ids[1], null, "range"), 5);
        assertThat(a.join().generationId()).isEqualTo(2);
        assertThat(b.join().generationId()).isEqualTo(2);
        assertThat(c.join().generationId()).isEqualTo(2);
        assertThat(a.join().members()).hasSize(3);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeout() {
        String[] ids = stableGroupOfTwo();
        ctx.sleep(5000);
        assertThat(ctx.heartbeat(GROUP, ids[0], 1)).isEqualTo(Errors.NONE);
        ctx.sleep(6000); // b has been silent for 11 s > 10 s
        assertThat(group().hasMember(ids[1])).isFalse();
        assertThat(group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        JoinGroupResponseData a = ctx.join(joinRequest(GROUP, ids[0], null, "range"), 5).join();
        assertThat(a.generationId()).isEqualTo(2);
        assertThat(a.members()).hasSize(1);
    }

    @Test
    void aMemberThatDoesNotRejoinInTimeIsDropped() {
        String[] ids = stableGroupOfTwo();
        CompletableFuture<JoinGroupResponseData> a = ctx.join(joinRequest(GROUP, ids[0], null, "roundrobin"), 5);
        for (int i = 0; i < 7; i++) {
            ctx.sleep(9000); // a keeps its session (parked in the join); b never rejoins
            ctx.heartbeat(GROUP, ids[1], 1);
        }
        assertThat(a.join().generationId()).isEqualTo(2);
        assertThat(group().hasMember(ids[1])).isFalse();
    }

    @Test
    void leavingMembersRebalanceAndTheLastOneEmptiesTheGroup() {
        String[] ids = stableGroupOfTwo();
        assertThat(ctx.leave(GROUP, ids[1]).members().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(ctx.leave(GROUP, "stranger").members().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        ctx.leave(GROUP, ids[0]);
        assertThat(group().state()).isEqualTo(ClassicGroupState.EMPTY);
        GroupMetadataValue last = (GroupMetadataValue) ctx.history().get(ctx.history().size() - 1).value();
        assertThat(last.members()).isEmpty();
        assertThat(last.generation()).isEqualTo(2);
    }

    @Test
    void groupMaxSizeIsEnforced() {
        GroupCoordinatorShardTestContext small = new GroupCoordinatorShardTestContext.Builder()
                .withConfig(GroupCoordinatorConfig.GROUP_MAX_SIZE, 1).build();
        small.join(joinRequest(GROUP, "", null, "range"), 3);
        JoinGroupResponseData second = small.join(joinRequest(GROUP, "", null, "range"), 3).join();
        assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
    }

    @Test
    void cooperativeMembersRebalanceInTwoPhasesByRejoining() {
        String[] ids = stableGroupOfTwo();
        // Phase 1: a member revokes what it must give up and rejoins; everyone rejoins.
        CompletableFuture<JoinGroupResponseData> a = ctx.join(joinRequest(GROUP, ids[0], null, "range"), 5);
        CompletableFuture<JoinGroupResponseData> b = ctx.join(joinRequest(GROUP, ids[1], null, "range"), 5);
        assertThat(a.join().generationId()).isEqualTo(2);
        ctx.sync(sync(ids[1], 2));
        ctx.sync(sync(ids[0], 2, ids[0], "A1", ids[1], "B1"));
        // Phase 2: the leader saw revoked partitions and asks for a follow-up rebalance.
        a = ctx.join(joinRequest(GROUP, ids[0], null, "range"), 5);
        b = ctx.join(joinRequest(GROUP, ids[1], null, "range"), 5);
        assertThat(b.join().generationId()).isEqualTo(3);
        CompletableFuture<SyncGroupResponseData> sb = ctx.sync(sync(ids[1], 3));
        ctx.sync(sync(ids[0], 3, ids[0], "A2", ids[1], "B2"));
        assertThat(new String(sb.join().assignment())).isEqualTo("B2");
    }

    @Test
    void aRestartedStaticMemberGetsItsAssignmentBackWithoutARebalance() {
        CompletableFuture<JoinGroupResponseData> a = ctx.join(joinRequest(GROUP, "", "instance-a", "range"), 5);
        CompletableFuture<JoinGroupResponseData> b = ctx.join(joinRequest(GROUP, "", "instance-b", "range"), 5);
        ctx.sleep(3000);
        ctx.sleep(3000);
        String oldB = b.join().memberId();
        String leader = a.join().memberId();
        ctx.sync(sync(oldB, 1));
        ctx.sync(sync(leader, 1, leader, "A", oldB, "B"));

        JoinGroupResponseData rejoin = ctx.join(joinRequest(GROUP, "", "instance-b", "range"), 5).join();
        assertThat(rejoin.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(rejoin.memberId()).isNotEqualTo(oldB);
        assertThat(rejoin.generationId()).isEqualTo(1);
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
        SyncGroupResponseData again = ctx.sync(sync(rejoin.memberId(), 1)).join();
        assertThat(new String(again.assignment())).isEqualTo("B");
        // The old incarnation is fenced.
        SyncGroupResponseData fenced = ctx.sync(sync(oldB, 1).setGroupInstanceId("instance-b")).join();
        assertThat(Errors.forCode(fenced.errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(ctx.heartbeat(GROUP, oldB, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticReplacementIsUndoneWhenItsWriteFails() {
        CompletableFuture<JoinGroupResponseData> a = ctx.join(joinRequest(GROUP, "", "instance-a", "range"), 5);
        ctx.sleep(3000);
        String old = a.join().memberId();
        ctx.sync(sync(old, 1, old, "A"));
        ctx.failNextWrite = new org.apache.kafka.common.errors.NotLeaderOrFollowerException("gone");
        try {
            ctx.join(joinRequest(GROUP, "", "instance-a", "range"), 5);
        } catch (RuntimeException expected) {
            // the test context rethrows the write failure
        }
        assertThat(group().hasMember(old)).isTrue();
        assertThat(group().staticMemberId("instance-a")).isEqualTo(old);
        assertThat(List.copyOf(group().members())).hasSize(1);
    }
}
