package io.weir.broker;

import java.util.concurrent.CompletableFuture;

import io.weir.broker.control.ControlRequestHandler;
import io.weir.broker.control.ControlResponse;
import io.weir.broker.control.ControlledShutdownRequest;
import io.weir.broker.server.MetadataLoader;
import io.weir.broker.server.ReplicaManager;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerDriver;
import io.weir.cluster.controller.ControllerResponse;

/**
 * What this broker does with the controller's requests on its control plane: leadership and
 * metadata go to the {@link MetadataLoader}, controlled-shutdown requests from other brokers to
 * this broker's {@link ControllerDriver} (which answers NOT_CONTROLLER unless it is active).
 *
 * <p>Called on the control plane's single request thread.
 */
final class BrokerControlHandler implements ControlRequestHandler {

    private final MetadataLoader loader;
    private final ControllerDriver controller;

    BrokerControlHandler(MetadataLoader loader, ControllerDriver controller) {
        this.loader = loader;
        this.controller = controller;
    }

    @Override
    public ControlResponse onLeaderAndIsr(BrokerRequest.LeaderAndIsrRequest request) {
        ReplicaManager.LeaderAndIsrOutcome outcome = loader.onLeaderAndIsr(request);
        return new ControlResponse(outcome.error(), outcome.partitionErrors());
    }

    @Override
    public ControlResponse onUpdateMetadata(BrokerRequest.UpdateMetadataRequest request) {
        return ControlResponse.of(loader.onUpdateMetadata(request));
    }

    @Override
    public ControlResponse onStopReplica(BrokerRequest.StopReplicaRequest request) {
        ReplicaManager.StopReplicaOutcome outcome = loader.onStopReplica(request);
        return new ControlResponse(outcome.error(), outcome.partitionErrors());
    }

    @Override
    public CompletableFuture<ControllerResponse.ControlledShutdownResponse> onControlledShutdown(
            ControlledShutdownRequest request) {
        return controller.controlledShutdown(request.brokerId(), request.brokerEpoch());
    }
}
