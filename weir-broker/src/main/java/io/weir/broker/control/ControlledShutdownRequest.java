package io.weir.broker.control;

/**
 * A broker asking the controller to move leadership away before it stops (Kafka's
 * ControlledShutdown). {@code brokerEpoch} is the epoch of the broker's current registration, so
 * the controller can refuse a request from a previous incarnation. Immutable.
 */
public record ControlledShutdownRequest(int brokerId, long brokerEpoch) {
}
