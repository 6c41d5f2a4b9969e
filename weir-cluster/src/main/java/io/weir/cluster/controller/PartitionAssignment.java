package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A partition's replica assignment as in {@code /brokers/topics/<t>} (version 3): the replicas
 * (the first is the preferred leader) and, while a reassignment runs, the replicas being added
 * and removed (KIP-455: {@code replicas = ORS + TRS}, {@code adding = TRS - ORS},
 * {@code removing = ORS - TRS}). Immutable.
 */
public record PartitionAssignment(List<Integer> replicas, List<Integer> addingReplicas,
                                  List<Integer> removingReplicas) {

    public PartitionAssignment {
        replicas = List.copyOf(replicas);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** An assignment with no reassignment in progress. */
    public static PartitionAssignment of(List<Integer> replicas) {
        return new PartitionAssignment(replicas, List.of(), List.of());
    }

    /** The assignment while moving from {@code original} to {@code target} (KIP-455 RS = TRS + ORS). */
    public static PartitionAssignment reassigning(List<Integer> original, List<Integer> target) {
        LinkedHashSet<Integer> all = new LinkedHashSet<>(target);
        all.addAll(original);
        List<Integer> adding = new ArrayList<>(target);
        adding.removeAll(original);
        List<Integer> removing = new ArrayList<>(original);
        removing.removeAll(target);
        return new PartitionAssignment(new ArrayList<>(all), adding, removing);
    }

    public boolean isBeingReassigned() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** TRS: the replicas the partition will have when the reassignment completes. */
    public List<Integer> targetReplicas() {
        List<Integer> target = new ArrayList<>(replicas);
        target.removeAll(removingReplicas);
        return target;
    }

    /** ORS: the replicas the partition had before the reassignment started. */
    public List<Integer> originalReplicas() {
        List<Integer> original = new ArrayList<>(replicas);
        original.removeAll(addingReplicas);
        return original;
    }

    /** The preferred leader: the first replica of the target assignment. */
    public int preferredReplica() {
        return targetReplicas().get(0);
    }
}
