package io.weir.cluster.zk;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Curator {@link CuratorCache} events under {@code /brokers/topics}, {@code /config/topics}
 * and {@code /brokers/ids} into listener calls. The cache first reports every existing node as
 * created, so a watcher sees the current state and then every change, with no gap. Callbacks run
 * on the store's {@link ZkEventThread}; a payload that does not decode is logged and skipped.
 *
 * <p>Thread-safe; each watch is closed by the {@link AutoCloseable} it returns.
 */
final class ZkWatches {

    private static final Logger LOG = LoggerFactory.getLogger(ZkWatches.class);

    private final CuratorFramework client;
    private final ZkEventThread events;

    ZkWatches(CuratorFramework client, ZkEventThread events) {
        this.client = client;
        this.events = events;
    }

    AutoCloseable watchTopics(TopicListener listener) {
        return watch(ZkPaths.TOPICS, (type, oldNode, node) -> {
            ChildData current = node != null ? node : oldNode;
            Optional<String> topic = ZkPaths.childOf(ZkPaths.TOPICS, current.getPath());
            if (topic.isPresent()) {
                onTopicEvent(listener, topic.get(), node);
                return;
            }
            Optional<TopicPartition> tp = ZkPaths.partitionOfStatePath(current.getPath());
            if (tp.isPresent() && node != null) {
                decodeThen(node, () -> ZkJson.decodePartitionState(node.getPath(), node.getData(),
                    node.getStat().getVersion()), state -> listener.onPartitionStateChanged(tp.get(), state));
            }
        });
    }

    private void onTopicEvent(TopicListener listener, String topic, ChildData node) {
        if (node == null) {
            listener.onTopicDeleted(topic);
            return;
        }
        decodeThen(node, () -> ZkJson.decodeTopic(node.getPath(), topic, node.getData(), node.getStat().getVersion()),
            listener::onTopicChanged);
    }

    AutoCloseable watchTopicConfigs(ConfigListener listener) {
        return watch(ZkPaths.TOPIC_CONFIGS, (type, oldNode, node) -> {
            ChildData current = node != null ? node : oldNode;
            Optional<String> topic = ZkPaths.childOf(ZkPaths.TOPIC_CONFIGS, current.getPath());
            if (topic.isEmpty()) {
                return;
            }
            if (node == null) {
                listener.onConfigDeleted(topic.get());
                return;
            }
            decodeThen(node, () -> ZkJson.decodeConfig(node.getPath(), node.getData()),
                configs -> listener.onConfigChanged(topic.get(), configs));
        });
    }

    AutoCloseable watchBrokers(BrokerListener listener) {
        return watch(ZkPaths.BROKER_IDS, (type, oldNode, node) -> {
            ChildData current = node != null ? node : oldNode;
            Optional<Integer> id = ZkPaths.childOf(ZkPaths.BROKER_IDS, current.getPath()).flatMap(ZkWatches::brokerId);
            if (id.isEmpty()) {
                return;
            }
            if (node == null) {
                listener.onBrokerRemoved(id.get());
                return;
            }
            decodeThen(node, () -> ZkJson.decodeBroker(node.getPath(), id.get(), node.getData()),
                type == CuratorCacheListener.Type.NODE_CREATED ? listener::onBrokerAdded : listener::onBrokerUpdated);
        });
    }

    private AutoCloseable watch(String root, CuratorCacheListener listener) {
        CuratorCache cache = CuratorCache.build(client, root);
        CuratorCacheListener guarded = (type, oldNode, node) -> {
            try {
                listener.event(type, oldNode, node);
            } catch (RuntimeException e) {
                ChildData current = node != null ? node : oldNode;
                LOG.error("Watch callback for {} of {} failed", type, current.getPath(), e);
            }
        };
        cache.listenable().addListener(guarded, events);
        cache.start();
        return cache::close;
    }

    private static <T> void decodeThen(ChildData node, Supplier<T> decoder, Consumer<T> action) {
        T value;
        try {
            value = decoder.get();
        } catch (ZkStoreException e) {
            LOG.warn("Ignoring unreadable znode {}: {}", node.getPath(), e.getMessage());
            return;
        }
        action.accept(value);
    }

    private static Optional<Integer> brokerId(String name) {
        try {
            return Optional.of(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
