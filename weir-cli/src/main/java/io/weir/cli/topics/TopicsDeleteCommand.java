package io.weir.cli.topics;

import java.io.PrintWriter;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weir topics delete TOPIC...}: deletes topics; deletes nothing if any of them does not exist. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and all their records.")
public final class TopicsDeleteCommand extends ClientCommand {

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "The topics to delete.")
    List<String> topics;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            TopicNames.requireExist(admin, topics);
            admin.deleteTopics(topics).all().get();
            print(settings, new Deleted(List.copyOf(topics)));
        }
    }

    /** json: {@code {"deleted": [TOPIC...]}}. */
    public record Deleted(List<String> deleted) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            deleted.forEach(topic -> out.println("Deleted topic \"" + topic + "\"."));
        }
    }
}
