package io.weir.broker.control;

import java.util.concurrent.CompletableFuture;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerResponse;

/**
 * What a {@link ControlPlaneServer} does with the requests it receives.
 *
 * <p>Threading: every method is called on the server's single {@code weir-control-requests}
 * thread, one request at a time in arrival order, and may block. An exception (or a null result)
 * is logged and answered with {@code UNKNOWN_SERVER_ERROR}.
 */
public interface ControlRequestHandler {

    ControlResponse onLeaderAndIsr(BrokerRequest.LeaderAndIsrRequest request);

    ControlResponse onUpdateMetadata(BrokerRequest.UpdateMetadataRequest request);

    ControlResponse onStopReplica(BrokerRequest.StopReplicaRequest request);

    /**
     * Only meaningful on the controller: the future completes once the controller moved
     * leadership (it may complete on any thread). A broker that is not the controller answers
     * {@code NOT_CONTROLLER}.
     */
    CompletableFuture<ControllerResponse.ControlledShutdownResponse> onControlledShutdown(
        ControlledShutdownRequest request);
}
