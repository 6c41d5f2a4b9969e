package io.weir.cluster.zk;

import java.util.Map;

/**
 * Callbacks of {@link ZkStore#watchTopicConfigs}: the dynamic config overrides of a topic
 * ({@code /config/topics/<topic>}). All calls of one {@link ZkStore} come on its single event
 * thread ({@code weir-zk-events}).
 */
public interface ConfigListener {

    /** The topic's overrides were created or changed; {@code configs} is the full new set. */
    void onConfigChanged(String topic, Map<String, String> configs);

    /** The topic's config znode was deleted (normally with the topic). Default: ignored. */
    default void onConfigDeleted(String topic) {
    }
}
