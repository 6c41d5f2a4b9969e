package io.weir.cluster.zk;

import java.util.Objects;

/**
 * A broker's registration with its broker epoch: the creation zxid (czxid) of its ephemeral
 * {@code /brokers/ids/<id>}, which grows each time the broker registers again. Immutable.
 */
public record RegisteredBroker(BrokerRegistration registration, long brokerEpoch) {

    public RegisteredBroker {
        Objects.requireNonNull(registration, "registration");
    }

    public int id() {
        return registration.id();
    }
}
