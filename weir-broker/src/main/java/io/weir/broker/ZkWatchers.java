package io.weir.broker;

import java.util.Map;

import io.weir.broker.server.MetadataLoader;
import io.weir.cluster.zk.ConfigListener;

/** ZooKeeper watch callbacks forwarded to the {@link MetadataLoader}; run on Curator's event thread. */
final class ZkWatchers {

    private ZkWatchers() {
    }

    record Configs(MetadataLoader loader) implements ConfigListener {
        @Override
        public void onConfigChanged(String topic, Map<String, String> configs) {
            loader.onTopicConfigChanged(topic, configs);
        }
    }
}
