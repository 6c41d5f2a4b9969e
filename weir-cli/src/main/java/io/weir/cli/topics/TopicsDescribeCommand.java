package io.weir.cli.topics;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code weir topics describe TOPIC}: each partition's leader, replicas, ISR, offline replicas
 * (replicas on brokers that are not registered), log start and end offsets, and the topic's
 * configs that are not Kafka's defaults.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show a topic's partitions (leader, replicas, ISR, offline replicas, offsets) and non-default configs.")
public final class TopicsDescribeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            TopicDescription description = describe(admin);
            Set<Integer> live = admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toSet());
            Map<Integer, Long> start = offsets(admin, OffsetSpec.earliest(), description);
            Map<Integer, Long> end = offsets(admin, OffsetSpec.latest(), description);
            List<PartitionDetails> partitions = description.partitions().stream()
                .map(p -> PartitionDetails.of(p, live, start.get(p.partition()), end.get(p.partition()))).toList();
            print(settings, new TopicDetails(topic, description.topicId().toString(), description.isInternal(),
                partitions, nonDefaultConfigs(admin, topic)));
        }
    }

    private TopicDescription describe(Admin admin) throws ExecutionException, InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw TopicNames.unknown(topic, TopicNames.all(admin));
            }
            throw e;
        }
    }

    /** Per-partition offsets; a partition without a leader has none (left out). */
    static Map<Integer, Long> offsets(Admin admin, OffsetSpec spec, TopicDescription description)
        throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()), spec));
        ListOffsetsResult result = admin.listOffsets(request);
        Map<Integer, Long> offsets = new HashMap<>();
        for (TopicPartition tp : request.keySet()) {
            try {
                offsets.put(tp.partition(), result.partitionResult(tp).get().offset());
            } catch (ExecutionException e) {
                // offline partition: no offsets to show
            }
        }
        return offsets;
    }

    /** Configs whose source is not Kafka's default (topic overrides and broker-wide settings). */
    static SortedMap<String, String> nonDefaultConfigs(Admin admin, String topic)
        throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        SortedMap<String, String> configs = new TreeMap<>();
        admin.describeConfigs(List.of(resource)).all().get().get(resource).entries().stream()
            .filter(e -> e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG)
            .forEach(e -> configs.put(e.name(), e.value()));
        return configs;
    }

    /** One partition (json: an element of {@code partitions}); offsets are null when the partition is offline. */
    public record PartitionDetails(int partition, Integer leader, List<Integer> replicas, List<Integer> isr,
                                   List<Integer> offlineReplicas, Long logStartOffset, Long logEndOffset) {

        static PartitionDetails of(TopicPartitionInfo p, Set<Integer> live, Long start, Long end) {
            Integer leader = p.leader() == null || p.leader().isEmpty() ? null : p.leader().id();
            List<Integer> replicas = p.replicas().stream().map(Node::id).toList();
            List<Integer> offline = replicas.stream().filter(id -> !live.contains(id)).toList();
            return new PartitionDetails(p.partition(), leader, replicas, p.isr().stream().map(Node::id).toList(),
                offline, start, end);
        }
    }

    /** json: {@code {"name", "topicId", "internal", "partitions": [...], "configs": {KEY: VALUE}}}. */
    public record TopicDetails(String name, String topicId, boolean internal, List<PartitionDetails> partitions,
                               SortedMap<String, String> configs) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            out.println("Topic: " + name + "  (id " + topicId + (internal ? ", internal" : "") + ")");
            out.println("Configs: " + (configs.isEmpty() ? "none besides the defaults" : configs.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
            out.println();
            Table table = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "OFFLINE", "LOG-START", "LOG-END");
            partitions.forEach(p -> table.row(p.partition(), p.leader(), Table.ids(p.replicas()), Table.ids(p.isr()),
                Table.ids(p.offlineReplicas()), p.logStartOffset(), p.logEndOffset()));
            table.print(out);
        }
    }
}
