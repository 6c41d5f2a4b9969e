package io.weir.cli.configs;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import io.weir.cli.client.CliException;
import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weir configs get broker|topic NAME [KEY...]}: every config (or the named ones) with its value and source. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Show the configs of a broker or a topic, with where each value comes from.")
public final class ConfigsGetCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "broker|topic", description = "What to read.")
    ConfigTarget target;

    @Parameters(index = "1", paramLabel = "NAME", description = "The broker id or topic name.")
    String name;

    @Parameters(index = "2..*", arity = "0..*", paramLabel = "KEY", description = "Only these configs.")
    List<String> keys = new ArrayList<>();

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            ConfigResource resource = target.existing(admin, name);
            List<Setting> configs = admin.describeConfigs(List.of(resource)).all().get().get(resource).entries()
                .stream().filter(e -> keys.isEmpty() || keys.contains(e.name())).map(Setting::of)
                .sorted(Comparator.comparing(Setting::name)).toList();
            requireKnown(configs);
            print(settings, new Settings(target.name(), name, configs));
        }
    }

    private void requireKnown(List<Setting> found) {
        Set<String> missing = new TreeSet<>(keys);
        found.forEach(s -> missing.remove(s.name()));
        if (!missing.isEmpty()) {
            throw CliException.user(target + " \"" + name + "\" has no config " + String.join(", ", missing));
        }
    }

    /** One config; {@code value} is null when the broker hides it (sensitive) or it has none. */
    public record Setting(String name, String value, String source, boolean sensitive, boolean readOnly) {
        static Setting of(ConfigEntry e) {
            return new Setting(e.name(), e.value(), e.source().name().toLowerCase(Locale.ROOT), e.isSensitive(),
                e.isReadOnly());
        }
    }

    /** json: {@code {"type", "name", "configs": [{"name", "value", "source", "sensitive", "readOnly"}]}}. */
    public record Settings(String type, String name, List<Setting> configs) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            Table table = new Table("KEY", "VALUE", "SOURCE");
            configs.forEach(c -> table.row(c.name(), c.sensitive() ? "(hidden)" : c.value(), c.source()));
            table.print(out);
        }
    }
}
