package io.weir.cluster.zk;

/**
 * A ZooKeeper operation failed for a reason the caller did not expect (connection loss after
 * retries, a missing parent, unreadable JSON). The message names the znode path.
 *
 * <p>Expected outcomes (a node exists, a version conflict) are return values or the specific
 * subclasses and Kafka exceptions documented on {@link ZkStore}.
 */
public class ZkStoreException extends RuntimeException {

    public ZkStoreException(String message) {
        super(message);
    }

    public ZkStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
