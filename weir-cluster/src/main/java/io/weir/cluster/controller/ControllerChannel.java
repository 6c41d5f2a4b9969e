package io.weir.cluster.controller;

import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * How the controller reaches brokers (Kafka's {@code ControllerChannelManager}): one ordered
 * queue per live broker, drained by a sender that retries a request until the broker answers or
 * leaves. The driver tells it which brokers are live; requests for other brokers are dropped
 * (the broker's next BrokerChange brings it everything again).
 *
 * <p>Thread-safe: called from the controller thread; callbacks run on the channel's threads and
 * must only queue work for the controller thread.
 */
public interface ControllerChannel extends AutoCloseable {

    /** The live brokers now: senders start for new ones and stop for those gone. */
    void onBrokersChanged(Collection<LiveBroker> liveBrokers);

    /**
     * Queues {@code request} for {@code request.brokerId()}. {@code onResponse} gets the broker's
     * error per partition (StopReplica and LeaderAndIsr) once it answered; it is not called when
     * the broker left before answering.
     */
    void send(BrokerRequest request, Consumer<Map<TopicPartition, Errors>> onResponse);

    /** Stops every sender; queued requests are dropped. */
    @Override
    void close();
}
