package io.weir.cli.topics;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;

import io.weir.cli.KeyValue;
import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.TopicNames;
import io.weir.cli.configs.ConfigChanges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir topics alter TOPIC}: sets and removes topic config overrides (IncrementalAlterConfigs). */
@Command(name = "alter", mixinStandardHelpOptions = true, description = "Set or remove a topic's configs.")
public final class TopicsAlterCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "Set a topic config (repeatable).")
    List<KeyValue> configs = new ArrayList<>();

    @Option(names = "--delete-config", paramLabel = "KEY",
        description = "Remove a topic config override, back to the default (repeatable).")
    List<String> deleteConfigs = new ArrayList<>();

    @Override
    protected void run(ClientSettings settings) throws Exception {
        if (configs.isEmpty() && deleteConfigs.isEmpty()) {
            throw CliException.user("nothing to change: give --config KEY=VALUE or --delete-config KEY");
        }
        try (Admin admin = Clients.admin(settings)) {
            TopicNames.requireExist(admin, List.of(topic));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            print(settings, ConfigChanges.apply(admin, resource, configs, deleteConfigs));
        }
    }
}
