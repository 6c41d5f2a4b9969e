package io.weir.broker.control;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;

/**
 * The control-plane wire format, big-endian throughout:
 * <pre>
 * frame        = size:int32 type:int16 correlationId:int32 body     (size counts the bytes after itself)
 * string       = length:int16 utf8[length]                          (nullable: length -1 is null)
 * [x]          = count:int32 x[count]
 * uuid         = mostSignificant:int64 leastSignificant:int64
 * tp           = topic:string partition:int32
 * errors       = code:int16                                          (Kafka's error codes)
 * boolean      = int8 0 or 1
 *
 * LEADER_AND_ISR (1)    brokerId:int32 controllerEpoch:int32 partitions:[partition] liveLeaders:[broker]
 *                       brokerEpoch:int64
 * UPDATE_METADATA (2)   brokerId:int32 controllerEpoch:int32 liveBrokers:[broker] partitions:[partition] full:boolean
 * STOP_REPLICA (3)      brokerId:int32 controllerEpoch:int32 partitions:[tp leaderEpoch:int32 deletePartition:boolean]
 *                       brokerEpoch:int64
 * CONTROLLED_SHUTDOWN (4)          brokerId:int32 brokerEpoch:int64
 * CONTROL_RESPONSE (100)           error:errors partitionErrors:[tp errors]
 * CONTROLLED_SHUTDOWN_RESPONSE (101) error:errors partitionsRemaining:[tp]
 *
 * partition    = tp topicId:uuid leader:int32 leaderEpoch:int32 isr:[int32] partitionEpoch:int32
 *                stateControllerEpoch:int32 replicas:[int32] addingReplicas:[int32]
 *                removingReplicas:[int32] offlineReplicas:[int32] isNew:boolean
 * broker       = id:int32 endpoints:[listenerName:string securityProtocol:string host:string port:int32]
 *                rack:nullable string epoch:int64
 * </pre>
 * Decoding refuses (with {@link ControlProtocolException}) unknown types, counts and lengths that
 * overrun the frame, invalid booleans, unknown error codes, duplicate partitions in a map or set,
 * invalid UTF-8 and bytes left over after the body.
 *
 * <p>Stateless and thread-safe.
 */
public final class ControlCodec {

    public static final int SIZE_FIELD_BYTES = 4;
    /** Message type and correlation id. */
    public static final int HEADER_BYTES = 6;
    /** Kafka's {@code socket.request.max.bytes} default. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

    // Smallest encoding of one element of each list, to bound counts before allocating.
    private static final int MIN_TOPIC_PARTITION_BYTES = 2 + 4;
    private static final int MIN_PARTITION_INFO_BYTES = MIN_TOPIC_PARTITION_BYTES + 16 + 4 * 4 + 5 * 4 + 1;
    private static final int MIN_ENDPOINT_BYTES = 3 * 2 + 4;
    private static final int MIN_LIVE_BROKER_BYTES = 4 + 4 + 2 + 8;
    private static final int MIN_STOP_REPLICA_PARTITION_BYTES = MIN_TOPIC_PARTITION_BYTES + 4 + 1;
    private static final int MIN_PARTITION_ERROR_BYTES = MIN_TOPIC_PARTITION_BYTES + 2;

    private ControlCodec() {
    }

    /**
     * The whole frame of {@code message} (an instance of one of the {@link ControlMessageType}
     * body classes), size field included, ready to write.
     */
    public static ByteBuffer encode(int correlationId, Object message) {
        ControlMessageType type = ControlMessageType.of(message);
        ControlWriter writer = new ControlWriter();
        writer.writeInt(0);
        writer.writeShort(type.code());
        writer.writeInt(correlationId);
        switch (type) {
            case LEADER_AND_ISR -> writeLeaderAndIsr(writer, (LeaderAndIsrRequest) message);
            case UPDATE_METADATA -> writeUpdateMetadata(writer, (UpdateMetadataRequest) message);
            case STOP_REPLICA -> writeStopReplica(writer, (StopReplicaRequest) message);
            case CONTROLLED_SHUTDOWN -> writeControlledShutdown(writer, (ControlledShutdownRequest) message);
            case CONTROL_RESPONSE -> writeControlResponse(writer, (ControlResponse) message);
            case CONTROLLED_SHUTDOWN_RESPONSE ->
                writeControlledShutdownResponse(writer, (ControlledShutdownResponse) message);
            default -> throw new IllegalStateException("no encoder for " + type);
        }
        writer.putInt(0, writer.position() - SIZE_FIELD_BYTES);
        return writer.finish();
    }

    /** Refuses a frame size field below the header size or above {@code maxFrameBytes}. */
    public static void checkFrameSize(int size, int maxFrameBytes) throws ControlProtocolException {
        if (size < HEADER_BYTES) {
            throw new ControlProtocolException("Invalid control-plane frame (size = " + size + ")");
        }
        if (size > maxFrameBytes) {
            throw new ControlProtocolException("Invalid control-plane frame (size = " + size + " larger than "
                + maxFrameBytes + ")");
        }
    }

    /**
     * Decodes the bytes of one frame after its size field (type, correlation id, body), which
     * must be consumed exactly.
     */
    public static ControlFrame decode(ByteBuffer frame) throws ControlProtocolException {
        ControlReader reader = new ControlReader(frame);
        short code = reader.readShort();
        int correlationId = reader.readInt();
        ControlMessageType type = ControlMessageType.forCode(code);
        if (type == null) {
            throw new ControlProtocolException("unknown control-plane message type " + code);
        }
        Object message = switch (type) {
            case LEADER_AND_ISR -> readLeaderAndIsr(reader);
            case UPDATE_METADATA -> readUpdateMetadata(reader);
            case STOP_REPLICA -> readStopReplica(reader);
            case CONTROLLED_SHUTDOWN -> new ControlledShutdownRequest(reader.readInt(), reader.readLong());
            case CONTROL_RESPONSE -> readControlResponse(reader);
            case CONTROLLED_SHUTDOWN_RESPONSE -> readControlledShutdownResponse(reader);
        };
        reader.checkFullyRead();
        return new ControlFrame(type, correlationId, message);
    }

    private static void writeLeaderAndIsr(ControlWriter writer, LeaderAndIsrRequest request) {
        writer.writeInt(request.brokerId());
        writer.writeInt(request.controllerEpoch());
        writePartitionInfos(writer, request.partitions());
        writeLiveBrokers(writer, request.liveLeaders());
        writer.writeLong(request.brokerEpoch());
    }

    private static LeaderAndIsrRequest readLeaderAndIsr(ControlReader reader) throws ControlProtocolException {
        int brokerId = reader.readInt();
        int controllerEpoch = reader.readInt();
        List<PartitionInfo> partitions = readPartitionInfos(reader);
        List<LiveBroker> liveLeaders = readLiveBrokers(reader);
        return new LeaderAndIsrRequest(brokerId, controllerEpoch, partitions, liveLeaders, reader.readLong());
    }

    private static void writeUpdateMetadata(ControlWriter writer, UpdateMetadataRequest request) {
        writer.writeInt(request.brokerId());
        writer.writeInt(request.controllerEpoch());
        writeLiveBrokers(writer, request.liveBrokers());
        writePartitionInfos(writer, request.partitions());
        writer.writeBoolean(request.full());
    }

    private static UpdateMetadataRequest readUpdateMetadata(ControlReader reader) throws ControlProtocolException {
        int brokerId = reader.readInt();
        int controllerEpoch = reader.readInt();
        List<LiveBroker> liveBrokers = readLiveBrokers(reader);
        List<PartitionInfo> partitions = readPartitionInfos(reader);
        boolean full = reader.readBoolean();
        return new UpdateMetadataRequest(brokerId, controllerEpoch, liveBrokers, partitions, full);
    }

    private static void writeStopReplica(ControlWriter writer, StopReplicaRequest request) {
        writer.writeInt(request.brokerId());
        writer.writeInt(request.controllerEpoch());
        writer.writeCount(request.partitions().size());
        for (StopReplicaPartition partition : request.partitions()) {
            writer.writeTopicPartition(partition.partition());
            writer.writeInt(partition.leaderEpoch());
            writer.writeBoolean(partition.deletePartition());
        }
        writer.writeLong(request.brokerEpoch());
    }

    private static StopReplicaRequest readStopReplica(ControlReader reader) throws ControlProtocolException {
        int brokerId = reader.readInt();
        int controllerEpoch = reader.readInt();
        int count = reader.readCount(MIN_STOP_REPLICA_PARTITION_BYTES, "partition");
        List<StopReplicaPartition> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            partitions.add(new StopReplicaPartition(reader.readTopicPartition(), reader.readInt(),
                reader.readBoolean()));
        }
        return new StopReplicaRequest(brokerId, controllerEpoch, partitions, reader.readLong());
    }

    private static void writeControlledShutdown(ControlWriter writer, ControlledShutdownRequest request) {
        writer.writeInt(request.brokerId());
        writer.writeLong(request.brokerEpoch());
    }

    private static void writeControlResponse(ControlWriter writer, ControlResponse response) {
        writer.writeErrors(response.error());
        writer.writeCount(response.partitionErrors().size());
        for (Map.Entry<TopicPartition, Errors> entry : response.partitionErrors().entrySet()) {
            writer.writeTopicPartition(entry.getKey());
            writer.writeErrors(entry.getValue());
        }
    }

    private static ControlResponse readControlResponse(ControlReader reader) throws ControlProtocolException {
        Errors error = reader.readErrors();
        int count = reader.readCount(MIN_PARTITION_ERROR_BYTES, "partition error");
        Map<TopicPartition, Errors> partitionErrors = new HashMap<>(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) {
            TopicPartition partition = reader.readTopicPartition();
            if (partitionErrors.put(partition, reader.readErrors()) != null) {
                throw new ControlProtocolException("partition " + partition + " listed twice");
            }
        }
        return new ControlResponse(error, partitionErrors);
    }

    private static void writeControlledShutdownResponse(ControlWriter writer, ControlledShutdownResponse response) {
        writer.writeErrors(response.error());
        writer.writeCount(response.partitionsRemaining().size());
        for (TopicPartition partition : response.partitionsRemaining()) {
            writer.writeTopicPartition(partition);
        }
    }

    private static ControlledShutdownResponse readControlledShutdownResponse(ControlReader reader)
        throws ControlProtocolException {
        Errors error = reader.readErrors();
        int count = reader.readCount(MIN_TOPIC_PARTITION_BYTES, "partition");
        Set<TopicPartition> remaining = new HashSet<>(Math.max(16, count * 2));
        for (int i = 0; i < count; i++) {
            TopicPartition partition = reader.readTopicPartition();
            if (!remaining.add(partition)) {
                throw new ControlProtocolException("partition " + partition + " listed twice");
            }
        }
        return new ControlledShutdownResponse(error, remaining);
    }

    private static void writePartitionInfos(ControlWriter writer, List<PartitionInfo> partitions) {
        writer.writeCount(partitions.size());
        for (PartitionInfo p : partitions) {
            writer.writeTopicPartition(p.partition());
            writer.writeUuid(p.topicId());
            writer.writeInt(p.leader());
            writer.writeInt(p.leaderEpoch());
            writer.writeIntList(p.isr());
            writer.writeInt(p.partitionEpoch());
            writer.writeInt(p.stateControllerEpoch());
            writer.writeIntList(p.replicas());
            writer.writeIntList(p.addingReplicas());
            writer.writeIntList(p.removingReplicas());
            writer.writeIntList(p.offlineReplicas());
            writer.writeBoolean(p.isNew());
        }
    }

    private static List<PartitionInfo> readPartitionInfos(ControlReader reader) throws ControlProtocolException {
        int count = reader.readCount(MIN_PARTITION_INFO_BYTES, "partition");
        List<PartitionInfo> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TopicPartition partition = reader.readTopicPartition();
            var topicId = reader.readUuid();
            int leader = reader.readInt();
            int leaderEpoch = reader.readInt();
            List<Integer> isr = reader.readIntList("isr");
            int partitionEpoch = reader.readInt();
            int stateControllerEpoch = reader.readInt();
            List<Integer> replicas = reader.readIntList("replica");
            List<Integer> adding = reader.readIntList("adding replica");
            List<Integer> removing = reader.readIntList("removing replica");
            List<Integer> offline = reader.readIntList("offline replica");
            boolean isNew = reader.readBoolean();
            partitions.add(new PartitionInfo(partition, topicId, leader, leaderEpoch, isr, partitionEpoch,
                stateControllerEpoch, replicas, adding, removing, offline, isNew));
        }
        return partitions;
    }

    private static void writeLiveBrokers(ControlWriter writer, List<LiveBroker> brokers) {
        writer.writeCount(brokers.size());
        for (LiveBroker broker : brokers) {
            writer.writeInt(broker.id());
            writer.writeCount(broker.endpoints().size());
            for (EndpointInfo endpoint : broker.endpoints()) {
                writer.writeString(endpoint.listenerName());
                writer.writeString(endpoint.securityProtocol());
                writer.writeString(endpoint.host());
                writer.writeInt(endpoint.port());
            }
            writer.writeNullableString(broker.rack().orElse(null));
            writer.writeLong(broker.epoch());
        }
    }

    private static List<LiveBroker> readLiveBrokers(ControlReader reader) throws ControlProtocolException {
        int count = reader.readCount(MIN_LIVE_BROKER_BYTES, "broker");
        List<LiveBroker> brokers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = reader.readInt();
            int endpointCount = reader.readCount(MIN_ENDPOINT_BYTES, "endpoint");
            List<EndpointInfo> endpoints = new ArrayList<>(endpointCount);
            for (int j = 0; j < endpointCount; j++) {
                endpoints.add(new EndpointInfo(reader.readString(), reader.readString(), reader.readString(),
                    reader.readInt()));
            }
            Optional<String> rack = Optional.ofNullable(reader.readNullableString());
            long epoch = reader.readLong();
            brokers.add(new LiveBroker(id, endpoints, rack, epoch));
        }
        return brokers;
    }
}
