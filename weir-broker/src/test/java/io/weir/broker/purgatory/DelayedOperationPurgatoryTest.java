package io.weir.broker.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.common.MockTime;

@Timeout(60)
class DelayedOperationPurgatoryTest {

    private MockTime time;
    private MockTimer timer;
    private DelayedOperationPurgatory<TestOperation> purgatory;

    @BeforeEach
    void setUp() {
        time = new MockTime();
        timer = new MockTimer(time);
        purgatory = new DelayedOperationPurgatory<>("test", timer, 10, true);
    }

    @AfterEach
    void tearDown() {
        purgatory.shutdown();
    }

    @Test
    void completesAtOnceWhenReady() {
        TestOperation op = new TestOperation(100);
        op.ready = true;
        assertThat(purgatory.tryCompleteElseWatch(op, List.of("a"))).isTrue();
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.watched()).isZero();
        assertThat(purgatory.numDelayed()).isZero();
        assertThat(timer.size()).isZero();
    }

    @Test
    void completesByEvent() {
        TestOperation op = new TestOperation(100);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of("a", "b"))).isFalse();
        assertThat(purgatory.numDelayed()).isEqualTo(1);
        assertThat(purgatory.watched()).isEqualTo(2);
        assertThat(purgatory.checkAndComplete("a")).isZero();

        op.ready = true;
        assertThat(purgatory.checkAndComplete("a")).isEqualTo(1);
        assertThat(purgatory.checkAndComplete("b")).isZero();
        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(0);
        assertThat(purgatory.numDelayed()).isZero();
        assertThat(purgatory.watched()).isZero();
        assertThat(purgatory.watchedKeys()).isZero();
        assertThat(timer.size()).isZero();
        time.advance(1000);
        assertThat(op.expirations).hasValue(0);
    }

    @Test
    void anOperationCompletedUnderOneKeyLeavesTheListsOfItsOtherKeys() {
        TestOperation op = new TestOperation(100);
        purgatory.tryCompleteElseWatch(op, List.of("busy", "idle-1", "idle-2"));
        TestOperation other = new TestOperation(100);
        purgatory.tryCompleteElseWatch(other, List.of("idle-1"));
        assertThat(purgatory.watched()).isEqualTo(4);

        op.ready = true;
        assertThat(purgatory.checkAndComplete("busy")).isEqualTo(1);

        // Nothing happened on the idle keys, and no purge ran (10 operations): only the other one is left.
        assertThat(purgatory.watched()).isEqualTo(1);
        other.ready = true;
        assertThat(purgatory.checkAndComplete("idle-1")).isEqualTo(1);
        assertThat(purgatory.watched()).isZero();
    }

    @Test
    void anEventTriesEachOperationWithTheKeyItHappenedOn() {
        TestOperation op = new TestOperation(100);
        op.readyOn = "b";
        purgatory.tryCompleteElseWatch(op, List.of("a", "b", "c"));

        assertThat(purgatory.checkAndComplete("a")).isZero();
        assertThat(purgatory.checkAndComplete("b")).as("what key b changed is enough").isEqualTo(1);
        assertThat(op.triedFor).containsExactly("a", "b");
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.watched()).isZero();
    }

    @Test
    void anOperationCompletedByTimeoutLeavesItsWatchLists() {
        TestOperation op = new TestOperation(100);
        purgatory.tryCompleteElseWatch(op, List.of("a", "b"));
        time.advance(100);
        assertThat(op.expirations).hasValue(1);
        assertThat(purgatory.watched()).isZero();
    }

    @Test
    void completesByTimeout() {
        TestOperation op = new TestOperation(100);
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        time.advance(99);
        assertThat(op.isCompleted()).isFalse();
        time.advance(1);
        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(1);
        assertThat(purgatory.numDelayed()).isZero();
        op.ready = true;
        assertThat(purgatory.checkAndComplete("a")).isZero();
        assertThat(op.completions).hasValue(1);
    }

    @Test
    void operationWithoutKeysOnlyTimesOut() {
        TestOperation op = new TestOperation(5);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of())).isFalse();
        assertThat(purgatory.watched()).isZero();
        time.advance(5);
        assertThat(op.expirations).hasValue(1);
    }

    @Test
    void manyOperationsExpireInDeadlineOrder() {
        List<Long> expiredDelays = new ArrayList<>();
        List<TestOperation> ops = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long delayMs = 1 + (i * 7919L) % 997;
            TestOperation[] self = new TestOperation[1];
            self[0] = new TestOperation(delayMs, () -> expiredDelays.add(self[0].delayMs()));
            ops.add(self[0]);
            purgatory.tryCompleteElseWatch(self[0], List.of("k" + (i % 7)));
        }
        for (int step = 0; step < 1000; step++) {
            time.advance(1);
        }
        assertThat(expiredDelays).hasSize(500).isSorted();
        assertThat(ops).allSatisfy(op -> assertThat(op.expirations).hasValue(1));
        assertThat(purgatory.numDelayed()).isZero();
    }

    @Test
    void completesExactlyOnceUnderRacingEventsAndTimeouts() throws Exception {
        int threads = 4;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                List<TestOperation> ops = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    TestOperation op = new TestOperation(10);
                    purgatory.tryCompleteElseWatch(op, List.of("x", "y"));
                    ops.add(op);
                }
                ops.forEach(op -> op.ready = true);
                CyclicBarrier start = new CyclicBarrier(threads + 1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String key = t % 2 == 0 ? "x" : "y";
                    results.add(pool.submit(() -> {
                        start.await();
                        return purgatory.checkAndComplete(key);
                    }));
                }
                start.await();
                time.advance(10);
                int byEvents = 0;
                for (Future<Integer> f : results) {
                    byEvents += f.get(10, TimeUnit.SECONDS);
                }
                int byTimeout = ops.stream().mapToInt(op -> op.expirations.get()).sum();
                assertThat(byEvents + byTimeout).isEqualTo(ops.size());
                assertThat(ops).allSatisfy(op -> assertThat(op.completions).hasValue(1));
            }
            assertThat(purgatory.numDelayed()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eventDuringWatchIsNotMissed() throws Exception {
        // tryComplete fails on the first call, then an event arrives before the second: the
        // operation must still complete (safeTryCompleteOrElse retries after watching).
        CountDownLatch done = new CountDownLatch(1);
        TestOperation op = new TestOperation(1000, done::countDown) {
            @Override
            public boolean tryComplete() {
                if (tries.incrementAndGet() == 1) {
                    ready = true;
                    return false;
                }
                return ready && forceComplete();
            }
        };
        assertThat(purgatory.tryCompleteElseWatch(op, List.of("a"))).isTrue();
        assertThat(done.getCount()).isZero();
        assertThat(purgatory.numDelayed()).isZero();
    }

    @Test
    void purgesEmptyWatchLists() {
        for (int i = 0; i < 1000; i++) {
            purgatory.tryCompleteElseWatch(new TestOperation(1), List.of("key-" + i));
            time.advance(1);
        }
        // Each add purges once purgeInterval (10) operations were watched since the last purge.
        assertThat(purgatory.watchedKeys()).isLessThanOrEqualTo(12);
        assertThat(purgatory.watched()).isZero();
        assertThat(purgatory.numDelayed()).isZero();
        purgatory.purgeCompleted();
        assertThat(purgatory.watched()).isZero();
        assertThat(purgatory.watchedKeys()).isZero();
    }

    @Test
    void rejectsOperationsAfterShutdown() {
        purgatory.shutdown();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> purgatory.tryCompleteElseWatch(new TestOperation(1), List.of("a")))
            .isInstanceOf(IllegalStateException.class);
    }
}
