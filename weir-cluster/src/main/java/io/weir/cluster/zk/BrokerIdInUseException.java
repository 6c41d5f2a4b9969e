package io.weir.cluster.zk;

/** Another ZooKeeper session (another broker process) holds {@code /brokers/ids/<id>}. */
public final class BrokerIdInUseException extends ZkStoreException {

    private final int brokerId;

    public BrokerIdInUseException(int brokerId, String path, long ownerSessionId) {
        super("broker.id " + brokerId + " is already registered at " + path + " by another ZooKeeper session (0x"
            + Long.toHexString(ownerSessionId) + "); is another broker running with broker.id=" + brokerId + "?");
        this.brokerId = brokerId;
    }

    public int brokerId() {
        return brokerId;
    }
}
