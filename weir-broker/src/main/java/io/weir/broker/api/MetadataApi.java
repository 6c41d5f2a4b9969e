package io.weir.broker.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

import io.weir.broker.admin.TopicAdmin;
import io.weir.broker.network.Request;
import io.weir.broker.server.MetadataCache;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EndpointInfo;

/**
 * Metadata: brokers on the caller's listener, topics with ids, partitions with leader, epoch,
 * replicas, ISR and offline replicas; unknown topics are auto-created when
 * {@code auto.create.topics.enable} and the client allows it (answering LEADER_NOT_AVAILABLE
 * only if the new partitions have no leader yet, as Kafka does).
 *
 * <p>Stateless apart from its collaborators; runs on handler threads.
 */
public final class MetadataApi implements ApiHandler {

    private final BrokerContext ctx;

    public MetadataApi(BrokerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request request) {
        MetadataRequest req = request.body(MetadataRequest.class);
        MetadataCache cache = ctx.metadataCache();
        MetadataResponseData data = new MetadataResponseData()
            .setClusterId(ctx.clusterId())
            .setControllerId(cache.snapshot().controllerId());
        data.brokers().addAll(brokers(cache.aliveBrokers(), request.listenerName()));
        if (req.isAllTopics()) {
            for (MetadataCache.TopicInfo t : cache.snapshot().topics().values()) {
                data.topics().add(topicMetadata(t));
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic rt : req.data().topics()) {
                data.topics().add(requestedTopic(rt, req));
            }
        }
        request.sendResponse(new MetadataResponse(data, request.apiVersion()));
    }

    private MetadataResponseTopic requestedTopic(MetadataRequestData.MetadataRequestTopic rt, MetadataRequest req) {
        MetadataCache cache = ctx.metadataCache();
        String name = rt.name();
        if (name == null && rt.topicId() != null && !Uuid.ZERO_UUID.equals(rt.topicId())) {
            Optional<String> byId = cache.topicName(rt.topicId());
            if (byId.isEmpty()) {
                return new MetadataResponseTopic().setTopicId(rt.topicId())
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
            }
            name = byId.get();
        }
        Optional<MetadataCache.TopicInfo> info = cache.topic(name);
        if (info.isPresent()) {
            return topicMetadata(info.get());
        }
        return maybeAutoCreate(name, req.allowAutoTopicCreation());
    }

    private MetadataResponseTopic maybeAutoCreate(String name, boolean allowed) {
        MetadataResponseTopic unknown = new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
            .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        if (!allowed || !ctx.config().autoCreateTopicsEnable()) {
            return unknown;
        }
        if (Topic.isInternal(name) || !Topic.isValid(name)) {
            return unknown.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        TopicAdmin.Created created = ctx.topicAdmin().createTopic(
            new TopicAdmin.NewTopic(name, -1, (short) -1, Map.of(), Map.of()), false);
        Errors error = created.error().error();
        if (error != Errors.NONE && error != Errors.TOPIC_ALREADY_EXISTS) {
            return unknown.setErrorCode(error.code());
        }
        // As in Kafka: the controller elects the new topic's leaders; the client retries meanwhile.
        return new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
            .setErrorCode(Errors.LEADER_NOT_AVAILABLE.code());
    }

    private MetadataResponseTopic topicMetadata(MetadataCache.TopicInfo t) {
        MetadataResponseTopic topic = new MetadataResponseTopic()
            .setName(t.name())
            .setTopicId(t.topicId())
            .setIsInternal(Topic.isInternal(t.name()))
            .setErrorCode(Errors.NONE.code());
        Collection<BrokerRegistration> alive = ctx.metadataCache().aliveBrokers();
        List<Integer> aliveIds = alive.stream().map(BrokerRegistration::id).toList();
        t.partitions().values().stream()
            .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
            .forEach(p -> topic.partitions().add(partitionMetadata(p, aliveIds)));
        return topic;
    }

    private static MetadataResponsePartition partitionMetadata(MetadataCache.PartitionInfo p, List<Integer> alive) {
        List<Integer> offline = new ArrayList<>();
        for (int r : p.replicas()) {
            if (!alive.contains(r)) {
                offline.add(r);
            }
        }
        boolean leaderAlive = p.leader() >= 0 && alive.contains(p.leader());
        return new MetadataResponsePartition()
            .setPartitionIndex(p.partition())
            .setErrorCode(leaderAlive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
            .setLeaderId(leaderAlive ? p.leader() : -1)
            .setLeaderEpoch(p.leaderEpoch())
            .setReplicaNodes(new ArrayList<>(p.replicas()))
            .setIsrNodes(new ArrayList<>(p.isr()))
            .setOfflineReplicas(offline);
    }

    static List<MetadataResponseBroker> brokers(Collection<BrokerRegistration> alive, String listener) {
        List<MetadataResponseBroker> result = new ArrayList<>();
        for (BrokerRegistration b : alive) {
            Optional<EndpointInfo> ep = b.endpoints().stream()
                .filter(e -> listener == null || e.listenerName().equalsIgnoreCase(listener))
                .findFirst();
            ep.ifPresent(e -> result.add(new MetadataResponseBroker().setNodeId(b.id()).setHost(e.host())
                .setPort(e.port()).setRack(b.rack().orElse(null))));
        }
        return result;
    }
}
