package io.weir.coordinator.group.classic;

import java.util.Set;

/** The states of a classic group, with Kafka's names and transitions. */
public enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String label;

    ClassicGroupState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The states this one may be entered from. */
    Set<ClassicGroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> Set.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> Set.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> Set.of(PREPARING_REBALANCE);
            case STABLE -> Set.of(COMPLETING_REBALANCE);
            case DEAD -> Set.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
        };
    }
}
