package io.weir.broker;

import java.util.Map;

import io.weir.broker.server.MetadataLoader;
import io.weir.cluster.zk.BrokerListener;
import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.ConfigListener;
import io.weir.cluster.zk.TopicAssignment;
import io.weir.cluster.zk.TopicListener;

/** ZooKeeper watch callbacks forwarded to the {@link MetadataLoader}; run on Curator's event thread. */
final class ZkWatchers {

    private ZkWatchers() {
    }

    record Topics(MetadataLoader loader) implements TopicListener {
        @Override
        public void onTopicChanged(TopicAssignment assignment) {
            loader.onTopicChanged(assignment);
        }

        @Override
        public void onTopicDeleted(String topic) {
            loader.onTopicDeleted(topic);
        }
    }

    record Configs(MetadataLoader loader) implements ConfigListener {
        @Override
        public void onConfigChanged(String topic, Map<String, String> configs) {
            loader.onTopicConfigChanged(topic, configs);
        }
    }

    record Brokers(MetadataLoader loader) implements BrokerListener {
        @Override
        public void onBrokerAdded(BrokerRegistration broker) {
            loader.onBrokersChanged();
        }

        @Override
        public void onBrokerRemoved(int brokerId) {
            loader.onBrokersChanged();
        }
    }
}
