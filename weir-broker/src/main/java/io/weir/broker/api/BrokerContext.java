package io.weir.broker.api;

import io.weir.broker.BrokerConfig;
import io.weir.broker.admin.TopicAdmin;
import io.weir.broker.group.GroupCoordinatorAdapter;
import io.weir.broker.group.OffsetsTopic;
import io.weir.broker.server.FetchSessionCache;
import io.weir.broker.server.MetadataCache;
import io.weir.broker.server.MetadataLoader;
import io.weir.broker.server.ReplicaManager;
import io.weir.cluster.controller.ControllerDriver;
import io.weir.cluster.zk.ProducerIdManager;
import io.weir.cluster.zk.ZkStore;
import io.weir.common.Time;
import io.weir.storage.LogManager;

/** What the API handlers share: the broker's components, wired once at start-up. */
public record BrokerContext(BrokerConfig config, String clusterId, Time time, ZkStore zk,
                            MetadataCache metadataCache, MetadataLoader metadataLoader,
                            ReplicaManager replicaManager, LogManager logManager, TopicAdmin topicAdmin,
                            ProducerIdManager producerIdManager, FetchSessionCache fetchSessionCache,
                            GroupCoordinatorAdapter groups, OffsetsTopic offsetsTopic,
                            ControllerDriver controller) {

    public int brokerId() {
        return config.brokerId();
    }
}
