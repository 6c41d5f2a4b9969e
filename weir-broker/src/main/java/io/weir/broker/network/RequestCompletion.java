package io.weir.broker.network;

import org.apache.kafka.common.network.Send;

/**
 * Where a {@link Request}'s outcome goes: the connection that read it.
 *
 * <p>Implementations accept calls from any thread and hand the work to the connection's event loop.
 */
interface RequestCompletion {

    /** The connection is still open (a request of a closed connection need not be handled). */
    boolean isOpen();

    /** Sends {@code response} (null: nothing to send) or, if {@code close}, closes the connection. */
    void complete(Request request, Send response, boolean close);
}
