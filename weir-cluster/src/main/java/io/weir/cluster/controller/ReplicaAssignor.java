package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Kafka's replica placement for new topics and partitions (its {@code AdminUtils}). The first
 * replica of each partition goes round robin over the brokers from a random start; each follower
 * is shifted from it by an amount that grows every time the partitions wrap around the broker
 * list, so leaders and followers both spread evenly. When every broker has a rack, the broker
 * list is first arranged to alternate racks (rack by rack in name order, brokers by id), and a
 * follower is skipped while a rack (or a broker) without a replica of the partition remains, so
 * replicas spread over as many racks as possible. Some brokers with a rack and some without is
 * an error, as in Kafka's enforced mode.
 *
 * <p>Stateless.
 */
public final class ReplicaAssignor {

    /** A broker as placement sees it. */
    public record BrokerRack(int id, Optional<String> rack) {
    }

    private ReplicaAssignor() {
    }

    /** Assign partitions {@code firstPartitionId ..} with random start and shift. */
    public static Map<Integer, List<Integer>> assign(List<BrokerRack> brokers, int numPartitions,
                                                     int replicationFactor, int firstPartitionId, Random random) {
        int n = brokers.size();
        int start = n == 0 ? 0 : random.nextInt(n);
        int shift = n == 0 ? 0 : random.nextInt(n);
        return assign(brokers, numPartitions, replicationFactor, firstPartitionId, start, shift);
    }

    /** Assign with a fixed start index and initial follower shift (for tests and reproducible placements). */
    public static Map<Integer, List<Integer>> assign(List<BrokerRack> brokers, int numPartitions,
                                                     int replicationFactor, int firstPartitionId,
                                                     int startIndex, int initialShift) {
        validate(brokers, numPartitions, replicationFactor);
        long withRack = brokers.stream().filter(b -> b.rack().isPresent()).count();
        if (withRack == 0) {
            List<Integer> sorted = brokers.stream().map(BrokerRack::id).sorted().toList();
            return assignRackUnaware(sorted, numPartitions, replicationFactor, firstPartitionId, startIndex,
                initialShift);
        }
        if (withRack != brokers.size()) {
            throw new InvalidRequestException("Not all brokers have rack information for replica rack aware assignment");
        }
        return assignRackAware(brokers, numPartitions, replicationFactor, firstPartitionId, startIndex, initialShift);
    }

    private static void validate(List<BrokerRack> brokers, int numPartitions, int replicationFactor) {
        if (numPartitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0, got " + numPartitions);
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, got "
                + replicationFactor);
        }
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Replication factor: " + replicationFactor
                + " larger than available brokers: " + brokers.size() + ".");
        }
    }

    private static Map<Integer, List<Integer>> assignRackUnaware(List<Integer> brokers, int numPartitions,
                                                                 int replicationFactor, int firstPartitionId,
                                                                 int startIndex, int initialShift) {
        int n = brokers.size();
        Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
        int shift = initialShift;
        int partitionId = Math.max(0, firstPartitionId);
        for (int i = 0; i < numPartitions; i++, partitionId++) {
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(brokers.get(replicaIndex(first, shift, j, n)));
            }
            assignment.put(partitionId, replicas);
        }
        return assignment;
    }

    private static Map<Integer, List<Integer>> assignRackAware(List<BrokerRack> brokers, int numPartitions,
                                                               int replicationFactor, int firstPartitionId,
                                                               int startIndex, int initialShift) {
        Map<Integer, String> rackOf = new TreeMap<>();
        brokers.forEach(b -> rackOf.put(b.id(), b.rack().orElseThrow()));
        int numRacks = new HashSet<>(rackOf.values()).size();
        List<Integer> arranged = rackAlternatedBrokers(rackOf);
        int n = arranged.size();
        Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
        int shift = initialShift;
        int partitionId = Math.max(0, firstPartitionId);
        for (int i = 0; i < numPartitions; i++, partitionId++) {
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + startIndex) % n;
            assignment.put(partitionId, rackAwareReplicas(arranged, rackOf, numRacks, first, shift,
                replicationFactor));
        }
        return assignment;
    }

    private static List<Integer> rackAwareReplicas(List<Integer> arranged, Map<Integer, String> rackOf, int numRacks,
                                                   int first, int shift, int replicationFactor) {
        int n = arranged.size();
        int leader = arranged.get(first);
        List<Integer> replicas = new ArrayList<>(List.of(leader));
        Set<String> racksWithReplicas = new HashSet<>(Set.of(rackOf.get(leader)));
        Set<Integer> brokersWithReplicas = new HashSet<>(Set.of(leader));
        int k = 0;
        while (replicas.size() < replicationFactor) {
            int broker = arranged.get(replicaIndex(first, shift * numRacks, k++, n));
            String rack = rackOf.get(broker);
            boolean rackOk = !racksWithReplicas.contains(rack) || racksWithReplicas.size() == numRacks;
            boolean brokerOk = !brokersWithReplicas.contains(broker) || brokersWithReplicas.size() == n;
            if (rackOk && brokerOk) {
                replicas.add(broker);
                racksWithReplicas.add(rack);
                brokersWithReplicas.add(broker);
            }
        }
        return replicas;
    }

    /** Brokers ordered to alternate racks: the first broker of each rack, then the second of each, and so on. */
    static List<Integer> rackAlternatedBrokers(Map<Integer, String> rackOf) {
        SortedMap<String, List<Integer>> byRack = new TreeMap<>();
        rackOf.forEach((id, rack) -> byRack.computeIfAbsent(rack, r -> new ArrayList<>()).add(id));
        List<Iterator<Integer>> iterators = byRack.values().stream().map(ids -> ids.stream().sorted().iterator())
            .toList();
        List<Integer> result = new ArrayList<>(rackOf.size());
        while (result.size() < rackOf.size()) {
            for (Iterator<Integer> it : iterators) {
                if (it.hasNext()) {
                    result.add(it.next());
                }
            }
        }
        return result;
    }

    private static int replicaIndex(int firstIndex, int shift, int replicaIndex, int n) {
        int s = 1 + (shift + replicaIndex) % (n - 1);
        return (firstIndex + s) % n;
    }
}
