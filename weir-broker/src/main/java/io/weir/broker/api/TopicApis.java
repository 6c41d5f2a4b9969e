package io.weir.broker.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import io.weir.broker.admin.TopicAdmin;
import io.weir.broker.network.Request;
import io.weir.broker.server.MetadataCache;
import io.weir.storage.LogConfig;

/**
 * CreateTopics (validateOnly, configs, replica assignment), DeleteTopics (by name or id) and
 * CreatePartitions. Like Kafka, each answers once the controller's metadata for the change has
 * reached this broker (leaders elected, or the topic gone), or with REQUEST_TIMED_OUT after the
 * request's timeout; the handler thread does not wait.
 *
 * <p>Stateless; runs on handler threads, answers on whichever thread applies the metadata.
 */
public final class TopicApis {

    private final BrokerContext ctx;

    public TopicApis(BrokerContext ctx) {
        this.ctx = ctx;
    }

    public void createTopics(Request request) {
        CreateTopicsRequest req = request.body(CreateTopicsRequest.class);
        CreateTopicsResponseData data = new CreateTopicsResponseData();
        Map<String, Integer> seen = new HashMap<>();
        req.data().topics().forEach(t -> seen.merge(t.name(), 1, Integer::sum));
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        for (CreatableTopic t : req.data().topics()) {
            if (seen.get(t.name()) > 1) {
                data.topics().add(new CreatableTopicResult().setName(t.name())
                    .setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Create topics request from client contains a duplicate topic: " + t.name()));
                continue;
            }
            CreatableTopicResult result = createTopic(t, req.data().validateOnly());
            data.topics().add(result);
            if (result.errorCode() == Errors.NONE.code() && !req.data().validateOnly()) {
                waits.add(awaitOrTimeOut(MetadataCache.topicReady(t.name(), result.numPartitions()),
                    req.data().timeoutMs(), () -> result.setErrorCode(Errors.REQUEST_TIMED_OUT.code())
                        .setErrorMessage("Timed out waiting for the topic's leaders.")));
            }
        }
        whenAll(waits, () -> request.sendResponse(new CreateTopicsResponse(data)));
    }

    /** Waits for the metadata to satisfy {@code condition}; on timeout runs {@code onTimeout}. */
    private CompletableFuture<Boolean> awaitOrTimeOut(Predicate<MetadataCache.Snapshot> condition, int timeoutMs,
                                                      Runnable onTimeout) {
        return ctx.metadataCache().await(condition, Math.max(0, timeoutMs)).thenApply(ready -> {
            if (!ready) {
                onTimeout.run();
            }
            return ready;
        });
    }

    private static void whenAll(List<CompletableFuture<Boolean>> waits, Runnable then) {
        CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0])).whenComplete((r, e) -> then.run());
    }

    private CreatableTopicResult createTopic(CreatableTopic t, boolean validateOnly) {
        Map<Integer, List<Integer>> manual = new LinkedHashMap<>();
        t.assignments().forEach(a -> manual.put(a.partitionIndex(), new ArrayList<>(a.brokerIds())));
        Map<String, String> configs = new HashMap<>();
        t.configs().forEach(c -> configs.put(c.name(), c.value()));
        TopicAdmin.Created created = ctx.topicAdmin().createTopic(
            new TopicAdmin.NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), manual, configs),
            validateOnly);
        CreatableTopicResult result = new CreatableTopicResult().setName(t.name())
            .setErrorCode(created.error().error().code()).setErrorMessage(created.error().message());
        if (created.error().isFailure()) {
            return result.setNumPartitions(-1).setReplicationFactor((short) -1);
        }
        result.setTopicId(created.topicId()).setNumPartitions(created.numPartitions())
            .setReplicationFactor(created.replicationFactor());
        LogConfig effective = LogConfig.fromProps(ctx.config().topicDefaults(), configs);
        effective.values().forEach((name, value) -> result.configs().add(new CreatableTopicConfigs()
            .setName(name).setValue(value == null ? null : String.valueOf(value)).setReadOnly(false)
            .setIsSensitive(false)
            .setConfigSource((configs.containsKey(name) ? ConfigSource.TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG)
                .id())));
        return result;
    }

    public void deleteTopics(Request request) {
        DeleteTopicsRequest req = request.body(DeleteTopicsRequest.class);
        DeleteTopicsResponseData data = new DeleteTopicsResponseData();
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        for (DeleteTopicState state : req.topics()) {
            DeletableTopicResult result = deleteTopic(state);
            data.responses().add(result);
            if (result.errorCode() == Errors.NONE.code()) {
                waits.add(awaitOrTimeOut(MetadataCache.topicGone(result.name()), req.data().timeoutMs(),
                    () -> result.setErrorCode(Errors.REQUEST_TIMED_OUT.code())));
            }
        }
        whenAll(waits, () -> request.sendResponse(new DeleteTopicsResponse(data)));
    }

    private DeletableTopicResult deleteTopic(DeleteTopicState state) {
        String name = state.name();
        Uuid id = state.topicId() == null ? Uuid.ZERO_UUID : state.topicId();
        DeletableTopicResult result = new DeletableTopicResult().setName(name).setTopicId(id);
        if (name == null) {
            name = ctx.metadataCache().topicName(id).orElse(null);
            if (name == null) {
                return result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
            }
            result.setName(name);
        }
        if (Topic.isInternal(name)) {
            return result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                .setErrorMessage("Internal topics cannot be deleted.");
        }
        result.setTopicId(ctx.metadataCache().topicId(name));
        ApiError error = ctx.topicAdmin().deleteTopic(name);
        return result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }

    public void createPartitions(Request request) {
        CreatePartitionsRequest req = request.body(CreatePartitionsRequest.class);
        CreatePartitionsResponseData data = new CreatePartitionsResponseData();
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        for (CreatePartitionsTopic t : req.data().topics()) {
            List<List<Integer>> manual = t.assignments() == null ? null
                : t.assignments().stream().map(a -> (List<Integer>) new ArrayList<>(a.brokerIds())).toList();
            ApiError error = ctx.topicAdmin().createPartitions(t.name(), t.count(), manual,
                req.data().validateOnly());
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name())
                .setErrorCode(error.error().code()).setErrorMessage(error.message());
            data.results().add(result);
            if (error.isSuccess() && !req.data().validateOnly()) {
                waits.add(awaitOrTimeOut(MetadataCache.topicReady(t.name(), t.count()), req.data().timeoutMs(),
                    () -> result.setErrorCode(Errors.REQUEST_TIMED_OUT.code())));
            }
        }
        whenAll(waits, () -> request.sendResponse(new CreatePartitionsResponse(data)));
    }
}
