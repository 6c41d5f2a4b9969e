package io.weir.cluster.controller;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.weir.cluster.zk.BrokerRegistration;
import io.weir.cluster.zk.EndpointInfo;

/**
 * A registered broker as the controller sees it: its registration plus its broker epoch (Kafka
 * uses the creation zxid of {@code /brokers/ids/<id>}, so a restarted broker has a higher epoch and
 * a request from its previous incarnation can be told apart). Immutable.
 */
public record LiveBroker(int id, List<EndpointInfo> endpoints, Optional<String> rack, long epoch) {

    public LiveBroker {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(rack, "rack");
    }

    public static LiveBroker of(BrokerRegistration registration, long epoch) {
        return new LiveBroker(registration.id(), registration.endpoints(), registration.rack(), epoch);
    }

    /** A broker without endpoints or rack, for tests and simulations. */
    public static LiveBroker of(int id, long epoch) {
        return new LiveBroker(id, List.of(), Optional.empty(), epoch);
    }
}
