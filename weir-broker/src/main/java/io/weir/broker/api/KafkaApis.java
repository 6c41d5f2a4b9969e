package io.weir.broker.api;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

import io.weir.broker.network.ApiRequestHandler;
import io.weir.broker.network.Request;
import io.weir.broker.network.SupportedApis;

/**
 * The API registry and dispatcher: each implemented API with the exact version range Weir
 * supports, which is also what ApiVersions advertises. Requests for anything else never reach
 * here (the network layer closes the connection).
 *
 * <p>Thread-safe: the registry is filled before the network server starts and never changes.
 */
public final class KafkaApis implements ApiRequestHandler, SupportedApis {

    private record Registered(short minVersion, short maxVersion, ApiHandler handler) {
    }

    private final Map<ApiKeys, Registered> apis = new EnumMap<>(ApiKeys.class);
    private volatile ApiVersionCollection advertised = new ApiVersionCollection();

    public KafkaApis() {
        register(ApiKeys.API_VERSIONS, 0, 4, this::handleApiVersions);
    }

    /** Adds an API; versions outside [min, max] are refused. */
    public KafkaApis register(ApiKeys api, int minVersion, int maxVersion, ApiHandler handler) {
        if (minVersion < api.oldestVersion() || maxVersion > api.latestVersion()) {
            throw new IllegalArgumentException(api + " versions " + minVersion + "-" + maxVersion
                + " are outside what kafka-clients knows (" + api.oldestVersion() + "-" + api.latestVersion() + ")");
        }
        apis.put(api, new Registered((short) minVersion, (short) maxVersion, handler));
        ApiVersionCollection versions = new ApiVersionCollection();
        apis.forEach((key, r) -> versions.add(new ApiVersion().setApiKey(key.id)
            .setMinVersion(r.minVersion()).setMaxVersion(r.maxVersion())));
        advertised = versions;
        return this;
    }

    @Override
    public boolean isSupported(ApiKeys api, short version) {
        Registered r = apis.get(api);
        return r != null && version >= r.minVersion() && version <= r.maxVersion();
    }

    @Override
    public void handle(Request request) throws Exception {
        Registered r = apis.get(request.apiKey());
        if (r == null) {
            request.closeConnection();
            return;
        }
        r.handler().handle(request);
    }

    private void handleApiVersions(Request request) {
        ApiVersionsRequest body = request.body(ApiVersionsRequest.class);
        ApiVersionsResponseData data = new ApiVersionsResponseData().setThrottleTimeMs(0);
        if (body.hasUnsupportedRequestVersion()) {
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(advertised.duplicate());
        } else if (!body.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
        } else {
            data.setErrorCode(Errors.NONE.code()).setApiKeys(advertised.duplicate());
        }
        request.sendResponse(new ApiVersionsResponse(data));
    }
}
