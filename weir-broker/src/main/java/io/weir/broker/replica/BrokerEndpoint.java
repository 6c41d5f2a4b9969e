package io.weir.broker.replica;

import java.util.Objects;

/** Where a leader broker is reached: its id and the host and port of its inter-broker listener. Immutable. */
public record BrokerEndpoint(int id, String host, int port) {

    public BrokerEndpoint {
        Objects.requireNonNull(host, "host");
    }

    @Override
    public String toString() {
        return "broker " + id + " at " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
