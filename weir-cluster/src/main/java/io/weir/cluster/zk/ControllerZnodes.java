package io.weir.cluster.zk;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.kafka.common.TopicPartition;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and small writes around the controller: brokers with their epochs, topics with their
 * configs and partition states in bulk (pipelined), deletion markers and ISR change
 * notifications. Reads that take a {@link CuratorWatcher} leave it on what they read (null: no
 * watch). Thread-safe: stateless over {@link ZkOps}; bulk reads must not run on ZooKeeper's event
 * thread.
 *
 * <p>A broker, topic or partition state znode that does not decode (written by hand, by another
 * tool, or damaged) is left out with an ERROR line: the controller works with everything else. A
 * broker or topic znode keeps its watch, so a fix is seen at once; a partition state is read again
 * with its topic ({@code ControllerZkReader}, which also keeps the controller from recreating it). Failing the whole read instead would fail every controller's failover on
 * the same znode, one broker after another.
 */
final class ControllerZnodes {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerZnodes.class);

    private final ZkOps ops;

    ControllerZnodes(ZkOps ops) {
        this.ops = ops;
    }

    long brokerEpoch(int brokerId) {
        String path = ZkPaths.brokerId(brokerId);
        return ops.exists(path).map(Stat::getCzxid)
            .orElseThrow(() -> new ZkStoreException("broker " + brokerId + " is not registered at " + ops.describe(path)));
    }

    /** Every registered broker with its epoch, in id order; watches the children of {@code /brokers/ids}. */
    List<RegisteredBroker> brokers(CuratorWatcher watcher) {
        Map<String, Integer> idByPath = new HashMap<>();
        for (String child : ops.children(ZkPaths.BROKER_IDS, watcher)) {
            if (isNumber(child)) {
                idByPath.put(ZkPaths.brokerId(Integer.parseInt(child)), Integer.parseInt(child));
            }
        }
        Map<Integer, RegisteredBroker> brokers = new TreeMap<>();
        ops.readAll(idByPath.keySet()).forEach((path, v) -> {
            int id = idByPath.get(path);
            decoded(path, () -> ZkJson.decodeBroker(ops.describe(path), id, v.data()), "broker " + id + " is not counted as live")
                .ifPresent(registration -> brokers.put(id, new RegisteredBroker(registration, v.czxid())));
        });
        return List.copyOf(brokers.values());
    }

    /** Every topic by name; watches the children of {@code /brokers/topics} and each topic znode. */
    Map<String, TopicAssignment> topics(CuratorWatcher watcher) {
        Map<String, String> topicByPath = new HashMap<>();
        ops.children(ZkPaths.TOPICS, watcher).forEach(topic -> topicByPath.put(ZkPaths.topic(topic), topic));
        Map<String, TopicAssignment> topics = new TreeMap<>();
        ops.readAll(topicByPath.keySet(), watcher).forEach((path, v) -> {
            String topic = topicByPath.get(path);
            decodedTopic(path, topic, v.data(), v.version()).ifPresent(t -> topics.put(topic, t));
        });
        return topics;
    }

    /** The children of {@code /brokers/topics}. */
    Set<String> topicNames(CuratorWatcher watcher) {
        return new TreeSet<>(ops.children(ZkPaths.TOPICS, watcher));
    }

    /** One topic, watching its znode when it exists. */
    Optional<TopicAssignment> topic(String topic, CuratorWatcher watcher) {
        String path = ZkPaths.topic(topic);
        return ops.read(path, watcher).flatMap(v -> decodedTopic(path, topic, v.data(), v.version()));
    }

    private Optional<TopicAssignment> decodedTopic(String path, String topic, byte[] data, int zkVersion) {
        return decoded(path, () -> ZkJson.decodeTopic(ops.describe(path), topic, data, zkVersion),
            "topic " + topic + " is left out (its partitions keep their data but get no leaders) until the znode is fixed");
    }

    private static <T> Optional<T> decoded(String path, Supplier<T> decode, String consequence) {
        try {
            return Optional.of(decode.get());
        } catch (ZkStoreException e) {
            LOG.error("Ignoring {}: {}; {}", path, e.getMessage(), consequence);
            return Optional.empty();
        }
    }

    /** The config overrides of these topics (topics without a config znode are absent). */
    Map<String, Map<String, String>> topicConfigs(Collection<String> topics) {
        Map<String, String> topicByPath = new HashMap<>();
        topics.forEach(topic -> topicByPath.put(ZkPaths.topicConfig(topic), topic));
        Map<String, Map<String, String>> configs = new TreeMap<>();
        ops.readAll(topicByPath.keySet()).forEach((path, v) ->
            configs.put(topicByPath.get(path), ZkJson.decodeConfig(ops.describe(path), v.data())));
        return configs;
    }

    /**
     * The states of these partitions, with their versions; partitions without a state znode are in
     * neither part of the answer, those whose znode does not decode are named as unreadable.
     */
    PartitionStates partitionStates(Collection<TopicPartition> partitions) {
        Map<String, TopicPartition> partitionByPath = new HashMap<>();
        partitions.forEach(tp -> partitionByPath.put(ZkPaths.partitionState(tp), tp));
        Map<TopicPartition, LeaderAndIsr> states = new HashMap<>();
        Set<TopicPartition> unreadable = new HashSet<>();
        ops.readAll(partitionByPath.keySet()).forEach((path, v) -> {
            TopicPartition tp = partitionByPath.get(path);
            decoded(path, () -> ZkJson.decodePartitionState(ops.describe(path), v.data(), v.version()),
                "partition " + tp + " is left out (its replicas keep their data but get no leader) until the znode is fixed")
                .ifPresentOrElse(state -> states.put(tp, state), () -> unreadable.add(tp));
        });
        return new PartitionStates(states, unreadable);
    }

    void markTopicForDeletion(String topic) {
        ops.create(ZkPaths.topicDeletion(topic), new byte[0], CreateMode.PERSISTENT, true);
    }

    /** The children of {@code /admin/delete_topics}. */
    Set<String> topicsMarkedForDeletion(CuratorWatcher watcher) {
        return new TreeSet<>(ops.children(ZkPaths.DELETE_TOPICS, watcher));
    }

    void createIsrChangeNotification(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        String prefix = ZkPaths.isrChangeNotification(ZkPaths.ISR_CHANGE_PREFIX);
        byte[] data = ZkJson.encodeIsrChangeNotification(partitions);
        ops.call("create", prefix, () ->
            ops.client().create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(prefix, data));
    }

    /** The pending ISR change notifications by child name, with the partitions each names. */
    Map<String, Set<TopicPartition>> isrChangeNotifications(CuratorWatcher watcher) {
        Map<String, String> nameByPath = new HashMap<>();
        for (String child : ops.children(ZkPaths.ISR_CHANGE_NOTIFICATION, watcher)) {
            if (child.startsWith(ZkPaths.ISR_CHANGE_PREFIX)) {
                nameByPath.put(ZkPaths.isrChangeNotification(child), child);
            }
        }
        Map<String, Set<TopicPartition>> notifications = new TreeMap<>();
        ops.readAll(nameByPath.keySet()).forEach((path, v) -> notifications.put(nameByPath.get(path),
            ZkJson.decodeIsrChangeNotification(ops.describe(path), v.data())));
        return notifications;
    }

    /** Deletes the named notifications; ones already gone are skipped. */
    void deleteIsrChangeNotifications(Collection<String> names) {
        names.forEach(name -> ops.deleteRecursive(ZkPaths.isrChangeNotification(name)));
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }
}
