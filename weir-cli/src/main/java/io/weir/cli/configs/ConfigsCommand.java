package io.weir.cli.configs;

import picocli.CommandLine.Command;

/** {@code weir configs}: read and change broker and topic configs; on its own a usage error. */
@Command(name = "configs", mixinStandardHelpOptions = true,
    description = "Read and change broker and topic configs.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {ConfigsGetCommand.class, ConfigsSetCommand.class, ConfigsDeleteCommand.class})
public final class ConfigsCommand {
}
