package io.weir.cli.topics;

import picocli.CommandLine.Command;

/** {@code weir topics}: the topic subcommands; on its own a usage error. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "List, describe, create, alter, grow and delete topics.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {TopicsListCommand.class, TopicsDescribeCommand.class, TopicsCreateCommand.class,
        TopicsAlterCommand.class, TopicsAddPartitionsCommand.class, TopicsDeleteCommand.class})
public final class TopicsCommand {
}
