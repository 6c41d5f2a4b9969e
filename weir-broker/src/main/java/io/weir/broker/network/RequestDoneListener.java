package io.weir.broker.network;

/**
 * Told when a request is done on the network side: its response was written to the socket (the
 * write completed), or it completed without a response (a produce with acks=0). Not told when
 * the request ends in a closed connection. With {@link Request#receivedTimeNs()} this gives the
 * request's total time, purgatory wait and response send included (Kafka's {@code TotalTimeMs}).
 *
 * <p>Called on the connection's event loop: implementations must be cheap and must not block.
 */
@FunctionalInterface
public interface RequestDoneListener {

    /** Ignores everything. */
    RequestDoneListener NONE = (request, doneNs) -> { };

    /** {@code doneNs} is {@code Time.nanoseconds()} of the server's clock. */
    void onRequestDone(Request request, long doneNs);
}
