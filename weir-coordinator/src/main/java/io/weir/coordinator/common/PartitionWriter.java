package io.weir.coordinator.common;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Appends a coordinator's records to its partition. The broker implements it with its log:
 * serialize with the coordinator's serde, append as the leader, and complete the future with
 * the offset after the last record once the high watermark passed it (the records are
 * committed). Fail the future (e.g. with {@code NotLeaderOrFollowerException}) when the write
 * cannot be committed; the coordinator then leaves its state unchanged.
 *
 * <p>Implementations must be thread-safe; futures may complete on any thread.
 */
public interface PartitionWriter {

    CompletableFuture<Long> append(TopicPartition tp, List<CoordinatorRecord> records);
}
