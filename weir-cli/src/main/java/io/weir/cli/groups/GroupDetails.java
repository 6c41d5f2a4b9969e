package io.weir.cli.groups;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

import io.weir.cli.client.Report;
import io.weir.cli.client.Table;

/**
 * What {@code weir groups describe} shows; with {@code --output json} this record is the
 * document (field order as declared, documented in docs/cli.md). Immutable.
 *
 * @param protocol    the classic group's partition assignor ({@code range}, ...) or the consumer
 *                    group's server assignor; null when the broker names none
 * @param coordinator null when unknown
 * @param totalLag    the sum of the lags that are known
 */
public record GroupDetails(String group, String type, String state, String protocol, Coordinator coordinator,
                           List<Member> members, List<PartitionLag> partitions, long totalLag) implements Report {

    /** The broker that coordinates the group. */
    public record Coordinator(int id, String host, int port) {
    }

    /** One member (json: an element of {@code members}); instanceId is null without static membership. */
    public record Member(String memberId, String instanceId, String clientId, String host, List<Assigned> assignment) {
    }

    /** One assigned partition of a member. */
    public record Assigned(String topic, int partition) {
        @Override
        public String toString() {
            return topic + "-" + partition;
        }
    }

    /**
     * One partition the group has a committed offset for or is assigned (json: an element of
     * {@code partitions}): {@code lag = endOffset - committedOffset}, null when nothing is
     * committed; memberId is the member it is assigned to, or null.
     */
    public record PartitionLag(String topic, int partition, Long committedOffset, Long endOffset, Long lag,
                               String memberId) {
    }

    @Override
    public void printTable(PrintWriter out) {
        out.println("Group: " + group + "  (" + type + ", " + state
            + (protocol == null || protocol.isEmpty() ? "" : ", assignor " + protocol) + ")");
        out.println("Coordinator: " + (coordinator == null ? "unknown"
            : "broker " + coordinator.id() + " (" + coordinator.host() + ":" + coordinator.port() + ")"));
        out.println("Members: " + members.size());
        if (!members.isEmpty()) {
            out.println();
            Table table = new Table("MEMBER", "INSTANCE", "CLIENT", "HOST", "PARTITIONS");
            members.forEach(m -> table.row(m.memberId(), m.instanceId(), m.clientId(), m.host(),
                m.assignment().isEmpty() ? null
                    : m.assignment().stream().map(Assigned::toString).collect(Collectors.joining(","))));
            table.print(out);
        }
        out.println();
        Table table = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER");
        partitions.forEach(p -> table.row(p.topic(), p.partition(), p.committedOffset(), p.endOffset(), p.lag(),
            p.memberId()));
        table.print(out);
        out.println("Total lag: " + totalLag);
    }
}
