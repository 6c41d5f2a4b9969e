package io.weir.cli.groups;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import io.weir.cli.client.CliException;
import io.weir.cli.client.TopicNames;

/**
 * Consumer group look-ups with answers a person can act on: an unknown group (with the closest
 * existing name when it looks like a typo) and a group that still has members. Stateless.
 */
final class GroupLookup {

    private GroupLookup() {
    }

    /** The group's description, or the user error {@code group "x" does not exist}. */
    static ConsumerGroupDescription describeExisting(Admin admin, String group)
        throws ExecutionException, InterruptedException {
        ConsumerGroupDescription d = describe(admin, group);
        if (d == null) {
            throw unknown(admin, group);
        }
        return d;
    }

    /** The group's description, or null when the coordinator knows no such group (Dead). */
    static ConsumerGroupDescription describe(Admin admin, String group)
        throws ExecutionException, InterruptedException {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            return d.groupState() == GroupState.DEAD ? null : d;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    /** Every consumer group (classic and consumer protocol) the cluster knows. */
    static List<GroupListing> all(Admin admin) throws ExecutionException, InterruptedException {
        return List.copyOf(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get());
    }

    /** {@code group "x" does not exist; did you mean "y"?} (exit 1). */
    static CliException unknown(Admin admin, String group) throws ExecutionException, InterruptedException {
        List<String> names = all(admin).stream().map(GroupListing::groupId).toList();
        String suggestion = TopicNames.closest(group, names).map(s -> "; did you mean \"" + s + "\"?").orElse("");
        return CliException.user("group \"" + group + "\" does not exist" + suggestion);
    }

    /** The user error for a change that needs an empty group, e.g. "delete it". */
    static CliException active(String group, int members, String action) {
        String count = members > 0 ? members + " active member" + (members == 1 ? "" : "s") : "active members";
        return CliException.user("group \"" + group + "\" has " + count + "; stop its consumers before you " + action
            + " (the group must be empty)");
    }

    /** Throws {@link #active} when the group (if it exists) still has members. */
    static void requireEmpty(Admin admin, String group, String action) throws ExecutionException, InterruptedException {
        ConsumerGroupDescription d = describe(admin, group);
        if (d != null && !d.members().isEmpty()) {
            throw active(group, d.members().size(), action);
        }
    }

    /** The broker's answer to a change refused because members are still in the group, as {@link #active}. */
    static boolean isActiveGroupError(Throwable e) {
        return e instanceof GroupNotEmptyException || e instanceof UnknownMemberIdException
            || e instanceof RebalanceInProgressException;
    }

    /** Kafka's type name in lower case: classic, consumer. */
    static String typeName(GroupType type) {
        return type == null ? null : type.toString().toLowerCase(Locale.ROOT);
    }
}
