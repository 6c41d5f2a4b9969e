package io.weir.cli.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;

/** {@code weir dev-cluster}'s usage errors: caught before anything starts (exit 1, one line). */
@Timeout(30)
class DevClusterCommandTest {

    @TempDir
    Path dir;

    private Result devCluster(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "dev-cluster";
        all[1] = "--dir";
        all[2] = dir.resolve("dc").toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    private void assertUsageError(Result r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr().strip()).isEqualTo("weir dev-cluster: " + message);
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.exists(dir.resolve("dc"))).as("nothing started, nothing written").isFalse();
    }

    @Test
    void helpListsDevCluster() {
        Result r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("dev-cluster");
        Result help = Cli.run("dev-cluster", "--help");
        assertThat(help.stdout()).contains("--brokers").contains("--base-port").contains("--zookeeper-port")
            .contains("--metrics-base-port").contains("--dir").contains("--set");
    }

    @Test
    void atLeastOneBroker() {
        assertUsageError(devCluster("--brokers", "0"), "--brokers must be at least 1, got 0");
    }

    @Test
    void portsMustFit() {
        assertUsageError(devCluster("--brokers", "2", "--base-port", "65535"),
            "--base-port must be 0 (free ports) or 1-65534 for 2 brokers, got 65535");
        assertUsageError(devCluster("--zookeeper-port", "70000"),
            "--zookeeper-port must be 0 (a free port) or 1-65535, got 70000");
    }

    @Test
    void portsMustNotClash() {
        assertUsageError(devCluster("--base-port", "9092", "--metrics-base-port", "9094"),
            "port 9094 would be used by both broker 2 and the metrics of broker 0");
    }

    @Test
    void perBrokerSettingsCannotBeSet() {
        assertUsageError(devCluster("--set", "listeners=PLAINTEXT://127.0.0.1:1"),
            "--set listeners: dev-cluster sets it for each broker "
                + "(use --brokers, --dir, --base-port, --zookeeper-port, --metrics-base-port)");
    }

    @Test
    void invalidSettingIsAUserError() {
        Result r = devCluster("--set", "num.partitions=many");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("weir dev-cluster: invalid configuration: ").contains("num.partitions");
        assertThat(Files.exists(dir.resolve("dc"))).isFalse();
    }
}
