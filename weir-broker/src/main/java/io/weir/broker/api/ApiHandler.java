package io.weir.broker.api;

import io.weir.broker.network.Request;

/** Handles one API's requests on a request handler thread; answers through the request. */
@FunctionalInterface
public interface ApiHandler {
    void handle(Request request) throws Exception;
}
