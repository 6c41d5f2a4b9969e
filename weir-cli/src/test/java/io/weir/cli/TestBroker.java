package io.weir.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;

/**
 * One in-process Weir broker on a free loopback port (data and embedded ZooKeeper in a temp
 * directory), shared by every test class of the run that asks for it as a parameter; JUnit
 * closes it at the end of the run.
 */
public final class TestBroker implements AutoCloseable {

    private final Path dataDir;
    private final Broker broker;

    private TestBroker(Path dataDir, Broker broker) {
        this.dataDir = dataDir;
        this.broker = broker;
    }

    static TestBroker start() throws IOException {
        Path dataDir = Files.createTempDirectory("weir-cli-test");
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(BrokerConfig.LOG_DIRS, dataDir.resolve("logs").toString());
        props.put(BrokerConfig.EMBEDDED_ZOOKEEPER_DIR, dataDir.resolve("zookeeper").toString());
        props.put(BrokerConfig.METRICS_PORT, "0");
        props.put("group.initial.rebalance.delay.ms", "0"); // groups join at once
        Broker broker = new Broker(BrokerConfig.fromProperties(props));
        try {
            broker.startup();
        } catch (RuntimeException e) {
            broker.shutdown();
            delete(dataDir);
            throw e;
        }
        return new TestBroker(dataDir, broker);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + broker.boundPort();
    }

    public int port() {
        return broker.boundPort();
    }

    @Override
    public void close() throws IOException {
        try {
            broker.shutdown();
        } finally {
            delete(dataDir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Resolves a {@link TestBroker} parameter to the run's shared broker. */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestBroker.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(TestBroker.class))
                .getOrComputeIfAbsent("broker", key -> {
                    try {
                        return start();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, TestBroker.class);
        }
    }
}
