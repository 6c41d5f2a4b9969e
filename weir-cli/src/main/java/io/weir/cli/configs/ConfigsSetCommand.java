package io.weir.cli.configs;

import java.util.List;

import org.apache.kafka.clients.admin.Admin;

import io.weir.cli.KeyValue;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weir configs set broker|topic NAME KEY=VALUE...}: IncrementalAlterConfigs SET. */
@Command(name = "set", mixinStandardHelpOptions = true, description = "Set configs of a broker or a topic.")
public final class ConfigsSetCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "broker|topic", description = "What to change.")
    ConfigTarget target;

    @Parameters(index = "1", paramLabel = "NAME", description = "The broker id or topic name.")
    String name;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "The configs to set.")
    List<KeyValue> configs;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            print(settings, ConfigChanges.apply(admin, target.existing(admin, name), configs, List.of()));
        }
    }
}
