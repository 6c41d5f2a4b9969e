package io.weir.broker.network;

/**
 * Handles one request on a request-handler thread, or, for the APIs in {@link InlineHandling}, on
 * the network thread that read it (it must then not block). It completes the request exactly once, now or
 * later from any thread ({@link Request#sendResponse}, {@link Request#noResponse},
 * {@link Request#closeConnection}); an exception thrown here is logged by the
 * {@link RequestHandlerPool} and answered with the API's error response.
 *
 * <p>Implementations must be thread-safe: several handler and network threads call it at once.
 */
public interface ApiRequestHandler {

    void handle(Request request) throws Exception;
}
