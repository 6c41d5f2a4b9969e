package io.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cluster.zk.ZkStore;
import picocli.CommandLine;

class WeirCommandTest {

    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine weir() {
        CommandLine cl = Weir.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @Test
    void helpListsTheCommands() {
        assertThat(weir().execute("--help")).isZero();
        assertThat(out.toString()).contains("Usage: weir").contains("server").contains("zookeeper")
            .contains("topics").contains("produce").contains("consume").contains("groups").contains("cluster").contains("configs")
            .contains("completion").contains("Exit codes:").contains("--bootstrap-server");
    }

    @Test
    void noCommandPrintsUsageAndFails() {
        assertThat(weir().execute()).isEqualTo(1);
        assertThat(err.toString()).contains("Usage: weir");
    }

    @Test
    void versionNamesWeir() {
        assertThat(weir().execute("--version")).isZero();
        assertThat(out.toString()).startsWith("weir ");
    }

    @Test
    void setSplitsAtTheFirstEquals() {
        assertThat(KeyValue.parse("listeners=PLAINTEXT://h:1")).isEqualTo(new KeyValue("listeners", "PLAINTEXT://h:1"));
        assertThat(KeyValue.parse("sasl.jaas.config=a=b c=d")).isEqualTo(new KeyValue("sasl.jaas.config", "a=b c=d"));
        assertThat(KeyValue.parse("empty=")).isEqualTo(new KeyValue("empty", ""));
        assertThatThrownBy(() -> KeyValue.parse("novalue")).hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> KeyValue.parse("=x")).hasMessageContaining("expected KEY=VALUE");
    }

    @Test
    void serverParsesRepeatedSetOptions() {
        CommandLine cl = weir();
        CommandLine.ParseResult parsed = cl.parseArgs("server", "--config", "c.properties",
            "--set", "a=1", "--set", "b=x=y");
        ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(server.config).isEqualTo(Path.of("c.properties"));
        assertThat(server.overrides).containsExactly(new KeyValue("a", "1"), new KeyValue("b", "x=y"));
    }

    @Test
    void malformedSetIsAUsageError() {
        assertThat(weir().execute("server", "--set", "oops")).isEqualTo(1);
        assertThat(err.toString()).contains("expected KEY=VALUE, got 'oops'");
    }

    @Test
    void overridesWinOverTheFileInOrder() throws Exception {
        Path file = tempDir.resolve("server.properties");
        Files.writeString(file, "# sample\nbroker.id=1\nlog.dirs=/from/file\nnum.partitions = 3\n",
            StandardCharsets.ISO_8859_1);
        Map<String, String> props = ServerProperties.load(Optional.of(file),
            List.of(new KeyValue("log.dirs", "/a"), new KeyValue("log.dirs", "/b"), new KeyValue("x", "y=z")));
        assertThat(props).containsExactlyInAnyOrderEntriesOf(
            Map.of("broker.id", "1", "log.dirs", "/b", "num.partitions", "3", "x", "y=z"));
        assertThat(ServerProperties.load(Optional.empty(), List.of())).isEmpty();
    }

    @Test
    void invalidConfigFailsWithOneLineAndStartsNothing() {
        assertThat(weir().execute("server", "--set", "broker.id=not-a-number")).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString()
            .startsWith("weir server: invalid configuration:").contains("broker.id");
    }

    @Test
    void unreadableConfigFileFailsWithOneLine() {
        assertThat(weir().execute("server", "--config", tempDir.resolve("missing.properties").toString())).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("weir server: cannot read");
    }

    @Test
    void zookeeperRunsOnAFreePortUntilStopped() throws Exception {
        CommandLine cl = weir();
        ZooKeeperCommand zkCommand = cl.getSubcommands().get("zookeeper").getCommand();
        Path dir = tempDir.resolve("zk");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> cl.execute("zookeeper", "--port", "0", "--dir", dir.toString()));
        try {
            String connect = zkCommand.started().get(30, TimeUnit.SECONDS);
            assertThat(out.toString()).contains("zookeeper.connect=" + connect);
            try (ZkStore store = ZkStore.connect(connect, 10_000, 10_000)) {
                assertThat(store.getOrCreateClusterId("c")).isEqualTo("c");
            }
        } finally {
            zkCommand.stop();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(dir.resolve("version-2")).isDirectory();
    }

    @Test
    void zookeeperOnABusyPortFails() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = weir().execute("zookeeper", "--port", Integer.toString(busy.getLocalPort()),
                "--dir", tempDir.resolve("zk").toString());
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("weir zookeeper: cannot start on 127.0.0.1:" + busy.getLocalPort());
        }
    }
}
