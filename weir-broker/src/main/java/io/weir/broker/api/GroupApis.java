package io.weir.broker.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

import io.weir.broker.network.Request;
import io.weir.coordinator.group.GroupCoordinator;
import io.weir.coordinator.group.RequestContext;

/**
 * The consumer group APIs: each turns the request into a call on the {@link GroupCoordinator}
 * (which owns all group logic) and answers when its future completes — for JoinGroup that is
 * after the rebalance, so no handler thread waits.
 *
 * <p>Stateless; runs on handler threads, answers on coordinator threads.
 */
public final class GroupApis {

    private final GroupCoordinator coordinator;

    public GroupApis(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    private static RequestContext context(Request request) {
        return new RequestContext(request.apiVersion(), request.clientId(), "/" + request.clientAddress()
            .getHostAddress());
    }

    /** Sends the future's response, or the request's own error response if it failed. */
    private static <T> void answer(Request request, CompletableFuture<T> future, Function<T, AbstractResponse> wrap) {
        future.whenComplete((result, error) -> {
            if (error == null) {
                request.sendResponse(wrap.apply(result));
            } else {
                AbstractRequest body = request.body();
                request.sendResponse(body.getErrorResponse(0, unwrap(error)));
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) ? t.getCause() : t;
    }

    public void joinGroup(Request request) {
        JoinGroupRequest req = request.body(JoinGroupRequest.class);
        answer(request, coordinator.joinGroup(context(request), req.data()),
            data -> new JoinGroupResponse(data, request.apiVersion()));
    }

    public void syncGroup(Request request) {
        SyncGroupRequest req = request.body(SyncGroupRequest.class);
        answer(request, coordinator.syncGroup(context(request), req.data()), SyncGroupResponse::new);
    }

    public void heartbeat(Request request) {
        HeartbeatRequest req = request.body(HeartbeatRequest.class);
        answer(request, coordinator.heartbeat(context(request), req.data()), HeartbeatResponse::new);
    }

    public void leaveGroup(Request request) {
        LeaveGroupRequest req = request.body(LeaveGroupRequest.class);
        // Versions 0-2 name one member at the top level; the coordinator always takes a member list.
        LeaveGroupRequestData data = new LeaveGroupRequestData().setGroupId(req.data().groupId());
        req.members().forEach(m -> data.members().add(m.duplicate()));
        answer(request, coordinator.leaveGroup(context(request), data), response -> new LeaveGroupResponse(
            response.members(), Errors.forCode(response.errorCode()), 0, request.apiVersion()));
    }

    public void offsetCommit(Request request) {
        OffsetCommitRequest req = request.body(OffsetCommitRequest.class);
        answer(request, coordinator.commitOffsets(context(request), req.data()), OffsetCommitResponse::new);
    }

    public void offsetFetch(Request request) {
        OffsetFetchRequest req = request.body(OffsetFetchRequest.class);
        answer(request, coordinator.fetchOffsets(context(request), req.groups()),
            groups -> new OffsetFetchResponse.Builder(groups).build(request.apiVersion()));
    }

    public void offsetDelete(Request request) {
        OffsetDeleteRequest req = request.body(OffsetDeleteRequest.class);
        answer(request, coordinator.deleteOffsets(context(request), req.data()), OffsetDeleteResponse::new);
    }

    public void describeGroups(Request request) {
        DescribeGroupsRequest req = request.body(DescribeGroupsRequest.class);
        answer(request, coordinator.describeGroups(context(request), req.data().groups()),
            groups -> new DescribeGroupsResponse(new DescribeGroupsResponseData().setGroups(groups)));
    }

    public void listGroups(Request request) {
        ListGroupsRequest req = request.body(ListGroupsRequest.class);
        answer(request, coordinator.listGroups(context(request), req.data()), ListGroupsResponse::new);
    }

    public void deleteGroups(Request request) {
        DeleteGroupsRequest req = request.body(DeleteGroupsRequest.class);
        answer(request, coordinator.deleteGroups(context(request), req.data().groupsNames()), results -> {
            DeleteGroupsResponseData data = new DeleteGroupsResponseData();
            results.forEach(r -> data.results().add(r.duplicate()));
            return new DeleteGroupsResponse(data);
        });
    }

    public void consumerGroupHeartbeat(Request request) {
        ConsumerGroupHeartbeatRequest req = request.body(ConsumerGroupHeartbeatRequest.class);
        answer(request, coordinator.consumerGroupHeartbeat(context(request), req.data()),
            ConsumerGroupHeartbeatResponse::new);
    }

    public void consumerGroupDescribe(Request request) {
        ConsumerGroupDescribeRequest req = request.body(ConsumerGroupDescribeRequest.class);
        List<String> ids = req.data().groupIds();
        answer(request, coordinator.consumerGroupDescribe(context(request), ids),
            groups -> new ConsumerGroupDescribeResponse(new ConsumerGroupDescribeResponseData().setGroups(groups)));
    }
}
