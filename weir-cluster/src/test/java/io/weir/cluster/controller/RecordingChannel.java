package io.weir.cluster.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.weir.cluster.controller.BrokerRequest.StopReplicaPartition;
import io.weir.cluster.controller.BrokerRequest.StopReplicaRequest;

/**
 * A {@link ControllerChannel} that records what the controller tells it and keeps the callbacks of
 * StopReplica(delete) requests until the test answers them. Thread-safe.
 */
final class RecordingChannel implements ControllerChannel {

    private record Pending(StopReplicaRequest request, Consumer<Map<TopicPartition, Errors>> onResponse) {
    }

    final List<List<LiveBroker>> brokerChanges = new CopyOnWriteArrayList<>();
    final List<BrokerRequest> sent = new CopyOnWriteArrayList<>();
    private final List<Pending> pendingDeletes = new ArrayList<>();
    volatile boolean closed;

    @Override
    public void onBrokersChanged(Collection<LiveBroker> liveBrokers) {
        brokerChanges.add(List.copyOf(liveBrokers));
    }

    @Override
    public void send(BrokerRequest request, Consumer<Map<TopicPartition, Errors>> onResponse) {
        sent.add(request);
        if (request instanceof StopReplicaRequest stop
            && stop.partitions().stream().anyMatch(StopReplicaPartition::deletePartition)) {
            synchronized (pendingDeletes) {
                pendingDeletes.add(new Pending(stop, onResponse));
            }
        }
    }

    /** Answers every StopReplica(delete) received so far with {@code error} for each of its partitions. */
    int answerStopReplicaDeletes(Errors error) {
        List<Pending> pending;
        synchronized (pendingDeletes) {
            pending = new ArrayList<>(pendingDeletes);
            pendingDeletes.clear();
        }
        for (Pending p : pending) {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            p.request().partitions().forEach(sp -> errors.put(sp.partition(), error));
            p.onResponse().accept(errors);
        }
        return pending.size();
    }

    <T extends BrokerRequest> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends BrokerRequest> List<T> sent(Class<T> type, int brokerId) {
        return sent(type).stream().filter(r -> r.brokerId() == brokerId).toList();
    }

    /** The live brokers the channel was last told about (empty before the first call). */
    List<LiveBroker> liveBrokers() {
        return brokerChanges.isEmpty() ? List.of() : brokerChanges.get(brokerChanges.size() - 1);
    }

    void clear() {
        sent.clear();
    }

    @Override
    public void close() {
        closed = true;
    }
}
