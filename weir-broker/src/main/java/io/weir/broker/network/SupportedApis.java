package io.weir.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Which API versions the broker handles. The network layer closes the connection on a request
 * for anything else, except ApiVersions, which is answered with UNSUPPORTED_VERSION (at v0).
 *
 * <p>Implementations must be thread-safe: every network thread calls it for every request.
 */
public interface SupportedApis {

    boolean isSupported(ApiKeys api, short version);
}
