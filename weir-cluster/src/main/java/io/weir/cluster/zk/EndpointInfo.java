package io.weir.cluster.zk;

import java.util.Objects;

/**
 * One advertised listener of a broker, as registered in {@code /brokers/ids/<id>}
 * ({@code "endpoints":["PLAINTEXT://host:9092"]} plus the listener's entry in
 * {@code listener_security_protocol_map}). Immutable.
 */
public record EndpointInfo(String listenerName, String securityProtocol, String host, int port) {

    public EndpointInfo {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        Objects.requireNonNull(host, "host");
    }

    /** Kafka's connection string, {@code LISTENER://host:port} (IPv6 hosts in brackets). */
    public String connectionString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return listenerName + "://" + h + ":" + port;
    }
}
