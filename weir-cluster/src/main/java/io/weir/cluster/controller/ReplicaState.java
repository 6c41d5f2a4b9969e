package io.weir.cluster.controller;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of Kafka's replica state machine: {@code NEW} (assigned during creation or
 * reassignment, may not be leader yet), {@code ONLINE} (part of the assignment and hosted by a live
 * broker), {@code OFFLINE} (its broker died or is shutting down, or deletion begins), the three
 * deletion states, and {@code NON_EXISTENT}.
 */
public enum ReplicaState {
    NEW,
    ONLINE,
    OFFLINE,
    DELETION_STARTED,
    DELETION_SUCCESSFUL,
    DELETION_INELIGIBLE,
    NON_EXISTENT;

    /** The states a replica may move to this state from (Kafka's {@code validPreviousStates}). */
    public Set<ReplicaState> validPreviousStates() {
        return switch (this) {
            case NEW -> EnumSet.of(NON_EXISTENT);
            case ONLINE, OFFLINE -> EnumSet.of(NEW, ONLINE, OFFLINE, DELETION_INELIGIBLE);
            case DELETION_STARTED -> EnumSet.of(OFFLINE);
            case DELETION_SUCCESSFUL -> EnumSet.of(DELETION_STARTED);
            case DELETION_INELIGIBLE -> EnumSet.of(OFFLINE, DELETION_STARTED);
            case NON_EXISTENT -> EnumSet.of(DELETION_SUCCESSFUL);
        };
    }

    public boolean canTransitionFrom(ReplicaState previous) {
        return validPreviousStates().contains(previous);
    }
}
