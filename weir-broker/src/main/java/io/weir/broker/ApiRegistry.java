package io.weir.broker;

import org.apache.kafka.common.protocol.ApiKeys;

import io.weir.broker.api.BrokerContext;
import io.weir.broker.api.ClusterApis;
import io.weir.broker.api.ConfigApis;
import io.weir.broker.api.FetchApi;
import io.weir.broker.api.KafkaApis;
import io.weir.broker.api.ListOffsetsApi;
import io.weir.broker.api.MetadataApi;
import io.weir.broker.api.PartitionApis;
import io.weir.broker.api.ProduceApi;
import io.weir.broker.api.TopicApis;

/**
 * The APIs this broker implements and the exact versions of each; ApiVersions advertises this
 * table. Oldest versions are the oldest kafka-clients 4.x still knows.
 */
final class ApiRegistry {

    private ApiRegistry() {
    }

    static KafkaApis create(BrokerContext ctx) {
        TopicApis topics = new TopicApis(ctx);
        ConfigApis configs = new ConfigApis(ctx);
        PartitionApis partitions = new PartitionApis(ctx);
        ClusterApis cluster = new ClusterApis(ctx);
        return new KafkaApis()
            .register(ApiKeys.METADATA, 0, 13, new MetadataApi(ctx))
            .register(ApiKeys.PRODUCE, 3, 13, new ProduceApi(ctx))
            .register(ApiKeys.FETCH, 4, 17, new FetchApi(ctx))
            .register(ApiKeys.LIST_OFFSETS, 1, 10, new ListOffsetsApi(ctx))
            .register(ApiKeys.CREATE_TOPICS, 2, 7, topics::createTopics)
            .register(ApiKeys.DELETE_TOPICS, 1, 6, topics::deleteTopics)
            .register(ApiKeys.CREATE_PARTITIONS, 0, 3, topics::createPartitions)
            .register(ApiKeys.DESCRIBE_CONFIGS, 1, 4, configs::describeConfigs)
            .register(ApiKeys.ALTER_CONFIGS, 0, 2, configs::alterConfigs)
            .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, configs::incrementalAlterConfigs)
            .register(ApiKeys.DESCRIBE_CLUSTER, 0, 1, cluster::describeCluster)
            .register(ApiKeys.INIT_PRODUCER_ID, 0, 5, cluster::initProducerId)
            .register(ApiKeys.DELETE_RECORDS, 0, 2, partitions::deleteRecords)
            .register(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4, partitions::describeLogDirs)
            .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, partitions::offsetsForLeaderEpoch)
            .register(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, partitions::describeProducers);
    }
}
