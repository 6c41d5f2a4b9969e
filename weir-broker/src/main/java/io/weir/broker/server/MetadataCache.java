package io.weir.broker.server;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.common.Node;
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

    /** A caller waiting for the cache to satisfy a condition. */
    private record Waiter(Predicate<Snapshot> condition, CompletableFuture<Boolean> future) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), -1);
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Completes with true once a snapshot satisfies {@code condition} (at once if this one does),
     * or with false after {@code timeoutMs}. Kafka's CreateTopics and DeleteTopics wait this way
     * for the controller's metadata to reach the broker that answers.
     */
    public CompletableFuture<Boolean> await(Predicate<Snapshot> condition, long timeoutMs) {
        CompletableFuture<Boolean> future = new CompletableFuture<>();
        Waiter waiter = new Waiter(condition, future);
        waiters.add(waiter);
        if (condition.test(snapshot)) {
            future.complete(true);
        }
        future.whenComplete((r, e) -> waiters.remove(waiter));
        return future.completeOnTimeout(false, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** True when {@code topic} exists with at least {@code partitions} partitions, each with a leader. */
    public static Predicate<Snapshot> topicReady(String topic, int partitions) {
        return s -> {
            TopicInfo t = s.topics().get(topic);
            return t != null && t.numPartitions() >= partitions
                && t.partitions().values().stream().allMatch(p -> p.leader() >= 0);
        };
    }

    /** True when {@code topic} is gone. */
    public static Predicate<Snapshot> topicGone(String topic) {
        return s -> !s.topics().containsKey(topic);
    }

    private void publish(Snapshot next) {
        snapshot = next;
        for (Waiter w : waiters) {
            if (!w.future().isDone() && w.condition().test(next)) {
                w.future().complete(true);
            }
        }
    }

    /**
     * Applies a controller UpdateMetadata: the live brokers, and the given partitions (all of them
     * when {@code full}, which replaces every topic). A partition with leader -2 belongs to a topic
     * being deleted and leaves the cache, as in Kafka. Returns the topics that disappeared, with
     * their partition counts.
     */
    public synchronized Map<String, Integer> applyUpdate(Collection<BrokerRegistration> brokers,
                                                          Collection<TopicPartitionUpdate> partitions, boolean full) {
        Snapshot s = snapshot;
        Map<String, TopicInfo> topics = full ? new HashMap<>() : new HashMap<>(s.topics());
        for (TopicPartitionUpdate u : partitions) {
            TopicInfo old = topics.get(u.topic());
            Map<Integer, PartitionInfo> ps = old == null || !old.topicId().equals(u.topicId())
                ? new HashMap<>() : new HashMap<>(old.partitions());
            if (u.info().leader() == -2) {
                ps.remove(u.info().partition());
            } else {
                ps.put(u.info().partition(), u.info());
            }
            if (ps.isEmpty()) {
                topics.remove(u.topic());
            } else {
                topics.put(u.topic(), new TopicInfo(u.topic(), u.topicId(), ps));
            }
        }
        Map<String, Integer> removed = new HashMap<>();
        s.topics().forEach((name, t) -> {
            TopicInfo now = topics.get(name);
            if (now == null || !now.topicId().equals(t.topicId())) {
                removed.put(name, t.numPartitions());
            }
        });
        Map<Uuid, String> names = new HashMap<>();
        topics.values().forEach(t -> names.put(t.topicId(), t.name()));
        Map<Integer, BrokerRegistration> byId = new TreeMap<>();
        brokers.forEach(b -> byId.put(b.id(), b));
        publish(new Snapshot(Map.copyOf(byId), Map.copyOf(topics), Map.copyOf(names), s.controllerId()));
        return removed;
    }

    /** One partition of an UpdateMetadata. */
    public record TopicPartitionUpdate(String topic, Uuid topicId, PartitionInfo info) {
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
        publish(new Snapshot(s.brokers(), Map.copyOf(topics), Map.copyOf(names), s.controllerId()));
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
        publish(new Snapshot(s.brokers(), Map.copyOf(topics), Map.copyOf(names), s.controllerId()));
    }

    public synchronized void updateBrokers(Collection<BrokerRegistration> brokers) {
        Map<Integer, BrokerRegistration> byId = new TreeMap<>();
        for (BrokerRegistration b : brokers) {
            byId.put(b.id(), b);
        }
        Snapshot s = snapshot;
        publish(new Snapshot(Map.copyOf(byId), s.topics(), s.topicNames(), s.controllerId()));
    }

    public synchronized void setControllerId(int controllerId) {
        Snapshot s = snapshot;
        publish(new Snapshot(s.brokers(), s.topics(), s.topicNames(), controllerId));
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

    /**
     * Broker {@code id} as a client on the named listener sees it (host, port, rack), if that
     * broker is alive and has the listener.
     */
    public Optional<Node> node(int id, String listenerName) {
        BrokerRegistration b = snapshot.brokers().get(id);
        return endpoint(id, listenerName).map(e -> new Node(id, e.host(), e.port(), b.rack().orElse(null)));
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
