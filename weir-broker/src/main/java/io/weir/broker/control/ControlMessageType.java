package io.weir.broker.control;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerResponse;

/**
 * The int16 message type of a control-plane frame and the Java type of its body. Codes are part
 * of the wire format: never renumber, only add.
 */
public enum ControlMessageType {
    LEADER_AND_ISR(1, BrokerRequest.LeaderAndIsrRequest.class),
    UPDATE_METADATA(2, BrokerRequest.UpdateMetadataRequest.class),
    STOP_REPLICA(3, BrokerRequest.StopReplicaRequest.class),
    CONTROLLED_SHUTDOWN(4, ControlledShutdownRequest.class),
    /** The answer to LEADER_AND_ISR, UPDATE_METADATA and STOP_REPLICA. */
    CONTROL_RESPONSE(100, ControlResponse.class),
    CONTROLLED_SHUTDOWN_RESPONSE(101, ControllerResponse.ControlledShutdownResponse.class);

    private final short code;
    private final Class<?> bodyClass;

    ControlMessageType(int code, Class<?> bodyClass) {
        this.code = (short) code;
        this.bodyClass = bodyClass;
    }

    public short code() {
        return code;
    }

    public Class<?> bodyClass() {
        return bodyClass;
    }

    public boolean isRequest() {
        return this != CONTROL_RESPONSE && this != CONTROLLED_SHUTDOWN_RESPONSE;
    }

    /** The type of the answer to a request of this type. */
    public ControlMessageType responseType() {
        if (!isRequest()) {
            throw new IllegalStateException(this + " is not a request");
        }
        return this == CONTROLLED_SHUTDOWN ? CONTROLLED_SHUTDOWN_RESPONSE : CONTROL_RESPONSE;
    }

    /** The type with this code, or null if there is none. */
    public static ControlMessageType forCode(short code) {
        for (ControlMessageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    /** The type of a message object; throws {@link IllegalArgumentException} for other classes. */
    public static ControlMessageType of(Object message) {
        for (ControlMessageType type : values()) {
            if (type.bodyClass.isInstance(message)) {
                return type;
            }
        }
        throw new IllegalArgumentException("not a control-plane message: "
            + (message == null ? "null" : message.getClass().getName()));
    }
}
