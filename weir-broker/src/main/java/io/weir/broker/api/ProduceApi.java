package io.weir.broker.api;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.NodeEndpoint;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

import io.weir.broker.network.Request;
import io.weir.broker.server.ProducePartitionResult;

/**
 * Produce: resolves topics by name (v3-12) or id (v13), appends through the ReplicaManager and
 * answers per partition; from v10 a partition answered NOT_LEADER_OR_FOLLOWER names the current
 * leader and the response lists its endpoint (KIP-951, {@link CurrentLeaders}). acks=0 sends no
 * response; as in Kafka, a failed acks=0 produce closes the connection so the client learns
 * something went wrong.
 *
 * <p>Stateless; runs on network threads (or handler threads, {@code weir.network.inline.requests.enable=false})
 * and must not block; completes on whichever thread completes the append.
 */
public final class ProduceApi implements ApiHandler {

    private final BrokerContext ctx;

    public ProduceApi(BrokerContext ctx) {
        this.ctx = ctx;
    }

    /** Keys results of unknown topic ids; '?' cannot appear in a topic name. */
    private static final String UNKNOWN_ID_PREFIX = "?unknown-id:";

    @Override
    public void handle(Request request) {
        ProduceRequest req = request.body(ProduceRequest.class);
        short acks = req.acks();
        Map<TopicPartition, ProducePartitionResult> failed = new LinkedHashMap<>();
        Map<TopicPartition, MemoryRecords> entries = new LinkedHashMap<>();
        Map<String, Uuid> topicIds = new HashMap<>();
        for (ProduceRequestData.TopicProduceData topic : req.data().topicData()) {
            String name = resolveName(topic);
            // An id this broker does not know yet (a restart before the controller's metadata
            // arrived) is answered UNKNOWN_TOPIC_ID under that same id, so the client retries.
            String key = name != null ? name : UNKNOWN_ID_PREFIX + topic.topicId();
            topicIds.put(key, topic.topicId());
            for (ProduceRequestData.PartitionProduceData pd : topic.partitionData()) {
                TopicPartition tp = new TopicPartition(key, pd.index());
                Errors error = validate(name, acks, request.apiVersion(), pd);
                if (error != Errors.NONE) {
                    failed.put(tp, ProducePartitionResult.error(error, null));
                } else {
                    entries.put(tp, (MemoryRecords) pd.records());
                }
            }
        }
        ctx.replicaManager().appendRecords(req.timeout(), acks, entries, results -> {
            Map<TopicPartition, ProducePartitionResult> all = new LinkedHashMap<>(failed);
            all.putAll(results);
            respond(request, acks, all, topicIds);
        });
    }

    /**
     * The topic's name: from the request (v12 and older), else its id in the metadata cache, else
     * a partition this broker hosts under that id. Without the last, a new leader that has the
     * controller's LeaderAndIsr but not yet its UpdateMetadata answers UNKNOWN_TOPIC_ID to a
     * batch while accepting the ones pipelined after it once the metadata lands; the idempotent
     * producer's retry of that first batch then meets OUT_OF_ORDER_SEQUENCE_NUMBER for as long as
     * it retries (seen in FaultIT).
     */
    private String resolveName(ProduceRequestData.TopicProduceData topic) {
        if (topic.name() != null && !topic.name().isEmpty()) {
            return topic.name();
        }
        return ctx.metadataCache().topicName(topic.topicId())
            .or(() -> ctx.replicaManager().hostedTopicName(topic.topicId())).orElse(null);
    }

    private Errors validate(String name, short acks, short version,
                            ProduceRequestData.PartitionProduceData pd) {
        if (name == null) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        if (acks != 0 && acks != 1 && acks != -1) {
            return Errors.INVALID_REQUIRED_ACKS;
        }
        if (!(pd.records() instanceof MemoryRecords)) {
            return Errors.CORRUPT_MESSAGE;
        }
        try {
            ProduceRequest.validateRecords(version, pd.records());
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        return Errors.NONE;
    }

    private void respond(Request request, short acks, Map<TopicPartition, ProducePartitionResult> results,
                         Map<String, Uuid> topicIds) {
        if (acks == 0) {
            boolean anyError = results.values().stream().anyMatch(r -> r.error() != Errors.NONE);
            if (anyError) {
                request.closeConnection();
            } else {
                request.noResponse();
            }
            return;
        }
        ProduceResponseData data = new ProduceResponseData();
        Map<String, TopicProduceResponse> byTopic = new LinkedHashMap<>();
        CurrentLeaders leaders = new CurrentLeaders(ctx, request);
        results.forEach((tp, r) -> {
            TopicProduceResponse topic = byTopic.computeIfAbsent(tp.topic(), t -> {
                TopicProduceResponse created = new TopicProduceResponse()
                    .setName(t.startsWith(UNKNOWN_ID_PREFIX) ? "" : t)
                    .setTopicId(topicIds.getOrDefault(t, Uuid.ZERO_UUID));
                data.responses().add(created);
                return created;
            });
            topic.partitionResponses().add(partitionResponse(request, leaders, tp, r));
        });
        for (Node node : leaders.nodeEndpoints()) {
            data.nodeEndpoints().add(new NodeEndpoint().setNodeId(node.id()).setHost(node.host())
                .setPort(node.port()).setRack(node.rack()));
        }
        request.sendResponse(new ProduceResponse(data));
    }

    /**
     * From v10, a partition whose leader is elsewhere names it (KIP-951). Produce never answers
     * FENCED_LEADER_EPOCH (the request carries no leader epoch), so as in Kafka only
     * NOT_LEADER_OR_FOLLOWER does.
     */
    private PartitionProduceResponse partitionResponse(Request request, CurrentLeaders leaders, TopicPartition tp,
                                                       ProducePartitionResult r) {
        Errors error = CurrentLeaders.notHosted(ctx.metadataCache(), tp, r.error());
        PartitionProduceResponse partition = new PartitionProduceResponse()
            .setIndex(tp.partition())
            .setErrorCode(error.code())
            .setErrorMessage(r.errorMessage())
            .setBaseOffset(r.baseOffset())
            .setLogAppendTimeMs(r.logAppendTimeMs())
            .setLogStartOffset(r.logStartOffset());
        if (request.apiVersion() >= 10 && CurrentLeaders.namesLeader(error)) {
            CurrentLeaders.LeaderAndEpoch leader = leaders.leaderOf(tp);
            partition.currentLeader().setLeaderId(leader.leaderId()).setLeaderEpoch(leader.leaderEpoch());
        }
        return partition;
    }
}
