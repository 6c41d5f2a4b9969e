package io.weir.cli.topics;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;

/** {@code weir topics list}: every topic with its partition count and replication factor. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the topics (internal ones included) with partition counts and replication factors.")
public final class TopicsListCommand extends ClientCommand {

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            Set<String> names = new TreeSet<>(TopicNames.all(admin));
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
            List<TopicSummary> topics = names.stream().map(name -> summary(descriptions.get(name))).toList();
            print(settings, new TopicList(topics));
        }
    }

    private static TopicSummary summary(TopicDescription d) {
        int replicationFactor = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
        return new TopicSummary(d.name(), d.partitions().size(), replicationFactor, d.isInternal());
    }

    /** One topic of the list (json: an element of {@code topics}). */
    public record TopicSummary(String name, int partitions, int replicationFactor, boolean internal) {
    }

    /** json: {@code {"topics": [{"name", "partitions", "replicationFactor", "internal"}]}}, sorted by name. */
    public record TopicList(List<TopicSummary> topics) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            Table table = new Table("TOPIC", "PARTITIONS", "REPLICATION-FACTOR");
            topics.forEach(t -> table.row(t.name() + (t.internal() ? " (internal)" : ""), t.partitions(),
                t.replicationFactor()));
            table.print(out);
        }
    }
}
