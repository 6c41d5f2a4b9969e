package io.weir.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What a client command connects to and how it prints, resolved from the options given after
 * the command, those given before it, {@code WEIR_BOOTSTRAP} and the defaults, in that order.
 * Immutable.
 *
 * @param bootstrapServers the {@code bootstrap.servers} of every client
 * @param clientProperties the {@code --command-config} file's properties (empty without one)
 * @param output           table or json
 */
public record ClientSettings(String bootstrapServers, Map<String, String> clientProperties, OutputFormat output) {

    /** The CLI's request and API timeout, unless {@code --command-config} sets another. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    public ClientSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Resolves the options; an unreadable {@code --command-config} is a user error. */
    public static ClientSettings resolve(ClientOptions local, ClientOptions global, Function<String, String> env) {
        String bootstrap = local.bootstrapServer().or(global::bootstrapServer)
            .or(() -> Optional.ofNullable(env.apply(ClientOptions.BOOTSTRAP_ENV)).filter(s -> !s.isBlank()))
            .orElse(ClientOptions.DEFAULT_BOOTSTRAP);
        Optional<Path> config = local.commandConfig().or(global::commandConfig);
        OutputFormat output = local.output().or(global::output).orElse(OutputFormat.table);
        return new ClientSettings(bootstrap, config.map(ClientSettings::load).orElse(Map.of()), output);
    }

    private static Map<String, String> load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw CliException.user("cannot read the command config " + file + ": " + e.getMessage());
        }
        Map<String, String> props = new TreeMap<>();
        p.stringPropertyNames().forEach(name -> props.put(name, p.getProperty(name)));
        return props;
    }

    /** How long a client waits for the cluster before the command gives up. */
    public long timeoutMs() {
        String configured = clientProperties.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        try {
            return configured == null ? DEFAULT_TIMEOUT_MS : Long.parseLong(configured.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT_MS;
        }
    }

    public boolean json() {
        return output == OutputFormat.json;
    }
}
