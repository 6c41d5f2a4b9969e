package io.weir.cluster.controller;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.ControllerResponse.ElectLeadersResponse;
import io.weir.cluster.controller.ControllerResponse.ReassignmentResponse;
import io.weir.cluster.zk.ZkStore;
import io.weir.common.KafkaScheduler;
import io.weir.common.Scheduler;
import io.weir.common.Time;

/**
 * Connects the controller brain ({@link Controller}) to ZooKeeper and to the brokers
 * (docs/controller.md, "Wiring"; Kafka's {@code KafkaController}): every broker runs one, races
 * for {@code /controller}, and the winner loads the cluster from ZooKeeper, turns watches, timer
 * ticks and broker requests into events, makes each result's writes in one transaction guarded by
 * its controller epoch, and sends the brokers their requests through the {@link ControllerChannel}.
 * The losers watch {@code /controller} and race again when it goes.
 *
 * <p>Thread-safe: the public methods may be called from any thread; all work runs on the one
 * controller thread ({@code weir-controller-event-thread}), and futures complete there.
 */
public final class ControllerDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerDriver.class);

    private final ZkStore zk;
    private final int brokerId;
    private final ControllerDriverConfig config;
    private final ControllerChannel channel;
    private final Time time;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Controller controller;
    private final ControllerEventQueue queue;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile IntConsumer controllerChangeListener = id -> { };
    private volatile ScheduledFuture<?> rebalanceTask;
    // Set by startup() before the controller thread starts.
    private volatile ControllerRole role;

    /** A driver with its own one-thread scheduler for the leader imbalance check. */
    public ControllerDriver(ZkStore zk, int brokerId, ControllerDriverConfig config, ControllerChannel channel,
                            Time time) {
        this(zk, brokerId, config, channel, time, new KafkaScheduler(1, "weir-controller-scheduler"), true);
    }

    /** A driver whose leader imbalance check runs on {@code scheduler} (started and stopped by its owner). */
    public ControllerDriver(ZkStore zk, int brokerId, ControllerDriverConfig config, ControllerChannel channel,
                            Time time, Scheduler scheduler) {
        this(zk, brokerId, config, channel, time, scheduler, false);
    }

    private ControllerDriver(ZkStore zk, int brokerId, ControllerDriverConfig config, ControllerChannel channel,
                             Time time, Scheduler scheduler, boolean ownsScheduler) {
        this.zk = zk;
        this.brokerId = brokerId;
        this.config = config;
        this.channel = channel;
        this.time = time;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.controller = new Controller(config.controllerConfig());
        this.queue = new ControllerEventQueue(time);
    }

    /** Starts the controller thread and the election; returns at once. */
    public void startup() {
        if (stopped.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("controller driver of broker " + brokerId + " already started or stopped");
        }
        ControllerRole r = new ControllerRole(zk, brokerId, config, controller, channel, time, queue);
        r.setControllerChangeListener(controllerChangeListener);
        role = r;
        queue.start();
        if (config.autoLeaderRebalanceEnable()) {
            if (ownsScheduler) {
                scheduler.startup();
            }
            long intervalMs = config.leaderImbalanceCheckIntervalMs();
            rebalanceTask = scheduler.schedule("auto-leader-rebalance", () -> r.whenActive(
                "AutoPreferredLeaderRebalance", () -> r.process(new ControllerEvent.AutoPreferredLeaderRebalance())),
                intervalMs, intervalMs);
        }
        queue.offer("Elect", r::elect);
    }

    /**
     * Resigns if active (deleting {@code /controller} only if this broker's session holds it), stops
     * the thread and closes the channel. Queued requests are answered NOT_CONTROLLER. Idempotent.
     * Not to be called from the controller thread (a listener or future callback).
     */
    public void shutdown() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        ControllerRole r = role;
        if (r != null) {
            r.stopping();
        }
        ScheduledFuture<?> task = rebalanceTask;
        if (task != null) {
            task.cancel(false);
        }
        if (ownsScheduler) {
            try {
                scheduler.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (r != null) {
            queue.offer("Shutdown", r::onShutdown);
            if (!queue.close(config.shutdownTimeoutMs())) {
                LOG.warn("Controller thread of broker {} did not stop within {} ms", brokerId, config.shutdownTimeoutMs());
            }
        }
        channel.close();
    }

    public boolean isActive() {
        ControllerRole r = role;
        return r != null && r.isActive();
    }

    /** The broker id in {@code /controller} as last seen; -1 when there is none or it is unknown. */
    public int activeControllerId() {
        ControllerRole r = role;
        return r == null ? -1 : r.activeControllerId();
    }

    /** Called (on the controller thread) with the new {@code /controller} id, -1 when gone, whenever it changes. */
    public void setControllerChangeListener(IntConsumer listener) {
        this.controllerChangeListener = listener == null ? id -> { } : listener;
        ControllerRole r = role;
        if (r != null) {
            r.setControllerChangeListener(this.controllerChangeListener);
        }
    }

    /** Receives, for every event, the nanoseconds it waited in the queue (a metric's timer). */
    public void setEventQueueTimeObserver(LongConsumer observerNs) {
        queue.setQueueTimeObserver(observerNs);
    }

    /** Events waiting for the controller thread. */
    public int eventQueueSize() {
        return queue.size();
    }

    /** 1 if this broker is the active controller, else 0 (Kafka's ActiveControllerCount). */
    public long activeControllerCount() {
        return isActive() ? 1 : 0;
    }

    // ---- requests

    public CompletableFuture<ControlledShutdownResponse> controlledShutdown(int brokerId, long brokerEpoch) {
        return request("ControlledShutdown", s -> new ControllerEvent.ControlledShutdown(brokerId, brokerEpoch),
            ControlledShutdownResponse.class);
    }

    /** Preferred-leader election for these partitions; an empty set means every partition. */
    public CompletableFuture<ElectLeadersResponse> electPreferredLeaders(Set<TopicPartition> partitions) {
        return electLeaders(ElectionType.PREFERRED, partitions);
    }

    /**
     * ElectLeaders of the given type for these partitions; an empty set means every partition
     * (ElectLeaders with null topics).
     */
    public CompletableFuture<ElectLeadersResponse> electLeaders(ElectionType type, Set<TopicPartition> partitions) {
        Set<TopicPartition> wanted = Set.copyOf(partitions);
        return request("ElectLeaders", s -> new ControllerEvent.ReplicaLeaderElection(
            wanted.isEmpty() ? Set.copyOf(s.allPartitions()) : wanted, type), ElectLeadersResponse.class);
    }

    /** AlterPartitionReassignments: a target per partition, or empty to cancel. */
    public CompletableFuture<ReassignmentResponse> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> reassignments) {
        Map<TopicPartition, Optional<List<Integer>>> copy = Map.copyOf(reassignments);
        return request("AlterPartitionReassignments", s -> new ControllerEvent.ReassignmentRequested(copy),
            ReassignmentResponse.class);
    }

    /**
     * The partitions being reassigned (all, or those of {@code partitions}), with their assignments.
     * Fails with {@link NotControllerException} unless this broker is the active controller.
     */
    public CompletableFuture<Map<TopicPartition, PartitionAssignment>> listPartitionReassignments(
            Optional<Set<TopicPartition>> partitions) {
        CompletableFuture<Map<TopicPartition, PartitionAssignment>> future = new CompletableFuture<>();
        Runnable task = () -> {
            if (!role.isActive()) {
                future.completeExceptionally(notController());
                return;
            }
            Map<TopicPartition, PartitionAssignment> ongoing = new TreeMap<>(Partitions.ORDER);
            role.state().assignments().forEach((tp, a) -> {
                if (a.isBeingReassigned() && partitions.map(p -> p.contains(tp)).orElse(true)) {
                    ongoing.put(tp, a);
                }
            });
            future.complete(ongoing);
        };
        if (!started.get() || !queue.offer("ListPartitionReassignments", task)) {
            future.completeExceptionally(notController());
        }
        return future;
    }

    private <R extends ControllerResponse> CompletableFuture<R> request(
            String name, Function<ControllerState, ControllerEvent> eventOf, Class<R> type) {
        CompletableFuture<R> future = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                future.complete(type.cast(role.answer(eventOf.apply(role.state()))));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        };
        if (!started.get() || !queue.offer(name, task)) {
            // Not running: the brain's answer for an inactive controller (NOT_CONTROLLER).
            future.complete(type.cast(controller.handle(eventOf.apply(new ControllerState()), new ControllerState())
                .response().orElseThrow()));
        }
        return future;
    }

    private NotControllerException notController() {
        return new NotControllerException("broker " + brokerId + " is not the active controller (controller: "
            + activeControllerId() + ")");
    }
}
