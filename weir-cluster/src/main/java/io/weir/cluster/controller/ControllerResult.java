package io.weir.cluster.controller;

import java.util.List;
import java.util.Optional;

/**
 * What handling one event produced: the ZooKeeper writes to make (all or none, in one
 * transaction), the records to replay once they succeeded, the messages to send to brokers
 * after that, and the response for a request-style event. If the writes fail (a version
 * conflict), nothing is replayed or sent; the driver refreshes the state and retries the event.
 * Immutable.
 */
public record ControllerResult(List<ZkWrite> zkWrites, List<ControllerRecord> records, List<BrokerRequest> requests,
                               Optional<ControllerResponse> response) {

    public ControllerResult {
        zkWrites = List.copyOf(zkWrites);
        records = List.copyOf(records);
        requests = List.copyOf(requests);
    }

    public static ControllerResult empty() {
        return new ControllerResult(List.of(), List.of(), List.of(), Optional.empty());
    }

    public static ControllerResult of(ControllerResponse response) {
        return new ControllerResult(List.of(), List.of(), List.of(), Optional.of(response));
    }
}
