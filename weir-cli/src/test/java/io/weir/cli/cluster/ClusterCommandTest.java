package io.weir.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.weir.cli.Cli;
import io.weir.cli.Cli.Result;
import io.weir.cli.TestBroker;

@ExtendWith(TestBroker.Extension.class)
class ClusterCommandTest {

    @Test
    void jsonNamesTheClusterControllerAndBrokers(TestBroker broker) {
        assertThat(Cli.run("--bootstrap-server", broker.bootstrapServers(), "topics", "create", "cluster-topic", "-p", "2")
            .exitCode()).isZero();
        Result r = Cli.run("cluster", "--bootstrap-server", broker.bootstrapServers(), "--output", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode cluster = r.json();
        assertThat(cluster.get("clusterId").asText()).isNotBlank();
        JsonNode brokers = cluster.get("brokers");
        assertThat(brokers).hasSize(1);
        assertThat(brokers.get(0).get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(brokers.get(0).get("port").asInt()).isEqualTo(broker.port());
        assertThat(brokers.get(0).get("rack").isNull()).isTrue();
        assertThat(cluster.get("controller").asInt()).isEqualTo(brokers.get(0).get("id").asInt());
        assertThat(cluster.get("topics").asInt()).isPositive();
        assertThat(cluster.get("partitions").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(cluster.get("underReplicatedPartitions").asLong()).isZero();
        assertThat(cluster.get("offlinePartitions").asLong()).isZero();
    }

    @Test
    void tableForPeople(TestBroker broker) {
        Result r = Cli.run("--bootstrap-server", broker.bootstrapServers(), "cluster");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("Cluster: ").contains("Controller: broker ")
            .contains("under-replicated, 0 offline")
            .containsPattern("(?m)^BROKER +ADDRESS +RACK$")
            .containsPattern("(?m)^\\d+ \\(controller\\) +127\\.0\\.0\\.1:" + broker.port() + " +-$");
    }
}
