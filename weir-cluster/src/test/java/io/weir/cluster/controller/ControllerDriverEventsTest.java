package io.weir.cluster.controller;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.zk.LeaderAndIsr;
import io.weir.cluster.zk.TopicAssignment;
import io.weir.cluster.zk.ZkJson;
import io.weir.cluster.zk.ZkStore;

/** The active controller reacting to ZooKeeper changes and broker requests, through a real ZooKeeper. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerDriverEventsTest extends DriverTestSupport {

    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    /** Broker 1 is the controller; brokers 2 and 3 are registered without drivers. */
    private Node controllerWithBrokers(int... others) {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);
        for (int id : others) {
            registerBroker(id);
        }
        await("brokers known", () -> n1.channel().liveBrokers().size() == 1 + others.length);
        return n1;
    }

    @Test
    void aNewTopicGetsItsPartitionStatesFromTheController() {
        Node n1 = controllerWithBrokers(2, 3);

        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 3), 1, List.of(3, 1)), Map.of());

        assertThat(awaitState(T0, s -> true)).isEqualTo(new LeaderAndIsr(2, 0, List.of(2, 3), 1, 0));
        assertThat(awaitState(T1, s -> true)).isEqualTo(new LeaderAndIsr(3, 0, List.of(3, 1), 1, 0));
        await("LeaderAndIsr to every replica", () -> leaderAndIsrPartitions(n1, 2).contains(T0)
            && leaderAndIsrPartitions(n1, 3).containsAll(Set.of(T0, T1)) && leaderAndIsrPartitions(n1, 1).contains(T1));
        PartitionInfo info = n1.channel().sent(LeaderAndIsrRequest.class, 3).stream()
            .flatMap(r -> r.partitions().stream()).filter(p -> p.partition().equals(T0)).findFirst().orElseThrow();
        assertThat(info.isNew()).isTrue();
        assertThat(info.leader()).isEqualTo(2);
    }

    @Test
    void partitionStatesWrittenByTheAdminPathAreAdoptedNotRecreated() throws Exception {
        Node n1 = controllerWithBrokers(2);
        TopicPartition old0 = new TopicPartition("old", 0);
        // The admin path of older brokers wrote the states itself; make them appear together with the topic.
        CuratorFramework raw = rawClient();
        raw.transaction().forOperations(
            raw.transactionOp().create().forPath("/brokers/topics/old",
                ZkJson.encodeTopic(Uuid.randomUuid(), Map.of(0, List.of(1, 2)))),
            raw.transactionOp().create().forPath("/brokers/topics/old/partitions"),
            raw.transactionOp().create().forPath("/brokers/topics/old/partitions/0"),
            raw.transactionOp().create().forPath("/brokers/topics/old/partitions/0/state",
                ZkJson.encodePartitionState(new LeaderAndIsr(1, 5, List.of(1, 2), 0, 0))));

        LeaderAndIsr adopted = awaitState(old0, s -> s.controllerEpoch() == 1);

        assertThat(adopted).isEqualTo(new LeaderAndIsr(1, 5, List.of(1, 2), 1, 1));
        await("LeaderAndIsr to 2", () -> leaderAndIsrPartitions(n1, 2).contains(old0));
        assertThat(n1.driver().isActive()).isTrue();
    }

    @Test
    void znodesThatDoNotDecodeAreLeftOutAndATopicIsTakenOnceFixed() throws Exception {
        registerBroker(2);
        CuratorFramework raw = rawClient();
        raw.create().creatingParentsIfNeeded().forPath("/brokers/topics/bad", "{\"partitions\": [".getBytes(UTF_8));
        raw.create().forPath("/brokers/ids/7", "not a registration".getBytes(UTF_8));
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1)), Map.of());

        // The failover reads every broker and topic znode: those that do not decode must not fail it.
        Node n1 = startNode(1);
        assertThat(awaitState(T0, s -> true).leader()).isEqualTo(2);
        // The failover writes T0's state before it marks itself active: wait for the end of it.
        await("the failover to finish", () -> n1.driver().isActive());
        assertThat(n1.channel().liveBrokers()).extracting(LiveBroker::id).containsExactlyInAnyOrder(1, 2);
        admin.createTopic("u", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        awaitState(new TopicPartition("u", 0), s -> true);
        assertThat(admin.getPartitionState(new TopicPartition("bad", 0))).isEmpty();

        raw.setData().forPath("/brokers/topics/bad", ZkJson.encodeTopic(Uuid.randomUuid(), Map.of(0, List.of(2, 1))));

        assertThat(awaitState(new TopicPartition("bad", 0), s -> true).leader()).isEqualTo(2);
        assertThat(n1.driver().isActive()).isTrue();
    }

    @Test
    void aPartitionStateZnodeThatDoesNotDecodeLeavesThatPartitionAlone() throws Exception {
        registerBroker(2);
        CuratorFramework raw = rawClient();
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1), 1, List.of(1, 2)), Map.of());
        raw.create().creatingParentsIfNeeded().forPath("/brokers/topics/t/partitions/0/state", "{".getBytes(UTF_8));

        Node n1 = startNode(1);
        assertThat(awaitState(T1, s -> true).leader()).isEqualTo(1);
        admin.createTopic("u", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        awaitState(new TopicPartition("u", 0), s -> true);
        assertThat(n1.driver().isActive()).isTrue();
        assertThat(raw.getData().forPath("/brokers/topics/t/partitions/0/state")).isEqualTo("{".getBytes(UTF_8));

        // Fixed, it is read again with the topic's next change, as a partition whose state exists: adopted.
        raw.setData().forPath("/brokers/topics/t/partitions/0/state",
            ZkJson.encodePartitionState(new LeaderAndIsr(2, 5, List.of(2, 1), 0, 0)));
        TopicAssignment t = admin.getTopic("t").orElseThrow();
        admin.setTopicAssignment(new TopicAssignment("t", t.topicId(),
            Map.of(0, List.of(2, 1), 1, List.of(1, 2), 2, List.of(2, 1)), t.zkVersion()));
        assertThat(awaitState(T0, s -> s.controllerEpoch() == 1)).isEqualTo(new LeaderAndIsr(2, 5, List.of(2, 1), 1, 2));
        assertThat(n1.driver().isActive()).isTrue();
    }

    @Test
    void addedPartitionsGetStates() {
        controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        awaitState(T0, s -> true);
        TopicAssignment read = admin.getTopic("t").orElseThrow();

        admin.setTopicAssignment(new TopicAssignment("t", read.topicId(),
            Map.of(0, List.of(1, 2), 1, List.of(2, 1)), read.zkVersion()));

        assertThat(awaitState(T1, s -> true)).isEqualTo(new LeaderAndIsr(2, 0, List.of(2, 1), 1, 0));
    }

    @Test
    void aDeadBrokersLeadershipMovesToTheNextIsrMember() {
        Node n1 = startNode(1);
        await("1 is controller", n1.driver()::isActive);
        ZkStore broker2 = registerBroker(2);
        registerBroker(3);
        await("brokers known", () -> n1.channel().liveBrokers().size() == 3);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 3, 1)), Map.of());
        awaitState(T0, s -> s.leader() == 2);
        n1.channel().clear();

        broker2.close();

        LeaderAndIsr moved = awaitState(T0, s -> s.leader() == 3);
        assertThat(moved.leaderEpoch()).isEqualTo(1);
        assertThat(moved.isr()).containsExactly(3, 1);
        await("channel told", () -> n1.channel().liveBrokers().size() == 2);
        await("LeaderAndIsr to 3", () -> leaderAndIsrPartitions(n1, 3).contains(T0));
    }

    @Test
    void anIsrChangeNotificationBringsUpdateMetadata() {
        Node n1 = controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of());
        LeaderAndIsr state = awaitState(T0, s -> true);
        n1.channel().clear();

        // What a leader does when a follower falls behind.
        LeaderAndIsr shrunk = new LeaderAndIsr(1, state.leaderEpoch(), List.of(1), state.controllerEpoch(), 0);
        assertThat(admin.updatePartitionState(T0, shrunk, state.zkVersion())).hasValue(state.zkVersion() + 1);
        admin.createIsrChangeNotification(Set.of(T0));

        await("UpdateMetadata with the new ISR", () -> n1.channel().sent(UpdateMetadataRequest.class).stream()
            .flatMap(r -> r.partitions().stream())
            .anyMatch(p -> p.partition().equals(T0) && p.isr().equals(List.of(1))));
        await("notification deleted", () -> isrNotifications().isEmpty());
    }

    @Test
    void aTopicMarkedForDeletionIsStoppedDeletedAndItsZnodesRemoved() {
        Node n1 = controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1, 2)), Map.of("retention.ms", "1"));
        awaitState(T0, s -> true);

        admin.markTopicForDeletion("t");
        admin.markTopicForDeletion("t");

        await("StopReplica(delete) to both replicas", () -> deletingBrokers(n1).containsAll(Set.of(1, 2)));
        assertThat(admin.getTopic("t")).isPresent();
        n1.channel().answerStopReplicaDeletes(Errors.NONE);
        await("topic gone", () -> admin.getTopic("t").isEmpty());
        await("marker gone", () -> admin.topicsMarkedForDeletion().isEmpty());
        assertThat(admin.getTopicConfig("t")).isEmpty();
        assertThat(admin.getPartitionState(T0)).isEmpty();
    }

    @Test
    void controlledShutdownMovesLeadershipOffTheBroker() throws Exception {
        Node n1 = controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1)), Map.of());
        awaitState(T0, s -> s.leader() == 2);

        ControlledShutdownResponse stale = n1.driver().controlledShutdown(2, admin.brokerEpoch(2) + 1)
            .get(10, TimeUnit.SECONDS);
        ControlledShutdownResponse done = n1.driver().controlledShutdown(2, admin.brokerEpoch(2))
            .get(10, TimeUnit.SECONDS);

        assertThat(stale.error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(done.error()).isEqualTo(Errors.NONE);
        assertThat(done.partitionsRemaining()).isEmpty();
        LeaderAndIsr state = admin.getPartitionState(T0).orElseThrow();
        assertThat(state.leader()).isEqualTo(1);
        assertThat(state.isr()).containsExactly(1);
        assertThat(state.leaderEpoch()).isEqualTo(1);
    }

    @Test
    void preferredLeaderElectionReturnsTheControllersAnswer() throws Exception {
        Node n1 = controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1), 1, List.of(1, 2)), Map.of());
        awaitState(T0, s -> s.leader() == 2);
        awaitState(T1, s -> s.leader() == 1);
        leaderMovesTo(n1, T0, 1);

        Map<TopicPartition, Errors> results = n1.driver().electPreferredLeaders(Set.of(T0, T1, new TopicPartition("x", 0)))
            .get(10, TimeUnit.SECONDS).results();

        assertThat(results).isEqualTo(Map.of(T0, Errors.NONE, T1, Errors.ELECTION_NOT_NEEDED,
            new TopicPartition("x", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(admin.getPartitionState(T0).orElseThrow().leader()).isEqualTo(2);
        assertThat(n1.driver().electPreferredLeaders(Set.of()).get(10, TimeUnit.SECONDS).results())
            .isEqualTo(Map.of(T0, Errors.ELECTION_NOT_NEEDED, T1, Errors.ELECTION_NOT_NEEDED));
    }

    @Test
    void theLeaderImbalanceTimerElectsPreferredLeaders() {
        Node n1 = startNode(registerBroker(1), 1, config(true));
        await("1 is controller", n1.driver()::isActive);
        registerBroker(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(2, 1)), Map.of());
        awaitState(T0, s -> s.leader() == 2);
        leaderMovesTo(n1, T0, 1);

        time.advance(1_000);

        awaitState(T0, s -> s.leader() == 2);
    }

    @Test
    void reassignmentWritesAddingReplicasAndCompletesOnceInSync() throws Exception {
        Node n1 = controllerWithBrokers(2);
        admin.createTopic("t", Uuid.randomUuid(), Map.of(0, List.of(1)), Map.of());
        LeaderAndIsr state = awaitState(T0, s -> true);

        Map<TopicPartition, Errors> results = n1.driver()
            .alterPartitionReassignments(Map.of(T0, Optional.of(List.of(2, 1)))).get(10, TimeUnit.SECONDS).results();

        assertThat(results).isEqualTo(Map.of(T0, Errors.NONE));
        TopicAssignment moving = admin.getTopic("t").orElseThrow();
        assertThat(moving.partitions()).isEqualTo(Map.of(0, List.of(2, 1)));
        assertThat(moving.addingReplicas()).isEqualTo(Map.of(0, List.of(2)));
        assertThat(n1.driver().listPartitionReassignments(Optional.empty()).get(10, TimeUnit.SECONDS))
            .containsOnlyKeys(T0);

        // The leader lets the new replica into the ISR once it caught up.
        LeaderAndIsr current = admin.getPartitionState(T0).orElseThrow();
        admin.updatePartitionState(T0, new LeaderAndIsr(1, current.leaderEpoch(), List.of(1, 2),
            current.controllerEpoch(), 0), current.zkVersion());
        admin.createIsrChangeNotification(Set.of(T0));

        await("reassignment complete", () -> admin.getTopic("t").orElseThrow().addingReplicas().isEmpty());
        assertThat(admin.getTopic("t").orElseThrow().partitions()).isEqualTo(Map.of(0, List.of(2, 1)));
        assertThat(n1.driver().listPartitionReassignments(Optional.empty()).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(state.leader()).isEqualTo(1);
    }

    /** Moves a partition's leadership as a leader election elsewhere would, and waits until the controller saw it. */
    private void leaderMovesTo(Node controller, TopicPartition tp, int leader) {
        LeaderAndIsr current = admin.getPartitionState(tp).orElseThrow();
        admin.updatePartitionState(tp, new LeaderAndIsr(leader, current.leaderEpoch() + 1, current.isr(),
            current.controllerEpoch(), 0), current.zkVersion());
        admin.createIsrChangeNotification(Set.of(tp));
        await("controller learned the leader of " + tp, () -> controller.channel().sent(UpdateMetadataRequest.class)
            .stream().flatMap(r -> r.partitions().stream())
            .anyMatch(p -> p.partition().equals(tp) && p.leader() == leader));
    }

    private static Set<TopicPartition> leaderAndIsrPartitions(Node n, int broker) {
        return Set.copyOf(n.channel().sent(LeaderAndIsrRequest.class, broker).stream()
            .flatMap(r -> r.partitions().stream()).map(PartitionInfo::partition).toList());
    }

    private static Set<Integer> deletingBrokers(Node n) {
        return Set.copyOf(n.channel().sent(StopReplicaRequest.class).stream()
            .filter(r -> r.partitions().stream().anyMatch(StopReplicaPartition::deletePartition))
            .map(StopReplicaRequest::brokerId).toList());
    }

    private List<String> isrNotifications() {
        try {
            return rawClient().getChildren().forPath("/isr_change_notification");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
