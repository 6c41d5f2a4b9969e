package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.weir.broker.Await;

/** A real SocketServer on 127.0.0.1 driven by raw sockets. */
@Timeout(120)
class SocketServerTest {

    private static final short METADATA_VERSION = 12;

    private static ServerFixture server(TestApis apis, java.util.function.UnaryOperator<ServerFixture.ConfigBuilder> tweak) {
        return new ServerFixture(ServerFixture.config(b -> tweak.apply(b.maxRequestBytes(4096))), apis, 2, true);
    }

    /** A server whose network threads handle Metadata themselves. */
    private static ServerFixture inlineServer(TestApis apis) {
        return new ServerFixture(ServerFixture.config(b -> b.maxRequestBytes(4096)), apis, 2, true,
            io.weir.common.Time.SYSTEM, RequestDoneListener.NONE,
            new InlineHandling(java.util.Set.of(ApiKeys.METADATA), apis, () -> true));
    }

    @Test
    void inlineAnswersToPipelinedRequestsFollowRequestOrder() throws Exception {
        AtomicInteger handledOffNetworkThreads = new AtomicInteger();
        TestApis apis = new TestApis();
        apis.override(ApiKeys.METADATA, request -> {
            if (!Thread.currentThread().getName().startsWith("weir-network-thread")) {
                handledOffNetworkThreads.incrementAndGet();
            }
            request.sendResponse(TestApis.metadata(request.body(MetadataRequest.class)));
        });
        try (ServerFixture server = inlineServer(apis)) {
            pipelineFromFourClients(server, 200);
        }
        assertThat(handledOffNetworkThreads).hasValue(0);
    }

    @Test
    void inlineRequestsSentBeforeTheClientClosedAreStillHandledInOrder() throws Exception {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        TestApis apis = new TestApis();
        apis.override(ApiKeys.METADATA, request -> {
            handled.add(request.correlationId());
            request.noResponse(); // as acks=0: a response to a closed client would be reset
        });
        try (ServerFixture server = inlineServer(apis)) {
            sendTwentyCloseAndAwaitThemHandled(server, handled);
        }
    }

    /** Sends 20 Metadata requests in one write, closes, and checks that all were handled, in order. */
    private static void sendTwentyCloseAndAwaitThemHandled(ServerFixture server, List<Integer> handled)
            throws Exception {
        try (TestClient client = server.client()) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                all.writeBytes(Frames.metadata(METADATA_VERSION, i, "t" + i));
            }
            client.send(all.toByteArray());
        }
        Await.until("all 20 requests handled", () -> handled.size() == 20);
        assertThat(handled).isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList());
        Await.until("the connection is gone", () -> server.server.connectionCount() == 0);
    }

    static Stream<Arguments> badRequests() {
        return Stream.concat(RequestCodecTest.badFrames(), Stream.of(
            Arguments.of("frame cut short, then EOF", new byte[] {0, 0, 0, 100, 0, 18, 0, 3})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestClosesOnlyThatConnection(String name, byte[] bytes) throws Exception {
        try (ServerFixture server = server(new TestApis(), b -> b);
             TestClient bystander = server.client();
             TestClient bad = server.client()) {
            bystander.assertWorks();
            bad.send(bytes);
            if (name.startsWith("frame cut short")) {
                bad.socket().shutdownOutput();
            }
            bad.assertClosedByServer();
            bystander.assertWorks();
            try (TestClient good = server.client()) {
                good.assertWorks();
            }
        }
    }

    @Test
    void tooNewApiVersionsGetsV0UnsupportedVersionAndTheConnectionStaysUsable() throws Exception {
        try (ServerFixture server = server(new TestApis(), b -> b); TestClient client = server.client()) {
            client.send(Frames.apiVersions((short) (TestApis.MAX_API_VERSIONS + 1), 31));
            TestClient.Response response = client.receive(ApiKeys.API_VERSIONS, (short) 0);
            assertThat(response.correlationId()).isEqualTo(31);
            ApiVersionsResponse body = (ApiVersionsResponse) response.body();
            assertThat(body.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(body.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion())
                .isEqualTo(TestApis.MAX_API_VERSIONS);
            client.assertWorks();
        }
    }

    @Test
    void thousandConnectionsOpenedAndDroppedThenTheServerStillAnswers() throws Exception {
        try (ServerFixture server = server(new TestApis(), b -> b)) {
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    TestClient client = server.client();
                    clients.add(client);
                    if (i % 3 == 1) {
                        client.send(new byte[] {0, 0, 0, 50, 0, 3}); // half a frame
                    } else if (i % 3 == 2) {
                        client.socket().setSoLinger(true, 0); // close with a reset
                    }
                }
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
            Await.until("all connections closed", () -> server.server.connectionCount() == 0);
            try (TestClient client = server.client()) {
                client.assertWorks();
            }
        }
    }

    @Test
    void responsesFollowRequestOrderPerConnectionWhileTheHandlerCompletesOutOfOrder() throws Exception {
        ScheduledExecutorService completer = Executors.newScheduledThreadPool(4);
        ConcurrentHashMap<String, AtomicInteger> inBroker = new ConcurrentHashMap<>();
        AtomicInteger maxInBrokerPerConnection = new AtomicInteger();
        List<Integer> completionOrder = new CopyOnWriteArrayList<>();
        TestApis apis = new TestApis().override(ApiKeys.METADATA, request -> {
            int now = inBroker.computeIfAbsent(request.connectionId(), k -> new AtomicInteger()).incrementAndGet();
            maxInBrokerPerConnection.accumulateAndGet(now, Math::max);
            completer.schedule(() -> {
                inBroker.get(request.connectionId()).decrementAndGet();
                completionOrder.add(request.correlationId());
                request.sendResponse(TestApis.metadata(request.body(MetadataRequest.class)));
            }, ThreadLocalRandom.current().nextInt(5), TimeUnit.MILLISECONDS);
        });
        try (ServerFixture server = server(apis, b -> b)) {
            pipelineFromFourClients(server, 50);
        } finally {
            completer.shutdownNow();
        }
        assertThat(maxInBrokerPerConnection).hasValue(1);
        assertThat(completionOrder).hasSize(200).isNotEqualTo(completionOrder.stream().sorted().toList());
    }

    /** Four clients, each pipelining {@code count} Metadata requests and checking its answers' order. */
    private static void pipelineFromFourClients(ServerFixture server, int count) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int base = c * 1000;
                results.add(clients.submit(() -> pipelineAndCheckOrder(server, base, count)));
            }
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static Void pipelineAndCheckOrder(ServerFixture server, int base, int count) throws IOException {
        try (TestClient client = server.client()) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < count; i++) {
                all.writeBytes(Frames.metadata(METADATA_VERSION, base + i, "topic-" + (base + i)));
            }
            client.send(all.toByteArray());
            for (int i = 0; i < count; i++) {
                TestClient.Response response = client.receive(ApiKeys.METADATA, METADATA_VERSION);
                assertThat(response.correlationId()).isEqualTo(base + i);
                MetadataResponse body = (MetadataResponse) response.body();
                assertThat(body.data().topics()).extracting(MetadataResponseTopic::name)
                    .containsExactly("topic-" + (base + i));
            }
        }
        return null;
    }

    @Test
    void requestsSentBeforeTheClientClosedAreStillHandledInOrder() throws Exception {
        // An acks=0 producer sends and closes at once (its requests get no responses, so the close
        // is a FIN after the data); Kafka still handles what it received.
        List<Integer> handled = new CopyOnWriteArrayList<>();
        TestApis apis = new TestApis().override(ApiKeys.METADATA, request -> {
            handled.add(request.correlationId());
            request.noResponse();
        });
        try (ServerFixture server = server(apis, b -> b)) {
            sendTwentyCloseAndAwaitThemHandled(server, handled);
            try (TestClient client = server.client()) {
                client.assertWorks();
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (ServerFixture server = server(new TestApis(), b -> b.idleMs(200));
             TestClient client = server.client()) {
            client.assertWorks();
            client.assertClosedByServer();
            Await.until("connection count back to 0", () -> server.server.connectionCount() == 0);
        }
    }

    @Test
    void maxConnectionsIsEnforced() throws Exception {
        try (ServerFixture server = server(new TestApis(), b -> b.maxConnections(3))) {
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(server.client());
                    clients.get(i).assertWorks();
                }
                try (TestClient excess = server.client()) {
                    excess.assertClosedByServer();
                }
                clients.remove(0).close();
                Await.until("a slot to free up", () -> server.server.connectionCount() < 3);
                try (TestClient again = server.client()) {
                    again.assertWorks();
                }
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void fullRequestQueuePausesReadingInsteadOfBuffering() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch handling = new CountDownLatch(1);
        AtomicInteger maxQueued = new AtomicInteger();
        AtomicReference<ServerFixture> fixture = new AtomicReference<>();
        TestApis apis = new TestApis().override(ApiKeys.METADATA, request -> {
            maxQueued.accumulateAndGet(fixture.get().server.requestQueueSize(), Math::max);
            handling.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            request.sendResponse(TestApis.metadata(request.body(MetadataRequest.class)));
        });
        try (ServerFixture server = new ServerFixture(
                ServerFixture.config(b -> b.queuedMaxRequests(1)), apis, 1, true)) {
            fixture.set(server);
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    TestClient client = server.client();
                    clients.add(client);
                    client.send(Frames.metadata(METADATA_VERSION, i, "t" + i));
                }
                // The one handler holds a request, so the queue stays full until the release
                // (before that, the queue could be full with the first request only for a moment).
                Await.until("the handler busy, the queue full and connections waiting",
                    () -> handling.getCount() == 0 && server.requestChannel.size() == 1
                        && server.requestChannel.waiting() > 0);
                assertThat(server.server.requestQueueSize()).isEqualTo(1);
                release.countDown();
                for (int i = 0; i < clients.size(); i++) {
                    assertThat(clients.get(i).receive(ApiKeys.METADATA, METADATA_VERSION).correlationId()).isEqualTo(i);
                }
                clients.get(0).assertWorks();
            } finally {
                release.countDown();
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
        assertThat(maxQueued.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void handlerExceptionIsAnsweredWithTheApisErrorResponse() throws Exception {
        TestApis apis = new TestApis().override(ApiKeys.METADATA, request -> {
            throw new IllegalStateException("boom");
        });
        try (ServerFixture server = server(apis, b -> b); TestClient client = server.client()) {
            client.send(Frames.metadata(METADATA_VERSION, 3, "t"));
            MetadataResponse response = (MetadataResponse) client.receive(ApiKeys.METADATA, METADATA_VERSION).body();
            assertThat(response.data().topics()).extracting(MetadataResponseTopic::errorCode)
                .containsExactly(Errors.UNKNOWN_SERVER_ERROR.code());
            client.assertWorks();
        }
    }

    @Test
    void shutdownClosesConnectionsWithRequestsInFlightAndLateResponsesAreDropped() throws Exception {
        AtomicReference<Request> parked = new AtomicReference<>();
        TestApis apis = new TestApis().override(ApiKeys.METADATA, parked::set);
        ServerFixture server = server(apis, b -> b);
        try (TestClient client = server.client()) {
            client.send(Frames.metadata(METADATA_VERSION, 1, "t"));
            Await.until("request parked", () -> parked.get() != null);
            server.close();
            client.assertClosedByServer();
            assertThat(parked.get().isConnectionOpen()).isFalse();
            parked.get().sendResponse(TestApis.metadata(parked.get().body(MetadataRequest.class)));
        } finally {
            server.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
            && (t.getName().startsWith("weir-network-thread") || t.getName().startsWith("weir-acceptor")
                || t.getName().startsWith("weir-request-handler")));
    }

    @Test
    void startupFailsCleanlyWhenThePortIsTaken() throws Exception {
        try (ServerFixture first = server(new TestApis(), b -> b)) {
            SocketServerConfig clash = new SocketServerConfig(
                List.of(new Endpoint(ServerFixture.LISTENER, "127.0.0.1", first.port())), 1, 4, 4096, 10, 60_000L, -1, -1);
            SocketServer second = new SocketServer(clash, new RequestChannel(4), new TestApis(), io.weir.common.Time.SYSTEM);
            org.assertj.core.api.Assertions.assertThatThrownBy(second::startup)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Cannot bind listener PLAINTEXT");
            second.shutdown();
            try (TestClient client = first.client()) {
                client.assertWorks();
            }
        }
    }
}
