package io.weir.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.ReplicaAssignor.BrokerRack;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * A seeded random walk of a cluster around the controller: brokers die, restart and shut down,
 * leaders change ISRs (sometimes racing the controller's writes), topics come and go, partitions
 * move. After every step the leadership invariants are checked. A failing seed reproduces.
 */
class ControllerSimulationTest {

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 0; s < 150; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void invariantsHoldUnderRandomFailures(long seed) {
        new Simulation(seed).run(150);
    }

    private static final class Simulation {
        private static final int BROKERS = 5;

        private final Random random;
        private final long seed;
        private final Controller controller = new Controller(ControllerConfig.strict());
        private final ControllerState state = new ControllerState();
        private final FakeZk zk = new FakeZk();
        private final Map<Integer, LiveBroker> live = new TreeMap<>();
        private final Map<String, Integer> leaderOfEpoch = new HashMap<>();
        private final Map<String, Integer> lastEpoch = new HashMap<>();
        private final List<ControllerEvent> pendingAcks = new ArrayList<>();
        private long nextBrokerEpoch = 1000;
        private int topicCount;
        private int step;

        Simulation(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        void run(int steps) {
            for (int id = 1; id <= BROKERS; id++) {
                live.put(id, LiveBroker.of(id, nextBrokerEpoch++));
            }
            addTopicToZk();
            apply(new ControllerEvent.Startup(new ControllerSnapshot(1, List.copyOf(live.values()),
                zk.describeAll(), Map.copyOf(zk.states), Set.of())));
            for (step = 0; step < steps; step++) {
                randomStep();
            }
        }

        private void randomStep() {
            switch (random.nextInt(14)) {
                case 0 -> killBroker();
                case 1, 2 -> startBroker();
                case 3, 4 -> leaderChangesIsr(false);
                case 5 -> leaderChangesIsr(true);
                case 6 -> createTopic();
                case 7 -> apply(ControllerEvent.ReplicaLeaderElection.preferred(Set.copyOf(somePartitions())));
                case 8 -> controlledShutdown();
                case 9 -> apply(new ControllerEvent.AutoPreferredLeaderRebalance());
                case 10 -> reassign();
                case 11, 12 -> deliverAck();
                default -> deleteTopic();
            }
        }

        private void killBroker() {
            if (live.isEmpty()) {
                return;
            }
            live.remove(pick(new ArrayList<>(live.keySet())));
            apply(new ControllerEvent.BrokerChange(List.copyOf(live.values())));
        }

        private void startBroker() {
            int id = 1 + random.nextInt(BROKERS);
            live.put(id, LiveBroker.of(id, nextBrokerEpoch++));
            apply(new ControllerEvent.BrokerChange(List.copyOf(live.values())));
        }

        private void controlledShutdown() {
            if (live.isEmpty()) {
                return;
            }
            LiveBroker b = live.get(pick(new ArrayList<>(live.keySet())));
            apply(new ControllerEvent.ControlledShutdown(b.id(), b.epoch()));
            if (random.nextBoolean()) {
                live.remove(b.id());
                apply(new ControllerEvent.BrokerChange(List.copyOf(live.values())));
            }
        }

        /** A live leader shrinks or grows its ISR in ZooKeeper; with {@code race}, while the controller works. */
        private void leaderChangesIsr(boolean race) {
            List<TopicPartition> led = zk.states.keySet().stream()
                .filter(tp -> live.containsKey(zk.states.get(tp).leader()))
                .filter(tp -> !state.topicsToDelete().contains(tp.topic()))
                .sorted(Partitions.ORDER).toList();
            if (led.isEmpty()) {
                return;
            }
            TopicPartition tp = pick(led);
            LeaderAndIsr cur = zk.states.get(tp);
            List<Integer> isr = new ArrayList<>(List.of(cur.leader()));
            for (int r : state.assignment(tp).orElseThrow().replicas()) {
                if (r != cur.leader() && live.containsKey(r) && random.nextInt(3) > 0) {
                    isr.add(r);
                }
            }
            if (race) {
                ControllerEvent event = new ControllerEvent.BrokerChange(List.copyOf(live.values()));
                ControllerResult result = controller.handle(new ControllerEvent.AutoPreferredLeaderRebalance(), state);
                LeaderAndIsr read = zk.leaderUpdatesIsr(tp, isr);
                if (zk.apply(result.zkWrites())) {
                    accept(result);
                }
                apply(new ControllerEvent.IsrChangeNotification(Map.of(tp, read)));
                apply(event);
                return;
            }
            LeaderAndIsr read = zk.leaderUpdatesIsr(tp, isr);
            apply(new ControllerEvent.IsrChangeNotification(Map.of(tp, read)));
        }

        private void createTopic() {
            if (addTopicToZk()) {
                apply(new ControllerEvent.TopicChange(zk.describeAll()));
            }
        }

        private boolean addTopicToZk() {
            List<BrokerRack> brokers = live.keySet().stream().map(id -> new BrokerRack(id, Optional.empty())).toList();
            if (brokers.isEmpty()) {
                return false;
            }
            int rf = 1 + random.nextInt(Math.min(3, brokers.size()));
            String name = "t" + topicCount++;
            zk.createTopic(name, ReplicaAssignor.assign(brokers, 1 + random.nextInt(3), rf, 0, random),
                random.nextInt(4) == 0);
            return true;
        }

        private void reassign() {
            List<TopicPartition> partitions = somePartitions();
            if (partitions.isEmpty() || live.isEmpty()) {
                return;
            }
            List<Integer> brokers = new ArrayList<>(live.keySet());
            Collections.shuffle(brokers, random);
            List<Integer> target = brokers.subList(0, 1 + random.nextInt(Math.min(3, brokers.size())));
            Optional<List<Integer>> request = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(target);
            apply(new ControllerEvent.ReassignmentRequested(Map.of(partitions.get(0), request)));
        }

        private void deliverAck() {
            if (!pendingAcks.isEmpty()) {
                apply(pendingAcks.remove(random.nextInt(pendingAcks.size())));
            }
        }

        private void deleteTopic() {
            List<String> topics = new ArrayList<>(zk.topics.keySet());
            if (!topics.isEmpty()) {
                apply(new ControllerEvent.TopicDeletion(Set.of(pick(topics))));
            }
        }

        private List<TopicPartition> somePartitions() {
            List<TopicPartition> all = state.allPartitions();
            List<TopicPartition> some = new ArrayList<>();
            for (TopicPartition tp : all) {
                if (random.nextInt(3) == 0) {
                    some.add(tp);
                }
            }
            return some;
        }

        /** Handle the event; on a write conflict re-read the partition states and retry, as the driver will. */
        private void apply(ControllerEvent event) {
            for (int attempt = 0; attempt < 3; attempt++) {
                Map<TopicPartition, LeaderAndIsr> before = Map.copyOf(state.leaderships());
                ControllerResult result = controller.handle(event, state);
                if (zk.apply(result.zkWrites())) {
                    accept(result);
                    checkInvariants(event, before);
                    return;
                }
                refreshFromZk();
            }
            throw new AssertionError("seed " + seed + " step " + step + ": " + event + " kept conflicting");
        }

        private void accept(ControllerResult result) {
            state.apply(result);
            for (BrokerRequest r : result.requests()) {
                if (r instanceof LeaderAndIsrRequest l) {
                    l.partitions().forEach(this::checkEpochLeader);
                } else if (r instanceof StopReplicaRequest s) {
                    Set<TopicPartition> deleted = new HashSet<>();
                    s.partitions().stream().filter(BrokerRequest.StopReplicaPartition::deletePartition)
                        .forEach(p -> deleted.add(p.partition()));
                    if (!deleted.isEmpty()) {
                        pendingAcks.add(new ControllerEvent.StopReplicaResponseReceived(s.brokerId(), deleted, Set.of()));
                    }
                }
            }
        }

        private void refreshFromZk() {
            Map<TopicPartition, LeaderAndIsr> changed = new HashMap<>();
            zk.states.forEach((tp, l) -> {
                if (!state.leadership(tp).equals(Optional.of(l))) {
                    changed.put(tp, l);
                }
            });
            accept(controller.handle(new ControllerEvent.IsrChangeNotification(changed), state));
        }

        private void checkEpochLeader(PartitionInfo info) {
            String key = info.topicId() + "/" + info.partition().partition() + "@" + info.leaderEpoch();
            Integer seen = leaderOfEpoch.putIfAbsent(key, info.leader());
            assertThat(seen == null || seen == info.leader())
                .as("seed %d step %d: two leaders %s and %d in %s", seed, step, seen, info.leader(), key).isTrue();
        }

        private void checkInvariants(ControllerEvent event, Map<TopicPartition, LeaderAndIsr> before) {
            String where = "seed " + seed + " step " + step + " after " + event.getClass().getSimpleName();
            assertThat(state.leaderships()).as(where + ": controller state equals ZooKeeper").isEqualTo(zk.states);
            for (Map.Entry<TopicPartition, LeaderAndIsr> e : zk.states.entrySet()) {
                TopicPartition tp = e.getKey();
                LeaderAndIsr l = e.getValue();
                Uuid id = zk.topics.get(tp.topic()).topicId();
                String key = id + "/" + tp.partition();
                Integer seen = leaderOfEpoch.putIfAbsent(key + "@" + l.leaderEpoch(), l.leader());
                assertThat(seen == null || seen == l.leader()).as(where + ": one leader per epoch of " + tp).isTrue();
                Integer last = lastEpoch.put(key, l.leaderEpoch());
                assertThat(last == null || last <= l.leaderEpoch()).as(where + ": epoch of " + tp + " went back")
                    .isTrue();
                assertThat(l.isr()).as(where + ": ISR of " + tp).isNotEmpty();
                if (state.topicsToDelete().contains(tp.topic())) {
                    continue;
                }
                if (l.leader() == LeaderAndIsr.NO_LEADER) {
                    assertThat(state.partitionState(tp)).as(where + ": " + tp + " without leader")
                        .isEqualTo(PartitionState.OFFLINE);
                } else {
                    assertThat(l.isr()).as(where + ": leader of " + tp + " in ISR").contains(l.leader());
                    assertThat(live).as(where + ": leader of " + tp + " alive").containsKey(l.leader());
                    assertThat(state.partitionState(tp)).as(where + ": " + tp).isEqualTo(PartitionState.ONLINE);
                }
                LeaderAndIsr prev = before.get(tp);
                boolean unclean = zk.topics.get(tp.topic()).uncleanLeaderElection();
                if (prev != null && !unclean && l.leader() != prev.leader() && l.leader() != LeaderAndIsr.NO_LEADER) {
                    Set<Integer> isr = new HashSet<>(prev.isr());
                    if (event instanceof ControllerEvent.IsrChangeNotification n && n.states().containsKey(tp)) {
                        isr.addAll(n.states().get(tp).isr());
                    }
                    assertThat(isr).as(where + ": clean leader of " + tp + " from the ISR").contains(l.leader());
                }
            }
            zk.assignments.forEach((topic, partitions) -> partitions.forEach((p, a) ->
                assertThat(state.assignment(new TopicPartition(topic, p))).as(where).contains(a)));
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }
    }
}
