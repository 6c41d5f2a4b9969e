package io.weir.broker.group;

import java.util.Map;

import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.admin.TopicAdmin;
import io.weir.broker.server.MetadataCache;
import io.weir.coordinator.group.GroupCoordinatorConfig;

/**
 * Creates {@code __consumer_offsets} on first use, as Kafka does: offsets.topic.num.partitions
 * partitions, compacted, replication offsets.topic.replication.factor capped at the live brokers
 * (with a warning, so a one-broker cluster works).
 *
 * <p>Thread-safe: creation is idempotent (TOPIC_ALREADY_EXISTS counts as success).
 */
public final class OffsetsTopic {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopic.class);

    private final TopicAdmin topicAdmin;
    private final MetadataCache metadataCache;
    private final GroupCoordinatorConfig config;

    public OffsetsTopic(TopicAdmin topicAdmin, MetadataCache metadataCache, GroupCoordinatorConfig config) {
        this.topicAdmin = topicAdmin;
        this.metadataCache = metadataCache;
        this.config = config;
    }

    /** True when the topic exists (creating it now if needed). */
    public synchronized boolean ensureExists() {
        if (metadataCache.topic(Topic.GROUP_METADATA_TOPIC_NAME).isPresent()) {
            return true;
        }
        int alive = metadataCache.aliveBrokers().size();
        short rf = (short) Math.min(config.offsetsTopicReplicationFactor(), Math.max(1, alive));
        if (rf < config.offsetsTopicReplicationFactor()) {
            LOG.warn("Creating {} with replication factor {} (offsets.topic.replication.factor={} but only {} "
                + "live brokers)", Topic.GROUP_METADATA_TOPIC_NAME, rf, config.offsetsTopicReplicationFactor(), alive);
        }
        TopicAdmin.Created created = topicAdmin.createTopic(new TopicAdmin.NewTopic(Topic.GROUP_METADATA_TOPIC_NAME,
            config.offsetsTopicNumPartitions(), rf, Map.of(), Map.of("cleanup.policy", "compact",
                "segment.bytes", "104857600", "compression.type", "producer")), false);
        Errors error = created.error().error();
        if (error != Errors.NONE && error != Errors.TOPIC_ALREADY_EXISTS) {
            LOG.error("Cannot create {}: {}", Topic.GROUP_METADATA_TOPIC_NAME, created.error().messageWithFallback());
            return false;
        }
        // The controller elects its leaders; until they reach this broker, clients hear COORDINATOR_NOT_AVAILABLE.
        return metadataCache.topic(Topic.GROUP_METADATA_TOPIC_NAME).isPresent();
    }
}
