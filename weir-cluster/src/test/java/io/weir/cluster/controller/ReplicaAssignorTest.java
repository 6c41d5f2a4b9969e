package io.weir.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

import io.weir.cluster.controller.ReplicaAssignor.BrokerRack;

class ReplicaAssignorTest {

    private static List<BrokerRack> brokers(int n) {
        return IntStream.range(0, n).mapToObj(i -> new BrokerRack(i, Optional.empty())).toList();
    }

    @Test
    void rackUnawareMatchesKafkasPlacement() {
        // Kafka's AdminUtils with 5 brokers, 10 partitions, RF 3, start index 0, shift 0.
        Map<Integer, List<Integer>> a = ReplicaAssignor.assign(brokers(5), 10, 3, 0, 0, 0);
        assertThat(a.get(0)).containsExactly(0, 1, 2);
        assertThat(a.get(1)).containsExactly(1, 2, 3);
        assertThat(a.get(4)).containsExactly(4, 0, 1);
        assertThat(a.get(5)).containsExactly(0, 2, 3);
        assertThat(a.get(9)).containsExactly(4, 1, 2);
    }

    @Test
    void leadersAndFollowersAreBalanced() {
        for (int seed = 0; seed < 50; seed++) {
            Map<Integer, List<Integer>> a = ReplicaAssignor.assign(brokers(6), 60, 3, 0, new Random(seed));
            Map<Integer, Integer> leaders = new HashMap<>();
            Map<Integer, Integer> replicas = new HashMap<>();
            a.values().forEach(r -> {
                assertThat(new HashSet<>(r)).hasSize(3);
                leaders.merge(r.get(0), 1, Integer::sum);
                r.forEach(b -> replicas.merge(b, 1, Integer::sum));
            });
            assertThat(leaders.values()).containsOnly(10);
            assertThat(replicas.values()).containsOnly(30);
        }
    }

    @Test
    void rackAwarePlacementPutsReplicasOnDistinctRacks() {
        List<BrokerRack> racked = List.of(
            new BrokerRack(0, Optional.of("a")), new BrokerRack(1, Optional.of("a")),
            new BrokerRack(2, Optional.of("b")), new BrokerRack(3, Optional.of("b")),
            new BrokerRack(4, Optional.of("c")), new BrokerRack(5, Optional.of("c")));
        Map<Integer, String> rackOf = new HashMap<>();
        racked.forEach(b -> rackOf.put(b.id(), b.rack().orElseThrow()));
        assertThat(ReplicaAssignor.rackAlternatedBrokers(rackOf)).containsExactly(0, 2, 4, 1, 3, 5);
        for (int seed = 0; seed < 50; seed++) {
            Map<Integer, List<Integer>> a = ReplicaAssignor.assign(racked, 30, 3, 0, new Random(seed));
            Map<Integer, Integer> leaders = new HashMap<>();
            a.values().forEach(r -> {
                assertThat(r.stream().map(rackOf::get).distinct()).hasSize(3);
                leaders.merge(r.get(0), 1, Integer::sum);
            });
            assertThat(leaders.values()).containsOnly(5);
        }
    }

    @Test
    void moreReplicasThanRacksStillUsesEveryRackAndDistinctBrokers() {
        List<BrokerRack> racked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racked.add(new BrokerRack(i, Optional.of(i % 2 == 0 ? "a" : "b")));
        }
        Map<Integer, List<Integer>> a = ReplicaAssignor.assign(racked, 8, 3, 0, new Random(1));
        a.values().forEach(r -> {
            assertThat(new HashSet<>(r)).hasSize(3);
            assertThat(r.stream().map(b -> b % 2).distinct()).hasSize(2);
        });
    }

    @Test
    void addedPartitionsContinueFromTheirIds() {
        Map<Integer, List<Integer>> a = ReplicaAssignor.assign(brokers(3), 2, 2, 3, 0, 0);
        assertThat(a).containsOnlyKeys(3, 4);
    }

    @Test
    void refusesWhatCannotBePlaced() {
        assertThatThrownBy(() -> ReplicaAssignor.assign(brokers(2), 1, 3, 0, new Random(1)))
            .isInstanceOf(InvalidReplicationFactorException.class)
            .hasMessageContaining("larger than available brokers: 2");
        assertThatThrownBy(() -> ReplicaAssignor.assign(brokers(2), 1, 0, 0, new Random(1)))
            .isInstanceOf(InvalidReplicationFactorException.class);
        List<BrokerRack> mixed = List.of(new BrokerRack(0, Optional.of("a")), new BrokerRack(1, Optional.empty()));
        assertThatThrownBy(() -> ReplicaAssignor.assign(mixed, 1, 1, 0, new Random(1)))
            .isInstanceOf(InvalidRequestException.class);
    }
}
