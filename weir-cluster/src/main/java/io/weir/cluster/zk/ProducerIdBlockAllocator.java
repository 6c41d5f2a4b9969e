package io.weir.cluster.zk;

import java.util.Optional;

import org.apache.zookeeper.CreateMode;

/**
 * Allocates producer id blocks through {@code /latest_producer_id_block}, which holds the last
 * block handed out to any broker. A broker reads it, computes the next block, and writes it back
 * conditionally on the version it read; a lost race retries. So blocks never overlap, across
 * brokers and restarts. The first block starts at 0, as in Kafka.
 *
 * <p>Thread-safe: stateless over {@link ZkOps}; concurrency is resolved by ZooKeeper versions.
 */
final class ProducerIdBlockAllocator {

    private static final int MAX_ATTEMPTS = 1000;

    private final ZkOps ops;

    ProducerIdBlockAllocator(ZkOps ops) {
        this.ops = ops;
    }

    ProducerIdBlock allocate(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive, got " + blockSize);
        }
        String path = ZkPaths.LATEST_PRODUCER_ID_BLOCK;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<ZkOps.Versioned> current = ops.read(path);
            ProducerIdBlock next = new ProducerIdBlock(brokerId, nextStart(current), blockSize);
            byte[] data = ZkJson.encodeProducerIdBlock(next);
            boolean written = current.isEmpty()
                ? ops.create(path, data, CreateMode.PERSISTENT, true)
                : ops.setData(path, data, current.get().version()).isPresent();
            if (written) {
                return next;
            }
        }
        throw new ZkStoreException("could not allocate a producer id block at " + ops.describe(path) + " after "
            + MAX_ATTEMPTS + " conflicting attempts");
    }

    private long nextStart(Optional<ZkOps.Versioned> current) {
        if (current.isEmpty() || current.get().data() == null || current.get().data().length == 0) {
            return 0;
        }
        ProducerIdBlock last = ZkJson.decodeProducerIdBlock(ops.describe(ZkPaths.LATEST_PRODUCER_ID_BLOCK),
            current.get().data());
        if (last.lastProducerId() >= Long.MAX_VALUE - Integer.MAX_VALUE) {
            throw new ZkStoreException("producer ids exhausted: last block ends at " + last.lastProducerId());
        }
        return last.lastProducerId() + 1;
    }
}
