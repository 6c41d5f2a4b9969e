package io.weir.cli.topics;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;

import io.weir.cli.KeyValue;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir topics create TOPIC}: creates a topic; partitions and replication factor default to the broker's. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
public final class TopicsCreateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to create.")
    String topic;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N",
        description = "Number of partitions (default: the broker's num.partitions).")
    Integer partitions;

    @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
        description = "Replicas per partition (default: the broker's default.replication.factor).")
    Short replicationFactor;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "A topic config, e.g. retention.ms=86400000 (repeatable).")
    List<KeyValue> configs = new ArrayList<>();

    @Override
    protected void run(ClientSettings settings) throws Exception {
        SortedMap<String, String> configMap = new TreeMap<>();
        configs.forEach(kv -> configMap.put(kv.key(), kv.value()));
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
            .configs(configMap);
        try (Admin admin = Clients.admin(settings)) {
            CreateTopicsResult result = admin.createTopics(List.of(newTopic));
            result.all().get();
            print(settings, new Created(topic, result.numPartitions(topic).get(), result.replicationFactor(topic).get(),
                configMap));
        }
    }

    /** json: {@code {"topic", "partitions", "replicationFactor", "configs": {KEY: VALUE}}}. */
    public record Created(String topic, int partitions, int replicationFactor, SortedMap<String, String> configs)
        implements Report {
        @Override
        public void printTable(PrintWriter out) {
            out.println("Created topic \"" + topic + "\" with " + partitions + " partition" + (partitions == 1 ? "" : "s")
                + ", replication factor " + replicationFactor + ".");
        }
    }
}
