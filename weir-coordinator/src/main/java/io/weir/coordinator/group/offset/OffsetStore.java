package io.weir.coordinator.group.offset;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed offsets of one shard: group, then topic-partition. Changed only by replay.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public final class OffsetStore {

    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();

    public OffsetAndMetadata get(String groupId, TopicPartition tp) {
        return offsets.getOrDefault(groupId, Map.of()).get(tp);
    }

    /** The group's offsets, sorted by topic and partition. */
    public Map<TopicPartition, OffsetAndMetadata> offsets(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> sorted = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        sorted.putAll(offsets.getOrDefault(groupId, Map.of()));
        return Collections.unmodifiableMap(sorted);
    }

    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }

    public java.util.Set<String> groupIds() {
        return Collections.unmodifiableSet(offsets.keySet());
    }

    /** Replays an offset commit, or its tombstone when {@code offset} is null. */
    public void replay(String groupId, TopicPartition tp, OffsetAndMetadata offset) {
        if (offset != null) {
            offsets.computeIfAbsent(groupId, k -> new HashMap<>()).put(tp, offset);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> group = offsets.get(groupId);
        if (group != null) {
            group.remove(tp);
            if (group.isEmpty()) {
                offsets.remove(groupId);
            }
        }
    }
}
