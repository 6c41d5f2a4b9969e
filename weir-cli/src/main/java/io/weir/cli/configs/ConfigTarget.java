package io.weir.cli.configs;

import java.util.List;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

import io.weir.cli.client.CliException;
import io.weir.cli.client.TopicNames;

/** What a {@code weir configs} command reads or changes: a broker (by id) or a topic (by name). */
public enum ConfigTarget {
    broker(ConfigResource.Type.BROKER),
    topic(ConfigResource.Type.TOPIC);

    private final ConfigResource.Type type;

    ConfigTarget(ConfigResource.Type type) {
        this.type = type;
    }

    /** The resource, after checking that it exists (an unknown one is a user error with a hint). */
    public ConfigResource existing(Admin admin, String name) throws ExecutionException, InterruptedException {
        if (this == topic) {
            TopicNames.requireExist(admin, List.of(name));
        } else {
            List<String> ids = admin.describeCluster().nodes().get().stream().map(Node::idString).sorted().toList();
            if (!ids.contains(name)) {
                throw CliException.user("broker \"" + name + "\" does not exist; the brokers are " + String.join(", ", ids));
            }
        }
        return new ConfigResource(type, name);
    }
}
