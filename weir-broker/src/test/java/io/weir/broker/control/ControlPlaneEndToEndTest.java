package io.weir.broker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.broker.Await;
import io.weir.cluster.controller.BrokerRequest;
import io.weir.cluster.controller.ControllerResponse.ControlledShutdownResponse;
import io.weir.cluster.controller.LiveBroker;
import io.weir.cluster.zk.EndpointInfo;
import io.weir.common.Time;

/** Servers, the controller's channel and the broker's client over loopback sockets. */
@Timeout(30)
class ControlPlaneEndToEndTest {

    private static final String HOST = "127.0.0.1";
    private static final int TIMEOUT_MS = 5_000;

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    @AfterEach
    void tearDown() {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                throw new AssertionError("close failed", e);
            }
        }
        assertThat(Await.threadAlive("weir-control-")).as("control-plane threads left").isFalse();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    private ControlPlaneServer startServer(int port, RecordingHandler handler) {
        ControlPlaneServer server = closeLater(new ControlPlaneServer(HOST, port, handler, 1024 * 1024));
        server.startup();
        return server;
    }

    private BrokerControllerChannel channel(Time time) {
        return closeLater(new BrokerControllerChannel(time, TIMEOUT_MS, TIMEOUT_MS, 1024 * 1024));
    }

    private static LiveBroker broker(int id, int controlPort) {
        return ControlSamples.broker(id, controlPort);
    }

    /** A loopback port nothing listens on (for now). */
    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private record Answer(int brokerId, String request, Map<TopicPartition, Errors> errors) {
    }

    @Test
    void requestsReachEachBrokerInOrderAndAnswersComeBack() {
        RecordingHandler handler1 = new RecordingHandler();
        RecordingHandler handler2 = new RecordingHandler();
        handler2.answer = request -> request instanceof BrokerRequest.StopReplicaRequest
            ? new ControlResponse(Errors.NONE, Map.of(ControlSamples.ORDERS_0, Errors.KAFKA_STORAGE_ERROR))
            : RecordingHandler.allNone(request);
        ControlPlaneServer server1 = startServer(0, handler1);
        ControlPlaneServer server2 = startServer(0, handler2);
        BrokerControllerChannel channel = channel(Time.SYSTEM);
        channel.onBrokersChanged(List.of(broker(1, server1.boundPort()), broker(2, server2.boundPort())));
        assertThat(channel.brokerIds()).containsExactly(1, 2);

        List<Answer> answers = new CopyOnWriteArrayList<>();
        for (int id = 1; id <= 2; id++) {
            for (BrokerRequest request : List.of(ControlSamples.leaderAndIsr(id), ControlSamples.updateMetadata(id),
                ControlSamples.stopReplica(id))) {
                int brokerId = id;
                channel.send(request, errors -> answers.add(
                    new Answer(brokerId, ControlMessageType.of(request).name(), errors)));
            }
        }
        Await.until("six answers", () -> answers.size() == 6);

        for (RecordingHandler handler : List.of(handler1, handler2)) {
            int id = handler == handler1 ? 1 : 2;
            assertThat(handler.received).containsExactly(ControlSamples.leaderAndIsr(id),
                ControlSamples.updateMetadata(id), ControlSamples.stopReplica(id));
        }
        Map<TopicPartition, Errors> leaderAndIsrErrors = Map.of(ControlSamples.ORDERS_0, Errors.NONE,
            ControlSamples.ORDERS_1, Errors.NONE);
        assertThat(answers.stream().filter(a -> a.brokerId() == 1)).containsExactly(
            new Answer(1, "LEADER_AND_ISR", leaderAndIsrErrors),
            new Answer(1, "UPDATE_METADATA", Map.of()),
            new Answer(1, "STOP_REPLICA", Map.of(ControlSamples.ORDERS_0, Errors.NONE,
                ControlSamples.UNICODE_7, Errors.NONE)));
        assertThat(answers.stream().filter(a -> a.brokerId() == 2)).containsExactly(
            new Answer(2, "LEADER_AND_ISR", leaderAndIsrErrors),
            new Answer(2, "UPDATE_METADATA", Map.of()),
            new Answer(2, "STOP_REPLICA", Map.of(ControlSamples.ORDERS_0, Errors.KAFKA_STORAGE_ERROR)));
    }

    /** Records every backoff sleep and holds it until the test lets it go. */
    private static final class GatedTime implements Time {
        final BlockingQueue<Long> sleeps = new LinkedBlockingQueue<>();
        final Semaphore permits = new Semaphore(0);

        @Override
        public long milliseconds() {
            return Time.SYSTEM.milliseconds();
        }

        @Override
        public long nanoseconds() {
            return Time.SYSTEM.nanoseconds();
        }

        @Override
        public void sleep(long ms) {
            sleeps.add(ms);
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long nextSleep() throws InterruptedException {
            Long ms = sleeps.poll(10, TimeUnit.SECONDS);
            assertThat(ms).as("a backoff sleep").isNotNull();
            return ms;
        }
    }

    @Test
    void aBrokerThatIsDownAtFirstGetsTheRequestOnceItStarts() throws Exception {
        int port = unusedPort();
        GatedTime time = new GatedTime();
        BrokerControllerChannel channel = channel(time);
        channel.onBrokersChanged(List.of(broker(1, port)));
        BlockingQueue<Map<TopicPartition, Errors>> answers = new LinkedBlockingQueue<>();
        channel.send(ControlSamples.updateMetadata(1), answers::add);

        List<Long> backoffs = new ArrayList<>();
        for (int attempt = 0; attempt < 6; attempt++) {
            backoffs.add(time.nextSleep());
            if (attempt < 5) {
                time.permits.release();
            }
        }
        assertThat(backoffs).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(answers).isEmpty();

        RecordingHandler handler = new RecordingHandler();
        startServer(port, handler);
        time.permits.release();
        assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of());
        assertThat(handler.received).containsExactly(ControlSamples.updateMetadata(1));
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void aRemovedBrokerGetsNoMoreRequestsAndItsSenderEnds() throws Exception {
        RecordingHandler handler1 = new RecordingHandler();
        RecordingHandler handler2 = new RecordingHandler();
        ControlPlaneServer server1 = startServer(0, handler1);
        ControlPlaneServer server2 = startServer(0, handler2);
        BrokerControllerChannel channel = channel(Time.SYSTEM);
        List<LiveBroker> both = List.of(broker(1, server1.boundPort()), broker(2, server2.boundPort()));
        channel.onBrokersChanged(both);

        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        handler2.answer = request -> {
            if (request instanceof BrokerRequest.LeaderAndIsrRequest) {
                inHandler.countDown();
                awaitQuietly(release);
            }
            return RecordingHandler.allNone(request);
        };
        List<String> answered = new CopyOnWriteArrayList<>();
        channel.send(ControlSamples.leaderAndIsr(2), errors -> answered.add("LEADER_AND_ISR"));
        channel.send(ControlSamples.stopReplica(2), errors -> answered.add("STOP_REPLICA"));
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(channel.queueSize(2)).isEqualTo(1);

        // Broker 2 leaves while its sender waits for an answer with one more request queued.
        channel.onBrokersChanged(List.of(both.get(0)));
        assertThat(Await.threadAlive(BrokerSender.threadName(2))).isFalse();
        assertThat(channel.brokerIds()).containsExactly(1);
        channel.send(ControlSamples.updateMetadata(2), errors -> answered.add("dropped"));
        release.countDown();

        // Broker 2 comes back: only what is sent from now on reaches it.
        channel.onBrokersChanged(both);
        BlockingQueue<Map<TopicPartition, Errors>> answers = new LinkedBlockingQueue<>();
        channel.send(ControlSamples.updateMetadata(2), answers::add);
        channel.send(ControlSamples.updateMetadata(1), answers::add);
        assertThat(answers.poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(answers.poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(handler2.received).containsExactly(ControlSamples.leaderAndIsr(2),
            ControlSamples.updateMetadata(2));
        assertThat(handler1.received).containsExactly(ControlSamples.updateMetadata(1));
        assertThat(answered).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailingHandlerAnswersUnknownServerErrorForEveryPartitionAndKeepsServing() {
        RecordingHandler handler = new RecordingHandler();
        handler.answer = request -> {
            if (request instanceof BrokerRequest.LeaderAndIsrRequest) {
                throw new IllegalStateException("handler bug (expected by the test)");
            }
            return ControlResponse.of(Errors.STALE_CONTROLLER_EPOCH);
        };
        ControlPlaneServer server = startServer(0, handler);
        BrokerControllerChannel channel = channel(Time.SYSTEM);
        channel.onBrokersChanged(List.of(broker(1, server.boundPort())));
        List<Map<TopicPartition, Errors>> answers = new CopyOnWriteArrayList<>();
        channel.send(ControlSamples.leaderAndIsr(1), answers::add);
        channel.send(ControlSamples.stopReplica(1), answers::add);
        Await.until("two answers", () -> answers.size() == 2);
        assertThat(answers.get(0)).isEqualTo(Map.of(ControlSamples.ORDERS_0, Errors.UNKNOWN_SERVER_ERROR,
            ControlSamples.ORDERS_1, Errors.UNKNOWN_SERVER_ERROR));
        assertThat(answers.get(1)).isEqualTo(Map.of(ControlSamples.ORDERS_0, Errors.STALE_CONTROLLER_EPOCH,
            ControlSamples.UNICODE_7, Errors.STALE_CONTROLLER_EPOCH));
    }

    @Test
    void closeStopsSendersThatAreRetrying() throws Exception {
        BrokerControllerChannel channel = channel(Time.SYSTEM);
        LiveBroker noControlEndpoint = new LiveBroker(4, List.of(), Optional.empty(), 1L);
        channel.onBrokersChanged(List.of(broker(3, unusedPort()), noControlEndpoint));
        channel.send(ControlSamples.stopReplica(3), errors -> {
            throw new AssertionError("broker 3 is down");
        });
        channel.send(ControlSamples.stopReplica(4), errors -> {
            throw new AssertionError("broker 4 has no control-plane endpoint");
        });
        Await.until("both requests taken", () -> channel.queueSize(3) == 0 && channel.queueSize(4) == 0);
        channel.close();
        assertThat(Await.threadAlive("weir-control-sender-")).isFalse();
        assertThat(channel.brokerIds()).isEmpty();
        channel.send(ControlSamples.stopReplica(3), errors -> {
            throw new AssertionError("closed");
        });
    }

    @Test
    void controlledShutdownRoundTrip() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ControlledShutdownResponse remaining = new ControlledShutdownResponse(Errors.NONE,
            Set.of(ControlSamples.ORDERS_0, ControlSamples.UNICODE_7));
        handler.shutdownAnswer = request -> CompletableFuture.supplyAsync(() -> remaining);
        ControlPlaneServer server = startServer(0, handler);
        EndpointInfo endpoint = ControlPlane.endpoint(HOST, server.boundPort());

        ControlledShutdownRequest request = new ControlledShutdownRequest(2, 77L);
        assertThat(ControlPlaneClient.controlledShutdown(endpoint, request, TIMEOUT_MS)).isEqualTo(remaining);
        assertThat(handler.received).containsExactly(request);

        handler.shutdownAnswer = r -> CompletableFuture.failedFuture(new IllegalStateException("expected"));
        assertThat(ControlPlaneClient.controlledShutdown(endpoint, request, TIMEOUT_MS, Time.SYSTEM))
            .isEqualTo(new ControlledShutdownResponse(Errors.UNKNOWN_SERVER_ERROR, Set.of()));
    }

    @Test
    void controlledShutdownFailsWithoutAnAnswer() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        handler.shutdownAnswer = request -> new CompletableFuture<>();
        ControlPlaneServer server = startServer(0, handler);
        EndpointInfo endpoint = ControlPlane.endpoint(HOST, server.boundPort());
        ControlledShutdownRequest request = new ControlledShutdownRequest(2, 77L);

        assertThatThrownBy(() -> ControlPlaneClient.controlledShutdown(endpoint, request, 200))
            .isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> ControlPlaneClient.controlledShutdown(ControlPlane.endpoint(HOST, unusedPort()),
            request, TIMEOUT_MS)).isInstanceOf(IOException.class);
    }

    @Test
    void serverCloseJoinsItsThreads() {
        ControlPlaneServer server = startServer(0, new RecordingHandler());
        assertThat(Await.threadAlive("weir-control-requests")).isTrue();
        assertThat(Await.threadAlive("weir-control-plane")).isTrue();
        server.close();
        server.close();
        assertThat(Await.threadAlive("weir-control-")).isFalse();
        assertThatThrownBy(server::startup).isInstanceOf(IllegalStateException.class);
    }
}
