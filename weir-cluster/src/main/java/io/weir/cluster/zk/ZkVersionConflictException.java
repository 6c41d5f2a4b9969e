package io.weir.cluster.zk;

/**
 * A conditional write found the znode at a newer version than the caller read: someone else
 * changed it in between. Re-read and retry.
 */
public final class ZkVersionConflictException extends ZkStoreException {

    public ZkVersionConflictException(String path, int expectedZkVersion) {
        super("znode " + path + " changed since it was read (expected zkVersion " + expectedZkVersion
            + "); re-read it and retry");
    }
}
