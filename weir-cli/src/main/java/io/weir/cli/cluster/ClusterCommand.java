package io.weir.cli.cluster;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import io.weir.cli.client.ClientCommand;
import io.weir.cli.client.ClientSettings;
import io.weir.cli.client.Clients;
import io.weir.cli.client.Report;
import io.weir.cli.client.Table;
import io.weir.cli.client.TopicNames;
import picocli.CommandLine.Command;

/**
 * {@code weir cluster}: the cluster id, the controller, the brokers, and how many partitions are
 * under-replicated (ISR smaller than the replica set) or offline (no leader).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Show the cluster: id, controller, brokers, under-replicated and offline partitions.")
public final class ClusterCommand extends ClientCommand {

    @Override
    protected void run(ClientSettings settings) throws Exception {
        try (Admin admin = Clients.admin(settings)) {
            DescribeClusterResult cluster = admin.describeCluster();
            Node controller = cluster.controller().get();
            List<Broker> brokers = cluster.nodes().get().stream().sorted(Comparator.comparingInt(Node::id))
                .map(n -> new Broker(n.id(), n.host(), n.port(), n.rack())).toList();
            Collection<TopicDescription> topics = admin.describeTopics(TopicNames.all(admin)).allTopicNames().get()
                .values();
            List<TopicPartitionInfo> partitions = topics.stream().flatMap(t -> t.partitions().stream()).toList();
            print(settings, new ClusterReport(cluster.clusterId().get(),
                controller == null || controller.isEmpty() ? null : controller.id(), brokers, topics.size(),
                partitions.size(), partitions.stream().filter(p -> p.isr().size() < p.replicas().size()).count(),
                partitions.stream().filter(p -> p.leader() == null || p.leader().isEmpty()).count()));
        }
    }

    /** One broker (json: an element of {@code brokers}); rack is null when not set. */
    public record Broker(int id, String host, int port, String rack) {
    }

    /**
     * json: {@code {"clusterId", "controller", "brokers": [{"id", "host", "port", "rack"}], "topics",
     * "partitions", "underReplicatedPartitions", "offlinePartitions"}}.
     */
    public record ClusterReport(String clusterId, Integer controller, List<Broker> brokers, int topics, int partitions,
                                long underReplicatedPartitions, long offlinePartitions) implements Report {
        @Override
        public void printTable(PrintWriter out) {
            out.println("Cluster: " + clusterId);
            out.println("Controller: " + (controller == null ? "none" : "broker " + controller));
            out.println("Topics: " + topics + ", partitions: " + partitions + " (" + underReplicatedPartitions
                + " under-replicated, " + offlinePartitions + " offline)");
            out.println();
            Table table = new Table("BROKER", "ADDRESS", "RACK");
            brokers.forEach(b -> table.row(b.id() + (controller != null && b.id() == controller ? " (controller)" : ""),
                b.host() + ":" + b.port(), b.rack()));
            table.print(out);
        }
    }
}
