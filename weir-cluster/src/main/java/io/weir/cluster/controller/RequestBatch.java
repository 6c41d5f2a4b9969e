package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

import io.weir.cluster.controller.BrokerRequest.LeaderAndIsrRequest;
import io.weir.cluster.controller.BrokerRequest.PartitionInfo;
import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;
import io.weir.cluster.controller.BrokerRequest.UpdateMetadataRequest;
import io.weir.cluster.zk.LeaderAndIsr;

/**
 * Collects which broker must hear about which partition during one event (Kafka's
 * {@code ControllerBrokerRequestBatch}) and builds the messages at the end from the event's final
 * state, so a partition changed twice is sent once, as it ends up. Messages go only to live
 * brokers. Every LeaderAndIsr entry also puts the partition in the UpdateMetadata sent to all
 * live brokers, as Kafka does.
 *
 * <p>Used by one thread for one event. Not thread-safe.
 */
final class RequestBatch {

    private final Map<Integer, Map<TopicPartition, Boolean>> leaderAndIsr = new TreeMap<>();
    private final Set<TopicPartition> metadataPartitions = new TreeSet<>(Partitions.ORDER);
    private final Set<Integer> fullMetadataBrokers = new TreeSet<>();
    private boolean metadataToAll;
    private final Map<Integer, Map<TopicPartition, Boolean>> stopReplica = new TreeMap<>();

    /** Tell these brokers their role for the partition ({@code isNew}: they create the replica). */
    void addLeaderAndIsr(Collection<Integer> brokers, TopicPartition tp, boolean isNew) {
        for (int broker : brokers) {
            leaderAndIsr.computeIfAbsent(broker, b -> new HashMap<>()).merge(tp, isNew, Boolean::logicalOr);
        }
        addUpdateMetadata(List.of(tp));
    }

    /** Send these partitions (possibly none: the broker list changed) to every live broker. */
    void addUpdateMetadata(Collection<TopicPartition> partitions) {
        metadataToAll = true;
        metadataPartitions.addAll(partitions);
    }

    /** Send these brokers every partition. */
    void addFullUpdateMetadata(Collection<Integer> brokers) {
        fullMetadataBrokers.addAll(brokers);
    }

    /** Stop the broker's replica; a delete wins over a plain stop. */
    void addStopReplica(int broker, TopicPartition tp, boolean delete) {
        stopReplica.computeIfAbsent(broker, b -> new HashMap<>()).merge(tp, delete, Boolean::logicalOr);
    }

    /**
     * Forgets the LeaderAndIsr and StopReplica collected so far for these brokers: they were for
     * an incarnation that is gone (Kafka sends the failure half of a bounce while the broker is
     * not live, so its new incarnation never gets them).
     */
    void dropRequestsTo(Collection<Integer> brokers) {
        brokers.forEach(b -> {
            leaderAndIsr.remove(b);
            stopReplica.remove(b);
        });
    }

    List<BrokerRequest> build(PendingChanges view) {
        List<BrokerRequest> requests = new ArrayList<>();
        buildLeaderAndIsr(view, requests);
        buildUpdateMetadata(view, requests);
        buildStopReplica(view, requests);
        return requests;
    }

    private void buildLeaderAndIsr(PendingChanges view, List<BrokerRequest> out) {
        leaderAndIsr.forEach((broker, partitions) -> {
            if (!view.isLive(broker)) {
                return;
            }
            List<PartitionInfo> infos = new ArrayList<>();
            Set<Integer> leaders = new TreeSet<>();
            for (TopicPartition tp : Partitions.sorted(partitions.keySet())) {
                view.leadership(tp).ifPresent(l -> {
                    infos.add(info(view, tp, l, l.leader(), partitions.get(tp)));
                    leaders.add(l.leader());
                });
            }
            List<LiveBroker> liveLeaders = leaders.stream().filter(view::isLive)
                .map(id -> view.liveBrokers().get(id)).toList();
            if (!infos.isEmpty()) {
                out.add(new LeaderAndIsrRequest(broker, view.controllerEpoch(), infos, liveLeaders,
                    view.liveBrokers().get(broker).epoch()));
            }
        });
    }

    private void buildUpdateMetadata(PendingChanges view, List<BrokerRequest> out) {
        List<LiveBroker> live = List.copyOf(view.liveBrokers().values());
        List<PartitionInfo> delta = metadataInfos(view, metadataPartitions);
        List<PartitionInfo> all = fullMetadataBrokers.isEmpty() ? List.of() : metadataInfos(view, view.allPartitions());
        for (int broker : view.liveBrokers().keySet()) {
            if (fullMetadataBrokers.contains(broker)) {
                out.add(new UpdateMetadataRequest(broker, view.controllerEpoch(), live, all, true));
            } else if (metadataToAll) {
                out.add(new UpdateMetadataRequest(broker, view.controllerEpoch(), live, delta, false));
            }
        }
    }

    private static List<PartitionInfo> metadataInfos(PendingChanges view, Collection<TopicPartition> partitions) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            view.leadership(tp).ifPresent(l -> {
                int leader = view.isDeleting(tp.topic()) ? BrokerRequest.LEADER_DURING_DELETE : l.leader();
                infos.add(info(view, tp, l, leader, false));
            });
        }
        return infos;
    }

    private static PartitionInfo info(PendingChanges view, TopicPartition tp, LeaderAndIsr l, int leader,
                                      boolean isNew) {
        PartitionAssignment a = view.assignment(tp).orElseThrow();
        List<Integer> offline = a.replicas().stream().filter(r -> !view.isLive(r)).toList();
        return new PartitionInfo(tp, view.topic(tp.topic()).orElseThrow().topicId(), leader, l.leaderEpoch(),
            l.isr(), l.zkVersion(), l.controllerEpoch(), a.replicas(), a.addingReplicas(), a.removingReplicas(),
            offline, isNew);
    }

    private void buildStopReplica(PendingChanges view, List<BrokerRequest> out) {
        stopReplica.forEach((broker, partitions) -> {
            if (!view.isLive(broker)) {
                return;
            }
            List<StopReplicaPartition> stops = new ArrayList<>();
            for (TopicPartition tp : Partitions.sorted(partitions.keySet())) {
                int epoch = view.isDeleting(tp.topic()) || view.topic(tp.topic()).isEmpty()
                    ? BrokerRequest.LEADER_DURING_DELETE
                    : view.leadership(tp).map(LeaderAndIsr::leaderEpoch).orElse(LeaderAndIsr.NO_LEADER);
                stops.add(new StopReplicaPartition(tp, epoch, partitions.get(tp)));
            }
            out.add(new StopReplicaRequest(broker, view.controllerEpoch(), stops, view.liveBrokers().get(broker).epoch()));
        });
    }
}
