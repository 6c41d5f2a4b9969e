package io.weir.broker.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerSnapshot;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.controller.Partitions;
import io.weir.cluster.controller.TopicDescription;
import io.weir.cluster.controller.ZkWrite;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * ZooKeeper for {@link ClusterSimulation}, in memory: topics, partition state znodes with
 * versions, ephemeral broker registrations (one per session; the broker epoch is the creation
 * zxid, so a broker that registers again has a new epoch), {@code /controller_epoch}, and the two
 * watches the controller acts on (the broker list and ISR change notifications). Conditional
 * writes are conditional: a leader's ISR write on a stale version and a deposed controller's
 * writes fail, as with the real {@code multi}s.
 *
 * <p>Single-threaded: the simulation's thread.
 */
final class SimZk {

    enum MultiResult { OK, CONFLICT, CONTROLLER_EPOCH_CHANGED }

    private final Map<String, TopicDescription> topics = new TreeMap<>();
    private final Map<TopicPartition, LeaderAndIsr> states = new TreeMap<>(Partitions.ORDER);
    private final Map<Integer, LiveBroker> registered = new TreeMap<>();
    private final Set<TopicPartition> isrChangeNotifications = new TreeSet<>(Partitions.ORDER);
    private final IntPredicate connected;
    private boolean brokersChanged;
    private long zxid = 100;
    private int controllerEpoch;

    /** {@code connected}: whether a broker can reach ZooKeeper now (its ISR writes fail otherwise). */
    SimZk(IntPredicate connected) {
        this.connected = connected;
    }

    void createTopic(TopicDescription topic) {
        topics.put(topic.name(), topic);
    }

    /** A broker's session creates {@code /brokers/ids/<id>}; its epoch is the new znode's zxid. */
    void register(LiveBroker broker) {
        registered.put(broker.id(), new LiveBroker(broker.id(), broker.endpoints(), broker.rack(), zxid++));
        brokersChanged = true;
    }

    /** The broker's session expired: its ephemeral registration is gone. */
    void expireSession(int brokerId) {
        if (registered.remove(brokerId) != null) {
            brokersChanged = true;
        }
    }

    /** The epoch of the broker's registration, as a broker reads its own; unknown when it has none. */
    long registeredEpoch(int brokerId) {
        LiveBroker b = registered.get(brokerId);
        return b == null ? BrokerRequest.UNKNOWN_BROKER_EPOCH : b.epoch();
    }

    boolean isRegistered(int brokerId) {
        return registered.containsKey(brokerId);
    }

    List<LiveBroker> registeredBrokers() {
        return List.copyOf(registered.values());
    }

    /** A new controller won {@code /controller}: the incremented epoch; pending watches are dropped. */
    int electController() {
        brokersChanged = false;
        isrChangeNotifications.clear();
        return ++controllerEpoch;
    }

    int controllerEpoch() {
        return controllerEpoch;
    }

    ControllerSnapshot snapshot() {
        return new ControllerSnapshot(controllerEpoch, registeredBrokers(), List.copyOf(topics.values()), states,
            Set.of());
    }

    Map<TopicPartition, LeaderAndIsr> states() {
        return states;
    }

    LeaderAndIsr state(TopicPartition tp) {
        return states.get(tp);
    }

    /** Reads the states of these partitions (as the controller does after a notification). */
    Map<TopicPartition, LeaderAndIsr> read(Set<TopicPartition> partitions) {
        Map<TopicPartition, LeaderAndIsr> read = new TreeMap<>(Partitions.ORDER);
        partitions.stream().filter(states::containsKey).forEach(tp -> read.put(tp, states.get(tp)));
        return read;
    }

    /** True once since the broker list last changed (a one-shot watch that fired). */
    boolean takeBrokersChanged() {
        boolean fired = brokersChanged;
        brokersChanged = false;
        return fired;
    }

    /** The partitions named by pending ISR change notifications, which are deleted. */
    Set<TopicPartition> takeIsrChangeNotifications() {
        Set<TopicPartition> taken = new TreeSet<>(Partitions.ORDER);
        taken.addAll(isrChangeNotifications);
        isrChangeNotifications.clear();
        return taken;
    }

    boolean hasNotifications() {
        return brokersChanged || !isrChangeNotifications.isEmpty();
    }

    /** The controller's transaction: the epoch check, then every write's condition, then all writes. */
    MultiResult multi(int epoch, List<ZkWrite> writes) {
        if (epoch != controllerEpoch) {
            return MultiResult.CONTROLLER_EPOCH_CHANGED;
        }
        List<Map.Entry<TopicPartition, LeaderAndIsr>> updates = new ArrayList<>();
        for (ZkWrite w : writes) {
            if (w instanceof ZkWrite.CreatePartitionState c) {
                if (states.containsKey(c.partition())) {
                    return MultiResult.CONFLICT;
                }
                updates.add(Map.entry(c.partition(), c.state().withZkVersion(0)));
            } else if (w instanceof ZkWrite.UpdatePartitionState u) {
                LeaderAndIsr current = states.get(u.partition());
                if (current == null || current.zkVersion() != u.expectedZkVersion()) {
                    return MultiResult.CONFLICT;
                }
                updates.add(Map.entry(u.partition(), u.state().withZkVersion(u.expectedZkVersion() + 1)));
            } else {
                throw new UnsupportedOperationException("not simulated: " + w);
            }
        }
        updates.forEach(e -> states.put(e.getKey(), e.getValue()));
        return MultiResult.OK;
    }

    /** Broker {@code brokerId}'s conditional ISR write plus its ISR change notification. */
    IsrWriter isrWriter(int brokerId) {
        return (tp, newState, expectedZkVersion) -> {
            if (!connected.test(brokerId)) {
                throw new IllegalStateException("ConnectionLoss: broker " + brokerId + " cannot reach ZooKeeper");
            }
            LeaderAndIsr current = states.get(tp);
            if (current == null || current.zkVersion() != expectedZkVersion) {
                return OptionalInt.empty();
            }
            states.put(tp, newState.withZkVersion(expectedZkVersion + 1));
            isrChangeNotifications.add(tp);
            return OptionalInt.of(expectedZkVersion + 1);
        };
    }
}
