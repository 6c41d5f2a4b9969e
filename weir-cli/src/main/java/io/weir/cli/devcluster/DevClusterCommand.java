package io.weir.cli.devcluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.Broker;
import io.weir.broker.BrokerConfig;
import io.weir.cli.ExitCodes;
import io.weir.cli.KeyValue;
import io.weir.cli.SignalShutdown;
import io.weir.cli.client.CliException;
import io.weir.cluster.zk.EmbeddedZooKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weir dev-cluster}: a whole cluster on one machine for development, in this process: an
 * embedded ZooKeeper and N brokers on consecutive loopback ports, each with its own data
 * directory under one folder, until SIGTERM or Ctrl-C. Start-up failures are one line on stderr
 * and exit code 2, after everything already started has been stopped.
 *
 * <p>Threading: {@link #call} blocks the calling thread until {@link #stop} (any thread) or a
 * signal (the JVM's shutdown hook thread stops the cluster and ends the process);
 * {@link #started} completes with the bootstrap servers once every broker runs.
 */
@Command(name = "dev-cluster", mixinStandardHelpOptions = true,
    description = {"Run a local development cluster in the foreground: an embedded ZooKeeper and N brokers "
        + "on 127.0.0.1 in this process (Ctrl-C or SIGTERM stops it cleanly; the data stays in --dir)."})
public final class DevClusterCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DevClusterCommand.class);
    private static final String HOST = "127.0.0.1";
    /** "io.netty.channel.unix.Errors$NativeIoException: " inside a message. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][\\w]*\\.)+[\\w$]*(?:Exception|Error): ");
    /** Settings this command gives each broker itself; --set may not change them. */
    private static final Set<String> PER_BROKER = Set.of(BrokerConfig.BROKER_ID, BrokerConfig.LISTENERS,
        BrokerConfig.ADVERTISED_LISTENERS, BrokerConfig.LOG_DIRS, BrokerConfig.LOG_DIR,
        BrokerConfig.ZOOKEEPER_CONNECT, BrokerConfig.METRICS_PORT);

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--brokers"}, defaultValue = "3", paramLabel = "N",
        description = "Number of brokers, ids 0..N-1 (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--dir", defaultValue = "./data/dev-cluster", paramLabel = "DIR",
        description = "Data directory: DIR/zookeeper and DIR/broker-<id>, kept between runs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--base-port", defaultValue = "9092", paramLabel = "P",
        description = "Broker i listens on 127.0.0.1:P+i; 0 picks free ports (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--zookeeper-port", defaultValue = "2181", paramLabel = "Z",
        description = "ZooKeeper's client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int zookeeperPort;

    @Option(names = "--metrics-base-port", defaultValue = "9404", paramLabel = "M",
        description = "Broker i serves /metrics on port M+i; 0 turns the endpoints off (default: ${DEFAULT-VALUE}).")
    int metricsBasePort;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "A broker setting for every broker (repeatable, last one wins), e.g. --set num.partitions=3.")
    List<KeyValue> overrides = new ArrayList<>();

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<String> started = new CompletableFuture<>();

    @Override
    public Integer call() {
        DevCluster cluster = new DevCluster();
        SignalShutdown hook = null;
        try {
            validateOptions();
            brokerConfig(0, HOST + ":" + (zookeeperPort == 0 ? 2181 : zookeeperPort)).unknownKeys()
                .forEach(key -> LOG.warn("Ignoring unknown configuration '{}'", key));
            hook = SignalShutdown.install("weir-dev-cluster-shutdown", cluster::close);
            started.complete(start(cluster, spec.commandLine().getOut()));
        } catch (CliException e) {
            if (hook != null) {
                hook.remove();
            }
            cluster.close();
            started.completeExceptionally(e);
            throw e;
        }
        boolean interrupted = false;
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        hook.remove();
        cluster.close(); // with the interrupt flag clear, so the brokers' own waits are not cut short
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /** Starts ZooKeeper and the brokers, printing one line each, then the bootstrap list, which it returns. */
    private String start(DevCluster cluster, PrintWriter out) {
        Path zkDir = dir.resolve("zookeeper");
        EmbeddedZooKeeper zk;
        try {
            zk = cluster.startZooKeeper(zkDir, zookeeperPort);
        } catch (IOException | RuntimeException e) {
            throw CliException.cluster("ZooKeeper did not start on " + HOST + ":" + zookeeperPort + ": " + reason(e));
        }
        out.println("zookeeper: " + zk.connectString() + " (data in " + zkDir + ")");
        List<String> addresses = new ArrayList<>();
        for (int id = 0; id < brokers; id++) {
            Broker broker = startBroker(cluster, id, zk.connectString());
            addresses.add(broker.bootstrapServers());
            out.println(describe(id, broker));
        }
        String bootstrap = String.join(",", addresses);
        out.println("bootstrap servers: " + bootstrap);
        out.flush();
        return bootstrap;
    }

    private Broker startBroker(DevCluster cluster, int id, String zookeeperConnect) {
        BrokerConfig config = brokerConfig(id, zookeeperConnect);
        try {
            return cluster.startBroker(config);
        } catch (RuntimeException e) {
            throw CliException.cluster("broker " + id + " did not start: " + reason(e));
        }
    }

    private String describe(int id, Broker broker) {
        int metricsPort = broker.metrics().boundPort();
        String metrics = metricsPort < 0 ? "" : ", metrics on http://" + HOST + ":" + metricsPort + "/metrics";
        return "broker " + id + ": " + broker.bootstrapServers() + " (data in " + dir.resolve("broker-" + id)
            + metrics + ")";
    }

    /** Broker {@code id}'s settings: this command's defaults, then --set, then what it sets per broker. */
    private BrokerConfig brokerConfig(int id, String zookeeperConnect) {
        String replication = String.valueOf(Math.min(3, brokers));
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.DEFAULT_REPLICATION_FACTOR, replication);
        props.put(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR, replication);
        overrides.forEach(kv -> props.put(kv.key(), kv.value()));
        props.put(BrokerConfig.BROKER_ID, String.valueOf(id));
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://" + HOST + ":" + (basePort == 0 ? 0 : basePort + id));
        props.put(BrokerConfig.LOG_DIRS, dir.resolve("broker-" + id).toString());
        props.put(BrokerConfig.ZOOKEEPER_CONNECT, zookeeperConnect);
        props.put(BrokerConfig.METRICS_PORT, String.valueOf(metricsBasePort == 0 ? 0 : metricsBasePort + id));
        try {
            return BrokerConfig.fromProperties(props);
        } catch (ConfigException | IllegalArgumentException e) {
            throw CliException.user("invalid configuration: " + e.getMessage());
        }
    }

    /** Usage errors the option types cannot catch: counts, port ranges, clashes, reserved keys. */
    private void validateOptions() {
        if (brokers < 1) {
            throw CliException.user("--brokers must be at least 1, got " + brokers);
        }
        checkPortRange("--base-port", basePort, brokers);
        checkPortRange("--zookeeper-port", zookeeperPort, 1);
        checkPortRange("--metrics-base-port", metricsBasePort, brokers);
        checkNoClash();
        for (KeyValue kv : overrides) {
            if (PER_BROKER.contains(kv.key())) {
                throw CliException.user("--set " + kv.key() + ": dev-cluster sets it for each broker "
                    + "(use --brokers, --dir, --base-port, --zookeeper-port, --metrics-base-port)");
            }
        }
    }

    private static void checkPortRange(String option, int first, int count) {
        int last = 65536 - count;
        if (first != 0 && (first < 1 || first > last)) {
            String free = count == 1 ? "0 (a free port)" : "0 (free ports)";
            String forWhat = count == 1 ? "" : " for " + count + " brokers";
            throw CliException.user(option + " must be " + free + " or 1-" + last + forWhat + ", got " + first);
        }
    }

    private void checkNoClash() {
        Map<Integer, String> taken = new TreeMap<>();
        claim(taken, zookeeperPort, "ZooKeeper");
        for (int id = 0; id < brokers; id++) {
            claim(taken, basePort == 0 ? 0 : basePort + id, "broker " + id);
        }
        for (int id = 0; id < brokers; id++) {
            claim(taken, metricsBasePort == 0 ? 0 : metricsBasePort + id, "the metrics of broker " + id);
        }
    }

    private static void claim(Map<Integer, String> taken, int port, String user) {
        if (port == 0) {
            return;
        }
        String other = taken.putIfAbsent(port, user);
        if (other != null) {
            throw CliException.user("port " + port + " would be used by both " + other + " and " + user);
        }
    }

    /**
     * The messages of the exception and its causes, each once, without the class names Netty and
     * others embed ("...: bind(..) failed: Address already in use"): a sentence, not a stack trace.
     */
    private static String reason(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : CLASS_NAME.matcher(t.getMessage())
                .replaceAll("");
            if (messages.stream().noneMatch(earlier -> earlier.contains(m))) {
                messages.add(m);
            }
        }
        return String.join(": ", messages);
    }

    /** Completes with the bootstrap servers once every broker runs (exceptionally if start-up failed). */
    public CompletableFuture<String> started() {
        return started;
    }

    /** Stops a running {@link #call} (for in-process use; signals do the same via the hook). */
    public void stop() {
        stopRequested.countDown();
    }
}
