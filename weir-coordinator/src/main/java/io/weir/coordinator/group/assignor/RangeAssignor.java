package io.weir.coordinator.group.assignor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Range, per topic: the members subscribed to the topic, sorted by member id, each get a
 * contiguous range; the first {@code partitions % members} get one more. Members with the same
 * subscription get the same partition numbers of every topic (co-partitioning).
 *
 * <p>Stateless and thread-safe.
 */
public final class RangeAssignor implements PartitionAssignor {

    @Override
    public String name() {
        return "range";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                       Map<Uuid, Integer> partitionCounts,
                                                       Map<String, Map<Uuid, Set<Integer>>> currentAssignment) {
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new TreeMap<>()));
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(partitionCounts).entrySet()) {
            List<String> members = subscriptions.entrySet().stream()
                    .filter(e -> e.getValue().contains(topic.getKey()))
                    .map(Map.Entry::getKey).sorted().toList();
            if (members.isEmpty()) {
                continue;
            }
            int quota = topic.getValue() / members.size();
            int extra = topic.getValue() % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int count = quota + (i < extra ? 1 : 0);
                Set<Integer> partitions = new TreeSet<>();
                for (int p = next; p < next + count; p++) {
                    partitions.add(p);
                }
                next += count;
                if (!partitions.isEmpty()) {
                    result.get(members.get(i)).put(topic.getKey(), partitions);
                }
            }
        }
        return result;
    }
}
