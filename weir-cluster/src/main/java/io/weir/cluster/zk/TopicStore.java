package io.weir.cluster.zk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Topic assignments ({@code /brokers/topics/<t>}), their config znodes, and partition states
 * ({@code /brokers/topics/<t>/partitions/<p>/state}). Thread-safe: stateless over {@link ZkOps}.
 */
final class TopicStore {

    private static final int MAX_ATTEMPTS = 10;

    private final ZkOps ops;

    TopicStore(ZkOps ops) {
        this.ops = ops;
    }

    void createTopic(String topic, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs) {
        if (assignment.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " needs at least one partition");
        }
        String topicPath = ZkPaths.topic(topic);
        byte[] topicData = ZkJson.encodeTopic(topicId, assignment);
        byte[] configData = ZkJson.encodeConfig(configs);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (tryCreateTopic(topicPath, topicData, ZkPaths.topicConfig(topic), configData)) {
                return;
            }
            if (ops.exists(topicPath).isPresent()) {
                throw new TopicExistsException("Topic '" + topic + "' already exists.");
            }
        }
        throw new ZkStoreException("cannot create " + ops.describe(topicPath) + ": its config znode keeps changing");
    }

    /**
     * One transaction: create the topic znode and create (or overwrite a leftover) config znode.
     * False when a concurrent change made it fail.
     */
    private boolean tryCreateTopic(String topicPath, byte[] topicData, String configPath, byte[] configData) {
        Optional<Stat> configStat = ops.exists(configPath);
        return ops.call("create", topicPath, () -> {
            TransactionOp op = ops.client().transactionOp();
            CuratorOp config = configStat.isPresent()
                ? op.setData().withVersion(configStat.get().getVersion()).forPath(configPath, configData)
                : op.create().forPath(configPath, configData);
            try {
                ops.client().transaction().forOperations(op.create().forPath(topicPath, topicData), config);
                return true;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    Optional<TopicAssignment> getTopic(String topic) {
        String path = ZkPaths.topic(topic);
        return ops.read(path).map(v -> ZkJson.decodeTopic(ops.describe(path), topic, v.data(), v.version()));
    }

    Map<String, TopicAssignment> getAllTopics() {
        Map<String, String> topicByPath = new HashMap<>();
        ops.children(ZkPaths.TOPICS).forEach(topic -> topicByPath.put(ZkPaths.topic(topic), topic));
        Map<String, TopicAssignment> topics = new TreeMap<>();
        ops.readAll(topicByPath.keySet()).forEach((path, v) -> {
            String topic = topicByPath.get(path);
            topics.put(topic, ZkJson.decodeTopic(ops.describe(path), topic, v.data(), v.version()));
        });
        return topics;
    }

    int setTopicAssignment(TopicAssignment updated) {
        String path = ZkPaths.topic(updated.topic());
        OptionalInt version = ops.setData(path, ZkJson.encodeTopic(updated),
            updated.zkVersion());
        if (version.isEmpty()) {
            throw new ZkVersionConflictException(ops.describe(path), updated.zkVersion());
        }
        return version.getAsInt();
    }

    void deleteTopic(String topic) {
        ops.deleteRecursive(ZkPaths.topic(topic));
        ops.deleteRecursive(ZkPaths.topicConfig(topic));
    }

    /** Creates the state znodes (and their parents) of the given partitions in one transaction. */
    void createPartitionStates(String topic, Map<Integer, LeaderAndIsr> states) {
        if (states.isEmpty()) {
            return;
        }
        String partitionsPath = ZkPaths.partitions(topic);
        boolean parentExists = ops.exists(partitionsPath).isPresent();
        Set<String> existing = parentExists ? new HashSet<>(ops.children(partitionsPath)) : Set.of();
        ops.call("create", partitionsPath, () -> {
            List<CuratorOp> creates = partitionStateCreates(topic, states, parentExists, existing);
            try {
                ops.client().transaction().forOperations(creates);
                return null;
            } catch (KeeperException.NodeExistsException e) {
                throw new ZkStoreException("a partition state of topic " + topic + " already exists under "
                    + ops.describe(partitionsPath), e);
            } catch (KeeperException.NoNodeException e) {
                throw new ZkStoreException("topic znode " + ops.describe(ZkPaths.topic(topic)) + " does not exist", e);
            }
        });
    }

    private List<CuratorOp> partitionStateCreates(String topic, Map<Integer, LeaderAndIsr> states,
                                                  boolean parentExists, Set<String> existing) throws Exception {
        TransactionOp op = ops.client().transactionOp();
        List<CuratorOp> creates = new ArrayList<>();
        if (!parentExists) {
            creates.add(op.create().forPath(ZkPaths.partitions(topic), new byte[0]));
        }
        for (Map.Entry<Integer, LeaderAndIsr> e : new TreeMap<>(states).entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            if (!existing.contains(Integer.toString(e.getKey()))) {
                creates.add(op.create().forPath(ZkPaths.partition(tp), new byte[0]));
            }
            creates.add(op.create().forPath(ZkPaths.partitionState(tp), ZkJson.encodePartitionState(e.getValue())));
        }
        return creates;
    }

    Optional<LeaderAndIsr> getPartitionState(TopicPartition tp) {
        String path = ZkPaths.partitionState(tp);
        return ops.read(path).map(v -> ZkJson.decodePartitionState(ops.describe(path), v.data(), v.version()));
    }

    Map<TopicPartition, LeaderAndIsr> getPartitionStates(String topic) {
        Map<String, TopicPartition> partitionByPath = new HashMap<>();
        for (String child : ops.children(ZkPaths.partitions(topic))) {
            if (!child.isEmpty() && child.chars().allMatch(Character::isDigit)) {
                TopicPartition tp = new TopicPartition(topic, Integer.parseInt(child));
                partitionByPath.put(ZkPaths.partitionState(tp), tp);
            }
        }
        Map<TopicPartition, LeaderAndIsr> states = new TreeMap<>(
            (a, b) -> Integer.compare(a.partition(), b.partition()));
        ops.readAll(partitionByPath.keySet()).forEach((path, v) -> states.put(partitionByPath.get(path),
            ZkJson.decodePartitionState(ops.describe(path), v.data(), v.version())));
        return states;
    }

    OptionalInt updatePartitionState(TopicPartition tp, LeaderAndIsr newState, int expectedZkVersion) {
        return ops.setData(ZkPaths.partitionState(tp), ZkJson.encodePartitionState(newState), expectedZkVersion);
    }
}
