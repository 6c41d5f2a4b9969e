package io.weir.broker.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Kafka's replica placement without racks: the first replica of each partition goes round robin
 * over the brokers from a random start; the followers are shifted by an amount that grows each
 * time the partitions wrap around the broker list, so leaders and followers spread evenly.
 *
 * <p>Stateless.
 */
public final class ReplicaAssignment {

    private ReplicaAssignment() {
    }

    public static Map<Integer, List<Integer>> assign(List<Integer> sortedBrokers, int numPartitions,
                                                     int replicationFactor, int firstPartitionId, Random random) {
        int n = sortedBrokers.size();
        return assign(sortedBrokers, numPartitions, replicationFactor, firstPartitionId, random.nextInt(n),
            random.nextInt(n));
    }

    public static Map<Integer, List<Integer>> assign(List<Integer> sortedBrokers, int numPartitions,
                                                     int replicationFactor, int firstPartitionId,
                                                     int startIndex, int initialShift) {
        int n = sortedBrokers.size();
        if (replicationFactor > n) {
            throw new IllegalArgumentException("replication factor " + replicationFactor
                + " is larger than the " + n + " available brokers");
        }
        Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
        int shift = initialShift;
        int partitionId = firstPartitionId;
        for (int i = 0; i < numPartitions; i++) {
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(sortedBrokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(sortedBrokers.get(followerIndex(first, shift, j, n)));
            }
            assignment.put(partitionId, replicas);
            partitionId++;
        }
        return assignment;
    }

    private static int followerIndex(int firstIndex, int shift, int replicaIndex, int n) {
        int s = 1 + (shift + replicaIndex) % (n - 1);
        return (firstIndex + s) % n;
    }
}
