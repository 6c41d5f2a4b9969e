package io.weir.broker.group;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import io.weir.broker.server.ProducePartitionResult;
import io.weir.broker.server.ReplicaManager;
import io.weir.common.Time;
import io.weir.coordinator.common.CoordinatorRecord;
import io.weir.coordinator.common.PartitionWriter;
import io.weir.coordinator.group.record.GroupCoordinatorRecordSerde;

/**
 * Writes the group coordinator's records to its {@code __consumer_offsets} partition as one
 * batch with acks=all, and completes with the offset after the batch once it is committed (the
 * high watermark passed it) — or fails, and the coordinator then keeps its old state.
 *
 * <p>Thread-safe; futures complete on whichever thread completes the append.
 */
public final class OffsetsTopicWriter implements PartitionWriter {

    private final ReplicaManager replicaManager;
    private final GroupCoordinatorRecordSerde serde;
    private final Time time;
    private final long timeoutMs;

    public OffsetsTopicWriter(ReplicaManager replicaManager, GroupCoordinatorRecordSerde serde, Time time,
                              long timeoutMs) {
        this.replicaManager = replicaManager;
        this.serde = serde;
        this.time = time;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<Long> append(TopicPartition tp, List<CoordinatorRecord> records) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.completeExceptionally(new IllegalArgumentException("nothing to append to " + tp));
            return done;
        }
        long now = time.milliseconds();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            CoordinatorRecord r = records.get(i);
            byte[] value = r.value() == null ? null : serde.serializeValue(r.value());
            simple[i] = new SimpleRecord(now, serde.serializeKey(r.key()), value);
        }
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, simple);
        replicaManager.appendRecords(timeoutMs, (short) -1, Map.of(tp, batch), results -> {
            ProducePartitionResult result = results.get(tp);
            if (result.error() == Errors.NONE) {
                done.complete(result.lastOffset() + 1);
            } else {
                done.completeExceptionally(result.error().exception(result.errorMessage()));
            }
        });
        return done;
    }
}
