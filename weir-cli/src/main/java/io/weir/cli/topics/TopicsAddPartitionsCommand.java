package io.weir.cli.topics;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir topics add-partitions TOPIC --partitions N}: grows a topic to N partitions (CreatePartitions). */
@Command(name = "add-partitions", mixinStandardHelpOptions = true,
    description = "Grow a topic to N partitions (keys map to partitions differently afterwards).")
public final class TopicsAddPartitionsCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N", required = true,
        description = "The new total number of partitions.")
    int partitions;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            TopicNames.requireExist(admin, List.of(topic));
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get();
            print(settings, new Grown(topic, partitions));
        }
    }

    /** json: {@code {"topic", "partitions"}} (the new total). */
    public record Grown(String topic, int partitions) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            out.println("Topic \"" + topic + "\" now has " + partitions + " partitions.");
        }
    }
}
