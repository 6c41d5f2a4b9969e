package io.weir.broker.network;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * A tiny broker for socket tests: ApiVersions (0..3; 4 counts as too new) and Metadata (v2 and
 * up, echoing the topic names); other APIs go to {@link #onOther} if set. Handlers may be
 * swapped per API to delay or reorder completions.
 */
final class TestApis implements SupportedApis, ApiRequestHandler {

    static final short MAX_API_VERSIONS = 3;

    private final ConcurrentHashMap<ApiKeys, Consumer<Request>> overrides = new ConcurrentHashMap<>();

    @Override
    public boolean isSupported(ApiKeys api, short version) {
        return switch (api) {
            case API_VERSIONS -> version >= 0 && version <= MAX_API_VERSIONS;
            case METADATA -> version >= 2 && api.isVersionSupported(version);
            case FETCH -> api.isVersionSupported(version);
            default -> false;
        };
    }

    TestApis override(ApiKeys api, Consumer<Request> handler) {
        overrides.put(api, handler);
        return this;
    }

    @Override
    public void handle(Request request) {
        Consumer<Request> override = overrides.get(request.apiKey());
        if (override != null) {
            override.accept(request);
        } else if (request.apiKey() == ApiKeys.API_VERSIONS) {
            request.sendResponse(apiVersions(request.body(ApiVersionsRequest.class)));
        } else if (request.apiKey() == ApiKeys.METADATA) {
            request.sendResponse(metadata(request.body(MetadataRequest.class)));
        } else {
            request.closeConnection();
        }
    }

    static ApiVersionsResponse apiVersions(ApiVersionsRequest body) {
        ApiVersionCollection versions = new ApiVersionCollection();
        versions.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0)
            .setMaxVersion(MAX_API_VERSIONS));
        versions.add(new ApiVersion().setApiKey(ApiKeys.METADATA.id).setMinVersion((short) 2)
            .setMaxVersion(ApiKeys.METADATA.latestVersion()));
        Errors error = body.hasUnsupportedRequestVersion() ? Errors.UNSUPPORTED_VERSION : Errors.NONE;
        return new ApiVersionsResponse(new ApiVersionsResponseData().setErrorCode(error.code()).setApiKeys(versions));
    }

    static MetadataResponse metadata(MetadataRequest body) {
        MetadataResponseData data = new MetadataResponseData().setClusterId("weir-test").setControllerId(0);
        for (String topic : body.topics()) {
            data.topics().add(new MetadataResponseData.MetadataResponseTopic().setName(topic)
                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        }
        return new MetadataResponse(data, body.version());
    }
}
