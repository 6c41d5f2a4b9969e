package io.weir.coordinator.group.classic;

import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.common.CoordinatorTimer;
import io.weir.coordinator.group.GroupCoordinatorConfig;
import io.weir.coordinator.group.GroupStore;
import io.weir.coordinator.group.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup of the classic protocol: new, pending (KIP-394), known and static members, and the
 * join phase of a rebalance. Responses are parked in the members and completed when the join
 * phase completes ({@link ClassicGroupRebalancer#completeJoin}).
 *
 * <p>Not thread-safe: runs on its shard's thread.
 */
public final class ClassicGroupJoinHandler {

    /** JoinGroup v4 and later must send the member id the coordinator gave them. */
    private static final short MEMBER_ID_REQUIRED_VERSION = 4;

    private final GroupCoordinatorConfig config;
    private final GroupStore groups;
    private final CoordinatorTimer timer;
    private final ClassicGroupRebalancer rebalancer;

    public ClassicGroupJoinHandler(GroupCoordinatorConfig config, GroupStore groups, CoordinatorTimer timer,
                                   ClassicGroupRebalancer rebalancer) {
        this.config = config;
        this.groups = groups;
        this.timer = timer;
        this.rebalancer = rebalancer;
    }

    public CoordinatorResult<CompletableFuture<JoinGroupResponseData>> join(
            RequestContext ctx, JoinGroupRequestData request, long nowMs) {
        String memberId = request.memberId();
        Errors error = validate(request);
        if (error != Errors.NONE) {
            return CoordinatorResult.of(completed(errorResponse(error, memberId)));
        }
        ClassicGroup group = groups.classicGroup(request.groupId());
        if (group == null) {
            if (groups.get(request.groupId()) != null) {
                return CoordinatorResult.of(completed(errorResponse(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId)));
            }
            if (!memberId.isEmpty()) {
                return CoordinatorResult.of(completed(errorResponse(Errors.UNKNOWN_MEMBER_ID, memberId)));
            }
            group = new ClassicGroup(request.groupId(), nowMs);
            groups.put(group); // soft state until its first GroupMetadata record, as in Kafka
        }
        if (!acceptJoiningMember(group, memberId)) {
            return CoordinatorResult.of(completed(errorResponse(Errors.GROUP_MAX_SIZE_REACHED, memberId)));
        }
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        CoordinatorResult<Void> result = memberId.isEmpty()
                ? joinNewMember(ctx, group, request, future, nowMs)
                : joinExistingMember(ctx, group, request, future, nowMs);
        return new CoordinatorResult<>(result.records(), future, result.replayRecords(), result.appendFuture());
    }

    private Errors validate(JoinGroupRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (request.sessionTimeoutMs() < config.groupMinSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.groupMaxSessionTimeoutMs()) {
            return Errors.INVALID_SESSION_TIMEOUT;
        }
        return Errors.NONE;
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.numAwaitingJoin() < config.groupMaxSize();
            default -> group.hasMember(memberId) || group.size() < config.groupMaxSize();
        };
    }

    private CoordinatorResult<Void> joinNewMember(RequestContext ctx, ClassicGroup group, JoinGroupRequestData request,
                                                  CompletableFuture<JoinGroupResponseData> future, long nowMs) {
        if (group.isInState(ClassicGroupState.DEAD)) {
            future.complete(errorResponse(Errors.COORDINATOR_NOT_AVAILABLE, ""));
            return CoordinatorResult.empty();
        }
        List<ClassicGroupMember.Protocol> protocols = protocols(request);
        if (!group.supportsProtocols(request.protocolType(), protocols)) {
            future.complete(errorResponse(Errors.INCONSISTENT_GROUP_PROTOCOL, ""));
            return CoordinatorResult.empty();
        }
        String newMemberId = ctx.clientId() + "-" + UUID.randomUUID();
        String instanceId = request.groupInstanceId();
        if (instanceId != null) {
            String oldMemberId = group.staticMemberId(instanceId);
            if (oldMemberId != null) {
                return rejoinStaticMember(ctx, group, request, oldMemberId, newMemberId, future, nowMs);
            }
        } else if (ctx.apiVersion() >= MEMBER_ID_REQUIRED_VERSION) {
            group.pendingJoinMembers().add(newMemberId);
            timer.schedule(TimerKeys.pendingMember(group.groupId(), newMemberId), request.sessionTimeoutMs(),
                    now -> rebalancer.expirePendingMember(group.groupId(), newMemberId, now));
            future.complete(errorResponse(Errors.MEMBER_ID_REQUIRED, newMemberId));
            return CoordinatorResult.empty();
        }
        return addMemberAndRebalance(ctx, group, request, newMemberId, future, nowMs);
    }

    private CoordinatorResult<Void> joinExistingMember(RequestContext ctx, ClassicGroup group,
                                                       JoinGroupRequestData request,
                                                       CompletableFuture<JoinGroupResponseData> future, long nowMs) {
        String memberId = request.memberId();
        List<ClassicGroupMember.Protocol> protocols = protocols(request);
        if (group.isInState(ClassicGroupState.DEAD)) {
            future.complete(errorResponse(Errors.COORDINATOR_NOT_AVAILABLE, memberId));
            return CoordinatorResult.empty();
        }
        if (!group.supportsProtocols(request.protocolType(), protocols)) {
            future.complete(errorResponse(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId));
            return CoordinatorResult.empty();
        }
        if (group.pendingJoinMembers().contains(memberId)) {
            timer.cancel(TimerKeys.pendingMember(group.groupId(), memberId));
            return addMemberAndRebalance(ctx, group, request, memberId, future, nowMs);
        }
        Errors error = ClassicGroupHandler.validateMember(group, memberId, request.groupInstanceId());
        if (error != Errors.NONE) {
            future.complete(errorResponse(error, memberId));
            return CoordinatorResult.empty();
        }
        ClassicGroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return updateMemberAndRebalance(ctx, group, member, request, future, nowMs);
            case COMPLETING_REBALANCE:
                if (member.matches(protocols)) {
                    // The member lost the JoinGroup response: send it again.
                    future.complete(rebalancer.joinResponse(group, member));
                    return CoordinatorResult.empty();
                }
                return updateMemberAndRebalance(ctx, group, member, request, future, nowMs);
            case STABLE:
                if (group.isLeader(memberId) || !member.matches(protocols)) {
                    return updateMemberAndRebalance(ctx, group, member, request, future, nowMs);
                }
                future.complete(rebalancer.joinResponse(group, member).setMembers(List.of()));
                return CoordinatorResult.empty();
            default:
                future.complete(errorResponse(Errors.UNKNOWN_MEMBER_ID, memberId));
                return CoordinatorResult.empty();
        }
    }

    private CoordinatorResult<Void> addMemberAndRebalance(RequestContext ctx, ClassicGroup group,
                                                          JoinGroupRequestData request, String memberId,
                                                          CompletableFuture<JoinGroupResponseData> future, long nowMs) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, request.groupInstanceId(), ctx.clientId(),
                ctx.clientHost(), rebalanceTimeout(request), request.sessionTimeoutMs(), request.protocolType(),
                protocols(request));
        member.isNew(true);
        member.awaitingJoin(future);
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.initialRebalance()) {
            group.newMemberAdded(true);
        }
        group.add(member);
        rebalancer.scheduleHeartbeatExpiration(group, member, config.classicGroupNewMemberJoinTimeoutMs());
        return rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "Adding new member " + memberId, nowMs);
    }

    private CoordinatorResult<Void> updateMemberAndRebalance(RequestContext ctx, ClassicGroup group,
                                                             ClassicGroupMember member, JoinGroupRequestData request,
                                                             CompletableFuture<JoinGroupResponseData> future,
                                                             long nowMs) {
        if (member.isAwaitingJoin()) {
            member.completeJoin(errorResponse(Errors.REBALANCE_IN_PROGRESS, member.memberId()));
        }
        member.update(ctx.clientId(), ctx.clientHost(), rebalanceTimeout(request), request.sessionTimeoutMs(),
                protocols(request));
        member.awaitingJoin(future);
        return rebalancer.maybePrepareRebalanceOrCompleteJoin(group,
                "Updating metadata for member " + member.memberId(), nowMs);
    }

    /**
     * A static member restarted: it takes over its old member id's place. In a Stable group
     * whose protocol it still supports, that is all: the new id is persisted and the member gets
     * its old assignment back at SyncGroup, with no rebalance.
     */
    private CoordinatorResult<Void> rejoinStaticMember(RequestContext ctx, ClassicGroup group,
                                                       JoinGroupRequestData request, String oldMemberId,
                                                       String newMemberId,
                                                       CompletableFuture<JoinGroupResponseData> future, long nowMs) {
        ClassicGroupMember member = group.member(oldMemberId);
        List<ClassicGroupMember.Protocol> oldProtocols = member.protocols();
        String oldClientId = member.clientId();
        String oldClientHost = member.clientHost();
        int oldRebalanceTimeout = member.rebalanceTimeoutMs();
        int oldSessionTimeout = member.sessionTimeoutMs();
        boolean wasLeader = group.isLeader(oldMemberId);
        member.completeJoin(errorResponse(Errors.FENCED_INSTANCE_ID, oldMemberId));
        member.completeSync(ClassicGroupHandler.syncError(Errors.FENCED_INSTANCE_ID));
        timer.cancel(TimerKeys.heartbeat(group.groupId(), oldMemberId));
        group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId);
        member.update(ctx.clientId(), ctx.clientHost(), rebalanceTimeout(request), request.sessionTimeoutMs(),
                protocols(request));
        rebalancer.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs());
        if (group.isInState(ClassicGroupState.STABLE) && group.selectProtocol().equals(group.protocolName())) {
            CompletableFuture<Void> appended = new CompletableFuture<>();
            appended.whenComplete((ignored, error) -> {
                if (error != null) {
                    group.replaceStaticMember(request.groupInstanceId(), newMemberId, oldMemberId);
                    member.update(oldClientId, oldClientHost, oldRebalanceTimeout, oldSessionTimeout, oldProtocols);
                    timer.cancel(TimerKeys.heartbeat(group.groupId(), newMemberId));
                    rebalancer.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs());
                    future.complete(errorResponse(Errors.forException(error), ""));
                    return;
                }
                boolean isLeader = wasLeader;
                future.complete(rebalancer.joinResponse(group, member)
                        .setMembers(isLeader ? rebalancer.memberList(group) : List.of())
                        .setSkipAssignment(isLeader));
            });
            List<CoordinatorRecord> records = List.of(ClassicGroupRebalancer.groupMetadataRecord(group, Map.of()));
            return new CoordinatorResult<>(records, null, false, appended);
        }
        member.awaitingJoin(future);
        return rebalancer.maybePrepareRebalanceOrCompleteJoin(group,
                "Static member " + request.groupInstanceId() + " rejoined", nowMs);
    }

    private static int rebalanceTimeout(JoinGroupRequestData request) {
        return request.rebalanceTimeoutMs() == -1 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
    }

    static List<ClassicGroupMember.Protocol> protocols(JoinGroupRequestData request) {
        List<ClassicGroupMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new ClassicGroupMember.Protocol(p.name(), p.metadata())));
        return protocols;
    }

    static JoinGroupResponseData errorResponse(Errors error, String memberId) {
        return new JoinGroupResponseData()
                .setErrorCode(error.code())
                .setMemberId(memberId == null ? "" : memberId)
                .setGenerationId(-1)
                .setProtocolName(null)
                .setLeader("")
                .setMembers(new ArrayList<>());
    }

    private static <T> CompletableFuture<T> completed(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
