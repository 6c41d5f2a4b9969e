package io.weir.cluster.zk;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

/**
 * The znode paths Weir uses, identical to ZooKeeper-mode Kafka's (see docs/zookeeper.md). Paths
 * are relative to the chroot of the connect string. Stateless.
 */
public final class ZkPaths {

    public static final String CLUSTER_ID = "/cluster/id";
    public static final String BROKERS = "/brokers";
    public static final String BROKER_IDS = "/brokers/ids";
    public static final String BROKER_SEQID = "/brokers/seqid";
    public static final String TOPICS = "/brokers/topics";
    public static final String CONFIG = "/config";
    public static final String TOPIC_CONFIGS = "/config/topics";
    public static final String BROKER_CONFIGS = "/config/brokers";
    public static final String CONFIG_CHANGES = "/config/changes";
    public static final String DELETE_TOPICS = "/admin/delete_topics";
    public static final String ISR_CHANGE_NOTIFICATION = "/isr_change_notification";
    public static final String LATEST_PRODUCER_ID_BLOCK = "/latest_producer_id_block";
    public static final String CONTROLLER = "/controller";
    public static final String CONTROLLER_EPOCH = "/controller_epoch";
    /** The prefix of the sequential znodes leaders create after an ISR change. */
    public static final String ISR_CHANGE_PREFIX = "isr_change_";

    /** Persistent paths created on connect, as Kafka brokers do, so watches and children work. */
    static final List<String> PERSISTENT_PATHS = List.of(BROKER_IDS, TOPICS, BROKER_SEQID, TOPIC_CONFIGS,
        BROKER_CONFIGS, CONFIG_CHANGES, DELETE_TOPICS, ISR_CHANGE_NOTIFICATION, LATEST_PRODUCER_ID_BLOCK);

    private ZkPaths() {
    }

    public static String brokerId(int id) {
        return BROKER_IDS + "/" + id;
    }

    public static String topic(String topic) {
        return TOPICS + "/" + topic;
    }

    public static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    public static String partition(TopicPartition tp) {
        return partitions(tp.topic()) + "/" + tp.partition();
    }

    public static String partitionState(TopicPartition tp) {
        return partition(tp) + "/state";
    }

    public static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    public static String brokerConfig(String entity) {
        return BROKER_CONFIGS + "/" + entity;
    }

    /** The deletion marker of a topic, {@code /admin/delete_topics/<t>}. */
    public static String topicDeletion(String topic) {
        return DELETE_TOPICS + "/" + topic;
    }

    /** An ISR change notification by its child name ({@code isr_change_<seq>}). */
    public static String isrChangeNotification(String name) {
        return ISR_CHANGE_NOTIFICATION + "/" + name;
    }

    /** The last element of a path. */
    static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The single segment of {@code path} directly under {@code parent}, if it is a direct child. */
    static Optional<String> childOf(String parent, String path) {
        String prefix = parent + "/";
        if (!path.startsWith(prefix) || path.indexOf('/', prefix.length()) >= 0 || path.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(path.substring(prefix.length()));
    }

    /** The partition whose state znode {@code path} is, if it is one ({@code /brokers/topics/t/partitions/p/state}). */
    static Optional<TopicPartition> partitionOfStatePath(String path) {
        String prefix = TOPICS + "/";
        if (!path.startsWith(prefix) || !path.endsWith("/state")) {
            return Optional.empty();
        }
        String[] parts = path.substring(prefix.length()).split("/");
        if (parts.length != 4 || !parts[1].equals("partitions")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TopicPartition(parts[0], Integer.parseInt(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
