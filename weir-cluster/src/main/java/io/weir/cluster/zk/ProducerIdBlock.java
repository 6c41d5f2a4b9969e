package io.weir.cluster.zk;

/**
 * A range of producer ids owned by one broker: {@code [firstProducerId, lastProducerId()]}.
 * Stored as the latest allocated block in {@code /latest_producer_id_block}. Immutable.
 */
public record ProducerIdBlock(int brokerId, long firstProducerId, int size) {

    public ProducerIdBlock {
        if (firstProducerId < 0 || size <= 0) {
            throw new IllegalArgumentException("invalid producer id block: first " + firstProducerId + ", size " + size);
        }
    }

    public long lastProducerId() {
        return firstProducerId + size - 1;
    }
}
