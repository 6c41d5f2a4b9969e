package io.weir.broker.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.Controller;
import io.weir.cluster.controller.ControllerConfig;
import io.weir.cluster.controller.ControllerEvent;
import io.weir.cluster.controller.ControllerResult;
import io.weir.cluster.controller.ControllerState;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.controller.Partitions;
import io.weir.cluster.controller.ZkWrite;

/**
 * One controller incarnation of {@link ClusterSimulation}: the real {@link Controller} and
 * {@link ControllerState}, committed the way {@code ControllerEventProcessor} does it (all writes
 * in one {@link SimZk#multi} guarded by the controller epoch; on a conflict re-read the touched
 * partition states, let the brain learn them and retry; a changed epoch deposes it), and the
 * control plane as {@code BrokerControllerChannel} guarantees it: one FIFO per live broker,
 * requests delivered in order and retried until answered (so possibly twice), the queue dropped
 * when the broker leaves or its epoch changes. A request already on the wire when its queue is
 * dropped may still arrive once.
 *
 * <p>Single-threaded: the simulation's thread.
 */
final class SimController {

    private static final int MAX_WRITE_ATTEMPTS = 5;

    private final Controller controller = new Controller(ControllerConfig.strict());
    private final ControllerState state = new ControllerState();
    private final SimZk zk;
    private final int epoch;
    private final Consumer<BrokerRequest> onSend;
    private final Map<Integer, LiveBroker> senders = new TreeMap<>();
    private final Map<Integer, Deque<BrokerRequest>> queues = new TreeMap<>();
    /** Requests whose sender stopped while they were on the wire: each may still arrive once. */
    private final Map<Integer, Deque<BrokerRequest>> orphans = new TreeMap<>();
    private boolean deposed;

    /** {@code onSend} sees every request queued (for the one-leader-per-epoch check). */
    SimController(SimZk zk, Consumer<BrokerRequest> onSend) {
        this.zk = zk;
        this.onSend = onSend;
        this.epoch = zk.electController();
        process(() -> new ControllerEvent.Startup(zk.snapshot()));
    }

    int epoch() {
        return epoch;
    }

    boolean isDeposed() {
        return deposed;
    }

    ControllerState state() {
        return state;
    }

    /** The watches that fired since the last call, read from ZooKeeper now, as the driver does. */
    void onZkNotifications() {
        if (deposed) {
            return;
        }
        if (zk.takeBrokersChanged()) {
            process(() -> new ControllerEvent.BrokerChange(zk.registeredBrokers()));
        }
        Set<TopicPartition> isrChanged = zk.takeIsrChangeNotifications();
        if (!isrChanged.isEmpty() && !deposed) {
            process(() -> new ControllerEvent.IsrChangeNotification(zk.read(isrChanged)));
        }
    }

    /** A fixed event (a timer tick, an admin request). */
    void onEvent(ControllerEvent event) {
        if (!deposed) {
            process(() -> event);
        }
    }

    private void process(Supplier<ControllerEvent> source) {
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS && !deposed; attempt++) {
            ControllerResult result = controller.handle(source.get(), state);
            if (tryCommit(result)) {
                return;
            }
            refresh(result.zkWrites());
        }
        // The real processor gives up too (and logs); the next notification brings the state.
    }

    private boolean tryCommit(ControllerResult result) {
        if (!result.zkWrites().isEmpty()) {
            SimZk.MultiResult outcome = zk.multi(epoch, result.zkWrites());
            if (outcome == SimZk.MultiResult.CONTROLLER_EPOCH_CHANGED) {
                resign();
                return true;
            }
            if (outcome == SimZk.MultiResult.CONFLICT) {
                return false;
            }
        }
        state.apply(result);
        announceBrokers(state.liveBrokers());
        for (BrokerRequest request : result.requests()) {
            onSend.accept(request);
            Deque<BrokerRequest> queue = queues.get(request.brokerId());
            if (queue != null) {
                queue.add(request);
            }
        }
        return true;
    }

    private void refresh(List<ZkWrite> failed) {
        Set<TopicPartition> partitions = new TreeSet<>(Partitions.ORDER);
        for (ZkWrite w : failed) {
            if (w instanceof ZkWrite.CreatePartitionState c) {
                partitions.add(c.partition());
            } else if (w instanceof ZkWrite.UpdatePartitionState u) {
                partitions.add(u.partition());
            }
        }
        if (!partitions.isEmpty()) {
            tryCommit(controller.handle(new ControllerEvent.IsrChangeNotification(zk.read(partitions)), state));
        }
    }

    /** Senders stop for brokers gone or with another epoch (their queues with them) and start for new ones. */
    private void announceBrokers(Map<Integer, LiveBroker> live) {
        for (Integer id : new ArrayList<>(senders.keySet())) {
            if (!senders.get(id).equals(live.get(id))) {
                stopSender(id);
            }
        }
        live.forEach((id, broker) -> {
            if (!senders.containsKey(id)) {
                senders.put(id, broker);
                queues.put(id, new ArrayDeque<>());
            }
        });
    }

    private void stopSender(int id) {
        senders.remove(id);
        Deque<BrokerRequest> queue = queues.remove(id);
        if (queue != null && !queue.isEmpty()) {
            orphans.computeIfAbsent(id, x -> new ArrayDeque<>()).add(queue.peekFirst());
        }
    }

    /** This controller learnt it lost {@code /controller}: every sender stops. */
    void resign() {
        deposed = true;
        new ArrayList<>(senders.keySet()).forEach(this::stopSender);
    }

    /** Brokers this controller has something for. */
    List<Integer> brokersWithRequests() {
        List<Integer> ids = new ArrayList<>();
        queues.forEach((id, q) -> {
            if (!q.isEmpty() || orphans.containsKey(id)) {
                ids.add(id);
            }
        });
        orphans.keySet().stream().filter(id -> !ids.contains(id)).forEach(ids::add);
        return ids;
    }

    /** This controller lost {@code /controller} but has not noticed yet: it handles nothing more, its senders still send. */
    void depose() {
        deposed = true;
    }

    /**
     * The next request for {@code brokerId} reaches it: with {@code orphanFirst} one that was on
     * the wire when its sender stopped (another connection, so in any order with the queue),
     * else the head of the queue. With {@code answered} false the answer is lost and the same
     * request stays at the head, to be sent again.
     */
    Optional<BrokerRequest> deliver(int brokerId, boolean answered, boolean orphanFirst) {
        Deque<BrokerRequest> orphaned = orphans.get(brokerId);
        Deque<BrokerRequest> queue = queues.get(brokerId);
        if (orphaned != null && (orphanFirst || queue == null || queue.isEmpty())) {
            BrokerRequest r = orphaned.pollFirst();
            if (orphaned.isEmpty()) {
                orphans.remove(brokerId);
            }
            return Optional.of(r);
        }
        if (queue == null || queue.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(answered ? queue.pollFirst() : queue.peekFirst());
    }

    boolean idle() {
        return brokersWithRequests().isEmpty();
    }
}
