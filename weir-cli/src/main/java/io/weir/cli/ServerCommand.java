package io.weir.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weir server}: runs a broker until SIGTERM or Ctrl-C, then shuts it down cleanly and
 * exits 0. Without {@code zookeeper.connect} the broker starts an embedded ZooKeeper.
 *
 * <p>Threading: runs on the main thread, which waits for the broker to stop; the stop itself
 * comes from the JVM's shutdown hook thread.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run a Weir broker in the foreground (Ctrl-C or SIGTERM stops it cleanly).")
public final class ServerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Broker properties file (Kafka's server.properties names), e.g. config/server.properties.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "Override one property (repeatable; applied after --config, last one wins).")
    List<KeyValue> overrides = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<BrokerConfig> brokerConfig = brokerConfig(err);
        if (brokerConfig.isEmpty()) {
            return ExitCode.SOFTWARE;
        }
        brokerConfig.get().unknownKeys().forEach(key -> LOG.warn("Ignoring unknown configuration '{}'", key));
        Broker broker = new Broker(brokerConfig.get());
        SignalShutdown hook = SignalShutdown.install("weir-server-shutdown", broker::shutdown);
        try {
            broker.startup();
        } catch (RuntimeException e) {
            hook.remove();
            err.println("weir server: start-up failed: " + e.getMessage());
            return ExitCode.SOFTWARE;
        }
        broker.awaitShutdown();
        hook.remove();
        return ExitCode.OK;
    }

    /** The validated config, or empty after printing one line about what is wrong. */
    private Optional<BrokerConfig> brokerConfig(PrintWriter err) {
        Map<String, String> props;
        try {
            props = ServerProperties.load(Optional.ofNullable(config), overrides);
        } catch (IOException e) {
            err.println("weir server: cannot read " + config + ": " + e);
            return Optional.empty();
        }
        try {
            return Optional.of(BrokerConfig.fromProperties(props));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("weir server: invalid configuration: " + e.getMessage());
            return Optional.empty();
        }
    }
}
