package io.weir.coordinator.group.classic;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.group.GroupStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * SyncGroup, Heartbeat and LeaveGroup of the classic protocol.
 *
 * <p>Not thread-safe: runs on its shard's thread.
 */
public final class ClassicGroupHandler {

    private final GroupStore groups;
    private final ClassicGroupRebalancer rebalancer;

    public ClassicGroupHandler(GroupStore groups, ClassicGroupRebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    /**
     * The leader's SyncGroup carries everyone's assignment: it is written as the group's
     * GroupMetadata, and once committed every member's parked SyncGroup gets its part and the
     * group is Stable. Followers wait for that, or get their part at once when Stable.
     */
    public CoordinatorResult<CompletableFuture<SyncGroupResponseData>> sync(SyncGroupRequestData request, long nowMs) {
        ClassicGroup group = groups.classicGroup(request.groupId());
        Errors error = validateSync(group, request);
        if (error != Errors.NONE) {
            return CoordinatorResult.of(CompletableFuture.completedFuture(syncError(error)));
        }
        ClassicGroupMember member = group.member(request.memberId());
        CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
        switch (group.state()) {
            case PREPARING_REBALANCE:
                future.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                return CoordinatorResult.of(future);
            case STABLE:
                group.pendingSyncMembers().remove(member.memberId());
                future.complete(syncResponse(group, member));
                return CoordinatorResult.of(future);
            case COMPLETING_REBALANCE:
                member.awaitingSync(future);
                group.pendingSyncMembers().remove(member.memberId());
                if (!group.isLeader(member.memberId())) {
                    return CoordinatorResult.of(future);
                }
                return leaderSync(group, request, future, nowMs);
            default:
                future.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
                return CoordinatorResult.of(future);
        }
    }

    private CoordinatorResult<CompletableFuture<SyncGroupResponseData>> leaderSync(
            ClassicGroup group, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> future,
            long nowMs) {
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        group.members().forEach(m -> assignments.putIfAbsent(m.memberId(), new byte[0]));
        int generation = group.generationId();
        CompletableFuture<Void> appended = new CompletableFuture<>();
        appended.whenComplete((ignored, writeError) -> {
            if (group.generationId() != generation || !group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
                return;
            }
            if (writeError != null) {
                group.resetAssignments();
                Errors error = Errors.forException(writeError);
                group.members().forEach(m -> m.completeSync(syncError(error)));
                rebalancer.prepareRebalance(group, "Failed to write the group's assignment", nowMs);
                return;
            }
            group.members().forEach(m -> m.assignment(assignments.get(m.memberId())));
            group.transitionTo(ClassicGroupState.STABLE, nowMs);
            group.members().forEach(m -> m.completeSync(syncResponse(group, m)));
        });
        List<CoordinatorRecord> records = List.of(ClassicGroupRebalancer.groupMetadataRecord(group, assignments));
        return new CoordinatorResult<>(records, future, false, appended);
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = validateMember(group, request.memberId(), request.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (request.protocolType() != null && !request.protocolType().equals(group.protocolType())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (request.protocolName() != null && !request.protocolName().equals(group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    public CoordinatorResult<HeartbeatResponseData> heartbeat(HeartbeatRequestData request, long nowMs) {
        ClassicGroup group = groups.classicGroup(request.groupId());
        Errors error = validateHeartbeat(group, request);
        if (error == Errors.NONE) {
            ClassicGroupMember member = group.member(request.memberId());
            rebalancer.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs());
            if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
                error = Errors.REBALANCE_IN_PROGRESS;
            }
        }
        return CoordinatorResult.of(new HeartbeatResponseData().setErrorCode(error.code()));
    }

    private static Errors validateHeartbeat(ClassicGroup group, HeartbeatRequestData request) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = validateMember(group, request.memberId(), request.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        if (group.isInState(ClassicGroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return Errors.NONE;
    }

    /** Removes each named member (by member id, or by instance id for static members). */
    public CoordinatorResult<LeaveGroupResponseData> leave(LeaveGroupRequestData request, long nowMs) {
        ClassicGroup group = groups.classicGroup(request.groupId());
        if (group == null) {
            return CoordinatorResult.of(new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            return CoordinatorResult.of(
                    new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()));
        }
        List<LeaveGroupResponseData.MemberResponse> responses = new ArrayList<>();
        List<CoordinatorRecord> records = new ArrayList<>();
        CoordinatorResult<Void> last = CoordinatorResult.empty();
        for (LeaveGroupRequestData.MemberIdentity identity : request.members()) {
            Errors error = leaveOne(group, identity);
            responses.add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(error.code()));
            if (error == Errors.NONE) {
                ClassicGroupMember member = memberOf(group, identity);
                if (member != null) {
                    last = rebalancer.removeMemberAndUpdateGroup(group, member, "left the group", nowMs);
                    records.addAll(last.records());
                } else {
                    group.pendingJoinMembers().remove(identity.memberId());
                    last = rebalancer.maybeCompleteJoin(group, nowMs);
                    records.addAll(last.records());
                }
            }
        }
        LeaveGroupResponseData response = new LeaveGroupResponseData().setMembers(responses);
        return new CoordinatorResult<>(records, response, false, last.appendFuture());
    }

    private static Errors leaveOne(ClassicGroup group, LeaveGroupRequestData.MemberIdentity identity) {
        if (identity.groupInstanceId() != null) {
            String memberId = group.staticMemberId(identity.groupInstanceId());
            if (memberId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!identity.memberId().isEmpty() && !identity.memberId().equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            return Errors.NONE;
        }
        if (group.pendingJoinMembers().contains(identity.memberId()) || group.hasMember(identity.memberId())) {
            return Errors.NONE;
        }
        return Errors.UNKNOWN_MEMBER_ID;
    }

    private static ClassicGroupMember memberOf(ClassicGroup group, LeaveGroupRequestData.MemberIdentity identity) {
        String memberId = identity.groupInstanceId() != null
                ? group.staticMemberId(identity.groupInstanceId()) : identity.memberId();
        return group.member(memberId);
    }

    /** A static member must present the member id it was given last; others must be members. */
    static Errors validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = group.staticMemberId(groupInstanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, ClassicGroupMember member) {
        return new SyncGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setAssignment(member.assignment());
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }
}
