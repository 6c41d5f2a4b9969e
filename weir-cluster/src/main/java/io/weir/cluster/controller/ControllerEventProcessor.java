package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ControllerMovedException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.ControllerEvent.StopReplicaResponseReceived;
import io.weir.cluster.zk.ControllerZkStore;
import io.weir.cluster.zk.ZkMultiResult;
import io.weir.cluster.zk.ZkStoreException;

/**
 * Runs one event through the brain and makes its result real, as docs/controller.md ("Shape")
 * says: {@code handle}, then all ZooKeeper writes in one transaction guarded by the
 * {@code /controller_epoch} version, then {@code state.apply}, then the broker requests. When the
 * writes meet a concurrent change it re-reads the partition states and topics they touched, lets
 * the brain learn them, and handles the event again (reading it anew from ZooKeeper when it came
 * from there), up to {@code maxWriteAttempts} times. A changed controller epoch throws
 * {@link ControllerMovedException}: the caller resigns.
 *
 * <p>Owned by the controller thread: every method runs there.
 */
final class ControllerEventProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerEventProcessor.class);

    private final Controller controller;
    private final ControllerState state = new ControllerState();
    private final ControllerZkStore zk;
    private final ControllerZkReader reader;
    private final ControllerChannel channel;
    private final int maxWriteAttempts;
    private final Consumer<StopReplicaResponseReceived> onStopReplicaResponse;
    private int epochZkVersion = -1;
    private List<LiveBroker> announcedBrokers = List.of();

    ControllerEventProcessor(Controller controller, ControllerZkStore zk, ControllerZkReader reader,
                             ControllerChannel channel, int maxWriteAttempts,
                             Consumer<StopReplicaResponseReceived> onStopReplicaResponse) {
        this.controller = controller;
        this.zk = zk;
        this.reader = reader;
        this.channel = channel;
        this.maxWriteAttempts = maxWriteAttempts;
        this.onStopReplicaResponse = onStopReplicaResponse;
    }

    ControllerState state() {
        return state;
    }

    /** The {@code /controller_epoch} version every write is conditional on (set when this broker wins). */
    void setEpochZkVersion(int version) {
        this.epochZkVersion = version;
    }

    /** Handles a fixed event (a broker request, a timer tick, a broker's answer). */
    Optional<ControllerResponse> process(ControllerEvent event) {
        return process(event.getClass().getSimpleName(), () -> Optional.of(event));
    }

    /**
     * Handles the event {@code source} reads (again for each attempt; empty: nothing to do) and
     * returns its response once its writes are made.
     */
    Optional<ControllerResponse> process(String name, Supplier<Optional<? extends ControllerEvent>> source) {
        for (int attempt = 1; ; attempt++) {
            Optional<? extends ControllerEvent> event = source.get();
            if (event.isEmpty()) {
                return Optional.empty();
            }
            ControllerResult result = controller.handle(event.get(), state);
            if (tryCommit(result)) {
                return result.response();
            }
            if (attempt >= maxWriteAttempts) {
                throw new ZkStoreException("controller gave up on " + name + " after " + attempt
                    + " attempts: the znodes it writes keep changing");
            }
            LOG.info("{}: ZooKeeper changed under the controller's writes (attempt {}); re-reading and retrying",
                name, attempt);
            refresh(result.zkWrites());
        }
    }

    /** Forgets everything and tells the channel there are no brokers to talk to. */
    void resign() {
        tryCommit(controller.handle(new ControllerEvent.Resignation(), state));
        epochZkVersion = -1;
        announcedBrokers = List.of();
        channel.onBrokersChanged(List.of());
    }

    /** Makes the writes; on success applies the result and sends its requests. False on a conflict. */
    private boolean tryCommit(ControllerResult result) {
        if (!result.zkWrites().isEmpty()) {
            ZkMultiResult outcome = zk.multi(epochZkVersion, ZkWriteTranslation.toMultiOps(result.zkWrites()));
            if (outcome == ZkMultiResult.CONTROLLER_EPOCH_CHANGED) {
                throw new ControllerMovedException("/controller_epoch is no longer at version " + epochZkVersion
                    + ": another broker became controller");
            }
            if (outcome == ZkMultiResult.CONFLICT) {
                return false;
            }
        }
        state.apply(result);
        announceBrokersIfChanged();
        result.requests().forEach(this::send);
        return true;
    }

    /** Lets the brain learn the partition states and topics the failed writes touched. */
    private void refresh(List<ZkWrite> failedWrites) {
        Set<TopicPartition> partitions = new TreeSet<>(Partitions.ORDER);
        Set<String> topics = new TreeSet<>();
        for (ZkWrite w : failedWrites) {
            if (w instanceof ZkWrite.CreatePartitionState c) {
                partitions.add(c.partition());
            } else if (w instanceof ZkWrite.UpdatePartitionState u) {
                partitions.add(u.partition());
            } else if (w instanceof ZkWrite.UpdateTopicAssignment t) {
                topics.add(t.topic().name());
            }
        }
        reader.isrChange(partitions).ifPresent(this::learn);
        for (String topic : topics) {
            reader.partitionModifications(topic, state).ifPresent(this::learn);
        }
    }

    private void learn(ControllerEvent refresh) {
        if (!tryCommit(controller.handle(refresh, state))) {
            LOG.info("{} met a concurrent change too; the retry will see it", refresh.getClass().getSimpleName());
        }
    }

    private void announceBrokersIfChanged() {
        List<LiveBroker> live = List.copyOf(state.liveBrokers().values());
        if (!live.equals(announcedBrokers)) {
            announcedBrokers = live;
            channel.onBrokersChanged(live);
        }
    }

    private void send(BrokerRequest request) {
        if (request instanceof StopReplicaRequest stop) {
            Set<TopicPartition> deleting = new HashSet<>();
            stop.partitions().stream().filter(StopReplicaPartition::deletePartition)
                .forEach(p -> deleting.add(p.partition()));
            if (!deleting.isEmpty()) {
                channel.send(request, errors -> onStopReplicaResponse.accept(deletionOutcome(stop.brokerId(), deleting, errors)));
                return;
            }
        }
        channel.send(request, errors -> { });
    }

    /** A StopReplica(delete) answer as the brain's event: NONE is deleted, anything else (or no answer) failed. */
    static StopReplicaResponseReceived deletionOutcome(int brokerId, Set<TopicPartition> deleting,
                                                      Map<TopicPartition, Errors> errors) {
        List<TopicPartition> deleted = new ArrayList<>();
        List<TopicPartition> failed = new ArrayList<>();
        for (TopicPartition tp : deleting) {
            (errors.get(tp) == Errors.NONE ? deleted : failed).add(tp);
        }
        return new StopReplicaResponseReceived(brokerId, Set.copyOf(deleted), Set.copyOf(failed));
    }
}
