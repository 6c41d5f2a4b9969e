package io.weir.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.broker.network.Request;
import io.weir.broker.server.MetadataCache;

/**
 * KIP-951 for one Produce or Fetch response: a partition answered NOT_LEADER_OR_FOLLOWER or
 * FENCED_LEADER_EPOCH names its leader and epoch as this broker knows them (its own partition
 * state, else the metadata cache), and the response lists those leaders' endpoints on the
 * listener the request came in on, so the client retries there without a metadata refresh.
 * Kafka's rules (KafkaApis {@code getCurrentLeader}): only live brokers with that listener are
 * listed; a leader this broker does not know stays -1.
 *
 * <p>One per response; not thread-safe (used by the thread that builds the response).
 */
final class CurrentLeaders {

    /** A partition's leader and leader epoch; -1 for what this broker does not know. */
    record LeaderAndEpoch(int leaderId, int leaderEpoch) {
        static final LeaderAndEpoch UNKNOWN = new LeaderAndEpoch(-1, -1);
    }

    private final BrokerContext ctx;
    private final String listenerName;
    private final Map<Integer, Node> nodes = new TreeMap<>();

    CurrentLeaders(BrokerContext ctx, Request request) {
        this.ctx = ctx;
        this.listenerName = request.listenerName();
    }

    /** Whether a client told {@code error} should learn the current leader. */
    static boolean namesLeader(Errors error) {
        return error == Errors.NOT_LEADER_OR_FOLLOWER || error == Errors.FENCED_LEADER_EPOCH;
    }

    /**
     * Kafka's rule: UNKNOWN_TOPIC_OR_PARTITION only for partitions the cluster does not have; one
     * that exists but is not hosted here is NOT_LEADER_OR_FOLLOWER, so the client looks elsewhere.
     */
    static Errors notHosted(MetadataCache metadataCache, TopicPartition tp, Errors error) {
        if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION && metadataCache.partition(tp).isPresent()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return error;
    }

    /** The leader of {@code tp} as this broker knows it; its endpoint joins {@link #nodeEndpoints()}. */
    LeaderAndEpoch leaderOf(TopicPartition tp) {
        LeaderAndEpoch leader = ctx.replicaManager().partition(tp)
            .map(p -> new LeaderAndEpoch(p.leaderId(), p.leaderEpoch()))
            .or(() -> ctx.metadataCache().partition(tp).map(i -> new LeaderAndEpoch(i.leader(), i.leaderEpoch())))
            .orElse(LeaderAndEpoch.UNKNOWN);
        if (leader.leaderId() >= 0) {
            ctx.metadataCache().node(leader.leaderId(), listenerName).ifPresent(n -> nodes.put(n.id(), n));
        }
        return leader;
    }

    /** The endpoints of the leaders named so far, by node id. */
    List<Node> nodeEndpoints() {
        return new ArrayList<>(nodes.values());
    }
}
