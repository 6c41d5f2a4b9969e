package io.weir.cli.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;

/**
 * {@code weir dev-cluster} run in-process on free loopback ports: a replicated topic works through
 * the real clients, Ctrl-C's path stops every broker and ZooKeeper with exit 0, a second run on
 * the same directory finds the data, and a port in use fails start-up with exit 2 after stopping
 * what had started.
 */
@Tag("integration")
@Timeout(180)
class DevClusterIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ADDRESS_LINE =
        Pattern.compile("(?m)^(zookeeper|broker \\d+): 127\\.0\\.0\\.1:(\\d+) \\(data in .*\\)$");

    @TempDir
    Path dir;

    @Test
    void twoBrokersServeAReplicatedTopicStopCleanlyAndKeepTheirData() throws Exception {
        try (DevClusterRun run = DevClusterRun.start(dir, "--brokers", "2")) {
            String bootstrap = run.awaitBootstrap();
            assertThat(bootstrap.split(",")).hasSize(2).allMatch(a -> a.startsWith("127.0.0.1:"));
            try (Admin admin = admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("dev", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
                TopicDescription topic = admin.describeTopics(List.of("dev")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("dev");
                assertThat(topic.partitions().get(0).replicas()).hasSize(2);
            }
            produce(bootstrap, "dev", "hello");
            assertThat(consume(bootstrap, "dev", 1)).containsExactly("hello");
            run.stopAndAssertEverythingStopped();
        }
        try (DevClusterRun again = DevClusterRun.start(dir, "--brokers", "2")) {
            String bootstrap = again.awaitBootstrap();
            assertThat(consume(bootstrap, "dev", 1)).containsExactly("hello");
            again.stopAndAssertEverythingStopped();
        }
    }

    @Test
    void aPortInUseFailsStartUpWithExit2AndStopsWhatStarted() throws Exception {
        try (ServerSocket taken = occupyPortAfterAFreeOne()) {
            int basePort = taken.getLocalPort() - 1;
            Result r = Cli.run("dev-cluster", "--dir", dir.toString(), "--brokers", "2",
                "--base-port", String.valueOf(basePort), "--zookeeper-port", "0", "--metrics-base-port", "0");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr().lines()).as(r.toString()).hasSize(1);
            assertThat(r.stderr()).startsWith("weir dev-cluster: broker 1 did not start: ")
                .contains("127.0.0.1:" + taken.getLocalPort()).contains("in use").doesNotContain("Exception");
            assertThat(r.stdout()).contains("broker 0: 127.0.0.1:" + basePort).doesNotContain("bootstrap servers");
            List<Integer> ports = printedPorts(r.stdout());
            assertThat(ports).hasSize(2).contains(basePort);
            ports.forEach(DevClusterIT::assertClosed);
        }
    }

    /** One {@code weir dev-cluster} on free ports in another thread; closing it always stops it. */
    private static final class DevClusterRun implements AutoCloseable {
        private final Cli.Running running;
        private final DevClusterCommand command;

        private DevClusterRun(Cli.Running running) {
            this.running = running;
            this.command = running.subcommand("dev-cluster");
        }

        static DevClusterRun start(Path dir, String... extra) {
            List<String> args = new ArrayList<>(List.of("dev-cluster", "--dir", dir.toString(), "--base-port", "0",
                "--zookeeper-port", "0", "--metrics-base-port", "0"));
            args.addAll(List.of(extra));
            return new DevClusterRun(Cli.start(args.toArray(String[]::new)));
        }

        /** Waits until every broker runs and returns the list the bootstrap line printed. */
        String awaitBootstrap() throws Exception {
            String bootstrap;
            try {
                bootstrap = command.started().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("dev-cluster did not start: " + output(), e);
            }
            assertThat(output()).endsWith("bootstrap servers: " + bootstrap + "\n");
            return bootstrap;
        }

        String output() {
            return running.out.toString(StandardCharsets.UTF_8);
        }

        /** The Ctrl-C path: exit 0, and neither the brokers nor ZooKeeper accept connections any more. */
        void stopAndAssertEverythingStopped() throws Exception {
            command.stop();
            Result r = running.await(STOP_TIMEOUT);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<Integer> ports = printedPorts(r.stdout());
            assertThat(ports).as(r.stdout()).hasSize(3);
            ports.forEach(DevClusterIT::assertClosed);
        }

        @Override
        public void close() {
            command.stop();
            try {
                running.await(STOP_TIMEOUT);
            } catch (Exception e) {
                throw new AssertionError("dev-cluster did not stop: " + output(), e);
            }
        }
    }

    private static List<Integer> printedPorts(String stdout) {
        List<Integer> ports = new ArrayList<>();
        Matcher m = ADDRESS_LINE.matcher(stdout);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(2)));
        }
        return ports;
    }

    private static void assertClosed(int port) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            }
        }).as("port %d still accepts connections", port).isInstanceOf(IOException.class);
    }

    /** A listening socket on port Q such that Q-1 was free a moment ago. */
    private static ServerSocket occupyPortAfterAFreeOne() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            int before = taken.getLocalPort() - 1;
            if (before > 1024 && isFree(before)) {
                return taken;
            }
            taken.close();
        }
        throw new IllegalStateException("no free port next to a free port on 127.0.0.1");
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            return probe.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static void produce(String bootstrap, String topic, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, value)).get(40, TimeUnit.SECONDS);
        }
    }

    private static List<String> consume(String bootstrap, String topic, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
