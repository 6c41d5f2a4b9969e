package io.weir.coordinator.common;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a coordinator partition from its start to its committed end and hands every record,
 * in offset order, to {@code replay}. The broker implements it by reading
 * {@code __consumer_offsets} and deserializing with the coordinator's serde; records it
 * cannot decode (unknown key versions) should be skipped, as Kafka does.
 *
 * <p>{@code replay} must be called from one thread at a time; the future completes when done.
 */
public interface CoordinatorLoader {

    CompletableFuture<Void> load(TopicPartition tp, Consumer<CoordinatorRecord> replay);
}
