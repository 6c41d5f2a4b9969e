package io.weir.broker.api;

import java.util.Optional;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

import io.weir.broker.network.Request;
import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaManager;
import io.weir.storage.Log;

/**
 * ListOffsets: earliest, latest (the high watermark for consumers), max timestamp, and the
 * first offset at or after a timestamp, from the partition leader. While a new leader's high
 * watermark is below the start of its epoch, consumers get OFFSET_NOT_AVAILABLE for "latest" and
 * for timestamp lookups that find nothing below the HW (Kafka's rule).
 *
 * <p>Stateless; runs on handler threads.
 */
public final class ListOffsetsApi implements ApiHandler {

    private final BrokerContext ctx;

    public ListOffsetsApi(BrokerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(Request request) {
        ListOffsetsRequest req = request.body(ListOffsetsRequest.class);
        boolean fromConsumer = req.replicaId() == ListOffsetsRequest.CONSUMER_REPLICA_ID;
        ListOffsetsResponseData data = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : req.data().topics()) {
            ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition p : topic.partitions()) {
                tr.partitions().add(listOffset(new TopicPartition(topic.name(), p.partitionIndex()), p,
                    fromConsumer, req.isolationLevel()));
            }
            data.topics().add(tr);
        }
        if (request.apiVersion() < 4) {
            // LeaderEpoch is a v4+ field that the serializer refuses to write at older versions.
            data.topics().forEach(t -> t.partitions().forEach(p -> p.setLeaderEpoch(-1)));
        }
        request.sendResponse(new ListOffsetsResponse(data));
    }

    private ListOffsetsPartitionResponse listOffset(TopicPartition tp, ListOffsetsPartition p, boolean fromConsumer,
                                                    IsolationLevel isolation) {
        ListOffsetsPartitionResponse r = new ListOffsetsPartitionResponse().setPartitionIndex(tp.partition())
            .setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP).setOffset(ListOffsetsResponse.UNKNOWN_OFFSET);
        ReplicaManager.LeaderLookup leader = ctx.replicaManager().leaderFor(tp, p.currentLeaderEpoch());
        if (!leader.found()) {
            return r.setErrorCode(leader.error().code());
        }
        Partition partition = leader.partition();
        Log log = partition.log();
        long hw = log.highWatermark();
        // Kafka's rule for a new leader: until its HW reaches where its epoch started, the HW may be
        // below records an earlier leader acknowledged, so consumers must not take it as "latest".
        long epochStart = partition.leaderEpochStartOffset();
        boolean hwNotSafe = fromConsumer && epochStart > hw;
        try {
            if (p.timestamp() == ListOffsetsRequest.LATEST_TIMESTAMP) {
                if (hwNotSafe) {
                    return r.setErrorCode(Errors.OFFSET_NOT_AVAILABLE.code());
                }
                long offset = fromConsumer ? hw : log.logEndOffset();
                return r.setErrorCode(Errors.NONE.code()).setOffset(offset).setLeaderEpoch(partition.leaderEpoch());
            }
            Optional<TimestampAndOffset> found = log.fetchOffsetByTimestamp(p.timestamp());
            boolean earliest = p.timestamp() == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || p.timestamp() == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP;
            if (!earliest && fromConsumer && found.isPresent() && found.get().offset >= hw) {
                found = Optional.empty();
            }
            if (found.isEmpty()) {
                // Nothing below the HW matched: that may only be because the new leader's HW lags.
                return r.setErrorCode((hwNotSafe && !earliest ? Errors.OFFSET_NOT_AVAILABLE : Errors.NONE).code());
            }
            TimestampAndOffset t = found.get();
            return r.setErrorCode(Errors.NONE.code()).setTimestamp(t.timestamp).setOffset(t.offset)
                .setLeaderEpoch(t.leaderEpoch.orElse(-1));
        } catch (KafkaStorageException e) {
            return r.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }
}
