package io.weir.cli.groups;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.groups.GroupDetails.Assigned;
import io.weir.cli.groups.GroupDetails.Coordinator;
import io.weir.cli.groups.GroupDetails.Member;
import io.weir.cli.groups.GroupDetails.PartitionLag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code weir groups describe GROUP}: state, assignor, coordinator, members with their
 * partitions, and per partition the committed offset, the end offset (ListOffsets latest) and
 * the lag between them, with the total.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show a group's state, coordinator, members and, per partition, committed offset, end offset and lag.")
public final class GroupsDescribeCommand extends ClientCommand {

    /** Orders partitions by topic, then partition number. */
    static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group id.")
    String group;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            ConsumerGroupDescription d = GroupLookup.describeExisting(admin, group);
            Map<TopicPartition, String> owners = owners(d);
            Map<TopicPartition, Long> committed = committed(admin, group);
            Map<TopicPartition, Long> ends = new TreeMap<>(BY_TOPIC_PARTITION);
            committed.keySet().forEach(tp -> ends.put(tp, null));
            owners.keySet().forEach(tp -> ends.put(tp, null));
            ends.putAll(endOffsets(admin, ends.keySet()));
            List<PartitionLag> partitions = ends.entrySet().stream()
                .map(e -> lag(e.getKey(), committed.get(e.getKey()), e.getValue(), owners.get(e.getKey()))).toList();
            long total = partitions.stream().map(PartitionLag::lag).filter(Objects::nonNull).mapToLong(l -> l).sum();
            print(settings, new GroupDetails(group, GroupLookup.typeName(d.type()), d.groupState().toString(),
                d.partitionAssignor(), coordinator(d.coordinator()), members(d), partitions, total));
        }
    }

    /** The group's committed offsets (partitions without one are left out). */
    static Map<TopicPartition, Long> committed(Admin admin, String group) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> fetched =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        fetched.forEach((tp, o) -> {
            if (o != null && o.offset() >= 0) {
                offsets.put(tp, o.offset());
            }
        });
        return offsets;
    }

    /** The end offsets (latest) of the partitions that have a leader; others are left out. */
    static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<TopicPartition> partitions)
        throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        ListOffsetsResult result = admin.listOffsets(request);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                offsets.put(tp, result.partitionResult(tp).get().offset());
            } catch (ExecutionException e) {
                // deleted topic or offline partition: no end offset, no lag
            }
        }
        return offsets;
    }

    private static PartitionLag lag(TopicPartition tp, Long committed, Long end, String owner) {
        Long lag = committed == null || end == null ? null : end - committed;
        return new PartitionLag(tp.topic(), tp.partition(), committed, end, lag, owner);
    }

    private static Map<TopicPartition, String> owners(ConsumerGroupDescription d) {
        Map<TopicPartition, String> owners = new HashMap<>();
        d.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m.consumerId())));
        return owners;
    }

    private static List<Member> members(ConsumerGroupDescription d) {
        return d.members().stream().sorted(Comparator.comparing(MemberDescription::consumerId))
            .map(m -> new Member(m.consumerId(), m.groupInstanceId().orElse(null), m.clientId(), m.host(),
                m.assignment().topicPartitions().stream().sorted(BY_TOPIC_PARTITION)
                    .map(tp -> new Assigned(tp.topic(), tp.partition())).toList()))
            .toList();
    }

    private static Coordinator coordinator(Node node) {
        return node == null || node.isEmpty() ? null : new Coordinator(node.id(), node.host(), node.port());
    }
}
