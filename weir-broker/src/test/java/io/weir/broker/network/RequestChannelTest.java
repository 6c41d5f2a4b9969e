package io.weir.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.Unpooled;

import io.weir.broker.Await;

/** The request queue between network and handler threads: bounded, and no request waits for a handler that sleeps. */
@Timeout(60)
class RequestChannelTest {

    /** Longer than any test may take: a handler that misses its wake-up makes the test time out. */
    private static final long PARK_MS = 600_000L;

    private static final ConnectionInfo CONNECTION = TestRequests.CONNECTION;
    private static final RequestCompletion IGNORED = TestRequests.IGNORED;
    private static final RequestParser PARSER = new RequestParser((api, version) -> api.isVersionSupported(version));

    private static Request request(int correlationId) {
        try {
            byte[] frame = Frames.metadata((short) 12, correlationId, "t"); // size, then the frame
            return PARSER.parse(Unpooled.wrappedBuffer(frame, 4, frame.length - 4), CONNECTION, 0L, IGNORED);
        } catch (RequestParser.InvalidFrameException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void offersBeyondQueuedMaxRequestsAreRefusedAndAWaiterRunsOnceATakeMakesRoom() throws Exception {
        RequestChannel channel = new RequestChannel(2);
        assertThat(channel.offer(request(1))).isTrue();
        assertThat(channel.offer(request(2))).isTrue();
        assertThat(channel.isFull()).isTrue();
        assertThat(channel.offer(request(3))).isFalse();
        assertThat(channel.size()).isEqualTo(2);

        AtomicInteger woken = new AtomicInteger();
        channel.whenSpace(woken::incrementAndGet);
        assertThat(woken).as("no room yet").hasValue(0);
        assertThat(channel.receive(0).correlationId()).isEqualTo(1);
        assertThat(woken).as("the take made room").hasValue(1);
        assertThat(channel.offer(request(3))).isTrue();
        assertThat(channel.receive(0).correlationId()).isEqualTo(2);
        assertThat(channel.receive(0).correlationId()).isEqualTo(3);
        assertThat(channel.receive(0)).as("empty after the park timeout").isNull();
    }

    @Test
    void aParkedHandlerIsWokenByTheNextRequest() throws Exception {
        RequestChannel channel = new RequestChannel(4);
        AtomicReference<Request> taken = new AtomicReference<>();
        CountDownLatch receiving = new CountDownLatch(1);
        Thread handler = new Thread(() -> {
            receiving.countDown();
            try {
                taken.set(channel.receive(PARK_MS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        handler.start();
        try {
            receiving.await();
            Await.until("the handler parks", () -> handler.getState() == Thread.State.TIMED_WAITING);
            channel.offer(request(7));
            handler.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(taken.get()).isNotNull();
            assertThat(taken.get().correlationId()).isEqualTo(7);
        } finally {
            handler.interrupt();
            handler.join();
        }
    }

    @Test
    void noRequestWaitsForAHandlerThatMissedItsWakeUp() throws Exception {
        // One request at a time, each at a random moment of the handlers' poll-then-park cycle:
        // a request whose wake-up is lost stays queued and the wait for it times out.
        for (int seed = 0; seed < 3; seed++) {
            RequestChannel channel = new RequestChannel(64);
            Set<Integer> taken = ConcurrentHashMap.newKeySet();
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService handlers = Executors.newFixedThreadPool(2);
            try {
                for (int h = 0; h < 2; h++) {
                    handlers.submit(() -> {
                        while (!done.get()) {
                            Request r = channel.receive(PARK_MS);
                            if (r != null) {
                                taken.add(r.correlationId());
                            }
                        }
                        return null;
                    });
                }
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < 2_000; i++) {
                    int id = i;
                    for (int pause = random.nextInt(2_000); pause > 0; pause--) {
                        Thread.onSpinWait();
                    }
                    assertThat(channel.offer(request(id))).isTrue();
                    Await.until("request " + id + " taken (seed " + seed + ")",
                        java.time.Duration.ofSeconds(10), () -> taken.contains(id));
                }
            } finally {
                done.set(true);
                handlers.shutdownNow();
                assertThat(handlers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
