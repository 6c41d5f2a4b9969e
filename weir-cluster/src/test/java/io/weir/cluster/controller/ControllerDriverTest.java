package io.weir.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.cluster.zk.ZkSessions;
import io.weir.cluster.zk.ZkStore;

/** Election, failover, deposition and shutdown of {@link ControllerDriver}s on a real ZooKeeper. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerDriverTest extends DriverTestSupport {

    private static final TopicPartition T0 = new TopicPartition("t", 0);

    @Test
    void twoDriversElectExactlyOneControllerWithEpochOne() throws Exception {
        List<Integer> seenBy2 = new CopyOnWriteArrayList<>();
        Node n1 = startNode(1);
        Node n2 = startNode(registerBroker(2), 2, config(false), seenBy2::add);

        Node active = awaitActive(n1, n2);
        Node standby = active == n1 ? n2 : n1;
        await("both see the controller", () -> n1.driver().activeControllerId() == active.id()
            && n2.driver().activeControllerId() == active.id());

        assertThat(standby.driver().isActive()).isFalse();
        assertThat(active.driver().activeControllerCount()).isEqualTo(1);
        assertThat(standby.driver().activeControllerCount()).isZero();
        assertThat(controllerEpoch(rawClient())).isEqualTo(1);
        assertThat(admin.activeControllerId()).isEqualTo(OptionalInt.of(active.id()));
        assertThat(active.channel().liveBrokers()).extracting(LiveBroker::id).containsExactly(1, 2);
        assertThat(active.channel().liveBrokers()).allMatch(b -> b.epoch() == admin.brokerEpoch(b.id()));
        assertThat(standby.channel().brokerChanges).isEmpty();
        assertThat(active.channel().sent(UpdateMetadataRequest.class)).extracting(UpdateMetadataRequest::brokerId)
            .contains(1, 2);
        assertThat(seenBy2).last().isEqualTo(active.id());
    }

    @Test
    void shutdownOfTheActiveControllerHandsOverWithAHigherEpoch() throws Exception {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);
        Node n2 = startNode(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        awaitState(T0, s -> s.leader() == 1);

        n1.driver().shutdown();

        await("2 takes over", n2.driver()::isActive);
        assertThat(n1.driver().isActive()).isFalse();
        assertThat(n1.channel().liveBrokers()).isEmpty();
        assertThat(n1.channel().closed).isTrue();
        assertThat(controllerEpoch(rawClient())).isEqualTo(2);
        await("1 sees the new controller", () -> admin.activeControllerId().equals(OptionalInt.of(2)));
        List<UpdateMetadataRequest> full = n2.channel().sent(UpdateMetadataRequest.class).stream()
            .filter(UpdateMetadataRequest::full).toList();
        assertThat(full).extracting(UpdateMetadataRequest::brokerId).containsExactlyInAnyOrder(1, 2);
        assertThat(full).allMatch(r -> r.controllerEpoch() == 2 && r.partitions().size() == 1);
        List<LeaderAndIsrRequest> leaderAndIsr = n2.channel().sent(LeaderAndIsrRequest.class);
        assertThat(leaderAndIsr).extracting(LeaderAndIsrRequest::brokerId).containsExactlyInAnyOrder(1, 2);
        assertThat(leaderAndIsr).allMatch(r -> r.controllerEpoch() == 2
            && r.partitions().get(0).partition().equals(T0) && r.partitions().get(0).leader() == 1);
    }

    @Test
    void aDeposedControllersWriteFailsAndItResigns() throws Exception {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);
        CuratorFramework raw = rawClient();
        // Another controller's epoch appears behind n1's back (as after a session it did not notice losing).
        raw.setData().forPath("/controller_epoch", "7".getBytes(StandardCharsets.UTF_8));

        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());

        // The write under epoch 1 fails; n1 resigns, gives up /controller and wins it again with epoch 8.
        await("resigned", () -> n1.channel().brokerChanges.stream().anyMatch(List::isEmpty));
        LeaderAndIsr state = awaitState(T0, s -> s.leader() == 1);
        assertThat(state.controllerEpoch()).isEqualTo(8);
        assertThat(controllerEpoch(raw)).isEqualTo(8);
        await("active again", n1.driver()::isActive);
    }

    @Test
    void requestsToABrokerThatIsNotControllerGetNotController() throws Exception {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);
        Node n2 = startNode(2);
        await("2 knows", () -> n2.driver().activeControllerId() == 1);

        assertThat(n2.driver().controlledShutdown(2, admin.brokerEpoch(2)).get(10, TimeUnit.SECONDS).error())
            .isEqualTo(Errors.NOT_CONTROLLER);
        assertThat(n2.driver().electPreferredLeaders(Set.of(T0)).get(10, TimeUnit.SECONDS).results())
            .isEqualTo(Map.of(T0, Errors.NOT_CONTROLLER));
        assertThat(n2.driver().alterPartitionReassignments(Map.of(T0, Optional.of(List.of(1))))
            .get(10, TimeUnit.SECONDS).results()).isEqualTo(Map.of(T0, Errors.NOT_CONTROLLER));
        assertThat(n2.driver().listPartitionReassignments(Optional.empty()))
            .failsWithin(10, TimeUnit.SECONDS);
    }

    @Test
    void shutdownIsIdempotentAndLaterRequestsGetNotController() throws Exception {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);

        n1.driver().shutdown();
        n1.driver().shutdown();

        assertThat(n1.driver().isActive()).isFalse();
        assertThat(admin.activeControllerId()).isEmpty();
        assertThat(n1.driver().controlledShutdown(1, 1L).get(10, TimeUnit.SECONDS).error())
            .isEqualTo(Errors.NOT_CONTROLLER);
    }

    @Test
    void aControllerWhoseSessionExpiresResignsAndRacesAgain() throws Exception {
        ZkStore store = closeLater(ZkStore.connect(zk.connectString(), 2_000, 2_000));
        Node n1 = startNode(store, 1, config(false));
        await("1 is controller", n1.driver()::isActive);
        long oldSession = store.sessionId();

        ZkSessions.expire(store, zk.connectString());

        await("resigned", () -> n1.channel().brokerChanges.stream().anyMatch(List::isEmpty));
        await("controller again on a new session", () -> n1.driver().isActive() && store.sessionId() != oldSession);
        // Exactly one new election (ControllerRoleSessionTest plays the interleaving that once cost two).
        assertThat(controllerEpoch(rawClient())).isEqualTo(2);
    }
}
