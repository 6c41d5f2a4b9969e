package io.weir.broker.control;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;

/**
 * Runs a {@link ControlRequestHandler} on the request thread and turns its outcome into the
 * response to send: a handler failure is logged here, once, and answered with
 * {@code UNKNOWN_SERVER_ERROR}, so no failure reaches the thread or the connection.
 *
 * <p>Thread-safe; the handler only ever runs on {@code requestThread}.
 */
final class ControlRequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRequestDispatcher.class);

    private final ControlRequestHandler handler;
    private final Executor requestThread;

    ControlRequestDispatcher(ControlRequestHandler handler, Executor requestThread) {
        this.handler = handler;
        this.requestThread = requestThread;
    }

    /**
     * The response to {@code request} (a request frame), completed on the request thread or, for
     * ControlledShutdown, wherever the handler's future completes. Fails only when the request
     * thread is closed.
     */
    CompletableFuture<Object> dispatch(ControlFrame request) {
        CompletableFuture<Object> response = new CompletableFuture<>();
        try {
            requestThread.execute(() -> handle(request, response));
        } catch (RejectedExecutionException e) {
            response.completeExceptionally(e);
        }
        return response;
    }

    private void handle(ControlFrame request, CompletableFuture<Object> response) {
        try {
            switch (request.type()) {
                case LEADER_AND_ISR -> response.complete(
                    orError(request, handler.onLeaderAndIsr(request.message(LeaderAndIsrRequest.class))));
                case UPDATE_METADATA -> response.complete(
                    orError(request, handler.onUpdateMetadata(request.message(UpdateMetadataRequest.class))));
                case STOP_REPLICA -> response.complete(
                    orError(request, handler.onStopReplica(request.message(StopReplicaRequest.class))));
                case CONTROLLED_SHUTDOWN -> handler.onControlledShutdown(
                        request.message(ControlledShutdownRequest.class))
                    .whenComplete((answer, error) -> {
                        if (error != null) {
                            response.complete(failed(request, error));
                        } else {
                            response.complete(orError(request, answer));
                        }
                    });
                default -> throw new IllegalStateException(request.type() + " is not a request");
            }
        } catch (Exception e) {
            response.complete(failed(request, e));
        }
    }

    private static Object orError(ControlFrame request, Object answer) {
        return answer != null ? answer : failed(request, new NullPointerException("handler returned null"));
    }

    private static Object failed(ControlFrame request, Throwable error) {
        LOG.error("Control-plane handler failed on {} (correlation id {}), answering {}", request.type(),
            request.correlationId(), Errors.UNKNOWN_SERVER_ERROR.name(), error);
        return errorResponse(request.type(), Errors.UNKNOWN_SERVER_ERROR);
    }

    /** The response to a request of {@code type} that carries only {@code error}. */
    static Object errorResponse(ControlMessageType type, Errors error) {
        return type == ControlMessageType.CONTROLLED_SHUTDOWN
            ? new ControlledShutdownResponse(error, Set.of())
            : ControlResponse.of(error);
    }
}
