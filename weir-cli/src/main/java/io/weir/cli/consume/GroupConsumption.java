package io.weir.cli.consume;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import io.weir.cli.client.CliException;

/**
 * {@code weir consume --group G}: subscribes as a group member, starts at the committed offsets
 * (or where {@code --offset} / {@code --from-time} say, once per partition), and commits the
 * offsets of what it printed, so the next member of the group continues where this one stopped.
 * A broker without the group APIs (the CLI works against any Kafka-compatible cluster) makes the
 * consumer throw {@link UnsupportedVersionException}, which becomes a clear cluster error.
 *
 * <p>Not thread-safe: runs on the consume thread (rebalance callbacks come from its poll).
 */
final class GroupConsumption {

    /** Told after each poll which offsets come next in the partitions it printed from. */
    interface Printed {
        void onPrinted(Map<TopicPartition, Long> nextOffsets);
    }

    /** The consume loop of {@link ConsumeCommand}. */
    interface Loop {
        void run(Consumer<byte[], byte[]> consumer, RecordSink sink, Optional<Map<TopicPartition, Long>> ends,
                 Printed printed) throws IOException;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final StartPosition position;
    private final boolean seekOnAssignment;
    private final Set<TopicPartition> positioned = new HashSet<>();
    private final Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();

    GroupConsumption(Consumer<byte[], byte[]> consumer, String topic, StartPosition position, boolean explicitStart) {
        this.consumer = consumer;
        this.topic = topic;
        this.position = position;
        this.seekOnAssignment = explicitStart && (position.kind() == StartPosition.Kind.OFFSET
            || position.kind() == StartPosition.Kind.TIME);
    }

    void run(Loop loop, RecordSink sink, Optional<Map<TopicPartition, Long>> ends) throws IOException {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit(true);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                List<TopicPartition> fresh = partitions.stream().filter(positioned::add).toList();
                if (seekOnAssignment && !fresh.isEmpty()) {
                    position.seek(consumer, fresh);
                }
            }
        });
        try {
            loop.run(consumer, sink, ends, next -> {
                next.forEach((tp, offset) -> printed.put(tp, new OffsetAndMetadata(offset)));
                commit(false);
            });
            commit(true);
        } catch (UnsupportedVersionException e) {
            throw CliException.cluster("the cluster does not support consumer groups (" + e.getMessage() + ")");
        }
    }

    private void commit(boolean sync) {
        if (printed.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(Map.copyOf(printed));
        } else {
            consumer.commitAsync(Map.copyOf(printed), null);
        }
    }
}
