package io.weir.broker.server;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.replica.PartitionView;
import org.apache.kafka.common.replica.ReplicaSelector;
import org.apache.kafka.common.replica.ReplicaView;
import org.apache.kafka.common.utils.Utils;

/**
 * KIP-392, fetch from the nearest replica: on a consumer's fetch to the leader, asks the
 * configured {@code replica.selector.class} (a kafka-clients {@link ReplicaSelector}, e.g.
 * {@code org.apache.kafka.common.replica.RackAwareReplicaSelector}) which replica the consumer
 * should read from. Kafka's {@code ReplicaManager.findPreferredReadReplica}: the candidates are
 * the leader and the in-sync followers whose log holds the fetch offset (log start &le; offset
 * &le; log end); the leader is offered with its log end offset and no lag. An answer naming the
 * leader, or a broker this one cannot reach on the client's listener, means "read from the leader".
 * Without a selector class (Kafka's default) consumers always read from the leader.
 *
 * <p>Thread-safe as far as the plugged selector is (Kafka's are stateless); called on request
 * handler and purgatory threads.
 */
public final class ReadReplicaSelector implements AutoCloseable {

    /** {@code replica.selector.class}. */
    public static final String REPLICA_SELECTOR_CLASS = "replica.selector.class";

    /** Where a broker is reached on a listener, with its rack; empty if it is not alive. */
    @FunctionalInterface
    public interface ReplicaNodes {
        Optional<Node> node(int brokerId, String listenerName);
    }

    /** No selector: consumers read from the leader. */
    public static final ReadReplicaSelector NONE = new ReadReplicaSelector(null, (id, listener) -> Optional.empty());

    private final ReplicaSelector selector;
    private final ReplicaNodes nodes;

    public ReadReplicaSelector(ReplicaSelector selector, ReplicaNodes nodes) {
        this.selector = selector;
        this.nodes = nodes;
    }

    /**
     * The selector named by {@code replica.selector.class} (blank or absent: {@link #NONE}),
     * instantiated and configured with the broker's settings, as Kafka does.
     *
     * @throws ConfigException if the class cannot be loaded or is not a {@link ReplicaSelector}
     */
    public static ReadReplicaSelector create(String className, Map<String, ?> brokerSettings, ReplicaNodes nodes) {
        if (className == null || className.isBlank()) {
            return NONE;
        }
        ReplicaSelector selector;
        try {
            selector = Utils.newInstance(className.trim(), ReplicaSelector.class);
        } catch (ClassNotFoundException | ClassCastException | KafkaException e) {
            throw new ConfigException(REPLICA_SELECTOR_CLASS, className, "not a loadable "
                + ReplicaSelector.class.getName() + ": " + e.getMessage());
        }
        selector.configure(brokerSettings);
        return new ReadReplicaSelector(selector, nodes);
    }

    public boolean enabled() {
        return selector != null;
    }

    /**
     * The replica other than the leader that {@code client} should fetch {@code tp} from at
     * {@code fetchOffset}, or empty to read from the leader ({@code leaderId}, whose log ends at
     * {@code leaderLogEndOffset}).
     *
     * @param inSyncFollowers what the leader knows of its in-sync followers
     */
    public OptionalInt select(TopicPartition tp, ClientMetadata client, int leaderId, long leaderLogEndOffset,
                              Collection<FollowerReplica.State> inSyncFollowers, long fetchOffset, long nowMs) {
        if (selector == null) {
            return OptionalInt.empty();
        }
        String listener = client.listenerName();
        Set<ReplicaView> candidates = new HashSet<>();
        for (FollowerReplica.State f : inSyncFollowers) {
            // Kafka's rule: only followers in the ISR that hold the offset; a lagging one would hold the consumer back.
            if (f.logEndOffset() >= fetchOffset && f.logStartOffset() <= fetchOffset) {
                candidates.add(new ReplicaView.DefaultReplicaView(node(f.brokerId(), listener), f.logEndOffset(),
                    nowMs - f.lastCaughtUpTimeMs()));
            }
        }
        ReplicaView leader = new ReplicaView.DefaultReplicaView(node(leaderId, listener), leaderLogEndOffset, 0L);
        candidates.add(leader);
        Optional<ReplicaView> chosen = selector.select(tp, client, new PartitionView.DefaultPartitionView(candidates,
            leader));
        return chosen.filter(r -> !r.endpoint().isEmpty() && r.endpoint().id() != leaderId)
            .map(r -> OptionalInt.of(r.endpoint().id())).orElse(OptionalInt.empty());
    }

    private Node node(int brokerId, String listener) {
        return nodes.node(brokerId, listener).orElse(Node.noNode());
    }

    @Override
    public void close() {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // Closing a selector frees nothing we depend on; a failure is not worth failing shutdown.
            }
        }
    }
}
