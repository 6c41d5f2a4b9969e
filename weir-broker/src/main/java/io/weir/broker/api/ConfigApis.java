package io.weir.broker.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

import io.weir.broker.BrokerConfig;
import io.weir.broker.network.Request;
import io.weir.storage.LogConfig;

/**
 * DescribeConfigs (broker and topic, with sources, defaults and documentation), AlterConfigs and
 * IncrementalAlterConfigs for topics. Topic overrides live in ZooKeeper; the logs pick them up
 * through the config watch without a restart.
 *
 * <p>Stateless; runs on handler threads.
 */
public final class ConfigApis {

    private final BrokerContext ctx;

    public ConfigApis(BrokerContext ctx) {
        this.ctx = ctx;
    }

    public void describeConfigs(Request request) {
        DescribeConfigsRequest req = request.body(DescribeConfigsRequest.class);
        DescribeConfigsResponseData data = new DescribeConfigsResponseData();
        for (DescribeConfigsResource r : req.data().resources()) {
            data.results().add(describe(r, req.data().includeDocumentation()));
        }
        request.sendResponse(new DescribeConfigsResponse(data));
    }

    private DescribeConfigsResult describe(DescribeConfigsResource r, boolean docs) {
        DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(r.resourceType())
            .setResourceName(r.resourceName()).setErrorCode(Errors.NONE.code());
        ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
        Set<String> keys = r.configurationKeys() == null ? null : new LinkedHashSet<>(r.configurationKeys());
        if (type == ConfigResource.Type.TOPIC) {
            if (ctx.metadataCache().topic(r.resourceName()).isEmpty()) {
                return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Topic '" + r.resourceName() + "' does not exist.");
            }
            Map<String, String> overrides = ctx.zk().getTopicConfig(r.resourceName());
            LogConfig effective = ctx.metadataLoader().topicConfig(r.resourceName());
            addEntries(result, LogConfig.configDef(), effective.values(), keys, docs,
                name -> overrides.containsKey(name) ? ConfigSource.TOPIC_CONFIG : topicDefaultSource(name));
        } else if (type == ConfigResource.Type.BROKER) {
            if (!r.resourceName().isEmpty() && !r.resourceName().equals(String.valueOf(ctx.brokerId()))) {
                return result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Unexpected broker id, expected " + ctx.brokerId() + " or empty string, but "
                        + "received " + r.resourceName());
            }
            Map<String, String> given = ctx.config().givenSettings();
            addEntries(result, BrokerConfig.configDef(), ctx.config().values(), keys, docs,
                name -> given.containsKey(name) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG);
        } else {
            return result.setErrorCode(Errors.INVALID_REQUEST.code())
                .setErrorMessage("Unsupported resource type " + type);
        }
        return result;
    }

    private ConfigSource topicDefaultSource(String topicConfigName) {
        Map<String, String> given = ctx.config().givenSettings();
        for (Map.Entry<String, String> e : LogConfig.brokerToTopicConfigNames().entrySet()) {
            if (e.getValue().equals(topicConfigName) && given.containsKey(e.getKey())) {
                return ConfigSource.STATIC_BROKER_CONFIG;
            }
        }
        return ConfigSource.DEFAULT_CONFIG;
    }

    private interface SourceOf {
        ConfigSource of(String name);
    }

    private static void addEntries(DescribeConfigsResult result, ConfigDef def, Map<String, ?> values,
                                   Set<String> keys, boolean docs, SourceOf sources) {
        List<String> names = new ArrayList<>(def.names());
        names.sort(null);
        for (String name : names) {
            if (keys != null && !keys.contains(name)) {
                continue;
            }
            ConfigDef.ConfigKey key = def.configKeys().get(name);
            Object value = values.get(name);
            result.configs().add(new DescribeConfigsResourceResult()
                .setName(name)
                .setValue(value == null ? null : ConfigDef.convertToString(value, key.type))
                .setReadOnly(false)
                .setIsSensitive(key.type == ConfigDef.Type.PASSWORD)
                .setConfigSource(sources.of(name).id())
                .setConfigType(configType(key.type).id())
                .setDocumentation(docs ? key.documentation : null));
        }
    }

    private static DescribeConfigsResponse.ConfigType configType(ConfigDef.Type type) {
        return Arrays.stream(DescribeConfigsResponse.ConfigType.values())
            .filter(t -> t.name().equals(type.name())).findFirst()
            .orElse(DescribeConfigsResponse.ConfigType.UNKNOWN);
    }

    public void alterConfigs(Request request) {
        AlterConfigsRequest req = request.body(AlterConfigsRequest.class);
        AlterConfigsResponseData data = new AlterConfigsResponseData();
        for (AlterConfigsRequestData.AlterConfigsResource r : req.data().resources()) {
            Map<String, String> configs = new HashMap<>();
            r.configs().forEach(c -> configs.put(c.name(), c.value()));
            ApiError error = alterTopic(r.resourceType(), r.resourceName(), configs, req.data().validateOnly());
            data.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(r.resourceType()).setResourceName(r.resourceName())
                .setErrorCode(error.error().code()).setErrorMessage(error.message()));
        }
        request.sendResponse(new AlterConfigsResponse(data));
    }

    public void incrementalAlterConfigs(Request request) {
        IncrementalAlterConfigsRequest req = request.body(IncrementalAlterConfigsRequest.class);
        IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.data().resources()) {
            ApiError error;
            try {
                Map<String, String> merged = isTopic(r.resourceType())
                    ? applyOps(ctx.zk().getTopicConfig(r.resourceName()), r.configs())
                    : Map.of();
                error = alterTopic(r.resourceType(), r.resourceName(), merged, req.data().validateOnly());
            } catch (IllegalArgumentException e) {
                error = new ApiError(Errors.INVALID_CONFIG, e.getMessage());
            }
            data.responses().add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(r.resourceType()).setResourceName(r.resourceName())
                .setErrorCode(error.error().code()).setErrorMessage(error.message()));
        }
        request.sendResponse(new IncrementalAlterConfigsResponse(data));
    }

    private static Map<String, String> applyOps(Map<String, String> current,
                                                IncrementalAlterConfigsRequestData.AlterableConfigCollection ops) {
        Map<String, String> result = new HashMap<>(current);
        for (IncrementalAlterConfigsRequestData.AlterableConfig op : ops) {
            switch (op.configOperation()) {
                case 0 -> result.put(op.name(), op.value());
                case 1 -> result.remove(op.name());
                case 2 -> result.put(op.name(), appendToList(result.get(op.name()), op.value()));
                case 3 -> result.put(op.name(), subtractFromList(result.get(op.name()), op.value()));
                default -> throw new IllegalArgumentException("Unknown config operation " + op.configOperation());
            }
        }
        return result;
    }

    private static String appendToList(String current, String value) {
        Set<String> items = new LinkedHashSet<>(split(current));
        items.addAll(split(value));
        return String.join(",", items);
    }

    private static String subtractFromList(String current, String value) {
        Set<String> items = new LinkedHashSet<>(split(current));
        split(value).forEach(items::remove);
        return String.join(",", items);
    }

    private static List<String> split(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList();
    }

    private ApiError alterTopic(byte resourceType, String name, Map<String, String> configs, boolean validateOnly) {
        if (!isTopic(resourceType)) {
            return new ApiError(Errors.INVALID_REQUEST,
                "Only topic configs can be altered; dynamic broker configs are not supported yet.");
        }
        return ctx.topicAdmin().setTopicConfigs(name, configs, validateOnly);
    }

    private static boolean isTopic(byte resourceType) {
        return resourceType == ConfigResource.Type.TOPIC.id();
    }
}
