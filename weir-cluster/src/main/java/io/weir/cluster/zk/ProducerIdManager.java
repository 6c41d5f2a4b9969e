package io.weir.cluster.zk;

/**
 * Hands out producer ids for InitProducerId from a block this broker owns, fetching the next
 * block from ZooKeeper ({@link ZkStore#allocateProducerIdBlock}) when the current one runs out.
 * Ids are unique across the cluster and never reused after a restart (a restarted broker takes a
 * fresh block; the rest of its old block is skipped).
 *
 * <p>Thread-safe: one lock; the ZooKeeper round trip for a new block (once every
 * {@code blockSize} ids) happens under it.
 */
public final class ProducerIdManager {

    /** Kafka's block size. */
    public static final int DEFAULT_BLOCK_SIZE = 1000;

    private final ZkStore zk;
    private final int brokerId;
    private final int blockSize;
    private ProducerIdBlock block;
    private long nextProducerId;

    public ProducerIdManager(ZkStore zk, int brokerId) {
        this(zk, brokerId, DEFAULT_BLOCK_SIZE);
    }

    public ProducerIdManager(ZkStore zk, int brokerId, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive, got " + blockSize);
        }
        this.zk = zk;
        this.brokerId = brokerId;
        this.blockSize = blockSize;
    }

    /** The next unused producer id; may block on ZooKeeper. Throws {@link ZkStoreException} if it cannot. */
    public synchronized long generateProducerId() {
        if (block == null || nextProducerId > block.lastProducerId()) {
            block = zk.allocateProducerIdBlock(brokerId, blockSize);
            nextProducerId = block.firstProducerId();
        }
        return nextProducerId++;
    }
}
