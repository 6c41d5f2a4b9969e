package io.weir.cli.groups;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code weir groups delete GROUP...}: deletes empty groups and their committed offsets
 * (DeleteGroups). Checks every group first: if one does not exist or still has members, deletes
 * nothing.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete empty consumer groups and their committed offsets.")
public final class GroupsDeleteCommand extends ClientCommand {

    @Parameters(arity = "1..*", paramLabel = "GROUP", description = "The groups to delete.")
    List<String> groups;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            for (String group : groups) {
                ConsumerGroupDescription d = GroupLookup.describeExisting(admin, group);
                if (!d.members().isEmpty()) {
                    throw GroupLookup.active(group, d.members().size(), "delete it");
                }
            }
            Map<String, KafkaFuture<Void>> deleted = admin.deleteConsumerGroups(groups).deletedGroups();
            for (String group : groups) {
                try {
                    deleted.get(group).get();
                } catch (ExecutionException e) {
                    throw translate(admin, group, e);
                }
            }
            print(settings, new Deleted(List.copyOf(groups)));
        }
    }

    /** A group that gained members or vanished since the check reads as if the check had caught it. */
    private static Exception translate(Admin admin, String group, ExecutionException e)
        throws ExecutionException, InterruptedException {
        if (GroupLookup.isActiveGroupError(e.getCause())) {
            return GroupLookup.active(group, 0, "delete it");
        }
        if (e.getCause() instanceof GroupIdNotFoundException) {
            return GroupLookup.unknown(admin, group);
        }
        return e;
    }

    /** json: {@code {"deleted": [GROUP...]}}. */
    public record Deleted(List<String> deleted) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            deleted.forEach(group -> out.println("Deleted group \"" + group + "\"."));
        }
    }
}
