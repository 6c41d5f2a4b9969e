package io.weir.cluster.controller;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/** The answer to a request-style event, sent once the result's writes succeeded. Immutable. */
public sealed interface ControllerResponse {

    /** ControlledShutdown: the partitions the broker still leads (it retries until none are left). */
    record ControlledShutdownResponse(Errors error, Set<TopicPartition> partitionsRemaining)
        implements ControllerResponse {
        public ControlledShutdownResponse {
            partitionsRemaining = Set.copyOf(partitionsRemaining);
        }
    }

    /** ElectLeaders: an error (or NONE) per partition. */
    record ElectLeadersResponse(Map<TopicPartition, Errors> results) implements ControllerResponse {
        public ElectLeadersResponse {
            results = Map.copyOf(results);
        }
    }

    /** AlterPartitionReassignments: an error (or NONE) per partition. */
    record ReassignmentResponse(Map<TopicPartition, Errors> results) implements ControllerResponse {
        public ReassignmentResponse {
            results = Map.copyOf(results);
        }
    }
}
