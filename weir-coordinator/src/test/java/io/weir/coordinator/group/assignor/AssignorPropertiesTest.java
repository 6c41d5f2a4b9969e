package io.weir.coordinator.group.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.Uuid;

/** Invariants of the server-side assignors over random groups. */
class AssignorPropertiesTest {

    private record Setup(Map<String, Set<Uuid>> subscriptions, Map<Uuid, Integer> counts) {
    }

    private static Setup setup(long seed, int members, int topics, boolean homogeneous) {
        Random random = new Random(seed);
        Map<Uuid, Integer> counts = new HashMap<>();
        List<Uuid> ids = new java.util.ArrayList<>();
        for (int t = 0; t < topics; t++) {
            Uuid id = new Uuid(seed, t + 1);
            ids.add(id);
            counts.put(id, 1 + random.nextInt(12));
        }
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        for (int m = 0; m < members; m++) {
            Set<Uuid> subscribed = new HashSet<>();
            for (Uuid id : ids) {
                if (homogeneous || random.nextBoolean()) {
                    subscribed.add(id);
                }
            }
            subscriptions.put("member-" + m, subscribed);
        }
        return new Setup(subscriptions, counts);
    }

    private static void assertValid(Setup s, Map<String, Map<Uuid, Set<Integer>>> result) {
        assertThat(result.keySet()).isEqualTo(s.subscriptions().keySet());
        Map<Uuid, Set<Integer>> seen = new HashMap<>();
        result.forEach((member, assignment) -> assignment.forEach((topic, partitions) -> {
            assertThat(s.subscriptions().get(member)).contains(topic);
            for (int p : partitions) {
                assertThat(p).isBetween(0, s.counts().get(topic) - 1);
                assertThat(seen.computeIfAbsent(topic, k -> new HashSet<>()).add(p)).as("assigned twice").isTrue();
            }
        }));
        s.counts().forEach((topic, count) -> {
            boolean subscribed = s.subscriptions().values().stream().anyMatch(t -> t.contains(topic));
            assertThat(seen.getOrDefault(topic, Set.of())).hasSize(subscribed ? count : 0);
        });
    }

    private static int size(Map<Uuid, Set<Integer>> assignment) {
        return assignment.values().stream().mapToInt(Set::size).sum();
    }

    @Property(tries = 200)
    void uniformAssignsEveryPartitionOnceAndBalancesHomogeneousGroups(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 9) int members,
            @ForAll @IntRange(min = 1, max = 4) int topics, @ForAll boolean homogeneous) {
        Setup s = setup(seed, members, topics, homogeneous);
        Map<String, Map<Uuid, Set<Integer>>> result = new UniformAssignor().assign(s.subscriptions(), s.counts(), Map.of());
        assertValid(s, result);
        if (homogeneous) {
            int min = result.values().stream().mapToInt(AssignorPropertiesTest::size).min().orElse(0);
            int max = result.values().stream().mapToInt(AssignorPropertiesTest::size).max().orElse(0);
            assertThat(max - min).isLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 200)
    void uniformIsStickyWhenAMemberJoins(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int members) {
        Setup s = setup(seed, members, 2, true);
        UniformAssignor assignor = new UniformAssignor();
        Map<String, Map<Uuid, Set<Integer>>> before = assignor.assign(s.subscriptions(), s.counts(), Map.of());
        Map<String, Set<Uuid>> more = new HashMap<>(s.subscriptions());
        more.put("newcomer", s.counts().keySet());
        Map<String, Map<Uuid, Set<Integer>>> after = assignor.assign(more, s.counts(), before);
        assertValid(new Setup(more, s.counts()), after);
        // Members only lose partitions (to the newcomer); nothing moves between old members.
        before.forEach((member, assignment) -> after.get(member).forEach((topic, partitions) ->
                assertThat(assignment.getOrDefault(topic, Set.of())).containsAll(partitions)));
    }

    @Property(tries = 200)
    void rangeAssignsEveryPartitionOnce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 9) int members,
                                        @ForAll @IntRange(min = 1, max = 4) int topics, @ForAll boolean homogeneous) {
        Setup s = setup(seed, members, topics, homogeneous);
        assertValid(s, new RangeAssignor().assign(s.subscriptions(), s.counts(), Map.of()));
    }
}
