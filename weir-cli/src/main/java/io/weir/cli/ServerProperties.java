package io.weir.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The broker's configuration as the command line gives it: a Java properties file (Kafka's
 * server.properties format, read like Kafka reads it: ISO-8859-1 with escapes), then the
 * {@code --set} overrides in order, the last one winning. Stateless.
 */
public final class ServerProperties {

    private ServerProperties() {
    }

    /** Reads {@code file} if present, then applies {@code overrides}. */
    public static Map<String, String> load(Optional<Path> file, List<KeyValue> overrides) throws IOException {
        Map<String, String> props = new TreeMap<>();
        if (file.isPresent()) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file.get())) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(name -> props.put(name, p.getProperty(name)));
        }
        overrides.forEach(kv -> props.put(kv.key(), kv.value()));
        return props;
    }
}
