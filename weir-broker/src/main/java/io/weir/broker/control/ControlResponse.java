package io.weir.broker.control;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A broker's answer to LeaderAndIsr, UpdateMetadata or StopReplica: a top-level error (such as
 * STALE_CONTROLLER_EPOCH, applying to the whole request) and an error per partition where the
 * request names partitions. Immutable.
 */
public record ControlResponse(Errors error, Map<TopicPartition, Errors> partitionErrors) {

    /** Success with no per-partition errors. */
    public static final ControlResponse NONE = new ControlResponse(Errors.NONE, Map.of());

    public ControlResponse {
        Objects.requireNonNull(error, "error");
        partitionErrors = Map.copyOf(partitionErrors);
    }

    /** A response with only a top-level error. */
    public static ControlResponse of(Errors error) {
        return new ControlResponse(error, Map.of());
    }
}
