package io.weir.broker.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.BrokerConfig;
import io.weir.broker.server.MetadataCache;
import io.weir.cluster.controller.ReplicaAssignor;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.TopicAssignment;
import io.weir.cluster.zk.ZkStore;
import io.weir.storage.LogConfig;

/**
 * Creates, grows and deletes topics and changes their configs in ZooKeeper, with Kafka's
 * validation and error codes. It writes only the topic, config and deletion znodes; the controller
 * sees them, creates the partition states, elects leaders and tells the brokers (which is what
 * {@code TopicApis} waits for before it answers).
 *
 * <p>Thread-safe: ZooKeeper's conditional writes arbitrate between concurrent callers.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final ZkStore zk;
    private final MetadataCache metadataCache;
    private final BrokerConfig config;
    private final Random random = new Random();

    public TopicAdmin(ZkStore zk, MetadataCache metadataCache, BrokerConfig config) {
        this.zk = zk;
        this.metadataCache = metadataCache;
        this.config = config;
    }

    /** A topic creation request, with -1 meaning "the broker's default". */
    public record NewTopic(String name, int numPartitions, short replicationFactor,
                           Map<Integer, List<Integer>> manualAssignment, Map<String, String> configs) {
    }

    /** What was (or, with validateOnly, would be) created. */
    public record Created(ApiError error, Uuid topicId, int numPartitions, short replicationFactor,
                          Map<Integer, List<Integer>> assignment) {
    }

    public Created createTopic(NewTopic request, boolean validateOnly) {
        try {
            Topic.validate(request.name());
        } catch (InvalidTopicException e) {
            return failed(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (metadataCache.topic(request.name()).isPresent()) {
            return failed(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + request.name() + "' already exists.");
        }
        ApiError configError = validateConfigs(request.configs());
        if (configError.isFailure()) {
            return new Created(configError, Uuid.ZERO_UUID, -1, (short) -1, Map.of());
        }
        Map<Integer, List<Integer>> assignment;
        try {
            assignment = assignmentFor(request);
        } catch (AssignmentException e) {
            return failed(e.error, e.getMessage());
        }
        int partitions = assignment.size();
        short rf = (short) assignment.values().iterator().next().size();
        Uuid topicId = Uuid.randomUuid();
        if (validateOnly) {
            return new Created(ApiError.NONE, topicId, partitions, rf, assignment);
        }
        try {
            zk.createTopic(request.name(), topicId, assignment, request.configs());
        } catch (TopicExistsException e) {
            return failed(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + request.name() + "' already exists.");
        }
        LOG.info("Created topic {} with {} partitions, replication factor {}, id {}", request.name(), partitions,
            rf, topicId);
        return new Created(ApiError.NONE, topicId, partitions, rf, assignment);
    }

    private Map<Integer, List<Integer>> assignmentFor(NewTopic request) throws AssignmentException {
        List<Integer> brokers = aliveBrokerIds();
        if (request.manualAssignment() != null && !request.manualAssignment().isEmpty()) {
            if (request.numPartitions() != -1 || request.replicationFactor() != -1) {
                throw new AssignmentException(Errors.INVALID_REQUEST,
                    "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used "
                        + "at the same time.");
            }
            return validateManualAssignment(request.manualAssignment(), 0, brokers);
        }
        int partitions = request.numPartitions() == -1 ? config.numPartitions() : request.numPartitions();
        short rf = request.replicationFactor() == -1 ? config.defaultReplicationFactor() : request.replicationFactor();
        if (partitions <= 0) {
            throw new AssignmentException(Errors.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
        }
        if (rf <= 0) {
            throw new AssignmentException(Errors.INVALID_REPLICATION_FACTOR,
                "Replication factor must be larger than 0.");
        }
        if (rf > brokers.size()) {
            throw new AssignmentException(Errors.INVALID_REPLICATION_FACTOR, "Replication factor: " + rf
                + " larger than available brokers: " + brokers.size() + ".");
        }
        return place(partitions, rf, 0);
    }

    private static Map<Integer, List<Integer>> validateManualAssignment(Map<Integer, List<Integer>> manual,
                                                                        int firstPartition, List<Integer> brokers)
            throws AssignmentException {
        Map<Integer, List<Integer>> result = new LinkedHashMap<>();
        int rf = -1;
        for (int p = firstPartition; p < firstPartition + manual.size(); p++) {
            List<Integer> replicas = manual.get(p);
            if (replicas == null) {
                throw new AssignmentException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Partitions should be consecutive from " + firstPartition + "; partition " + p + " is missing.");
            }
            if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
                throw new AssignmentException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Partition " + p + " has an empty or duplicate replica list " + replicas + ".");
            }
            if (rf != -1 && replicas.size() != rf) {
                throw new AssignmentException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "All partitions should have the same number of replicas.");
            }
            rf = replicas.size();
            if (!brokers.containsAll(replicas)) {
                throw new AssignmentException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Partition " + p + " names a broker that is not alive: " + replicas + ".");
            }
            result.put(p, List.copyOf(replicas));
        }
        return result;
    }

    /** INVALID_CONFIG for an unknown topic config name or a bad value. */
    public ApiError validateConfigs(Map<String, String> configs) {
        Set<String> known = LogConfig.configNames();
        for (String key : configs.keySet()) {
            if (!known.contains(key)) {
                return new ApiError(Errors.INVALID_CONFIG, "Unknown topic config name: " + key);
            }
        }
        try {
            LogConfig.fromProps(config.topicDefaults(), configs);
            return ApiError.NONE;
        } catch (ConfigException e) {
            return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
        }
    }

    /** Adds partitions to a topic (CreatePartitions). */
    public ApiError createPartitions(String topic, int newCount, List<List<Integer>> manual, boolean validateOnly) {
        Optional<TopicAssignment> existing = zk.getTopic(topic);
        if (existing.isEmpty()) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
        }
        TopicAssignment current = existing.get();
        if (!current.addingReplicas().isEmpty() || !current.removingReplicas().isEmpty()) {
            return new ApiError(Errors.REASSIGNMENT_IN_PROGRESS, "A partition reassignment is in progress for the "
                + "topic '" + topic + "'.");
        }
        int oldCount = current.partitions().size();
        if (newCount < oldCount) {
            return new ApiError(Errors.INVALID_PARTITIONS, "Topic currently has " + oldCount
                + " partitions, which is higher than the requested " + newCount + ".");
        }
        if (newCount == oldCount) {
            return new ApiError(Errors.INVALID_PARTITIONS, "Topic already has " + oldCount + " partitions.");
        }
        Map<Integer, List<Integer>> added;
        try {
            added = newPartitionsAssignment(current, newCount, manual);
        } catch (AssignmentException e) {
            return new ApiError(e.error, e.getMessage());
        }
        if (validateOnly) {
            return ApiError.NONE;
        }
        Map<Integer, List<Integer>> all = new LinkedHashMap<>(current.partitions());
        all.putAll(added);
        zk.setTopicAssignment(new TopicAssignment(topic, current.topicId(), all, current.zkVersion()));
        LOG.info("Topic {} grew from {} to {} partitions", topic, oldCount, newCount);
        return ApiError.NONE;
    }

    private Map<Integer, List<Integer>> newPartitionsAssignment(TopicAssignment current, int newCount,
                                                                List<List<Integer>> manual)
            throws AssignmentException {
        int oldCount = current.partitions().size();
        List<Integer> brokers = aliveBrokerIds();
        if (manual != null) {
            if (manual.size() != newCount - oldCount) {
                throw new AssignmentException(Errors.INVALID_REPLICA_ASSIGNMENT, "Increasing the number of "
                    + "partitions by " + (newCount - oldCount) + " but " + manual.size() + " assignments provided.");
            }
            Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
            for (int i = 0; i < manual.size(); i++) {
                byPartition.put(oldCount + i, manual.get(i));
            }
            return validateManualAssignment(byPartition, oldCount, brokers);
        }
        int rf = current.partitions().values().iterator().next().size();
        if (rf > brokers.size()) {
            throw new AssignmentException(Errors.INVALID_REPLICATION_FACTOR, "Replication factor: " + rf
                + " larger than available brokers: " + brokers.size() + ".");
        }
        return place(newCount - oldCount, rf, oldCount);
    }

    /**
     * Queues a topic for deletion ({@code /admin/delete_topics/<t>}); the controller stops and
     * deletes its replicas, then removes its znodes.
     */
    public ApiError deleteTopic(String topic) {
        if (!config.deleteTopicEnable()) {
            return new ApiError(Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled.");
        }
        if (zk.getTopic(topic).isEmpty()) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
        }
        zk.markTopicForDeletion(topic);
        LOG.info("Topic {} marked for deletion", topic);
        return ApiError.NONE;
    }

    /** Replaces a topic's dynamic configs after validating them. */
    public ApiError setTopicConfigs(String topic, Map<String, String> configs, boolean validateOnly) {
        if (zk.getTopic(topic).isEmpty()) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topic + "' does not exist.");
        }
        ApiError error = validateConfigs(configs);
        if (error.isFailure() || validateOnly) {
            return error;
        }
        zk.setTopicConfig(topic, configs);
        return ApiError.NONE;
    }

    /** Kafka's placement over the live brokers (rack-aware when every broker has broker.rack). */
    private Map<Integer, List<Integer>> place(int partitions, int rf, int firstPartition) throws AssignmentException {
        List<ReplicaAssignor.BrokerRack> brokers = new ArrayList<>();
        for (BrokerRegistration b : metadataCache.aliveBrokers()) {
            brokers.add(new ReplicaAssignor.BrokerRack(b.id(), b.rack()));
        }
        try {
            return ReplicaAssignor.assign(brokers, partitions, rf, firstPartition, random);
        } catch (ApiException e) {
            throw new AssignmentException(Errors.forException(e), e.getMessage());
        }
    }

    private List<Integer> aliveBrokerIds() {
        List<Integer> ids = new ArrayList<>();
        for (BrokerRegistration b : metadataCache.aliveBrokers()) {
            ids.add(b.id());
        }
        ids.sort(null);
        return ids;
    }

    private static Created failed(Errors error, String message) {
        return new Created(new ApiError(error, message), Uuid.ZERO_UUID, -1, (short) -1, Map.of());
    }

    private static final class AssignmentException extends Exception {
        private final Errors error;

        AssignmentException(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }
}
