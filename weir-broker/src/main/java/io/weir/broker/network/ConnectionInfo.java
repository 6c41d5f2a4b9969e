package io.weir.broker.network;

import java.net.InetAddress;

/**
 * Who a connection is: Kafka-style id {@code localHost:localPort-remoteHost:remotePort-index},
 * the client's address and the listener it came in on.
 *
 * <p>Immutable.
 */
record ConnectionInfo(String connectionId, InetAddress clientAddress, String listenerName) {
}
