package io.weir.cli.configs;

import java.util.List;

import org.apache.kafka.clients.admin.Admin;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weir configs delete broker|topic NAME KEY...}: IncrementalAlterConfigs DELETE (back to the default). */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Remove config overrides of a broker or a topic (back to the defaults).")
public final class ConfigsDeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "broker|topic", description = "What to change.")
    ConfigTarget target;

    @Parameters(index = "1", paramLabel = "NAME", description = "The broker id or topic name.")
    String name;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "KEY", description = "The configs to remove.")
    List<String> keys;

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            print(settings, ConfigChanges.apply(admin, target.existing(admin, name), List.of(), keys));
        }
    }
}
