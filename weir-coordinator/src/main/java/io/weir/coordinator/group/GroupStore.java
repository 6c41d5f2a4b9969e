package io.weir.coordinator.group;

import io.weir.coordinator.group.classic.ClassicGroup;
import io.weir.coordinator.group.consumer.ConsumerGroup;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The groups of one shard by id.
 *
 * <p>Not thread-safe: owned by its shard's thread.
 */
public final class GroupStore {

    private final Map<String, Group> groups = new LinkedHashMap<>();

    public Group get(String groupId) {
        return groups.get(groupId);
    }

    public Collection<Group> all() {
        return groups.values();
    }

    public void put(Group group) {
        groups.put(group.groupId(), group);
    }

    public void remove(String groupId) {
        groups.remove(groupId);
    }

    /** The classic group, or null when there is none or it is a consumer group. */
    public ClassicGroup classicGroup(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup g ? g : null;
    }

    public ConsumerGroup consumerGroup(String groupId) {
        return groups.get(groupId) instanceof ConsumerGroup g ? g : null;
    }

    /** The consumer group; GROUP_ID_NOT_FOUND when missing or of the other protocol. */
    public ConsumerGroup consumerGroupOrThrow(String groupId) {
        ConsumerGroup group = consumerGroup(groupId);
        if (group == null) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
        }
        return group;
    }
}
