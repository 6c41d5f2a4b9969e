package io.weir.broker.control;

import java.io.IOException;

/**
 * Bytes that are not a valid control-plane frame: a bad size, an unknown message type, a count or
 * length that overruns the frame, a truncated or over-long body. The connection they came on is
 * closed. An {@link IOException} because, for a sender, it is handled like a broken connection.
 */
public final class ControlProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public ControlProtocolException(String message) {
        super(message);
    }
}
