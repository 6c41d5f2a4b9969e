package io.weir.coordinator.group.assignor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Uniform: spreads all partitions of the subscribed topics as evenly as the subscriptions
 * allow, and keeps partitions where they are (sticky): a member keeps what it still subscribes
 * to, free partitions go to the least loaded eligible member, then partitions move from the
 * most to the least loaded eligible member until no member has two more than another that
 * could take one.
 *
 * <p>Stateless and thread-safe.
 */
public final class UniformAssignor implements PartitionAssignor {

    private record TopicPartition(Uuid topicId, int partition) {
    }

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                       Map<Uuid, Integer> partitionCounts,
                                                       Map<String, Map<Uuid, Set<Integer>>> currentAssignment) {
        Map<String, Set<TopicPartition>> owned = new TreeMap<>();
        Map<TopicPartition, String> owner = new HashMap<>();
        subscriptions.keySet().forEach(m -> owned.put(m, new TreeSet<>(order())));
        retainValid(subscriptions, partitionCounts, currentAssignment, owned, owner);
        for (TopicPartition tp : allPartitions(partitionCounts)) {
            if (!owner.containsKey(tp)) {
                leastLoaded(subscriptions, owned, tp, null).ifPresent(m -> move(tp, null, m, owned, owner));
            }
        }
        balance(subscriptions, owned, owner);
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        owned.forEach((m, tps) -> {
            Map<Uuid, Set<Integer>> assignment = new TreeMap<>();
            tps.forEach(tp -> assignment.computeIfAbsent(tp.topicId(), k -> new TreeSet<>()).add(tp.partition()));
            result.put(m, assignment);
        });
        return result;
    }

    private static void retainValid(Map<String, Set<Uuid>> subscriptions, Map<Uuid, Integer> partitionCounts,
                                    Map<String, Map<Uuid, Set<Integer>>> current,
                                    Map<String, Set<TopicPartition>> owned, Map<TopicPartition, String> owner) {
        for (String member : owned.keySet()) {
            current.getOrDefault(member, Map.of()).forEach((topicId, partitions) -> {
                if (!subscriptions.get(member).contains(topicId)) {
                    return;
                }
                for (int p : partitions) {
                    TopicPartition tp = new TopicPartition(topicId, p);
                    if (p < partitionCounts.getOrDefault(topicId, 0) && !owner.containsKey(tp)) {
                        move(tp, null, member, owned, owner);
                    }
                }
            });
        }
    }

    /** One move at a time, always from the most loaded member that can give: keeps moves few. */
    private static void balance(Map<String, Set<Uuid>> subscriptions, Map<String, Set<TopicPartition>> owned,
                                Map<TopicPartition, String> owner) {
        while (moveOne(subscriptions, owned, owner)) {
            // keep going until no member has two more than an eligible other
        }
    }

    private static boolean moveOne(Map<String, Set<Uuid>> subscriptions, Map<String, Set<TopicPartition>> owned,
                                   Map<TopicPartition, String> owner) {
        List<String> byLoad = new ArrayList<>(owned.keySet());
        byLoad.sort(Comparator.comparingInt((String m) -> owned.get(m).size()).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (String from : byLoad) {
            for (TopicPartition tp : owned.get(from)) {
                var to = leastLoaded(subscriptions, owned, tp, from);
                if (to.isPresent() && owned.get(to.get()).size() + 1 < owned.get(from).size()) {
                    move(tp, from, to.get(), owned, owner);
                    return true;
                }
            }
        }
        return false;
    }

    private static java.util.Optional<String> leastLoaded(Map<String, Set<Uuid>> subscriptions,
                                                          Map<String, Set<TopicPartition>> owned,
                                                          TopicPartition tp, String exclude) {
        return owned.keySet().stream()
                .filter(m -> !m.equals(exclude) && subscriptions.get(m).contains(tp.topicId()))
                .min(Comparator.comparingInt((String m) -> owned.get(m).size()).thenComparing(Comparator.naturalOrder()));
    }

    private static void move(TopicPartition tp, String from, String to, Map<String, Set<TopicPartition>> owned,
                             Map<TopicPartition, String> owner) {
        if (from != null) {
            owned.get(from).remove(tp);
        }
        owned.get(to).add(tp);
        owner.put(tp, to);
    }

    private static List<TopicPartition> allPartitions(Map<Uuid, Integer> partitionCounts) {
        List<TopicPartition> all = new ArrayList<>();
        new TreeMap<>(partitionCounts).forEach((topicId, count) -> {
            for (int p = 0; p < count; p++) {
                all.add(new TopicPartition(topicId, p));
            }
        });
        return all;
    }

    private static Comparator<TopicPartition> order() {
        return Comparator.comparing(TopicPartition::topicId).thenComparingInt(TopicPartition::partition);
    }
}
