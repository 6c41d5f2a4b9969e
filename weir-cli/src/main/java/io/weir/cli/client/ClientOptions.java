package io.weir.cli.client;

import java.nio.file.Path;
import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The options every client command takes, as a picocli mixin on {@code weir} itself and on each
 * client command. A value given after the command wins over one given before it; then
 * {@code WEIR_BOOTSTRAP}; then the defaults. Fields stay null when not given so that the
 * precedence can be resolved. Written once by picocli's parser, then read-only.
 */
public final class ClientOptions {

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String BOOTSTRAP_ENV = "WEIR_BOOTSTRAP";

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT[,...]",
        description = "Brokers to connect to (default: $" + BOOTSTRAP_ENV + ", else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "FILE",
        description = "Kafka client properties (security, timeouts) for the command's clients.")
    Path commandConfig;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json",
        description = "table (aligned columns, default) or json (one JSON document on stdout).")
    OutputFormat output;

    Optional<String> bootstrapServer() {
        return Optional.ofNullable(bootstrapServer);
    }

    Optional<Path> commandConfig() {
        return Optional.ofNullable(commandConfig);
    }

    Optional<OutputFormat> output() {
        return Optional.ofNullable(output);
    }
}
