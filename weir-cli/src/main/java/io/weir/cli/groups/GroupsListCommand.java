package io.weir.cli.groups;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;

import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir groups list}: every consumer group (classic and consumer protocol) with its type and state. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the consumer groups with their type (classic or consumer) and state.")
public final class GroupsListCommand extends ClientCommand {

    /** The group types a consumer group can have. */
    public enum Type { classic, consumer }

    @Option(names = "--state", paramLabel = "STATE", split = ",",
        description = "Only groups in these states, e.g. Stable,Empty (repeatable).")
    List<String> states = List.of();

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
        description = "Only groups of these types: classic, consumer (repeatable).")
    List<Type> types = List.of();

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            List<GroupSummary> groups = admin.listGroups(options()).all().get().stream()
                .map(GroupsListCommand::summary)
                .sorted(Comparator.comparing(GroupSummary::group))
                .toList();
            print(settings, new GroupList(groups));
        }
    }

    private ListGroupsOptions options() {
        ListGroupsOptions options = ListGroupsOptions.forConsumerGroups();
        if (!states.isEmpty()) {
            options.inGroupStates(states.stream().map(GroupsListCommand::state).collect(Collectors.toSet()));
        }
        if (!types.isEmpty()) {
            Set<GroupType> wanted = types.stream().map(t -> GroupType.parse(t.name())).collect(Collectors.toSet());
            options.withTypes(wanted);
        }
        return options;
    }

    private static GroupState state(String name) {
        GroupState state = GroupState.parse(name.trim());
        if (state == GroupState.UNKNOWN) {
            Set<String> known = new TreeSet<>();
            for (GroupType type : List.of(GroupType.CLASSIC, GroupType.CONSUMER)) {
                GroupState.groupStatesForType(type).forEach(s -> known.add(s.toString()));
            }
            throw CliException.user("unknown group state \"" + name + "\"; expected one of " + String.join(", ", known));
        }
        return state;
    }

    private static GroupSummary summary(GroupListing g) {
        return new GroupSummary(g.groupId(), g.type().map(GroupLookup::typeName).orElse(null),
            g.groupState().map(GroupState::toString).orElse(null));
    }

    /** One group of the list (json: an element of {@code groups}); type and state are null when the broker does not say. */
    public record GroupSummary(String group, String type, String state) {
    }

    /** json: {@code {"groups": [{"group", "type", "state"}]}}, sorted by group id. */
    public record GroupList(List<GroupSummary> groups) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            Table table = new Table("GROUP", "TYPE", "STATE");
            groups.forEach(g -> table.row(g.group(), g.type(), g.state()));
            table.print(out);
        }
    }
}
