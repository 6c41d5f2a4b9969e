package io.weir.broker.server;

/**
 * Told by the {@link MetadataLoader} what changed, after it applied it (the group coordinator
 * loads and unloads {@code __consumer_offsets} partitions and watches partition counts this
 * way). Called on the metadata thread, one call at a time.
 */
public interface MetadataListener {

    /** A local partition's leadership or ISR was applied. */
    void onPartitionApplied(Partition partition);

    /** A topic this broker knew was deleted; it had {@code numPartitions} partitions. */
    void onTopicDeleted(String topic, int numPartitions);

    /** The set of topics or their partition counts may have changed. */
    void onMetadataChanged(MetadataCache.Snapshot snapshot);

    MetadataListener NONE = new MetadataListener() {
        @Override
        public void onPartitionApplied(Partition partition) {
        }

        @Override
        public void onTopicDeleted(String topic, int numPartitions) {
        }

        @Override
        public void onMetadataChanged(MetadataCache.Snapshot snapshot) {
        }
    };
}
