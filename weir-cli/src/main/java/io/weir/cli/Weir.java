package io.weir.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code weir} command: a Kafka-compatible broker and its tools. Each subcommand is its own
 * class; {@link #commandLine()} wires them.
 *
 * <p>Threading: {@link #main} runs one command on the main thread and exits with its code.
 */
@Command(name = "weir",
    mixinStandardHelpOptions = true,
    versionProvider = WeirVersion.class,
    description = "Weir: a distributed commit log that speaks the Apache Kafka protocol.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    subcommands = {ServerCommand.class, ZooKeeperCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Run 'weir COMMAND --help' for a command's options."})
public final class Weir implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Weir());
    }

    /** No command given: the usage on stderr, exit code 2 (picocli's usage error). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
