package io.weir.broker.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.common.Time;

/**
 * The controller's sender to one broker (Kafka's {@code RequestSendThread}): takes requests from
 * an unbounded FIFO queue, sends one, waits for its response, reports the per-partition errors,
 * then the next. On an I/O or protocol error it reconnects after a backoff (100 ms doubling to
 * 1 s) and resends the same request, until it is stopped.
 *
 * <p>Thread-safe: {@link #enqueue} and {@link #initiateShutdown} may be called from any thread;
 * everything else runs on the sender's own thread.
 */
final class BrokerSender {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerSender.class);
    static final long INITIAL_BACKOFF_MS = 100L;
    static final long MAX_BACKOFF_MS = 1_000L;

    /** How senders connect; shared by all senders of a channel. */
    record Config(Time time, int connectTimeoutMs, int requestTimeoutMs, int maxFrameBytes) {
    }

    private record QueuedRequest(BrokerRequest request, Consumer<Map<TopicPartition, Errors>> onResponse) {
    }

    private final LiveBroker broker;
    private final Config config;
    private final BlockingQueue<QueuedRequest> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile BlockingControlConnection connection;
    private int nextCorrelationId;
    private boolean failing;

    BrokerSender(LiveBroker broker, Config config) {
        this.broker = broker;
        this.config = config;
        this.thread = new Thread(this::run, threadName(broker.id()));
    }

    static String threadName(int brokerId) {
        return "weir-control-sender-" + brokerId;
    }

    LiveBroker broker() {
        return broker;
    }

    void start() {
        thread.start();
    }

    void enqueue(BrokerRequest request, Consumer<Map<TopicPartition, Errors>> onResponse) {
        queue.add(new QueuedRequest(request, onResponse));
    }

    int queueSize() {
        return queue.size();
    }

    /** Drops the queue and unblocks the thread wherever it waits; {@link #awaitShutdown()} joins it. */
    void initiateShutdown() {
        running = false;
        queue.clear();
        BlockingControlConnection current = connection;
        if (current != null) {
            current.close();
        }
        thread.interrupt();
    }

    /** Joins the thread, unless called on it (a response callback that removed its own broker). */
    void awaitShutdown() {
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running) {
                QueuedRequest next = queue.take();
                if (!running) {
                    break;
                }
                Map<TopicPartition, Errors> errors = sendUntilAnswered(next.request());
                if (errors == null) {
                    continue;
                }
                try {
                    next.onResponse().accept(errors);
                } catch (RuntimeException e) {
                    LOG.error("Response callback for {} to broker {} failed", name(next.request()), broker.id(), e);
                }
            }
        } catch (InterruptedException e) {
            // initiateShutdown
        } finally {
            disconnect();
        }
    }

    /**
     * The broker's errors per partition; null if the sender stopped first or the request cannot
     * be sent at all (then it is logged and dropped: resending could never succeed).
     */
    private Map<TopicPartition, Errors> sendUntilAnswered(BrokerRequest request) {
        int correlationId = nextCorrelationId++;
        ControlMessageType type = ControlMessageType.of(request);
        ByteBuffer frame;
        try {
            frame = ControlCodec.encode(correlationId, request);
        } catch (IllegalArgumentException e) {
            LOG.error("Dropping {} to broker {}: it cannot be encoded ({})", name(request), broker.id(), e.toString());
            return null;
        }
        if (frame.remaining() - ControlCodec.SIZE_FIELD_BYTES > config.maxFrameBytes()) {
            LOG.error("Dropping {} to broker {}: {} bytes is over the {} byte frame limit", name(request),
                broker.id(), frame.remaining(), config.maxFrameBytes());
            return null;
        }
        long backoffMs = INITIAL_BACKOFF_MS;
        while (running) {
            try {
                BlockingControlConnection current = connected();
                ControlResponse response = (ControlResponse) current.roundTrip(frame.duplicate(), correlationId,
                    type.responseType(), config.requestTimeoutMs());
                if (failing) {
                    failing = false;
                    LOG.info("Control-plane connection to broker {} works again", broker.id());
                }
                return partitionErrors(request, response);
            } catch (IOException e) {
                disconnect();
                if (!running) {
                    break;
                }
                logFailure(request, e);
                config.time().sleep(backoffMs);
                backoffMs = Math.min(2 * backoffMs, MAX_BACKOFF_MS);
            }
        }
        return null;
    }

    private BlockingControlConnection connected() throws IOException {
        BlockingControlConnection current = connection;
        if (current != null) {
            return current;
        }
        Optional<EndpointInfo> endpoint = ControlPlane.find(broker.endpoints());
        if (endpoint.isEmpty()) {
            throw new IOException("broker " + broker.id() + " registered no " + ControlPlane.LISTENER_NAME
                + " endpoint");
        }
        current = new BlockingControlConnection(config.time(), config.maxFrameBytes());
        connection = current;
        if (!running) {
            // initiateShutdown ran before the connection was published: it could not close it.
            current.close();
            throw new IOException("sender stopped");
        }
        current.connect(endpoint.get().host(), endpoint.get().port(), config.connectTimeoutMs());
        return current;
    }

    private void disconnect() {
        BlockingControlConnection current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
    }

    private void logFailure(BrokerRequest request, IOException e) {
        if (!failing) {
            failing = true;
            LOG.warn("Cannot send {} to broker {} ({}), retrying with backoff up to {} ms", name(request),
                broker.id(), e.toString(), MAX_BACKOFF_MS);
        } else {
            LOG.debug("Still cannot send {} to broker {}: {}", name(request), broker.id(), e.toString());
        }
    }

    /**
     * The response's errors per partition. A top-level error applies to every partition the
     * request names that the response does not (Kafka's error response lists them all).
     */
    private Map<TopicPartition, Errors> partitionErrors(BrokerRequest request, ControlResponse response) {
        if (response.error() == Errors.NONE) {
            return response.partitionErrors();
        }
        LOG.warn("Broker {} answered {} with {}", broker.id(), name(request), response.error().name());
        Map<TopicPartition, Errors> errors = new HashMap<>(response.partitionErrors());
        for (TopicPartition partition : partitions(request)) {
            errors.putIfAbsent(partition, response.error());
        }
        return Map.copyOf(errors);
    }

    private static List<TopicPartition> partitions(BrokerRequest request) {
        if (request instanceof BrokerRequest.LeaderAndIsrRequest leaderAndIsr) {
            return leaderAndIsr.partitions().stream().map(BrokerRequest.PartitionInfo::partition).toList();
        }
        if (request instanceof BrokerRequest.StopReplicaRequest stopReplica) {
            return stopReplica.partitions().stream().map(BrokerRequest.StopReplicaPartition::partition).toList();
        }
        return List.of();
    }

    private static String name(BrokerRequest request) {
        return ControlMessageType.of(request).name();
    }
}
