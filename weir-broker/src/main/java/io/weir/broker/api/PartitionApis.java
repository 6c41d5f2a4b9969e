package io.weir.broker.api;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

import io.weir.broker.network.Request;
import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaManager;
import io.weir.storage.state.ProducerStateEntry;

/**
 * Per-partition admin APIs: DeleteRecords, DescribeLogDirs, OffsetsForLeaderEpoch and
 * DescribeProducers.
 *
 * <p>Stateless; runs on handler threads.
 */
public final class PartitionApis {

    private final BrokerContext ctx;

    public PartitionApis(BrokerContext ctx) {
        this.ctx = ctx;
    }

    public void deleteRecords(Request request) {
        DeleteRecordsRequest req = request.body(DeleteRecordsRequest.class);
        DeleteRecordsResponseData data = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic t : req.data().topics()) {
            DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
            for (DeleteRecordsPartition p : t.partitions()) {
                ReplicaManager.DeleteRecordsResult r = ctx.replicaManager()
                    .deleteRecords(new TopicPartition(t.name(), p.partitionIndex()), p.offset());
                tr.partitions().add(new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                    .setErrorCode(r.error().code()).setLowWatermark(r.lowWatermark()));
            }
            data.topics().add(tr);
        }
        request.sendResponse(new DeleteRecordsResponse(data));
    }

    public void describeLogDirs(Request request) {
        DescribeLogDirsRequest req = request.body(DescribeLogDirsRequest.class);
        Map<String, DescribeLogDirsResult> byDir = new HashMap<>();
        ctx.config().logDirs().forEach(d -> byDir.put(d.toString(), new DescribeLogDirsResult()
            .setLogDir(d.toString()).setErrorCode(Errors.NONE.code())
            .setTotalBytes(d.toFile().getTotalSpace()).setUsableBytes(d.toFile().getUsableSpace())));
        ctx.logManager().offlineLogDirs().forEach(d -> {
            DescribeLogDirsResult r = byDir.get(d.toString());
            if (r != null) {
                r.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
        });
        for (Partition p : ctx.replicaManager().allPartitions()) {
            TopicPartition tp = p.topicPartition();
            if (!req.isAllTopicPartitions() && !requested(req, tp)) {
                continue;
            }
            DescribeLogDirsResult dir = byDir.get(ctx.logManager().logDirOf(tp).toString());
            if (dir == null) {
                continue;
            }
            DescribeLogDirsTopic topic = dir.topics().stream().filter(t -> t.name().equals(tp.topic())).findFirst()
                .orElseGet(() -> {
                    DescribeLogDirsTopic t = new DescribeLogDirsTopic().setName(tp.topic());
                    dir.topics().add(t);
                    return t;
                });
            topic.partitions().add(new DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                .setPartitionSize(p.log().size()).setOffsetLag(0).setIsFutureKey(false));
        }
        DescribeLogDirsResponseData data = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        data.results().addAll(byDir.values());
        request.sendResponse(new DescribeLogDirsResponse(data));
    }

    private static boolean requested(DescribeLogDirsRequest req, TopicPartition tp) {
        return req.data().topics().stream().anyMatch(t -> t.topic().equals(tp.topic())
            && t.partitions().contains(tp.partition()));
    }

    public void offsetsForLeaderEpoch(Request request) {
        OffsetsForLeaderEpochRequest req = request.body(OffsetsForLeaderEpochRequest.class);
        OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic t : req.data().topics()) {
            OffsetForLeaderTopicResult tr = new OffsetForLeaderTopicResult().setTopic(t.topic());
            for (OffsetForLeaderPartition p : t.partitions()) {
                tr.partitions().add(endOffset(new TopicPartition(t.topic(), p.partition()), p));
            }
            data.topics().add(tr);
        }
        request.sendResponse(new OffsetsForLeaderEpochResponse(data));
    }

    /** Kafka answers only on the leader, after checking the leader epoch the asker believes current. */
    private EpochEndOffset endOffset(TopicPartition tp, OffsetForLeaderPartition p) {
        ReplicaManager.EpochEndOffsetResult r = ctx.replicaManager()
            .lastOffsetForLeaderEpoch(tp, p.currentLeaderEpoch(), p.leaderEpoch());
        return new EpochEndOffset().setPartition(tp.partition()).setErrorCode(r.error().code())
            .setLeaderEpoch(r.leaderEpoch()).setEndOffset(r.endOffset());
    }

    public void describeProducers(Request request) {
        DescribeProducersRequest req = request.body(DescribeProducersRequest.class);
        DescribeProducersResponseData data = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest t : req.data().topics()) {
            DescribeProducersResponseData.TopicResponse tr = new DescribeProducersResponseData.TopicResponse()
                .setName(t.name());
            for (int partitionIndex : t.partitionIndexes()) {
                tr.partitions().add(producers(new TopicPartition(t.name(), partitionIndex)));
            }
            data.topics().add(tr);
        }
        request.sendResponse(new DescribeProducersResponse(data));
    }

    private DescribeProducersResponseData.PartitionResponse producers(TopicPartition tp) {
        DescribeProducersResponseData.PartitionResponse r = new DescribeProducersResponseData.PartitionResponse()
            .setPartitionIndex(tp.partition());
        ReplicaManager.LeaderLookup leader = ctx.replicaManager().leaderFor(tp, -1);
        if (!leader.found()) {
            return r.setErrorCode(leader.error().code());
        }
        for (ProducerStateEntry e : leader.partition().log().activeProducers().values()) {
            r.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                .setProducerId(e.producerId()).setProducerEpoch(e.producerEpoch())
                .setLastSequence(e.lastSequence()).setLastTimestamp(e.lastTimestamp())
                .setCoordinatorEpoch(e.coordinatorEpoch())
                .setCurrentTxnStartOffset(e.currentTxnStartOffset().orElse(-1L)));
        }
        return r.setErrorCode(Errors.NONE.code());
    }
}
