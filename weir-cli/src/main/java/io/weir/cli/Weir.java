package io.weir.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientOptions;
import io.weir.cli.cluster.ClusterCommand;
import io.weir.cli.completion.CompletionCommand;
import io.weir.cli.configs.ConfigsCommand;
import io.weir.cli.consume.ConsumeCommand;
import io.weir.cli.devcluster.DevClusterCommand;
import io.weir.cli.groups.GroupsCommand;
import io.weir.cli.produce.ProduceCommand;
import io.weir.cli.topics.TopicsCommand;
import io.weir.common.Time;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code weir} command: a Kafka-compatible broker and its tools. Each subcommand is its own
 * class; {@link #commandLine()} wires them, maps usage errors to exit code 1 and turns a
 * {@link CliException} into one line on stderr and its exit code.
 *
 * <p>Threading: {@link #main} runs one command on the main thread and exits with its code.
 */
@Command(name = "weir",
    mixinStandardHelpOptions = true,
    versionProvider = WeirVersion.class,
    description = "Weir: a distributed commit log that speaks the Apache Kafka protocol.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    subcommands = {ServerCommand.class, ZooKeeperCommand.class, DevClusterCommand.class, TopicsCommand.class,
        ProduceCommand.class, ConsumeCommand.class, GroupsCommand.class, ClusterCommand.class, ConfigsCommand.class,
        CompletionCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:user error (bad arguments, unknown topic or group, invalid config, group not empty)",
        "2:connection or cluster error (unreachable bootstrap, timeout, broker failure)"},
    footer = {"", "The client options (--bootstrap-server, --command-config, --output) may also follow the command.",
        "Run 'weir COMMAND --help' for a command's options."})
public final class Weir implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Weir.class);

    @Spec
    CommandSpec spec;

    /** Defaults for the client commands, given before the command name. */
    @Mixin
    ClientOptions clientOptions;

    private final Stdio stdio;
    private final Time time;

    private Weir(Stdio stdio, Time time) {
        this.stdio = stdio;
        this.time = time;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand on the process's standard streams, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return commandLine(Stdio.system());
    }

    /** The command line with every subcommand on the given streams (text output is UTF-8). */
    public static CommandLine commandLine(Stdio stdio) {
        return commandLine(stdio, Time.SYSTEM);
    }

    /** The same on the given clock (what the client commands time, such as produce's progress). */
    public static CommandLine commandLine(Stdio stdio, Time time) {
        CommandLine cl = new CommandLine(new Weir(stdio, time));
        cl.setOut(new PrintWriter(new OutputStreamWriter(stdio.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(stdio.err(), StandardCharsets.UTF_8), true));
        IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args) -> {
            usage.handleParseException(e, args);
            return ExitCodes.USER_ERROR;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof CliException failure)) {
                throw e;
            }
            LOG.debug("{} failed", command.getCommandSpec().qualifiedName(), e);
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
            command.getErr().flush();
            return failure.exitCode();
        });
        return cl;
    }

    /** The byte streams of this command line (the root command of every subcommand). */
    public Stdio stdio() {
        return stdio;
    }

    /** The clock of the client commands. */
    public Time time() {
        return time;
    }

    /** The client options given before the command name. */
    public ClientOptions clientOptions() {
        return clientOptions;
    }

    /** No command given: the usage on stderr, exit code 1 (a usage error). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USER_ERROR;
    }
}
