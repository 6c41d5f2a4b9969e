package io.weir.cluster.zk;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A live broker as registered in the ephemeral znode {@code /brokers/ids/<id>}. Immutable. */
public record BrokerRegistration(int id, List<EndpointInfo> endpoints, Optional<String> rack) {

    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(rack, "rack");
    }

    /** The endpoint of the named listener, if the broker has one. */
    public Optional<EndpointInfo> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
