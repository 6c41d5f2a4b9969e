package io.weir.cluster.controller;

/**
 * The controller's settings.
 *
 * @param uncleanLeaderElectionDefault the broker's {@code unclean.leader.election.enable}, used for
 *     topics without an override (Kafka's default: false)
 * @param leaderImbalancePerBrokerPercentage {@code leader.imbalance.per.broker.percentage}
 *     (default 10): the automatic preferred-leader rebalance acts on a broker once more than this
 *     share of the partitions it should lead are led elsewhere
 * @param strictStateTransitions throw {@link InvalidStateTransitionException} on an invalid
 *     transition (tests) instead of logging it and skipping the change (production)
 */
public record ControllerConfig(boolean uncleanLeaderElectionDefault, int leaderImbalancePerBrokerPercentage,
                               boolean strictStateTransitions) {

    public ControllerConfig {
        if (leaderImbalancePerBrokerPercentage < 0 || leaderImbalancePerBrokerPercentage > 100) {
            throw new IllegalArgumentException("leader.imbalance.per.broker.percentage must be between 0 and 100, got "
                + leaderImbalancePerBrokerPercentage);
        }
    }

    /** Kafka's defaults, logging invalid transitions. */
    public static ControllerConfig defaults() {
        return new ControllerConfig(false, 10, false);
    }

    /** Kafka's defaults, throwing on invalid transitions. */
    public static ControllerConfig strict() {
        return new ControllerConfig(false, 10, true);
    }
}
