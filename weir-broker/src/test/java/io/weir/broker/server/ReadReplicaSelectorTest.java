package io.weir.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

/** KIP-392's choice of a preferred read replica, with Kafka's RackAwareReplicaSelector plugged in. */
class ReadReplicaSelectorTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final String LISTENER = "PLAINTEXT";
    private static final Map<Integer, String> RACKS = Map.of(1, "a", 2, "b", 3, "b", 4, "c");
    private static final long NOW = 10_000L;

    private final ReadReplicaSelector selector = new ReadReplicaSelector(new RackAwareReplicaSelector(),
        (id, listener) -> LISTENER.equals(listener) && RACKS.containsKey(id)
            ? Optional.of(new Node(id, "127.0.0.1", 9000 + id, RACKS.get(id))) : Optional.empty());

    private static ClientMetadata client(String rack) {
        return new ClientMetadata.DefaultClientMetadata(rack, "consumer", InetAddress.getLoopbackAddress(),
            KafkaPrincipal.ANONYMOUS, LISTENER);
    }

    private static FollowerReplica.State follower(int id, long logEndOffset) {
        return new FollowerReplica.State(id, logEndOffset, 0L, NOW);
    }

    /** Leader 1 (rack a, log end 100) with the given in-sync followers, fetching at {@code fetchOffset}. */
    private OptionalInt select(String clientRack, long fetchOffset, FollowerReplica.State... followers) {
        return selector.select(TP, client(clientRack), 1, 100L, List.of(followers), fetchOffset, NOW);
    }

    @Test
    void aFollowerOnTheClientsRackIsPreferred() {
        assertThat(select("c", 50, follower(2, 100), follower(4, 100))).hasValue(4);
    }

    @Test
    void theLeaderServesWhenItIsOnTheClientsRackOrNoReplicaIs() {
        assertThat(select("a", 50, follower(2, 100), follower(4, 100))).isEmpty();
        assertThat(select("z", 50, follower(2, 100), follower(4, 100))).isEmpty();
    }

    @Test
    void aClientWithoutARackIsServedByTheLeader() {
        assertThat(select("", 50, follower(2, 100))).isEmpty();
        assertThat(select(null, 50, follower(2, 100))).isEmpty();
    }

    @Test
    void amongFollowersOnTheRackTheMostCaughtUpOneIsChosen() {
        assertThat(select("b", 50, follower(2, 80), follower(3, 90))).hasValue(3);
        assertThat(select("b", 50, follower(2, 90), new FollowerReplica.State(3, 90, 0L, NOW - 500)))
            .as("equal log ends: the one that caught up most recently").hasValue(2);
    }

    @Test
    void aFollowerWhoseLogDoesNotHoldTheFetchOffsetIsNoCandidate() {
        assertThat(select("b", 95, follower(2, 90))).as("its log ends before the offset").isEmpty();
        assertThat(select("b", 5, new FollowerReplica.State(2, 100, 10L, NOW))).as("its log starts after it")
            .isEmpty();
        assertThat(select("b", 90, follower(2, 90))).as("its log end is the offset itself").hasValue(2);
    }

    @Test
    void aFollowerNotReachableOnTheClientsListenerIsNotSent() {
        ReadReplicaSelector noNodes = new ReadReplicaSelector(new RackAwareReplicaSelector(),
            (id, listener) -> Optional.empty());
        assertThat(noNodes.select(TP, client("b"), 1, 100L, List.of(follower(2, 100)), 50, NOW)).isEmpty();
    }

    @Test
    void withoutASelectorClassTheLeaderAlwaysServes() {
        ReadReplicaSelector none = ReadReplicaSelector.create("", Map.of(), (id, l) -> Optional.empty());
        assertThat(none.enabled()).isFalse();
        assertThat(none.select(TP, client("b"), 1, 100L, List.of(follower(2, 100)), 50, NOW)).isEmpty();
        assertThat(ReadReplicaSelector.create(null, Map.of(), (id, l) -> Optional.empty())).isSameAs(
            ReadReplicaSelector.NONE);
    }

    @Test
    void theSelectorClassIsLoadedByNameAndABadOneFailsWithItsSetting() {
        try (ReadReplicaSelector rackAware = ReadReplicaSelector.create(RackAwareReplicaSelector.class.getName(),
                Map.of(), (id, l) -> Optional.of(new Node(id, "127.0.0.1", 9000 + id, RACKS.get(id))))) {
            assertThat(rackAware.enabled()).isTrue();
            assertThat(rackAware.select(TP, client("b"), 1, 100L, List.of(follower(2, 100)), 50, NOW)).hasValue(2);
        }
        assertThatThrownBy(() -> ReadReplicaSelector.create("no.such.Selector", Map.of(), (id, l) -> Optional.empty()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("replica.selector.class");
        assertThatThrownBy(() -> ReadReplicaSelector.create(String.class.getName(), Map.of(),
            (id, l) -> Optional.empty())).isInstanceOf(ConfigException.class);
    }
}
