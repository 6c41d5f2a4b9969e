package io.weir.broker.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.weir.broker.Await;
import io.weir.common.MockTime;
import io.weir.common.Time;

@Timeout(60)
class SystemTimerTest {

    @Test
    void wheelRunsEveryTaskInTheStepItsDeadlinePassesAcrossLevels() {
        MockTime time = new MockTime();
        long startMs = time.hiResClockMs();
        List<long[]> ran = new ArrayList<>();
        try (SystemTimer timer = new SystemTimer("test", time, 1, 8, false)) {
            Random random = new Random(42);
            for (int i = 0; i < 2000; i++) {
                long delayMs = 1 + random.nextInt(20_000);
                timer.add(new TimerTask(delayMs) {
                    @Override
                    public void run() {
                        ran.add(new long[] {startMs + delayMs, time.hiResClockMs()});
                    }
                });
            }
            assertThat(timer.size()).isEqualTo(2000);
            while (time.hiResClockMs() - startMs < 21_000) {
                time.advance(1 + random.nextInt(50));
                long nowMs = time.hiResClockMs();
                int before = ran.size();
                timer.advanceClock(0);
                for (long[] r : ran.subList(before, ran.size())) {
                    assertThat(r[0]).isLessThanOrEqualTo(nowMs);
                }
                assertThat(timer.size()).isEqualTo(2000 - ran.size());
            }
        }
        assertThat(ran).hasSize(2000);
        // A task runs in the first advance after its deadline, so deadlines and run times agree in order.
        for (int i = 1; i < ran.size(); i++) {
            assertThat(ran.get(i)[1]).isGreaterThanOrEqualTo(ran.get(i - 1)[1]);
        }
    }

    @Test
    void cancelledTasksDoNotRun() {
        MockTime time = new MockTime();
        AtomicInteger runs = new AtomicInteger();
        try (SystemTimer timer = new SystemTimer("test", time, 1, 20, false)) {
            TimerTask task = new TimerTask(10) {
                @Override
                public void run() {
                    runs.incrementAndGet();
                }
            };
            timer.add(task);
            task.cancel();
            assertThat(timer.size()).isZero();
            time.advance(100);
            timer.advanceClock(0);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void reaperExpiresDelayedOperationsInRealTime() throws Exception {
        try (SystemTimer timer = new SystemTimer("real", Time.SYSTEM)) {
            DelayedOperationPurgatory<TestOperation> purgatory = new DelayedOperationPurgatory<>("real", timer);
            int count = 200;
            CountDownLatch expired = new CountDownLatch(count);
            List<TestOperation> ops = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TestOperation op = new TestOperation(i % 50) {
                    @Override
                    public void onExpiration() {
                        super.onExpiration();
                        expired.countDown(); // after onComplete, the last callback of an expiry
                    }
                };
                ops.add(op);
                purgatory.tryCompleteElseWatch(op, List.of("p" + (i % 5)));
            }
            assertThat(expired.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ops).allSatisfy(op -> assertThat(op.expirations).hasValue(1));
            assertThat(purgatory.numDelayed()).isZero();
            assertThat(timer.size()).isZero();
            purgatory.shutdown();
        }
    }

    @Test
    void anIdleReaperWaitsWithoutATimeoutAndWakesForANewTask() throws Exception {
        try (SystemTimer timer = new SystemTimer("idle-timer", Time.SYSTEM)) {
            Thread reaper = Await.thread("idle-timer-reaper").orElseThrow();
            // No periodic poll: with nothing in the wheel the reaper parks until signalled.
            Await.until("reaper parked without a deadline", () -> reaper.getState() == Thread.State.WAITING);
            CountDownLatch ran = new CountDownLatch(1);
            timer.add(new TimerTask(20) {
                @Override
                public void run() {
                    ran.countDown();
                }
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            Await.until("reaper parked again", () -> reaper.getState() == Thread.State.WAITING);
        }
    }
}
