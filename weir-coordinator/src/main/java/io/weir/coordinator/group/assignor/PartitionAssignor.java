package io.weir.coordinator.group.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor of KIP-848: from the members' subscriptions, the topics' partition
 * counts and the current target assignment, computes the next target assignment.
 *
 * <p>Implementations are stateless and thread-safe; the result holds every member, possibly
 * with an empty assignment.
 */
public interface PartitionAssignor {

    String name();

    Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                Map<Uuid, Integer> partitionCounts,
                                                Map<String, Map<Uuid, Set<Integer>>> currentAssignment);

    static PartitionAssignor named(String name) {
        return switch (name) {
            case "uniform" -> new UniformAssignor();
            case "range" -> new RangeAssignor();
            default -> throw new IllegalArgumentException("unknown assignor " + name);
        };
    }
}
