package io.weir.broker.server;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EndpointInfo;

/**
 * What this broker knows of the cluster: live brokers, topics with their ids, and each
 * partition's replicas, leader, leader epoch and ISR. Every broker answers Metadata from it.
 *
 * <p>Thread-safe: readers see one immutable {@link Snapshot}; writers (the metadata thread)
 * replace it under a lock.
 */
public final class MetadataCache {

    /** One partition's placement and leadership. */
    public record PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch,
                                List<Integer> isr) {
        public PartitionInfo {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }
    }

    /** One topic. */
    public record TopicInfo(String name, Uuid topicId, Map<Integer, PartitionInfo> partitions) {
        public TopicInfo {
            partitions = Map.copyOf(partitions);
        }

        public int numPartitions() {
            return partitions.size();
        }

        public int replicationFactor() {
            return partitions.values().stream().mapToInt(p -> p.replicas().size()).max().orElse(0);
        }
    }

    /** An immutable view of the cluster. */
    public record Snapshot(Map<Integer, BrokerRegistration> brokers, Map<String, TopicInfo> topics,
                           Map<Uuid, String> topicNames, int controllerId) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), -1);

    public Snapshot snapshot() {
        return snapshot;
    }

    public synchronized void updateTopic(TopicInfo topic) {
        Snapshot s = snapshot;
        Map<String, TopicInfo> topics = new HashMap<>(s.topics());
        Map<Uuid, String> names = new HashMap<>(s.topicNames());
        TopicInfo old = topics.put(topic.name(), topic);
        if (old != null) {
            names.remove(old.topicId());
        }
        names.put(topic.topicId(), topic.name());
        snapshot = new Snapshot(s.brokers(), Map.copyOf(topics), Map.copyOf(names), s.controllerId());
    }

    public synchronized void removeTopic(String name) {
        Snapshot s = snapshot;
        TopicInfo old = s.topics().get(name);
        if (old == null) {
            return;
        }
        Map<String, TopicInfo> topics = new HashMap<>(s.topics());
        Map<Uuid, String> names = new HashMap<>(s.topicNames());
        topics.remove(name);
        names.remove(old.topicId());
        snapshot = new Snapshot(s.brokers(), Map.copyOf(topics), Map.copyOf(names), s.controllerId());
    }

    public synchronized void updateBrokers(Collection<BrokerRegistration> brokers) {
        Map<Integer, BrokerRegistration> byId = new TreeMap<>();
        for (BrokerRegistration b : brokers) {
            byId.put(b.id(), b);
        }
        Snapshot s = snapshot;
        snapshot = new Snapshot(Map.copyOf(byId), s.topics(), s.topicNames(), s.controllerId());
    }

    public synchronized void setControllerId(int controllerId) {
        Snapshot s = snapshot;
        snapshot = new Snapshot(s.brokers(), s.topics(), s.topicNames(), controllerId);
    }

    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(snapshot.topics().get(name));
    }

    public Optional<String> topicName(Uuid topicId) {
        return Optional.ofNullable(snapshot.topicNames().get(topicId));
    }

    public Uuid topicId(String name) {
        TopicInfo t = snapshot.topics().get(name);
        return t == null ? Uuid.ZERO_UUID : t.topicId();
    }

    public Optional<PartitionInfo> partition(TopicPartition tp) {
        TopicInfo t = snapshot.topics().get(tp.topic());
        return t == null ? Optional.empty() : Optional.ofNullable(t.partitions().get(tp.partition()));
    }

    public Collection<BrokerRegistration> aliveBrokers() {
        return snapshot.brokers().values();
    }

    /** The endpoint of broker {@code id} on the named listener, if that broker is alive and has it. */
    public Optional<EndpointInfo> endpoint(int id, String listenerName) {
        BrokerRegistration b = snapshot.brokers().get(id);
        if (b == null) {
            return Optional.empty();
        }
        return b.endpoints().stream().filter(e -> e.listenerName().equalsIgnoreCase(listenerName)).findFirst();
    }
}
