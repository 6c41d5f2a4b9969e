package io.weir.broker.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;

/** Control-plane messages with every field set, plus edge cases (empty lists, no rack, non-ASCII). */
final class ControlSamples {

    static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    static final TopicPartition UNICODE_7 = new TopicPartition("zählung-事件", 7);
    static final Uuid ORDERS_ID = new Uuid(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    private ControlSamples() {
    }

    static LiveBroker broker(int id, int controlPort) {
        return new LiveBroker(id, List.of(
            new EndpointInfo("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092 + id),
            ControlPlane.endpoint("127.0.0.1", controlPort)), Optional.of("rack-" + id), 1000L + id);
    }

    static PartitionInfo partition(TopicPartition tp, int leader, boolean isNew) {
        return new PartitionInfo(tp, ORDERS_ID, leader, 5, List.of(leader, 2, 3), 11, 4, List.of(leader, 2, 3),
            List.of(3), List.of(2), List.of(7), isNew);
    }

    static LeaderAndIsrRequest leaderAndIsr(int brokerId) {
        return new LeaderAndIsrRequest(brokerId, 4,
            List.of(partition(ORDERS_0, 1, true), partition(ORDERS_1, 2, false)),
            List.of(broker(1, 19001), broker(2, 19002)), 0x7fff_0000_0002L);
    }

    static UpdateMetadataRequest updateMetadata(int brokerId) {
        LiveBroker rackless = new LiveBroker(3, List.of(new EndpointInfo("EXTERNAL", "SSL", "::1", 9443)),
            Optional.empty(), Long.MAX_VALUE);
        PartitionInfo deleting = new PartitionInfo(UNICODE_7, Uuid.ZERO_UUID, BrokerRequest.LEADER_DURING_DELETE,
            -1, List.of(), 0, 0, List.of(), List.of(), List.of(), List.of(), false);
        return new UpdateMetadataRequest(brokerId, 4, List.of(broker(1, 19001), rackless),
            List.of(partition(ORDERS_0, 1, false), deleting), true);
    }

    static StopReplicaRequest stopReplica(int brokerId) {
        return new StopReplicaRequest(brokerId, 4, List.of(new StopReplicaPartition(ORDERS_0, 5, true),
            new StopReplicaPartition(UNICODE_7, -1, false)), 42L);
    }

    static ControlResponse response() {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        errors.put(ORDERS_0, Errors.NONE);
        errors.put(UNICODE_7, Errors.KAFKA_STORAGE_ERROR);
        return new ControlResponse(Errors.NONE, errors);
    }

    /** One message of every type, and a few edge cases; the first of each type is the richest. */
    static List<Object> all() {
        return List.of(
            leaderAndIsr(1),
            updateMetadata(2),
            stopReplica(3),
            new ControlledShutdownRequest(2, 0x7fff_0000_0001L),
            response(),
            new ControlledShutdownResponse(Errors.NONE, Set.of(ORDERS_0, UNICODE_7)),
            new LeaderAndIsrRequest(-1, 0, List.of(), List.of()),
            new UpdateMetadataRequest(1, Integer.MAX_VALUE, List.of(), List.of(), false),
            new StopReplicaRequest(1, 1, List.of()),
            ControlResponse.of(Errors.STALE_CONTROLLER_EPOCH),
            new ControlledShutdownResponse(Errors.NOT_CONTROLLER, Set.of()));
    }
}
