package io.weir.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * A controller with its state and a {@link FakeZk}, driven event by event on the test's thread:
 * each result's writes must succeed, then its records are replayed.
 */
final class ControllerTestContext {

    final Controller controller;
    final ControllerState state = new ControllerState();
    final FakeZk zk;
    final Map<Integer, LiveBroker> brokers = new TreeMap<>();
    ControllerResult lastResult;

    private ControllerTestContext(ControllerConfig config, FakeZk zk) {
        this.controller = new Controller(config);
        this.zk = zk;
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final FakeZk zk = new FakeZk();
        private final List<Integer> brokers = new ArrayList<>();
        private final Set<String> deleting = new HashSet<>();
        private ControllerConfig config = ControllerConfig.strict();
        private int controllerEpoch = 1;

        Builder brokers(int... ids) {
            for (int id : ids) {
                brokers.add(id);
            }
            return this;
        }

        Builder topic(String name, Map<Integer, List<Integer>> replicas) {
            zk.createTopic(name, replicas, false);
            return this;
        }

        Builder uncleanTopic(String name, Map<Integer, List<Integer>> replicas) {
            zk.createTopic(name, replicas, true);
            return this;
        }

        Builder state(String topic, int partition, int leader, int leaderEpoch, List<Integer> isr) {
            zk.states.put(new TopicPartition(topic, partition), new LeaderAndIsr(leader, leaderEpoch, isr, 0, 3));
            return this;
        }

        Builder deleting(String topic) {
            deleting.add(topic);
            return this;
        }

        Builder config(ControllerConfig c) {
            this.config = c;
            return this;
        }

        Builder controllerEpoch(int epoch) {
            this.controllerEpoch = epoch;
            return this;
        }

        ControllerTestContext build() {
            ControllerTestContext ctx = new ControllerTestContext(config, zk);
            brokers.forEach(id -> ctx.brokers.put(id, LiveBroker.of(id, 100L + id)));
            ctx.handle(new ControllerEvent.Startup(new ControllerSnapshot(controllerEpoch,
                List.copyOf(ctx.brokers.values()), zk.describeAll(), Map.copyOf(zk.states), deleting)));
            return ctx;
        }
    }

    ControllerResult handle(ControllerEvent event) {
        ControllerResult result = controller.handle(event, state);
        assertThat(zk.apply(result.zkWrites())).as("ZooKeeper writes of %s", event).isTrue();
        state.apply(result);
        lastResult = result;
        return result;
    }

    ControllerResult killBroker(int id) {
        brokers.remove(id);
        return handle(new ControllerEvent.BrokerChange(List.copyOf(brokers.values())));
    }

    ControllerResult startBroker(int id, long epoch) {
        brokers.put(id, LiveBroker.of(id, epoch));
        return handle(new ControllerEvent.BrokerChange(List.copyOf(brokers.values())));
    }

    ControllerResult leaderUpdatesIsr(TopicPartition tp, List<Integer> isr) {
        LeaderAndIsr read = zk.leaderUpdatesIsr(tp, isr);
        return handle(new ControllerEvent.IsrChangeNotification(Map.of(tp, read)));
    }

    LeaderAndIsr leadership(String topic, int partition) {
        return state.leadership(new TopicPartition(topic, partition)).orElseThrow();
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    static Map<Integer, List<LeaderAndIsrRequest>> leaderAndIsrByBroker(ControllerResult r) {
        Map<Integer, List<LeaderAndIsrRequest>> m = new TreeMap<>();
        r.requests().stream().filter(q -> q instanceof LeaderAndIsrRequest).map(q -> (LeaderAndIsrRequest) q)
            .forEach(q -> m.computeIfAbsent(q.brokerId(), b -> new ArrayList<>()).add(q));
        return m;
    }

    /** Per broker, the partitions its LeaderAndIsr names. */
    static Map<Integer, Set<TopicPartition>> leaderAndIsrPartitions(ControllerResult r) {
        Map<Integer, Set<TopicPartition>> m = new TreeMap<>();
        leaderAndIsrByBroker(r).forEach((b, qs) -> qs.forEach(q -> q.partitions()
            .forEach(p -> m.computeIfAbsent(b, x -> new HashSet<>()).add(p.partition()))));
        return m;
    }

    static List<UpdateMetadataRequest> updateMetadata(ControllerResult r) {
        return r.requests().stream().filter(q -> q instanceof UpdateMetadataRequest)
            .map(q -> (UpdateMetadataRequest) q).toList();
    }

    static List<StopReplicaRequest> stopReplicas(ControllerResult r) {
        return r.requests().stream().filter(q -> q instanceof StopReplicaRequest)
            .map(q -> (StopReplicaRequest) q).toList();
    }

    /** The partition info a broker's LeaderAndIsr carries for a partition. */
    static PartitionInfo leaderAndIsrInfo(ControllerResult r, int broker, TopicPartition tp) {
        return leaderAndIsrByBroker(r).getOrDefault(broker, List.of()).stream()
            .flatMap(q -> q.partitions().stream()).filter(p -> p.partition().equals(tp)).findFirst().orElseThrow();
    }

    static Map<Integer, List<Integer>> assignment(Object... pairs) {
        Map<Integer, List<Integer>> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Integer> replicas = (List<Integer>) pairs[i + 1];
            m.put((Integer) pairs[i], replicas);
        }
        return m;
    }
}
