package io.weir.cli.groups;

import picocli.CommandLine.Command;

/** {@code weir groups}: the consumer group subcommands; on its own a usage error. */
@Command(name = "groups", mixinStandardHelpOptions = true,
    description = "List, describe, reset the offsets of and delete consumer groups.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {GroupsListCommand.class, GroupsDescribeCommand.class, GroupsResetOffsetsCommand.class,
        GroupsDeleteCommand.class})
public final class GroupsCommand {
}
