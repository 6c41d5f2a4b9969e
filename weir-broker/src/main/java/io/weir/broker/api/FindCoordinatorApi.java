package io.weir.broker.api;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

import io.weir.broker.group.OffsetsTopic;
import io.weir.broker.network.Request;
import io.weir.broker.server.MetadataCache;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.coordinator.group.GroupCoordinator;

/**
 * FindCoordinator (single key up to v3, batched keys from v4): the coordinator of a group is
 * the leader of its {@code __consumer_offsets} partition; the topic is created on first use.
 * Transactions are a later phase, so transaction keys get COORDINATOR_NOT_AVAILABLE.
 *
 * <p>Stateless; runs on handler threads.
 */
public final class FindCoordinatorApi implements ApiHandler {

    private static final byte GROUP = 0;

    private final BrokerContext ctx;
    private final GroupCoordinator coordinator;
    private final OffsetsTopic offsetsTopic;

    public FindCoordinatorApi(BrokerContext ctx, GroupCoordinator coordinator, OffsetsTopic offsetsTopic) {
        this.ctx = ctx;
        this.coordinator = coordinator;
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public void handle(Request request) {
        FindCoordinatorRequestData req = request.body(FindCoordinatorRequest.class).data();
        boolean batched = request.apiVersion() >= FindCoordinatorRequest.MIN_BATCHED_VERSION;
        List<String> keys = batched ? req.coordinatorKeys() : List.of(req.key());
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        for (String key : keys) {
            data.coordinators().add(find(req.keyType(), key, request.listenerName()));
        }
        if (!batched) {
            Coordinator c = data.coordinators().get(0);
            data = new FindCoordinatorResponseData().setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage())
                .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
        }
        request.sendResponse(new FindCoordinatorResponse(data));
    }

    private Coordinator find(byte keyType, String key, String listener) {
        Coordinator c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        if (keyType != GROUP) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage("Only group coordinators are supported; transactions are not yet.");
        }
        if (key == null || key.isEmpty()) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("The group id is empty.");
        }
        if (!offsetsTopic.ensureExists()) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        TopicPartition tp = coordinator.topicPartitionFor(key);
        MetadataCache.PartitionInfo info = ctx.metadataCache().partition(tp).orElse(null);
        EndpointInfo endpoint = info == null ? null
            : ctx.metadataCache().endpoint(info.leader(), listener).orElse(null);
        if (endpoint == null) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        return c.setErrorCode(Errors.NONE.code()).setNodeId(info.leader()).setHost(endpoint.host())
            .setPort(endpoint.port());
    }
}
