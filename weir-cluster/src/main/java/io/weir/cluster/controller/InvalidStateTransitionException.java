package io.weir.cluster.controller;

/** A state machine was asked for a transition Kafka's rules do not allow (thrown in strict mode). */
public final class InvalidStateTransitionException extends IllegalStateException {

    public InvalidStateTransitionException(String message) {
        super(message);
    }
}
