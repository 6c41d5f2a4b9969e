package io.weir.cluster.zk;

/**
 * Callbacks of {@link ZkStore#watchBrokers}: brokers appearing in and leaving
 * {@code /brokers/ids}. All calls of one {@link ZkStore} come on its single event thread
 * ({@code weir-zk-events}).
 */
public interface BrokerListener {

    /** A broker registered (also sent once per live broker when the watch starts). */
    void onBrokerAdded(BrokerRegistration broker);

    /** A broker's registration went away (shutdown or session expiry). */
    void onBrokerRemoved(int brokerId);

    /** A broker rewrote its registration. Default: treated as {@link #onBrokerAdded}. */
    default void onBrokerUpdated(BrokerRegistration broker) {
        onBrokerAdded(broker);
    }
}
