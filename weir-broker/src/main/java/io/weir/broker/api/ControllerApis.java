package io.weir.broker.api;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

import io.weir.broker.network.Request;
import io.weir.cluster.controller.PartitionAssignment;

/**
 * The admin APIs the controller answers: ElectLeaders (preferred and unclean), AlterPartitionReassignments and
 * ListPartitionReassignments. Any broker takes them and hands them to its controller driver, which
 * answers NOT_CONTROLLER unless it is the active controller (the admin client then finds the
 * controller through Metadata and retries), as ZooKeeper-mode Kafka does.
 *
 * <p>Stateless; runs on handler threads and answers on the controller thread.
 */
public final class ControllerApis {

    private final BrokerContext ctx;

    public ControllerApis(BrokerContext ctx) {
        this.ctx = ctx;
    }

    public void electLeaders(Request request) {
        ElectLeadersRequest req = request.body(ElectLeadersRequest.class);
        Set<TopicPartition> partitions = new HashSet<>();
        if (req.data().topicPartitions() != null) {
            for (TopicPartitions t : req.data().topicPartitions()) {
                t.partitions().forEach(p -> partitions.add(new TopicPartition(t.topic(), p)));
            }
        }
        ElectionType type;
        try {
            type = ElectionType.valueOf(req.data().electionType());
        } catch (IllegalArgumentException e) {
            request.sendResponse(new ElectLeadersResponse(new ElectLeadersResponseData()
                .setErrorCode(Errors.INVALID_REQUEST.code())));
            return;
        }
        boolean everyPartition = req.data().topicPartitions() == null;
        if (!everyPartition && partitions.isEmpty()) {
            // An empty list asks for nothing (only null means every partition).
            request.sendResponse(new ElectLeadersResponse(electLeadersData(Map.of())));
            return;
        }
        ctx.controller().electLeaders(type, partitions).whenComplete((response, e) -> {
            Map<TopicPartition, Errors> results = e != null ? all(partitions, Errors.forException(e))
                : withoutElectionNotNeeded(response.results(), everyPartition);
            request.sendResponse(new ElectLeadersResponse(electLeadersData(results)));
        });
    }

    /**
     * Kafka's rule: an election over every partition (null topics) reports only the partitions that
     * had an election or an error, not those whose leader was already right.
     */
    private static Map<TopicPartition, Errors> withoutElectionNotNeeded(Map<TopicPartition, Errors> results,
                                                                       boolean everyPartition) {
        if (!everyPartition) {
            return results;
        }
        Map<TopicPartition, Errors> reported = new LinkedHashMap<>();
        results.forEach((tp, error) -> {
            if (error != Errors.ELECTION_NOT_NEEDED) {
                reported.put(tp, error);
            }
        });
        return reported;
    }

    private static ElectLeadersResponseData electLeadersData(Map<TopicPartition, Errors> results) {
        Map<String, ReplicaElectionResult> byTopic = new TreeMap<>();
        results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                t -> new ReplicaElectionResult().setTopic(t))
            .partitionResult().add(new PartitionResult().setPartitionId(tp.partition()).setErrorCode(error.code())
                .setErrorMessage(error == Errors.NONE ? null : error.message())));
        ElectLeadersResponseData data = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
        data.replicaElectionResults().addAll(byTopic.values());
        return data;
    }

    public void alterPartitionReassignments(Request request) {
        AlterPartitionReassignmentsRequest req = request.body(AlterPartitionReassignmentsRequest.class);
        Map<TopicPartition, Optional<List<Integer>>> targets = new LinkedHashMap<>();
        for (ReassignableTopic t : req.data().topics()) {
            for (ReassignablePartition p : t.partitions()) {
                targets.put(new TopicPartition(t.name(), p.partitionIndex()),
                    Optional.ofNullable(p.replicas()).map(List::copyOf));
            }
        }
        ctx.controller().alterPartitionReassignments(targets).whenComplete((response, e) -> {
            Map<TopicPartition, Errors> results = e != null ? all(targets.keySet(), Errors.forException(e))
                : response.results();
            AlterPartitionReassignmentsResponseData data = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code());
            Map<String, ReassignableTopicResponse> byTopic = new TreeMap<>();
            results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                    n -> new ReassignableTopicResponse().setName(n))
                .partitions().add(new ReassignablePartitionResponse().setPartitionIndex(tp.partition())
                    .setErrorCode(error.code()).setErrorMessage(error == Errors.NONE ? null : error.message())));
            data.responses().addAll(byTopic.values());
            request.sendResponse(new AlterPartitionReassignmentsResponse(data));
        });
    }

    public void listPartitionReassignments(Request request) {
        ListPartitionReassignmentsRequest req = request.body(ListPartitionReassignmentsRequest.class);
        Optional<Set<TopicPartition>> wanted = Optional.empty();
        if (req.data().topics() != null) {
            Set<TopicPartition> set = new HashSet<>();
            for (ListPartitionReassignmentsTopics t : req.data().topics()) {
                t.partitionIndexes().forEach(p -> set.add(new TopicPartition(t.name(), p)));
            }
            wanted = Optional.of(set);
        }
        boolean active = ctx.controller().isActive();
        ctx.controller().listPartitionReassignments(wanted).whenComplete((ongoing, e) -> {
            ListPartitionReassignmentsResponseData data = new ListPartitionReassignmentsResponseData();
            if (e != null || !active) {
                data.setErrorCode((e != null ? Errors.forException(e) : Errors.NOT_CONTROLLER).code());
            } else {
                data.setErrorCode(Errors.NONE.code());
                data.topics().addAll(ongoingByTopic(ongoing).values());
            }
            request.sendResponse(new ListPartitionReassignmentsResponse(data));
        });
    }

    private static Map<String, OngoingTopicReassignment> ongoingByTopic(
            Map<TopicPartition, PartitionAssignment> ongoing) {
        Map<String, OngoingTopicReassignment> byTopic = new TreeMap<>();
        ongoing.forEach((tp, a) -> byTopic.computeIfAbsent(tp.topic(),
                n -> new OngoingTopicReassignment().setName(n))
            .partitions().add(new OngoingPartitionReassignment().setPartitionIndex(tp.partition())
                .setReplicas(a.replicas()).setAddingReplicas(a.addingReplicas())
                .setRemovingReplicas(a.removingReplicas())));
        return byTopic;
    }

    private static Map<TopicPartition, Errors> all(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        partitions.forEach(tp -> results.put(tp, error));
        return results;
    }
}
