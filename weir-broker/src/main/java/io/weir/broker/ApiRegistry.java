package io.weir.broker;

import org.apache.kafka.common.protocol.ApiKeys;

import io.weir.broker.api.BrokerContext;
import io.weir.broker.api.ClusterApis;
import io.weir.broker.api.ConfigApis;
import io.weir.broker.api.ControllerApis;
import io.weir.broker.api.FetchApi;
import io.weir.broker.api.FindCoordinatorApi;
import io.weir.broker.api.GroupApis;
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
        GroupApis groups = new GroupApis(ctx.groups().coordinator());
        ControllerApis controller = new ControllerApis(ctx);
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
            .register(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, partitions::describeProducers)
            .register(ApiKeys.FIND_COORDINATOR, 0, 6,
                new FindCoordinatorApi(ctx, ctx.groups().coordinator(), ctx.offsetsTopic()))
            .register(ApiKeys.JOIN_GROUP, 0, 9, groups::joinGroup)
            .register(ApiKeys.SYNC_GROUP, 0, 5, groups::syncGroup)
            .register(ApiKeys.HEARTBEAT, 0, 4, groups::heartbeat)
            .register(ApiKeys.LEAVE_GROUP, 0, 5, groups::leaveGroup)
            .register(ApiKeys.OFFSET_COMMIT, 2, 9, groups::offsetCommit)
            .register(ApiKeys.OFFSET_FETCH, 1, 9, groups::offsetFetch)
            .register(ApiKeys.OFFSET_DELETE, 0, 0, groups::offsetDelete)
            .register(ApiKeys.DESCRIBE_GROUPS, 0, 6, groups::describeGroups)
            .register(ApiKeys.LIST_GROUPS, 0, 5, groups::listGroups)
            .register(ApiKeys.DELETE_GROUPS, 0, 2, groups::deleteGroups)
            .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1, 1, groups::consumerGroupHeartbeat)
            .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, groups::consumerGroupDescribe)
            .register(ApiKeys.ELECT_LEADERS, 0, 2, controller::electLeaders)
            .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 0, controller::alterPartitionReassignments)
            .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0, controller::listPartitionReassignments);
    }
}
