package io.weir.broker.control;

import java.util.Objects;

/**
 * A decoded control-plane frame: its type, correlation id and body, an instance of
 * {@code type.bodyClass()}. Immutable.
 */
public record ControlFrame(ControlMessageType type, int correlationId, Object message) {

    public ControlFrame {
        Objects.requireNonNull(type, "type");
        if (!type.bodyClass().isInstance(message)) {
            throw new IllegalArgumentException(type + " frame with body " + message);
        }
    }

    /** The body as {@code bodyClass}, which must be {@code type().bodyClass()}. */
    public <T> T message(Class<T> bodyClass) {
        return bodyClass.cast(message);
    }
}
