package io.weir.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;

@ExtendWith(TestBroker.Extension.class)
class ClientOptionsTest {

    @TempDir
    Path tempDir;

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void unreachableBootstrapFailsWithinTheTimeoutWithExitTwo() throws IOException {
        String nowhere = "127.0.0.1:" + closedPort();
        long startNs = System.nanoTime();
        Result r = Cli.run("topics", "list", "--bootstrap-server", nowhere);
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("weir topics list: the cluster at " + nowhere
            + " did not answer within 10 s (is a broker running there?)\n");
        assertThat(elapsedMs).isLessThan(20_000);
    }

    /** Every client command, with the arguments it needs to reach the cluster. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"topics list", "topics describe t", "topics create t", "topics alter t -c retention.ms=1",
        "topics add-partitions t -p 3", "topics delete t", "consume t -n 1", "groups list", "groups describe g",
        "groups reset-offsets g -t t --to-earliest", "groups delete g", "cluster", "configs get topic t",
        "configs set topic t retention.ms=1", "configs delete topic t retention.ms"})
    void everyCommandGivesUpOnAnUnreachableClusterWithinTheTimeoutWithExitTwo(String command) throws IOException {
        Path config = tempDir.resolve("client.properties");
        Files.writeString(config, "default.api.timeout.ms=1500\nrequest.timeout.ms=1500\n");
        String nowhere = "127.0.0.1:" + closedPort();
        List<String> args = new ArrayList<>(List.of("--command-config", config.toString(), "-b", nowhere));
        args.addAll(List.of(command.split(" ")));
        long startNs = System.nanoTime();
        Result r = Cli.run(args.toArray(String[]::new));
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        String[] words = command.split(" ");
        String name = List.of("topics", "groups", "configs").contains(words[0]) ? words[0] + " " + words[1] : words[0];
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("weir " + name + ": the cluster at " + nowhere
            + " did not answer within 1500 ms (is a broker running there?)\n");
        assertThat(elapsedMs).as("the command's run time").isLessThan(6_000);
    }

    @Test
    void commandConfigTimeoutAppliesToProduceToo() throws IOException {
        Path config = tempDir.resolve("client.properties");
        Files.writeString(config, "default.api.timeout.ms=1500\nrequest.timeout.ms=1500\n");
        String nowhere = "127.0.0.1:" + closedPort();
        Result r = Cli.run("x\n".getBytes(), "--command-config", config.toString(), "produce", "t", "-b", nowhere);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("weir produce: the cluster at " + nowhere
            + " did not answer within 1500 ms (is a broker running there?)\n");
    }

    @Test
    void optionsBeforeTheCommandApplyAndAfterItWin(TestBroker broker) throws IOException {
        Result before = Cli.run("--bootstrap-server", broker.bootstrapServers(), "--output", "json", "cluster");
        assertThat(before.exitCode()).as(before.toString()).isZero();
        assertThat(before.json().get("clusterId").asText()).isNotBlank();

        Result after = Cli.run("-b", "127.0.0.1:" + closedPort(), "-o", "json", "cluster",
            "-b", broker.bootstrapServers(), "-o", "table");
        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(after.stdout()).startsWith("Cluster: ");
    }

    @Test
    void resolutionOrder() {
        ClientOptions none = new ClientOptions();
        ClientOptions given = new ClientOptions();
        given.bootstrapServer = "h:1";
        given.output = OutputFormat.json;
        assertThat(ClientSettings.resolve(none, none, name -> null).bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(ClientSettings.resolve(none, none, Map.of("WEIR_BOOTSTRAP", "env:2")::get).bootstrapServers())
            .isEqualTo("env:2");
        assertThat(ClientSettings.resolve(none, given, Map.of("WEIR_BOOTSTRAP", "env:2")::get).bootstrapServers())
            .isEqualTo("h:1");
        assertThat(ClientSettings.resolve(given, none, name -> null).json()).isTrue();
        assertThat(ClientSettings.resolve(none, none, name -> null).output()).isEqualTo(OutputFormat.table);
    }

    @Test
    void unreadableCommandConfigIsAUserError() {
        Result r = Cli.run("cluster", "--command-config", tempDir.resolve("missing.properties").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("weir cluster: cannot read the command config ");
    }

    @Test
    void usageErrorsExitOne() {
        assertThat(Cli.run("topics").exitCode()).isEqualTo(1);
        assertThat(Cli.run("consume").exitCode()).isEqualTo(1);
        assertThat(Cli.run("topics", "list", "--output", "yaml").exitCode()).isEqualTo(1);
    }
}
