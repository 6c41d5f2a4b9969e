package io.weir.broker.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

import io.weir.broker.network.Request;
import io.weir.broker.server.FetchParams;
import io.weir.broker.server.FetchPartitionResult;
import io.weir.broker.server.FetchSessionCache;
import io.weir.broker.server.FetchSessionCache.FetchContext;
import io.weir.broker.server.ReplicaManager.FetchPosition;

/**
 * Fetch for consumers and followers: sessionless and incremental fetch sessions (KIP-227),
 * topics by name (v4-12) or id (v13+), long-poll through the ReplicaManager, and record bytes
 * handed to the network layer as file slices (zero-copy). A follower's fetch (replica id >= 0)
 * reads up to the leader's LEO and records the follower's position, which moves the HW and may
 * grow the ISR; the answer carries the HW after that. A consumer's v11+ fetch carries its rack:
 * a leader may answer with a preferred read replica and no records, a follower serves it up to its
 * own HW (KIP-392).
 *
 * <p>Stateless apart from the session cache; runs on network threads (or handler threads,
 * {@code weir.network.inline.requests.enable=false}) and must not block.
 */
public final class FetchApi implements ApiHandler {

    private final BrokerContext ctx;

    public FetchApi(BrokerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request request) {
        FetchRequest req = request.body(FetchRequest.class);
        Map<Uuid, String> names = ctx.metadataCache().snapshot().topicNames();
        FetchContext context = ctx.fetchSessionCache().newContext(req.metadata(),
            FetchSessionCache.cached(req.fetchData(names)), req.forgottenTopics(names), req.replicaId() >= 0);
        if (context.error() != Errors.NONE) {
            sendError(request, context.error());
            return;
        }
        fetch(request, req, context);
    }

    private void fetch(Request request, FetchRequest req, FetchContext context) {
        int maxBytes = Math.min(req.maxBytes(), ctx.config().fetchMaxBytes());
        FetchParams params = new FetchParams(req.replicaId(), req.maxWait(), req.minBytes(), maxBytes,
            req.isolationLevel(), clientMetadata(request, req));
        LinkedHashMap<TopicIdPartition, FetchPosition> positions = new LinkedHashMap<>();
        LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> unknown = new LinkedHashMap<>();
        context.partitions().forEach((tip, cp) -> {
            if (tip.topic() == null) {
                unknown.put(tip, errorData(tip.partition(), Errors.UNKNOWN_TOPIC_ID));
            } else {
                positions.put(tip, cp.position());
            }
        });
        ctx.replicaManager().fetchMessages(params, positions, context.readsByNews(), results -> {
            LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> data = new LinkedHashMap<>(unknown);
            CurrentLeaders leaders = new CurrentLeaders(ctx, request);
            results.forEach((tip, r) -> {
                if (context.include(tip, r)) {
                    FetchResponseData.PartitionData pd = partitionData(tip.partition(), notHosted(tip, r));
                    data.put(tip, withCurrentLeader(request, leaders, tip, pd));
                }
            });
            List<Node> endpoints = request.apiVersion() >= 16 ? leaders.nodeEndpoints() : List.of();
            request.sendResponse(FetchResponse.of(Errors.NONE, 0, context.sessionId(), data, endpoints));
        });
    }

    private FetchPartitionResult notHosted(TopicIdPartition tip, FetchPartitionResult r) {
        Errors error = CurrentLeaders.notHosted(ctx.metadataCache(), tip.topicPartition(), r.error());
        return error == r.error() ? r : FetchPartitionResult.error(error);
    }

    /**
     * A consumer's Fetch v11+ carries its rack (KIP-392): it may then be served by a follower, and
     * the leader may send it to a preferred read replica. Followers and older consumers have none.
     */
    private static Optional<ClientMetadata> clientMetadata(Request request, FetchRequest req) {
        if (req.replicaId() >= 0 || request.apiVersion() < 11) {
            return Optional.empty();
        }
        return Optional.of(new ClientMetadata.DefaultClientMetadata(req.rackId(), request.clientId(),
            request.clientAddress(), KafkaPrincipal.ANONYMOUS, request.listenerName()));
    }

    private static FetchResponseData.PartitionData partitionData(int partition, FetchPartitionResult r) {
        return new FetchResponseData.PartitionData()
            .setPartitionIndex(partition)
            .setErrorCode(r.error().code())
            .setHighWatermark(r.highWatermark())
            .setLastStableOffset(r.lastStableOffset())
            .setLogStartOffset(r.logStartOffset())
            .setPreferredReadReplica(r.preferredReadReplica())
            .setRecords(r.records());
    }

    /**
     * KIP-951: a client told NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH also learns the leader
     * and epoch (v12+; Kafka sets them from v16, the schema allows them from v12) and, from v16,
     * that leader's endpoint, so it need not wait for a metadata refresh.
     */
    private static FetchResponseData.PartitionData withCurrentLeader(Request request, CurrentLeaders leaders,
                                                                     TopicIdPartition tip,
                                                                     FetchResponseData.PartitionData pd) {
        if (request.apiVersion() >= 12 && CurrentLeaders.namesLeader(Errors.forCode(pd.errorCode()))) {
            CurrentLeaders.LeaderAndEpoch leader = leaders.leaderOf(tip.topicPartition());
            pd.currentLeader().setLeaderId(leader.leaderId()).setLeaderEpoch(leader.leaderEpoch());
        }
        return pd;
    }

    private static FetchResponseData.PartitionData errorData(int partition, Errors error) {
        return new FetchResponseData.PartitionData().setPartitionIndex(partition).setErrorCode(error.code())
            .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1).setRecords(MemoryRecords.EMPTY);
    }

    private static void sendError(Request request, Errors error) {
        request.sendResponse(FetchResponse.of(error, 0, FetchMetadata.INVALID_SESSION_ID, new LinkedHashMap<>(), List.of()));
    }

}
