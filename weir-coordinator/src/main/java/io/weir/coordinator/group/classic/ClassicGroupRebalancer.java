package io.weir.coordinator.group.classic;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.common.CoordinatorTimer;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.coordinator.group.GroupStore;
import io.weir.coordinator.group.record.GroupRecords.GroupMetadataKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance of a classic group: preparing it (the join phase, with the initial delay of a
 * new group), completing the join phase (next generation, protocol, leader, parked JoinGroup
 * responses), the sync deadline, and the expiry of members that stop heartbeating.
 *
 * <p>Not thread-safe: runs on its shard's thread.
 */
public final class ClassicGroupRebalancer {

    private static final Logger log = LoggerFactory.getLogger(ClassicGroupRebalancer.class);

    private final GroupCoordinatorConfig config;
    private final GroupStore groups;
    private final CoordinatorTimer timer;

    public ClassicGroupRebalancer(GroupCoordinatorConfig config, GroupStore groups, CoordinatorTimer timer) {
        this.config = config;
        this.groups = groups;
        this.timer = timer;
    }

    /** Starts a rebalance when the group is not in one, else completes the join phase if all joined. */
    CoordinatorResult<Void> maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason, long nowMs) {
        if (group.isInState(ClassicGroupState.STABLE) || group.isInState(ClassicGroupState.COMPLETING_REBALANCE)
                || group.isInState(ClassicGroupState.EMPTY)) {
            return prepareRebalance(group, reason, nowMs);
        }
        return maybeCompleteJoin(group, nowMs);
    }

    CoordinatorResult<Void> prepareRebalance(ClassicGroup group, String reason, long nowMs) {
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            group.resetAssignments();
            group.members().forEach(m -> m.completeSync(ClassicGroupHandler.syncError(Errors.REBALANCE_IN_PROGRESS)));
        }
        timer.cancel(TimerKeys.sync(group.groupId()));
        boolean initial = group.isInState(ClassicGroupState.EMPTY);
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, nowMs);
        group.initialRebalance(initial);
        log.info("Preparing to rebalance group {} in state {} with old generation {}: {}",
                group.groupId(), group.previousState(), group.generationId(), reason);
        if (initial) {
            int delayMs = config.groupInitialRebalanceDelayMs();
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            scheduleInitialJoin(group.groupId(), delayMs, remainingMs);
            return CoordinatorResult.empty();
        }
        timer.schedule(TimerKeys.join(group.groupId()), group.rebalanceTimeoutMs(),
                now -> completeJoin(group.groupId(), now));
        return maybeCompleteJoin(group, nowMs);
    }

    private void scheduleInitialJoin(String groupId, int delayMs, int remainingMs) {
        timer.schedule(TimerKeys.join(groupId), delayMs, now -> {
            ClassicGroup group = groups.classicGroup(groupId);
            if (group != null && group.newMemberAdded() && remainingMs != 0) {
                // Members keep arriving: wait for more, but no longer than the rebalance timeout.
                group.newMemberAdded(false);
                int nextDelayMs = Math.min(config.groupInitialRebalanceDelayMs(), remainingMs);
                scheduleInitialJoin(groupId, nextDelayMs, Math.max(remainingMs - delayMs, 0));
                return CoordinatorResult.empty();
            }
            return completeJoin(groupId, now);
        });
    }

    CoordinatorResult<Void> maybeCompleteJoin(ClassicGroup group, long nowMs) {
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && !group.initialRebalance()
                && group.hasAllMembersJoined()) {
            return completeJoin(group.groupId(), nowMs);
        }
        return CoordinatorResult.empty();
    }

    /** Ends the join phase: drops dynamic members that did not rejoin and starts the next generation. */
    CoordinatorResult<Void> completeJoin(String groupId, long nowMs) {
        ClassicGroup group = groups.classicGroup(groupId);
        if (group == null || !group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
            return CoordinatorResult.empty();
        }
        timer.cancel(TimerKeys.join(groupId));
        group.initialRebalance(false);
        for (ClassicGroupMember m : List.copyOf(group.members())) {
            if (!m.isAwaitingJoin() && !m.isStaticMember()) {
                timer.cancel(TimerKeys.heartbeat(groupId, m.memberId()));
                group.remove(m.memberId());
            }
        }
        if (!group.isEmpty() && !group.maybeElectNewJoinedLeader()) {
            // Only static members that have not rejoined: wait another rebalance timeout.
            timer.schedule(TimerKeys.join(groupId), group.rebalanceTimeoutMs(), now -> completeJoin(groupId, now));
            return CoordinatorResult.empty();
        }
        group.initNextGeneration(nowMs);
        if (group.isInState(ClassicGroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", groupId, group.generationId());
            return writeGroupMetadata(group);
        }
        log.info("Stabilized group {} generation {} with {} members", groupId, group.generationId(), group.size());
        for (ClassicGroupMember m : group.members()) {
            JoinGroupResponseData response = joinResponse(group, m);
            if (group.isLeader(m.memberId())) {
                response.setMembers(memberList(group));
            }
            m.completeJoin(response);
            m.isNew(false);
            scheduleHeartbeatExpiration(group, m, m.sessionTimeoutMs());
            group.pendingSyncMembers().add(m.memberId());
        }
        int generation = group.generationId();
        timer.schedule(TimerKeys.sync(groupId), group.rebalanceTimeoutMs(), now -> expirePendingSync(groupId, generation, now));
        return CoordinatorResult.empty();
    }

    private CoordinatorResult<Void> writeGroupMetadata(ClassicGroup group) {
        CompletableFuture<Void> appended = new CompletableFuture<>();
        appended.whenComplete((ignored, error) -> {
            if (error != null) {
                log.warn("Failed to write the metadata of empty group {}: {}", group.groupId(), error.toString());
            }
        });
        return new CoordinatorResult<>(List.of(groupMetadataRecord(group, Map.of())), null, false, appended);
    }

    /** Members that never sent SyncGroup in time are removed and the group rebalances. */
    private CoordinatorResult<Void> expirePendingSync(String groupId, int generation, long nowMs) {
        ClassicGroup group = groups.classicGroup(groupId);
        if (group == null || group.generationId() != generation || group.pendingSyncMembers().isEmpty()
                || !(group.isInState(ClassicGroupState.COMPLETING_REBALANCE)
                || group.isInState(ClassicGroupState.STABLE))) {
            return CoordinatorResult.empty();
        }
        for (String memberId : List.copyOf(group.pendingSyncMembers())) {
            timer.cancel(TimerKeys.heartbeat(groupId, memberId));
            group.remove(memberId);
        }
        return prepareRebalance(group, "Members did not sync in time", nowMs);
    }

    public void scheduleHeartbeatExpiration(ClassicGroup group, ClassicGroupMember member, long timeoutMs) {
        String groupId = group.groupId();
        String memberId = member.memberId();
        timer.schedule(TimerKeys.heartbeat(groupId, memberId), timeoutMs, now -> expireHeartbeat(groupId, memberId, now));
    }

    private CoordinatorResult<Void> expireHeartbeat(String groupId, String memberId, long nowMs) {
        ClassicGroup group = groups.classicGroup(groupId);
        ClassicGroupMember member = group == null ? null : group.member(memberId);
        if (member == null) {
            return CoordinatorResult.empty();
        }
        if (!member.isNew() && member.isAwaitingJoin()) {
            // A member parked in the join phase is alive; the join deadline decides for it.
            scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs());
            return CoordinatorResult.empty();
        }
        return removeMemberAndUpdateGroup(group, member, "session timeout expired", nowMs);
    }

    CoordinatorResult<Void> expirePendingMember(String groupId, String memberId, long nowMs) {
        ClassicGroup group = groups.classicGroup(groupId);
        if (group == null || !group.pendingJoinMembers().remove(memberId)) {
            return CoordinatorResult.empty();
        }
        return maybeCompleteJoin(group, nowMs);
    }

    /** Removes a member (left or expired) and rebalances what remains. */
    CoordinatorResult<Void> removeMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember member, String reason,
                                                       long nowMs) {
        log.info("Removing member {} from group {}: {}", member.memberId(), group.groupId(), reason);
        timer.cancel(TimerKeys.heartbeat(group.groupId(), member.memberId()));
        member.completeJoin(ClassicGroupJoinHandler.errorResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId()));
        member.completeSync(ClassicGroupHandler.syncError(Errors.UNKNOWN_MEMBER_ID));
        group.remove(member.memberId());
        return switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason, nowMs);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group, nowMs);
            default -> CoordinatorResult.empty();
        };
    }

    /** Fails every parked response of the group (the shard is being unloaded). */
    public static void failParked(ClassicGroup group, Errors error) {
        for (ClassicGroupMember m : group.members()) {
            m.completeJoin(ClassicGroupJoinHandler.errorResponse(error, m.memberId()));
            m.completeSync(ClassicGroupHandler.syncError(error));
        }
    }

    JoinGroupResponseData joinResponse(ClassicGroup group, ClassicGroupMember member) {
        return new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(member.memberId())
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(group.leaderId())
                .setSkipAssignment(false)
                .setMembers(new ArrayList<>());
    }

    List<JoinGroupResponseData.JoinGroupResponseMember> memberList(ClassicGroup group) {
        List<JoinGroupResponseData.JoinGroupResponseMember> list = new ArrayList<>();
        for (ClassicGroupMember m : group.members()) {
            list.add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata(group.protocolName())));
        }
        return list;
    }

    static CoordinatorRecord groupMetadataRecord(ClassicGroup group, Map<String, byte[]> assignments) {
        return CoordinatorRecord.record(new GroupMetadataKey(group.groupId()), group.toRecord(assignments));
    }
}
