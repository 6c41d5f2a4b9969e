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
import io.weir.broker.server.FetchSessionCache.CachedPartition;
import io.weir.broker.server.FetchSessionCache.FetchSession;
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
        FetchMetadata md = req.metadata();
        Map<Uuid, String> names = ctx.metadataCache().snapshot().topicNames();
        Map<TopicIdPartition, FetchRequest.PartitionData> fetchData = req.fetchData(names);
        FetchSessionCache sessions = ctx.fetchSessionCache();
        FetchSession session = null;
        LinkedHashMap<TopicIdPartition, CachedPartition> partitions;
        if (md.isFull()) {
            if (md.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                sessions.remove(md.sessionId());
            }
            partitions = toCached(fetchData);
            if (md.epoch() == FetchMetadata.INITIAL_EPOCH) {
                session = sessions.create(partitions, req.replicaId() >= 0);
            }
        } else {
            session = sessions.get(md.sessionId());
            if (session == null) {
                sendError(request, Errors.FETCH_SESSION_ID_NOT_FOUND);
                return;
            }
            synchronized (session) {
                if (session.nextEpoch() != md.epoch()) {
                    sendError(request, Errors.INVALID_FETCH_SESSION_EPOCH);
                    return;
                }
                session.update(toCached(fetchData), req.forgottenTopics(names));
                session.advanceEpoch(ctx.time().milliseconds());
                partitions = new LinkedHashMap<>(session.partitions());
            }
        }
        fetch(request, req, session, !md.isFull(), partitions);
    }

    private void fetch(Request request, FetchRequest req, FetchSession session, boolean incremental,
                       LinkedHashMap<TopicIdPartition, CachedPartition> partitions) {
        int maxBytes = Math.min(req.maxBytes(), ctx.config().fetchMaxBytes());
        FetchParams params = new FetchParams(req.replicaId(), req.maxWait(), req.minBytes(), maxBytes,
            req.isolationLevel(), clientMetadata(request, req));
        LinkedHashMap<TopicIdPartition, FetchPosition> positions = new LinkedHashMap<>();
        LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> unknown = new LinkedHashMap<>();
        partitions.forEach((tip, cp) -> {
            if (tip.topic() == null) {
                unknown.put(tip, errorData(tip.partition(), Errors.UNKNOWN_TOPIC_ID));
            } else {
                positions.put(tip, new FetchPosition(cp.fetchOffset(), cp.maxBytes(), cp.currentLeaderEpoch(),
                    cp.fetcherLogStartOffset()));
            }
        });
        int sessionId = session == null ? FetchMetadata.INVALID_SESSION_ID : session.id();
        ctx.replicaManager().fetchMessages(params, positions, results -> {
            LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> data = new LinkedHashMap<>(unknown);
            CurrentLeaders leaders = new CurrentLeaders(ctx, request);
            results.forEach((tip, r) -> {
                boolean news = session == null || recordNews(session, tip, r);
                if (!incremental || news) {
                    FetchResponseData.PartitionData pd = partitionData(tip.partition(), notHosted(tip, r));
                    data.put(tip, withCurrentLeader(request, leaders, tip, pd));
                }
            });
            List<Node> endpoints = request.apiVersion() >= 16 ? leaders.nodeEndpoints() : List.of();
            request.sendResponse(FetchResponse.of(Errors.NONE, 0, sessionId, data, endpoints));
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

    private static boolean recordNews(FetchSession session, TopicIdPartition tip, FetchPartitionResult r) {
        synchronized (session) {
            CachedPartition cp = session.partitions().get(tip);
            return cp == null || cp.maybeUpdateResponseData(r);
        }
    }

    private static LinkedHashMap<TopicIdPartition, CachedPartition> toCached(
            Map<TopicIdPartition, FetchRequest.PartitionData> fetchData) {
        LinkedHashMap<TopicIdPartition, CachedPartition> cached = new LinkedHashMap<>();
        fetchData.forEach((tip, pd) -> cached.put(tip, new CachedPartition(pd.fetchOffset, pd.maxBytes,
            pd.currentLeaderEpoch.orElse(-1), pd.logStartOffset)));
        return cached;
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
