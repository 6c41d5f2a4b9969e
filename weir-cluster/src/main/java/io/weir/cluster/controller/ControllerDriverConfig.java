package io.weir.cluster.controller;

import java.util.Objects;

/**
 * The settings of a {@link ControllerDriver}.
 *
 * @param controllerConfig the controller brain's settings
 * @param autoLeaderRebalanceEnable {@code auto.leader.rebalance.enable} (Kafka's default: true):
 *     run the automatic preferred-leader rebalance periodically
 * @param leaderImbalanceCheckIntervalMs {@code leader.imbalance.check.interval.seconds} in
 *     milliseconds (Kafka's default: 300 s)
 * @param maxWriteAttempts how often one event is handled again after its ZooKeeper writes met a
 *     concurrent change (a leader's ISR update, a topic znode rewrite) before it is given up
 * @param shutdownTimeoutMs how long {@link ControllerDriver#shutdown} waits for the controller
 *     thread to finish the event it is handling
 */
public record ControllerDriverConfig(ControllerConfig controllerConfig, boolean autoLeaderRebalanceEnable,
                                     long leaderImbalanceCheckIntervalMs, int maxWriteAttempts,
                                     long shutdownTimeoutMs) {

    public static final long DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_MS = 300_000L;
    public static final int DEFAULT_MAX_WRITE_ATTEMPTS = 10;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000L;

    public ControllerDriverConfig {
        Objects.requireNonNull(controllerConfig, "controllerConfig");
        if (leaderImbalanceCheckIntervalMs < 1) {
            throw new IllegalArgumentException("leader.imbalance.check.interval.seconds must be positive, got "
                + leaderImbalanceCheckIntervalMs + " ms");
        }
        if (maxWriteAttempts < 1) {
            throw new IllegalArgumentException("maxWriteAttempts must be at least 1, got " + maxWriteAttempts);
        }
        if (shutdownTimeoutMs < 0) {
            throw new IllegalArgumentException("shutdownTimeoutMs must not be negative, got " + shutdownTimeoutMs);
        }
    }

    /** The brain's and rebalance settings, with the default retry bound and shutdown timeout. */
    public ControllerDriverConfig(ControllerConfig controllerConfig, boolean autoLeaderRebalanceEnable,
                                  long leaderImbalanceCheckIntervalMs) {
        this(controllerConfig, autoLeaderRebalanceEnable, leaderImbalanceCheckIntervalMs, DEFAULT_MAX_WRITE_ATTEMPTS,
            DEFAULT_SHUTDOWN_TIMEOUT_MS);
    }

    /** Kafka's defaults. */
    public static ControllerDriverConfig defaults() {
        return new ControllerDriverConfig(ControllerConfig.defaults(), true, DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_MS);
    }
}
