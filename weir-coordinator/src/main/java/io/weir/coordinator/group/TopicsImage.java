package io.weir.coordinator.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * What the coordinator needs to know of the cluster's topics: name, id and partition count.
 * The broker passes a new image to {@link GroupCoordinator#onNewMetadataImage} whenever topics
 * are created, deleted, or gain partitions.
 *
 * <p>Immutable.
 */
public final class TopicsImage {

    /** One topic. */
    public record Topic(String name, Uuid id, int numPartitions) {
    }

    public static final TopicsImage EMPTY = new TopicsImage(java.util.List.of());

    private final Map<String, Topic> byName = new HashMap<>();
    private final Map<Uuid, Topic> byId = new HashMap<>();

    public TopicsImage(Collection<Topic> topics) {
        for (Topic topic : topics) {
            byName.put(topic.name(), topic);
            byId.put(topic.id(), topic);
        }
    }

    public Topic topic(String name) {
        return byName.get(name);
    }

    public Topic topic(Uuid id) {
        return byId.get(id);
    }

    public Collection<Topic> topics() {
        return java.util.Collections.unmodifiableCollection(byName.values());
    }
}
