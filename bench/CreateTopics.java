import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The benchmark's topic creation: every topic of a round in one JVM, where TopicCommand takes a JVM
 * start (about a second) per topic. bench/compare.py compiles it against kafka-lib and runs
 * {@code CreateTopics BOOTSTRAP NAME:PARTITIONS:RF[:KEY=VALUE,...] ...}.
 *
 * <p>A topic the brokers refuse for now (a cluster whose brokers have not all registered yet) is
 * asked again every second for up to 60 s; one that already exists counts as created, since an
 * earlier attempt may have made it. Exits 1 naming what failed.
 */
public final class CreateTopics {

    private static final long DEADLINE_MS = 60_000;

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        List<NewTopic> pending = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            pending.add(parse(args[i]));
        }
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        Map<String, Throwable> refused = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            while (!pending.isEmpty() && System.currentTimeMillis() <= deadline) {
                if (!refused.isEmpty()) {
                    Thread.sleep(1000);
                }
                Map<String, Throwable> now = create(admin, pending);
                pending.removeIf(topic -> !now.containsKey(topic.name()));
                refused = now;
            }
        }
        if (!pending.isEmpty()) {
            refused.forEach((name, e) -> System.err.println(name + ": " + e));
            System.exit(1);
        }
    }

    /** Asks for every topic once: the ones refused, with why (an existing topic counts as made). */
    private static Map<String, Throwable> create(Admin admin, List<NewTopic> topics) {
        Map<String, Throwable> refused = new HashMap<>();
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    refused.put(name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refused.put(name, e);
            }
        });
        return refused;
    }

    private static NewTopic parse(String spec) {
        String[] parts = spec.split(":", 4);
        NewTopic topic = new NewTopic(parts[0], Integer.parseInt(parts[1]), Short.parseShort(parts[2]));
        if (parts.length == 4 && !parts[3].isEmpty()) {
            Map<String, String> configs = new HashMap<>();
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=", 2);
                configs.put(pair[0], pair[1]);
            }
            topic.configs(configs);
        }
        return topic;
    }
}
