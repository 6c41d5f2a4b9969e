package io.weir.broker.group;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.server.Partition;
import io.weir.broker.server.ReplicaManager;
import io.weir.coordinator.common.CoordinatorLoader;
import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.group.record.GroupCoordinatorRecordSerde;
import io.weir.storage.FetchDataInfo;
import io.weir.storage.Log;

/**
 * Replays a {@code __consumer_offsets} partition from its log start to its high watermark into
 * the coordinator, on a loader thread. Records whose key version this broker does not know are
 * skipped, as Kafka does; control batches are skipped.
 *
 * <p>Thread-safe; each load runs on the given executor and calls {@code replay} from that one
 * thread.
 */
public final class OffsetsTopicLoader implements CoordinatorLoader {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopicLoader.class);
    private static final int READ_BYTES = 1024 * 1024;

    private final ReplicaManager replicaManager;
    private final GroupCoordinatorRecordSerde serde;
    private final Executor executor;

    public OffsetsTopicLoader(ReplicaManager replicaManager, GroupCoordinatorRecordSerde serde, Executor executor) {
        this.replicaManager = replicaManager;
        this.serde = serde;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Void> load(TopicPartition tp, Consumer<CoordinatorRecord> replay) {
        return CompletableFuture.runAsync(() -> loadNow(tp, replay), executor);
    }

    private void loadNow(TopicPartition tp, Consumer<CoordinatorRecord> replay) {
        Partition partition = replicaManager.partition(tp)
            .orElseThrow(() -> new NotLeaderOrFollowerException("no local replica of " + tp));
        Log log = partition.log();
        long offset = log.logStartOffset();
        long end = log.highWatermark();
        long records = 0;
        while (offset < end) {
            FetchDataInfo read = log.read(offset, READ_BYTES, end, true);
            long next = offset;
            for (RecordBatch batch : read.records().batches()) {
                if (!batch.isControlBatch()) {
                    records += replayBatch(batch, replay);
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
        LOG.info("Loaded {} records of {} up to offset {}", records, tp, end);
    }

    private int replayBatch(RecordBatch batch, Consumer<CoordinatorRecord> replay) {
        int count = 0;
        for (Record record : batch) {
            if (!record.hasKey()) {
                continue;
            }
            ByteBuffer value = record.hasValue() ? record.value() : null;
            try {
                replay.accept(serde.deserialize(record.key(), value));
                count++;
            } catch (GroupCoordinatorRecordSerde.UnknownRecordTypeException e) {
                LOG.debug("Skipping a record of unknown key version {}", e.version());
            }
        }
        return count;
    }
}
