package io.weir.broker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ReplicaAssignmentTest {

    @Test
    void leadersRoundRobinAndFollowersShift() {
        Map<Integer, List<Integer>> a = ReplicaAssignment.assign(List.of(0, 1, 2, 3, 4), 10, 3, 0, 0, 0);
        assertThat(a.get(0)).containsExactly(0, 1, 2);
        assertThat(a.get(1)).containsExactly(1, 2, 3);
        assertThat(a.get(4)).containsExactly(4, 0, 1);
        // After wrapping around the brokers the followers shift by one more.
        assertThat(a.get(5)).containsExactly(0, 2, 3);
        assertThat(a.get(9)).containsExactly(4, 1, 2);
    }

    @Test
    void everyPartitionHasDistinctReplicasAndLeadersSpreadEvenly() {
        List<Integer> brokers = List.of(1, 2, 3);
        Map<Integer, List<Integer>> a = ReplicaAssignment.assign(brokers, 30, 3, 0, new Random(42));
        Map<Integer, Integer> leaders = new HashMap<>();
        a.values().forEach(r -> {
            assertThat(new HashSet<>(r)).hasSize(3);
            leaders.merge(r.get(0), 1, Integer::sum);
        });
        assertThat(leaders.values()).containsOnly(10);
    }

    @Test
    void continuesNumberingForAddedPartitions() {
        Map<Integer, List<Integer>> a = ReplicaAssignment.assign(List.of(0), 3, 1, 5, 0, 0);
        assertThat(a).containsOnlyKeys(5, 6, 7);
    }

    @Test
    void refusesReplicationFactorAboveBrokerCount() {
        assertThatThrownBy(() -> ReplicaAssignment.assign(List.of(0, 1), 1, 3, 0, 0, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than");
    }
}
