package io.weir.broker.control;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.common.Time;

/**
 * A broker's one-shot blocking calls to the controller's control-plane listener: a new
 * connection per call, closed when the call returns. The caller retries (Kafka's
 * controlled.shutdown.max.retries and retry.backoff.ms).
 *
 * <p>Stateless and thread-safe.
 */
public final class ControlPlaneClient {

    /** Each call has a connection of its own, so one correlation id does. */
    private static final int CORRELATION_ID = 1;

    private ControlPlaneClient() {
    }

    /** {@link #controlledShutdown(EndpointInfo, ControlledShutdownRequest, int, Time)} on the system clock. */
    public static ControlledShutdownResponse controlledShutdown(EndpointInfo controllerControlEndpoint,
                                                                ControlledShutdownRequest request, int timeoutMs)
        throws IOException {
        return controlledShutdown(controllerControlEndpoint, request, timeoutMs, Time.SYSTEM);
    }

    /**
     * Asks the controller to move this broker's leadership away and waits for its answer.
     *
     * @param controllerControlEndpoint the controller's {@link ControlPlane#LISTENER_NAME} endpoint
     * @param timeoutMs                 for connecting and answering together
     * @param time                      the clock of the deadline
     * @throws IOException the controller could not be reached or did not answer in time
     *                     ({@link java.net.SocketTimeoutException}), or answered with bytes that are
     *                     not a ControlledShutdown response ({@link ControlProtocolException})
     */
    public static ControlledShutdownResponse controlledShutdown(EndpointInfo controllerControlEndpoint,
                                                                ControlledShutdownRequest request, int timeoutMs,
                                                                Time time) throws IOException {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive, got " + timeoutMs);
        }
        long deadlineMs = time.hiResClockMs() + timeoutMs;
        ByteBuffer frame = ControlCodec.encode(CORRELATION_ID, request);
        try (BlockingControlConnection connection =
                 new BlockingControlConnection(time, ControlCodec.DEFAULT_MAX_FRAME_BYTES)) {
            connection.connect(controllerControlEndpoint.host(), controllerControlEndpoint.port(), timeoutMs);
            int leftMs = (int) Math.max(1, deadlineMs - time.hiResClockMs());
            return (ControlledShutdownResponse) connection.roundTrip(frame, CORRELATION_ID,
                ControlMessageType.CONTROLLED_SHUTDOWN_RESPONSE, leftMs);
        }
    }
}
