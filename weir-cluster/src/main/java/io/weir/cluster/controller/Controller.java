package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.ControllerEvent.AutoPreferredLeaderRebalance;
import io.weir.cluster.controller.ControllerEvent.BrokerChange;
import io.weir.cluster.controller.ControllerEvent.ControlledShutdown;
import io.weir.cluster.controller.ControllerEvent.IsrChangeNotification;
import io.weir.cluster.controller.ControllerEvent.PartitionModifications;
import io.weir.cluster.controller.ControllerEvent.ReassignmentRequested;
import io.weir.cluster.controller.ControllerEvent.ReplicaLeaderElection;
import io.weir.cluster.controller.ControllerEvent.Resignation;
import io.weir.cluster.controller.ControllerEvent.Startup;
import io.weir.cluster.controller.ControllerEvent.StopReplicaResponseReceived;
import io.weir.cluster.controller.ControllerEvent.TopicChange;
import io.weir.cluster.controller.ControllerEvent.TopicDeletion;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.ControllerResponse.ElectLeadersResponse;
import io.weir.cluster.controller.ControllerResponse.ReassignmentResponse;

/**
 * The controller's brain: {@link #handle} turns an event and the current state into a
 * {@link ControllerResult} (ZooKeeper writes, records, broker messages, response) without
 * changing the state, doing I/O or keeping anything between calls. The driver makes the writes,
 * then replays the records into the {@link ControllerState} ({@link ControllerState#apply}) and
 * sends the messages; if a write fails it refreshes the state from ZooKeeper and calls
 * {@code handle} again.
 *
 * <p>Stateless apart from its config; called on the controller thread.
 */
public final class Controller {

    private final ControllerConfig config;

    public Controller(ControllerConfig config) {
        this.config = config;
    }

    public ControllerConfig config() {
        return config;
    }

    public ControllerResult handle(ControllerEvent event, ControllerState state) {
        if (event instanceof Startup startup) {
            return startup(startup);
        }
        if (!state.isActive()) {
            return notController(event);
        }
        PendingChanges changes = new PendingChanges(state, config);
        if (event instanceof Resignation) {
            return new ControllerResult(List.of(), List.of(new ControllerRecord.Resigned()), List.of(),
                Optional.empty());
        } else if (event instanceof BrokerChange e) {
            return BrokerChangeHandler.handle(changes, e);
        } else if (event instanceof TopicChange e) {
            return TopicHandler.onTopicChange(changes, e);
        } else if (event instanceof PartitionModifications e) {
            return TopicHandler.onPartitionModifications(changes, e);
        } else if (event instanceof TopicDeletion e) {
            return TopicHandler.onTopicDeletion(changes, e);
        } else if (event instanceof StopReplicaResponseReceived e) {
            return TopicHandler.onStopReplicaResponse(changes, e);
        } else if (event instanceof IsrChangeNotification e) {
            return LeadershipHandler.onIsrChange(changes, e);
        } else if (event instanceof ReassignmentRequested e) {
            return ReassignmentHandler.onReassignmentRequested(changes, e);
        } else if (event instanceof ReplicaLeaderElection e) {
            return LeadershipHandler.onReplicaElection(changes, e);
        } else if (event instanceof ControlledShutdown e) {
            return LeadershipHandler.onControlledShutdown(changes, e);
        } else if (event instanceof AutoPreferredLeaderRebalance) {
            return LeadershipHandler.onAutoRebalance(changes);
        }
        throw new IllegalArgumentException("Unknown event " + event);
    }

    /**
     * Kafka's {@code onControllerFailover}: load the snapshot, tell every broker everything
     * (full UpdateMetadata, LeaderAndIsr for each replica on a live broker), elect leaders for
     * partitions without one, and resume reassignments and topic deletions.
     */
    private ControllerResult startup(Startup startup) {
        ControllerRecord.Initialized initialized = new ControllerRecord.Initialized(startup.snapshot());
        ControllerState loaded = new ControllerState();
        loaded.replay(initialized);
        PendingChanges changes = new PendingChanges(loaded, config);
        changes.record(initialized);
        changes.requests().addFullUpdateMetadata(changes.liveBrokers().keySet());
        initializeStates(changes);
        List<PartitionReplica> online = new ArrayList<>();
        List<PartitionReplica> offline = new ArrayList<>();
        for (TopicPartition tp : changes.allPartitions()) {
            if (changes.isDeleting(tp.topic())) {
                continue;
            }
            changes.replicasOf(tp).forEach(r -> (changes.isReplicaOnline(r.replica()) ? online : offline).add(r));
        }
        ReplicaStateMachine.handleStateChanges(changes, online, ReplicaState.ONLINE);
        ReplicaStateMachine.handleStateChanges(changes, offline, ReplicaState.OFFLINE);
        PartitionStateMachine.triggerOnlineStateChange(changes);
        ReassignmentHandler.resumeAll(changes);
        TopicHandler.resumeDeletions(changes);
        return changes.toResult();
    }

    /** Kafka's initial partition and replica states, set without transitions. */
    private static void initializeStates(PendingChanges changes) {
        for (TopicPartition tp : changes.allPartitions()) {
            PartitionState ps = changes.leadership(tp)
                .map(l -> changes.isReplicaOnline(l.leader()) ? PartitionState.ONLINE : PartitionState.OFFLINE)
                .orElse(PartitionState.NEW);
            changes.setPartitionState(tp, ps);
            boolean deleting = changes.isDeleting(tp.topic());
            changes.replicasOf(tp).forEach(r -> {
                boolean online = changes.isReplicaOnline(r.replica());
                ReplicaState rs = online ? ReplicaState.ONLINE
                    : deleting ? ReplicaState.DELETION_INELIGIBLE : ReplicaState.OFFLINE;
                changes.setReplicaState(r, rs);
            });
        }
    }

    private static ControllerResult notController(ControllerEvent event) {
        if (event instanceof ControlledShutdown) {
            return ControllerResult.of(new ControlledShutdownResponse(Errors.NOT_CONTROLLER, Set.of()));
        } else if (event instanceof ReplicaLeaderElection e) {
            return ControllerResult.of(new ElectLeadersResponse(all(e.partitions(), Errors.NOT_CONTROLLER)));
        } else if (event instanceof ReassignmentRequested e) {
            return ControllerResult.of(new ReassignmentResponse(
                all(e.reassignments().keySet(), Errors.NOT_CONTROLLER)));
        }
        return ControllerResult.empty();
    }

    static Map<TopicPartition, Errors> all(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> results = new TreeMap<>(Partitions.ORDER);
        partitions.forEach(tp -> results.put(tp, error));
        return results;
    }
}
