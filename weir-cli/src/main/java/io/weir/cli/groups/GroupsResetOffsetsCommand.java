package io.weir.cli.groups;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir groups reset-offsets GROUP --topic T (--to-earliest|...)}: computes new committed
 * offsets for the topic's partitions (or one), prints old and new, and unless {@code --dry-run}
 * commits them with OffsetCommit through Admin. The group must be empty: a group with members
 * is refused before anything is written, and the broker's refusal (a race) reads the same.
 * A group that does not exist yet is created with these offsets, as in Kafka.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
    description = "Move an empty group's committed offsets for a topic (print old -> new; --dry-run changes nothing).")
public final class GroupsResetOffsetsCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group id.")
    String group;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", required = true, description = "The topic.")
    String topic;

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Only partition N (default: all).")
    Integer partition;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ResetTarget target;

    @Option(names = "--dry-run", description = "Show the new offsets, change nothing.")
    boolean dryRun;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            int count = TopicNames.partitionCount(admin, topic, Optional.ofNullable(partition));
            List<TopicPartition> partitions = partition != null ? List.of(new TopicPartition(topic, partition))
                : IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
            if (!dryRun) {
                GroupLookup.requireEmpty(admin, group, "reset its offsets");
            }
            Map<TopicPartition, Long> old = GroupsDescribeCommand.committed(admin, group);
            Map<TopicPartition, Long> next = target.newOffsets(admin, partitions, old);
            if (!dryRun) {
                commit(admin, next);
            }
            print(settings, new Reset(group, dryRun, partitions.stream()
                .map(tp -> new PartitionReset(tp.topic(), tp.partition(), old.get(tp), next.get(tp))).toList()));
        }
    }

    private void commit(Admin admin, Map<TopicPartition, Long> offsets) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(group, commit).all().get();
        } catch (ExecutionException e) {
            if (GroupLookup.isActiveGroupError(e.getCause())) {
                throw GroupLookup.active(group, 0, "reset its offsets");
            }
            throw e;
        }
    }

    /** One partition (json: an element of {@code partitions}); oldOffset is null when nothing was committed. */
    public record PartitionReset(String topic, int partition, Long oldOffset, long newOffset) {
    }

    /** json: {@code {"group", "dryRun", "partitions": [{"topic", "partition", "oldOffset", "newOffset"}]}}. */
    public record Reset(String group, boolean dryRun, List<PartitionReset> partitions) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            Table table = new Table("TOPIC", "PARTITION", "OLD", "NEW");
            partitions.forEach(p -> table.row(p.topic(), p.partition(), p.oldOffset(), p.newOffset()));
            table.print(out);
            out.println(dryRun ? "Dry run: nothing changed." : "Reset the offsets of group \"" + group + "\".");
        }
    }
}
