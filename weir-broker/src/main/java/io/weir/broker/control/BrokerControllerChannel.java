package io.weir.broker.control;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerChannel;
import io.weir.cluster.controller.LiveBroker;
import io.weir.common.Time;

/**
 * The controller's {@link ControllerChannel} over the brokers' control-plane listeners (Kafka's
 * {@code ControllerChannelManager}): one {@link BrokerSender} thread per live broker, named
 * {@code weir-control-sender-<id>}, that connects to the broker's {@link ControlPlane#LISTENER_NAME}
 * endpoint and sends its queued requests one at a time, retrying each until the broker answers
 * or leaves.
 *
 * <p>A broker whose {@link LiveBroker} changes (a new broker epoch after a restart, or new
 * endpoints) counts as gone and new: its old sender stops with its queue, as for a broker that
 * left, and the controller's BrokerChange handling sends the new incarnation everything again.
 *
 * <p>Thread-safe. Removed senders are stopped under the channel's lock (they send nothing more
 * once it is released) and joined on the calling thread outside it, so a response callback that
 * calls back into the channel cannot deadlock. Sender
 * threads are not daemons: {@link #close()} must be called.
 */
public final class BrokerControllerChannel implements ControllerChannel {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerControllerChannel.class);
    /** Kafka's controller.socket.timeout.ms. */
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

    private final BrokerSender.Config config;
    private final Map<Integer, BrokerSender> senders = new HashMap<>();
    private boolean closed;

    /** Connect and request timeouts of {@link #DEFAULT_SOCKET_TIMEOUT_MS}, the default frame limit. */
    public BrokerControllerChannel(Time time) {
        this(time, DEFAULT_SOCKET_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS, ControlCodec.DEFAULT_MAX_FRAME_BYTES);
    }

    /** Kafka's controller.socket.timeout.ms for both connecting and answering; the default frame limit. */
    public BrokerControllerChannel(int socketTimeoutMs, Time time) {
        this(time, socketTimeoutMs, socketTimeoutMs, ControlCodec.DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * @param time             for backoff sleeps and response deadlines
     * @param connectTimeoutMs how long a connect may take before it counts as failed
     * @param requestTimeoutMs how long a broker may take to answer before the request is resent
     *                         on a new connection
     * @param maxFrameBytes    the largest request sent and response accepted
     */
    public BrokerControllerChannel(Time time, int connectTimeoutMs, int requestTimeoutMs, int maxFrameBytes) {
        requirePositive("connectTimeoutMs", connectTimeoutMs);
        requirePositive("requestTimeoutMs", requestTimeoutMs);
        if (maxFrameBytes < ControlCodec.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + ControlCodec.HEADER_BYTES
                + ", got " + maxFrameBytes);
        }
        this.config = new BrokerSender.Config(Objects.requireNonNull(time, "time"), connectTimeoutMs,
            requestTimeoutMs, maxFrameBytes);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    @Override
    public void onBrokersChanged(Collection<LiveBroker> liveBrokers) {
        Map<Integer, LiveBroker> live = new HashMap<>();
        for (LiveBroker broker : liveBrokers) {
            live.put(broker.id(), broker);
        }
        List<BrokerSender> stopped = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            senders.values().removeIf(sender -> {
                if (sender.broker().equals(live.get(sender.broker().id()))) {
                    return false;
                }
                sender.initiateShutdown();
                stopped.add(sender);
                return true;
            });
            for (LiveBroker broker : live.values()) {
                if (!senders.containsKey(broker.id())) {
                    BrokerSender sender = new BrokerSender(broker, config);
                    senders.put(broker.id(), sender);
                    sender.start();
                    LOG.info("Control-plane sender to broker {} started", broker.id());
                }
            }
        }
        join(stopped);
    }

    @Override
    public void send(BrokerRequest request, Consumer<Map<TopicPartition, Errors>> onResponse) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(onResponse, "onResponse");
        BrokerSender sender;
        synchronized (this) {
            sender = senders.get(request.brokerId());
            if (sender != null) {
                sender.enqueue(request, onResponse);
            }
        }
        if (sender == null) {
            LOG.debug("Dropping {} for broker {}, which is not live", ControlMessageType.of(request),
                request.brokerId());
        }
    }

    /** The brokers with a running sender, in id order. */
    public synchronized Set<Integer> brokerIds() {
        return new TreeSet<>(senders.keySet());
    }

    /** Requests queued for {@code brokerId} and not yet being sent (0 for an unknown broker). */
    public synchronized int queueSize(int brokerId) {
        BrokerSender sender = senders.get(brokerId);
        return sender == null ? 0 : sender.queueSize();
    }

    @Override
    public void close() {
        List<BrokerSender> stopped;
        synchronized (this) {
            closed = true;
            stopped = new ArrayList<>(senders.values());
            senders.clear();
            stopped.forEach(BrokerSender::initiateShutdown);
        }
        join(stopped);
    }

    /** Outside the lock: a sender may be in a response callback that calls into the channel. */
    private static void join(List<BrokerSender> stopped) {
        for (BrokerSender sender : stopped) {
            sender.awaitShutdown();
            LOG.info("Control-plane sender to broker {} stopped", sender.broker().id());
        }
    }
}
