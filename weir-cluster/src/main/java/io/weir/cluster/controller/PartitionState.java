package io.weir.cluster.controller;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of Kafka's partition state machine. A partition is {@code NEW} once assigned but
 * before it has a leader, {@code ONLINE} when it has a leader, {@code OFFLINE} when its leader is
 * gone (or its topic is being deleted), {@code NON_EXISTENT} before creation and after deletion.
 */
public enum PartitionState {
    NON_EXISTENT,
    NEW,
    ONLINE,
    OFFLINE;

    /** The states a partition may move to this state from (Kafka's {@code validPreviousStates}). */
    public Set<PartitionState> validPreviousStates() {
        return switch (this) {
            case NON_EXISTENT -> EnumSet.of(OFFLINE);
            case NEW -> EnumSet.of(NON_EXISTENT);
            case ONLINE, OFFLINE -> EnumSet.of(NEW, ONLINE, OFFLINE);
        };
    }

    public boolean canTransitionFrom(PartitionState previous) {
        return validPreviousStates().contains(previous);
    }
}
