package io.weir.cluster.controller;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ControllerMovedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.zk.ControllerEpoch;
import io.weir.cluster.zk.ControllerZkListener;
import io.weir.cluster.zk.ControllerZkStore;
import io.weir.cluster.zk.ZkStore;
import io.weir.cluster.zk.ZkStoreException;
import io.weir.common.Time;

/**
 * This broker's part in the controller election and, while it wins, the active controller's
 * reactions (Kafka's {@code KafkaController}: {@code elect}, {@code onControllerFailover},
 * {@code onControllerResignation} and the ZooKeeper event handlers): watches turn into tasks on
 * the controller thread, which read ZooKeeper and hand the events to the
 * {@link ControllerEventProcessor}.
 *
 * <p>Runs on the controller thread, except the watch callbacks (which only queue) and the
 * volatile {@link #isActive()} and {@link #activeControllerId()}.
 */
final class ControllerRole {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerRole.class);

    private final ZkStore zk;
    private final int brokerId;
    private final Time time;
    private final ControllerEventQueue queue;
    private final ControllerZkStore controllerZk;
    private final ControllerZkReader reader;
    private final ControllerEventProcessor processor;
    private volatile boolean stopping;
    private volatile boolean active;
    private volatile int activeControllerId = -1;
    /** The ZooKeeper session this broker raced on when it last won (controller thread only). */
    private long controllerSessionId;
    private volatile IntConsumer controllerChangeListener = id -> { };
    private AutoCloseable topicConfigWatch;

    /** Starts watching: the ZooKeeper callbacks queue tasks from now on. */
    ControllerRole(ZkStore zk, int brokerId, ControllerDriverConfig config, Controller controller,
                   ControllerChannel channel, Time time, ControllerEventQueue queue) {
        this.zk = zk;
        this.brokerId = brokerId;
        this.time = time;
        this.queue = queue;
        this.controllerZk = zk.controllerZk(new WatchEvents());
        this.reader = new ControllerZkReader(controllerZk, config.controllerConfig().uncleanLeaderElectionDefault());
        this.processor = new ControllerEventProcessor(controller, controllerZk, reader,
            channel, config.maxWriteAttempts(), response -> whenActive("StopReplicaResponseReceived",
                () -> process(response)));
    }

    boolean isActive() {
        return active;
    }

    int activeControllerId() {
        return activeControllerId;
    }

    void setControllerChangeListener(IntConsumer listener) {
        this.controllerChangeListener = listener == null ? id -> { } : listener;
    }

    /** From now on the election does not run again and watch events are ignored. */
    void stopping() {
        stopping = true;
    }

    /** The controller's state (controller thread only). */
    ControllerState state() {
        return processor.state();
    }

    /** Handles a request event; if this broker is deposed meanwhile, the answer is NOT_CONTROLLER. */
    ControllerResponse answer(ControllerEvent event) {
        try {
            return processor.process(event).orElseThrow(() -> new IllegalStateException("no response to " + event));
        } catch (ControllerMovedException e) {
            onControllerMoved(e);
            return processor.process(event).orElseThrow(() -> new IllegalStateException("no response to " + event));
        }
    }

    // ---- election and resignation

    /** Kafka's {@code elect}: note who holds {@code /controller}, or race for it when nobody does. */
    void elect() {
        if (stopping) {
            return;
        }
        OptionalInt holder = controllerZk.watchController();
        if (holder.isEmpty()) {
            // As Kafka's Reelect: a controller whose /controller is gone (its session expired) resigns first.
            resign("/controller is gone");
            // Read before the race: should the race end on a later session, losing this one still deposes.
            long sessionId = currentSessionId();
            Optional<ControllerEpoch> won = controllerZk.tryElect(brokerId, time.milliseconds());
            if (won.isPresent()) {
                controllerSessionId = sessionId;
                setActiveControllerId(brokerId);
                becomeController(won.get());
                return;
            }
            holder = controllerZk.watchController();
        }
        onControllerSeen(holder.orElse(-1));
    }

    private void onControllerSeen(int controllerId) {
        setActiveControllerId(controllerId);
        boolean ours = controllerId == brokerId && controllerZk.controllerOwnedByThisSession();
        if (active && !ours) {
            resign("/controller now names broker " + controllerId);
        } else if (!active && ours) {
            // We hold /controller without acting as controller (a failover that failed): let the election run again.
            controllerZk.deleteControllerIfOwned();
        }
    }

    /** Kafka's {@code onControllerFailover}: load everything under the new epoch and tell every broker. */
    private void becomeController(ControllerEpoch epoch) {
        LOG.info("Broker {} won the controller election with controller epoch {}", brokerId, epoch.epoch());
        processor.setEpochZkVersion(epoch.zkVersion());
        try {
            processor.process("Startup", () -> Optional.of(new ControllerEvent.Startup(reader.snapshot(epoch.epoch()))));
            active = true;
            topicConfigWatch = zk.watchTopicConfigs((topic, configs) -> whenActive("TopicConfigChange",
                () -> onTopicConfigChanged(topic, configs)));
        } catch (ControllerMovedException e) {
            onControllerMoved(e);
        } catch (RuntimeException e) {
            LOG.error("Broker {} failed to take over as controller; giving up /controller", brokerId, e);
            active = true;
            resign("failover failed");
            controllerZk.deleteControllerIfOwned();
        }
    }

    private void resign(String reason) {
        if (!active) {
            return;
        }
        LOG.info("Broker {} resigns as controller: {}", brokerId, reason);
        active = false;
        closeTopicConfigWatch();
        processor.resign();
    }

    /** Kafka's {@code triggerControllerMove}: resign, and give up {@code /controller} if still ours. */
    private void onControllerMoved(ControllerMovedException e) {
        resign(e.getMessage());
        controllerZk.deleteControllerIfOwned();
    }

    void onShutdown() {
        try {
            resign("shutting down");
            // Without a connection the check would wait out the client's retries, and /controller, an
            // ephemeral node, goes with the session anyway.
            if (controllerZk.connected()) {
                controllerZk.deleteControllerIfOwned();
            }
        } finally {
            controllerZk.close();
            setActiveControllerId(-1);
        }
    }

    private void setActiveControllerId(int id) {
        if (activeControllerId != id) {
            activeControllerId = id;
            try {
                controllerChangeListener.accept(id);
            } catch (RuntimeException e) {
                LOG.error("Controller change listener failed", e);
            }
        }
    }

    private void closeTopicConfigWatch() {
        if (topicConfigWatch != null) {
            try {
                topicConfigWatch.close();
            } catch (Exception e) {
                LOG.warn("Closing the topic config watch failed", e);
            }
            topicConfigWatch = null;
        }
    }

    // ---- events from watches (controller thread)

    void process(ControllerEvent event) {
        processor.process(event);
    }

    private void process(String name, Supplier<Optional<? extends ControllerEvent>> source) {
        processor.process(name, source);
    }

    private void onBrokersChanged() {
        process("BrokerChange", () -> Optional.of(reader.brokerChange()));
    }

    private void onTopicsChanged() {
        process("TopicChange", () -> Optional.of(reader.topicChange(processor.state())));
    }

    private void onTopicChanged(String topic) {
        if (processor.state().topic(topic).isEmpty()) {
            // A topic the controller left out (its znode did not decode) whose znode changed: read it as new.
            onTopicsChanged();
            return;
        }
        process("PartitionModifications", () -> reader.partitionModifications(topic, processor.state()));
    }

    private void onTopicDeletionsChanged() {
        Optional<ControllerEvent.TopicDeletion> marked = reader.topicDeletion();
        // A topic marked right after its creation may not be known yet: learn it first, or its znodes would go unstopped.
        if (marked.isPresent() && !processor.state().topics().keySet().containsAll(marked.get().topics())) {
            onTopicsChanged();
        }
        AtomicBoolean first = new AtomicBoolean(true);
        process("TopicDeletion", () -> first.getAndSet(false) ? marked : reader.topicDeletion());
    }

    private void onIsrChangeNotifications() {
        Set<TopicPartition> partitions = reader.takeIsrChangeNotifications();
        process("IsrChangeNotification", () -> reader.isrChange(partitions));
    }

    private void onTopicConfigChanged(String topic, Map<String, String> configs) {
        Optional<ControllerTopic> known = processor.state().topic(topic);
        if (known.isPresent() && known.get().uncleanLeaderElection() != reader.uncleanLeaderElection(configs)) {
            onTopicChanged(topic);
        }
    }

    /**
     * The session is gone, and with it the {@code /controller} it held: resign. Unless this broker
     * already won again on the session it has now: an election queued before the loss can run
     * first, its read waiting out the expiry, and deposing that controller would make the reconnect
     * give up {@code /controller} and race a second time (an extra controller epoch and a gap with
     * no controller).
     */
    private void onSessionLost() {
        if (active && controllerSessionId != 0L && controllerSessionId == currentSessionId()) {
            LOG.info("Broker {} stays controller: it won on its new ZooKeeper session before the loss of the old one"
                + " was handled", brokerId);
            return;
        }
        resign("ZooKeeper session lost");
        setActiveControllerId(-1);
    }

    /** The session the ZooKeeper client has now; 0 while it has none or cannot say. */
    private long currentSessionId() {
        try {
            return zk.sessionId();
        } catch (ZkStoreException e) {
            return 0L;
        }
    }

    /** After a reconnect: race if nobody holds {@code /controller}; if still controller, read everything again. */
    private void onReconnected() {
        elect();
        if (active) {
            // Reads that failed while disconnected left no watch behind: read (and watch) everything again.
            whenActive("BrokerChange", this::onBrokersChanged);
            whenActive("TopicChange", this::onTopicsChanged);
            whenActive("TopicDeletion", this::onTopicDeletionsChanged);
            whenActive("IsrChangeNotification", this::onIsrChangeNotifications);
        }
    }

    /** Queues {@code task} to run on the controller thread if this broker is then the active controller. */
    void whenActive(String name, Runnable task) {
        queue.offer(name, () -> {
            if (!active || stopping) {
                return;
            }
            try {
                task.run();
            } catch (ControllerMovedException e) {
                onControllerMoved(e);
            }
        });
    }

    /** Watch callbacks (ZooKeeper's threads): each only queues work for the controller thread. */
    private final class WatchEvents implements ControllerZkListener {

        @Override
        public void onControllerChanged() {
            queue.offer("ControllerChange", ControllerRole.this::elect);
        }

        @Override
        public void onBrokersChanged() {
            whenActive("BrokerChange", ControllerRole.this::onBrokersChanged);
        }

        @Override
        public void onTopicsChanged() {
            whenActive("TopicChange", ControllerRole.this::onTopicsChanged);
        }

        @Override
        public void onTopicChanged(String topic) {
            whenActive("PartitionModifications", () -> ControllerRole.this.onTopicChanged(topic));
        }

        @Override
        public void onTopicDeletionsChanged() {
            whenActive("TopicDeletion", ControllerRole.this::onTopicDeletionsChanged);
        }

        @Override
        public void onIsrChangeNotificationsChanged() {
            whenActive("IsrChangeNotification", ControllerRole.this::onIsrChangeNotifications);
        }

        @Override
        public void onSessionLost() {
            queue.offer("SessionLost", ControllerRole.this::onSessionLost);
        }

        @Override
        public void onReconnected() {
            queue.offer("Reconnected", ControllerRole.this::onReconnected);
        }
    }
}
