package io.weir.broker.control;

import java.util.List;
import java.util.Optional;

import io.weir.cluster.zk.EndpointInfo;

/**
 * The control-plane listener: a separate port on every broker (in the spirit of Kafka's KIP-291
 * {@code control.plane.listener.name}) where the controller sends LeaderAndIsr, UpdateMetadata and
 * StopReplica, and where the controller itself takes ControlledShutdown. A broker registers it in
 * {@code /brokers/ids/<id>} next to its Kafka listeners as an endpoint named {@link #LISTENER_NAME};
 * Kafka clients never see it (metadata answers only name the listener a client connected to).
 *
 * <p>Constants and pure functions only.
 */
public final class ControlPlane {

    /** The listener name of the control-plane endpoint in a broker's registration. */
    public static final String LISTENER_NAME = "CONTROL_PLANE";

    /** The control plane speaks Weir's internal protocol over plain TCP. */
    public static final String SECURITY_PROTOCOL = "PLAINTEXT";

    private ControlPlane() {
    }

    /** The endpoint a broker registers for its control-plane server. */
    public static EndpointInfo endpoint(String host, int port) {
        return new EndpointInfo(LISTENER_NAME, SECURITY_PROTOCOL, host, port);
    }

    /** The control-plane endpoint among a broker's registered endpoints, if it has one. */
    public static Optional<EndpointInfo> find(List<EndpointInfo> endpoints) {
        return endpoints.stream().filter(e -> LISTENER_NAME.equals(e.listenerName())).findFirst();
    }
}
