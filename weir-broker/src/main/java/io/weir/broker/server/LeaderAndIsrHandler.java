package io.weir.broker.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.broker.replica.BrokerEndpoint;
import io.weir.broker.replica.InitialFetchState;
import io.weir.broker.replica.ReplicaFetcherManager;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.storage.LogConfig;

/**
 * Applies the controller's LeaderAndIsr and StopReplica to the {@link ReplicaManager}'s partitions
 * (Kafka's ReplicaManager.becomeLeaderOrFollower and stopReplicas): controller epoch fencing,
 * per-partition leader and partition epoch checks, and the fetchers that follow from it.
 *
 * <p>Thread-safe: requests are applied one at a time under one lock; nothing here holds it while
 * waiting on the network.
 */
final class LeaderAndIsrHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderAndIsrHandler.class);

    private final ReplicaManager replicaManager;
    private final Object lock = new Object();
    private volatile int controllerEpoch;

    LeaderAndIsrHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    int controllerEpoch() {
        return controllerEpoch;
    }

    ReplicaManager.LeaderAndIsrOutcome becomeLeaderOrFollower(BrokerRequest.LeaderAndIsrRequest request,
                                                              Function<String, LogConfig> topicConfigs) {
        synchronized (lock) {
            Errors fenced = fence("LeaderAndIsr", request.controllerEpoch(), request.brokerEpoch());
            if (fenced != Errors.NONE) {
                Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                request.partitions().forEach(p -> errors.put(p.partition(), fenced));
                return new ReplicaManager.LeaderAndIsrOutcome(fenced, errors, List.of());
            }
            controllerEpoch = request.controllerEpoch();
            Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
            Map<BrokerRequest.PartitionInfo, Partition> leaders = new LinkedHashMap<>();
            Map<BrokerRequest.PartitionInfo, Partition> followers = new LinkedHashMap<>();
            for (BrokerRequest.PartitionInfo info : request.partitions()) {
                Errors error = resolve(info, topicConfigs, leaders, followers);
                if (error != Errors.NONE) {
                    errors.put(info.partition(), error);
                }
            }
            List<Partition> changed = new ArrayList<>();
            makeLeaders(leaders, errors, changed);
            makeFollowers(followers, request.liveLeaders(), errors, changed);
            fetchers().shutdownIdleFetcherThreads();
            return new ReplicaManager.LeaderAndIsrOutcome(Errors.NONE, errors, changed);
        }
    }

    /**
     * STALE_CONTROLLER_EPOCH for a request from an older controller; STALE_BROKER_EPOCH for one
     * built for an earlier registration of this broker (Kafka's KIP-380): a restarted broker
     * would otherwise apply what its previous incarnation was told, such as leadership of an
     * epoch long replaced; until this process knows its own epoch, any request naming one can
     * only be for an earlier incarnation. Requests without a broker epoch are not checked.
     */
    private Errors fence(String what, int requestControllerEpoch, long requestBrokerEpoch) {
        if (requestControllerEpoch < controllerEpoch) {
            LOG.warn("Ignoring {} from controller epoch {}: the latest is {}", what, requestControllerEpoch,
                controllerEpoch);
            return Errors.STALE_CONTROLLER_EPOCH;
        }
        if (!replicaManager.fencesBrokerEpochs() || requestBrokerEpoch == BrokerRequest.UNKNOWN_BROKER_EPOCH) {
            return Errors.NONE;
        }
        long current = replicaManager.brokerEpoch();
        if (current == BrokerRequest.UNKNOWN_BROKER_EPOCH || requestBrokerEpoch < current) {
            LOG.warn("Ignoring {} for broker epoch {}: this broker registered as epoch {}", what, requestBrokerEpoch,
                current);
            return Errors.STALE_BROKER_EPOCH;
        }
        return Errors.NONE;
    }

    /** Finds or creates the partition and sorts it by its new role; an error if it cannot be hosted. */
    private Errors resolve(BrokerRequest.PartitionInfo info, Function<String, LogConfig> topicConfigs,
                           Map<BrokerRequest.PartitionInfo, Partition> leaders,
                           Map<BrokerRequest.PartitionInfo, Partition> followers) {
        TopicPartition tp = info.partition();
        if (!info.replicas().contains(replicaManager.localBrokerId())) {
            LOG.warn("Ignoring LeaderAndIsr for {}: replicas {} do not include this broker", tp, info.replicas());
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        try {
            Partition existing = replicaManager.partition(tp).orElse(null);
            if (existing != null && isInconsistent(existing.topicId(), info.topicId())) {
                return Errors.INCONSISTENT_TOPIC_ID;
            }
            Partition p = existing != null ? existing : replicaManager.getOrCreatePartition(
                new TopicIdPartition(info.topicId(), tp), topicConfigs.apply(tp.topic()));
            (info.leader() == replicaManager.localBrokerId() ? leaders : followers).put(info, p);
            return Errors.NONE;
        } catch (InconsistentTopicIdException e) {
            return Errors.INCONSISTENT_TOPIC_ID;
        } catch (KafkaStorageException e) {
            LOG.error("Cannot create the log of {}: {}", tp, e.getMessage());
            return Errors.KAFKA_STORAGE_ERROR;
        } catch (RuntimeException e) {
            LOG.error("Cannot host {}", tp, e);
            return Errors.forException(e);
        }
    }

    private static boolean isInconsistent(Uuid hosted, Uuid requested) {
        return hosted != null && requested != null && !Uuid.ZERO_UUID.equals(hosted)
            && !Uuid.ZERO_UUID.equals(requested) && !hosted.equals(requested);
    }

    /** Fetchers stop before the partitions lead, so no follower append lands after. */
    private void makeLeaders(Map<BrokerRequest.PartitionInfo, Partition> leaders, Map<TopicPartition, Errors> errors,
                             List<Partition> changed) {
        List<TopicPartition> stopFetching = new ArrayList<>();
        leaders.forEach((info, p) -> {
            if (info.leaderEpoch() >= p.leaderEpoch()) {
                stopFetching.add(info.partition());
            }
        });
        fetchers().removeFetcherForPartitions(stopFetching);
        leaders.forEach((info, p) -> apply(info, p, errors, changed));
    }

    private void makeFollowers(Map<BrokerRequest.PartitionInfo, Partition> followers,
                               List<LiveBroker> liveLeaders, Map<TopicPartition, Errors> errors,
                               List<Partition> changed) {
        List<TopicPartition> restart = new ArrayList<>();
        Map<TopicPartition, InitialFetchState> toFetch = new LinkedHashMap<>();
        followers.forEach((info, p) -> {
            Partition.StateChange change = apply(info, p, errors, changed);
            if (change == null || errors.get(info.partition()) != Errors.NONE) {
                return;
            }
            TopicPartition tp = info.partition();
            if (!change.leadershipChanged() && fetchers().isFetching(tp, p.leaderId(), p.leaderEpoch())) {
                return;
            }
            restart.add(tp);
            Optional<BrokerEndpoint> leader = leaderEndpoint(p.leaderId(), liveLeaders);
            if (leader.isEmpty()) {
                LOG.warn("Not fetching {}: leader {} is not among the live leaders with listener {}", tp,
                    p.leaderId(), replicaManager.replicaConfig().interBrokerListenerName());
                return;
            }
            toFetch.put(tp, new InitialFetchState(p.topicId(), leader.get(), p.leaderEpoch(),
                p.log().highWatermark()));
        });
        fetchers().removeFetcherForPartitions(restart);
        fetchers().addFetcherForPartitions(toFetch);
    }

    /** Applies one state; returns what happened, or null after a storage error. */
    private Partition.StateChange apply(BrokerRequest.PartitionInfo info, Partition p,
                                        Map<TopicPartition, Errors> errors, List<Partition> changed) {
        TopicPartition tp = info.partition();
        try {
            Partition.StateChange change = p.applyLeaderAndIsr(info);
            errors.put(tp, errorFor(change));
            if (change.leadershipChanged()) {
                changed.add(p);
                LOG.info("{}: {} at leader epoch {} (leader {}, ISR {}, partition epoch {}, LEO {}, HW {})", tp,
                    change, info.leaderEpoch(), info.leader(), info.isr(), info.partitionEpoch(),
                    p.log().logEndOffset(), p.highWatermark());
            } else if (change != Partition.StateChange.UNCHANGED) {
                LOG.info("{}: {} (request leader epoch {}, partition epoch {}; current {} / {})", tp, change,
                    info.leaderEpoch(), info.partitionEpoch(), p.leaderEpoch(), p.partitionEpoch());
            }
            return change;
        } catch (KafkaStorageException e) {
            LOG.error("Cannot apply the state of {}: {}", tp, e.getMessage());
            errors.put(tp, Errors.KAFKA_STORAGE_ERROR);
            return null;
        }
    }

    /**
     * Kafka answers STALE_CONTROLLER_EPOCH for a state it ignores as older. An exact repeat of
     * the current state is answered NONE: nothing is wrong, it is already applied.
     */
    private static Errors errorFor(Partition.StateChange change) {
        return switch (change) {
            case STALE_LEADER_EPOCH, STALE_PARTITION_EPOCH -> Errors.STALE_CONTROLLER_EPOCH;
            default -> Errors.NONE;
        };
    }

    private Optional<BrokerEndpoint> leaderEndpoint(int leaderId, List<LiveBroker> liveLeaders) {
        String listener = replicaManager.replicaConfig().interBrokerListenerName();
        for (LiveBroker b : liveLeaders) {
            if (b.id() != leaderId) {
                continue;
            }
            for (EndpointInfo e : b.endpoints()) {
                if (e.listenerName().equalsIgnoreCase(listener)) {
                    return Optional.of(new BrokerEndpoint(b.id(), e.host(), e.port()));
                }
            }
        }
        return Optional.empty();
    }

    ReplicaManager.StopReplicaOutcome stopReplicas(BrokerRequest.StopReplicaRequest request) {
        synchronized (lock) {
            Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
            Errors fenced = fence("StopReplica", request.controllerEpoch(), request.brokerEpoch());
            if (fenced != Errors.NONE) {
                request.partitions().forEach(p -> errors.put(p.partition(), fenced));
                return new ReplicaManager.StopReplicaOutcome(fenced, errors);
            }
            controllerEpoch = request.controllerEpoch();
            List<BrokerRequest.StopReplicaPartition> toStop = new ArrayList<>();
            for (BrokerRequest.StopReplicaPartition sp : request.partitions()) {
                Partition p = replicaManager.partition(sp.partition()).orElse(null);
                // -1 (no epoch) and -2 (topic deletion) bypass the check, as in Kafka.
                if (p != null && sp.leaderEpoch() >= 0 && sp.leaderEpoch() < p.leaderEpoch()) {
                    errors.put(sp.partition(), Errors.FENCED_LEADER_EPOCH);
                } else {
                    toStop.add(sp);
                }
            }
            fetchers().removeFetcherForPartitions(toStop.stream().map(BrokerRequest.StopReplicaPartition::partition)
                .toList());
            for (BrokerRequest.StopReplicaPartition sp : toStop) {
                errors.put(sp.partition(), stop(sp));
            }
            fetchers().shutdownIdleFetcherThreads();
            return new ReplicaManager.StopReplicaOutcome(Errors.NONE, errors);
        }
    }

    /** Without deletion the partition stays hosted (Kafka keeps it until the next LeaderAndIsr). */
    private Errors stop(BrokerRequest.StopReplicaPartition sp) {
        TopicPartition tp = sp.partition();
        if (!sp.deletePartition()) {
            replicaManager.onHighWatermarkUpdated(tp);
            return Errors.NONE;
        }
        try {
            replicaManager.removePartitionAndDeleteLog(tp);
            LOG.info("Stopped replica {} and deleted its log", tp);
            return Errors.NONE;
        } catch (KafkaStorageException e) {
            LOG.error("Cannot delete the log of {}: {}", tp, e.getMessage());
            return Errors.KAFKA_STORAGE_ERROR;
        }
    }

    private ReplicaFetcherManager fetchers() {
        return replicaManager.replicaFetcherManager();
    }
}
