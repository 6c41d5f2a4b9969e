package io.weir.broker.control;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;

/**
 * A {@link ControlRequestHandler} that records what it gets, in order, and answers through
 * replaceable functions (by default: NONE for every partition the request names).
 */
final class RecordingHandler implements ControlRequestHandler {

    final List<Object> received = new CopyOnWriteArrayList<>();
    volatile Function<Object, ControlResponse> answer = RecordingHandler::allNone;
    volatile Function<ControlledShutdownRequest, CompletableFuture<ControlledShutdownResponse>> shutdownAnswer =
        request -> CompletableFuture.completedFuture(new ControlledShutdownResponse(Errors.NONE, Set.of()));

    static ControlResponse allNone(Object request) {
        Map<TopicPartition, Errors> errors = new HashMap<>();
        if (request instanceof BrokerRequest.LeaderAndIsrRequest leaderAndIsr) {
            leaderAndIsr.partitions().forEach(p -> errors.put(p.partition(), Errors.NONE));
        } else if (request instanceof BrokerRequest.StopReplicaRequest stopReplica) {
            stopReplica.partitions().forEach(p -> errors.put(p.partition(), Errors.NONE));
        }
        return new ControlResponse(Errors.NONE, errors);
    }

    @Override
    public ControlResponse onLeaderAndIsr(BrokerRequest.LeaderAndIsrRequest request) {
        received.add(request);
        return answer.apply(request);
    }

    @Override
    public ControlResponse onUpdateMetadata(BrokerRequest.UpdateMetadataRequest request) {
        received.add(request);
        return answer.apply(request);
    }

    @Override
    public ControlResponse onStopReplica(BrokerRequest.StopReplicaRequest request) {
        received.add(request);
        return answer.apply(request);
    }

    @Override
    public CompletableFuture<ControlledShutdownResponse> onControlledShutdown(ControlledShutdownRequest request) {
        received.add(request);
        return shutdownAnswer.apply(request);
    }
}
