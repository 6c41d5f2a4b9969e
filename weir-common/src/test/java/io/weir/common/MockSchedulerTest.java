package io.weir.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import org.junit.jupiter.api.Test;

class MockSchedulerTest {

    @Test
    void runsDueTasksInOrderWhenTimeAdvances() {
        MockTime time = new MockTime();
        MockScheduler scheduler = new MockScheduler(time);
        List<String> ran = new ArrayList<>();
        scheduler.schedule("periodic", () -> ran.add("p"), 100, 100);
        scheduler.scheduleOnce("once", () -> ran.add("o"), 150);

        time.advance(99);
        assertThat(ran).isEmpty();
        time.advance(1);
        assertThat(ran).containsExactly("p");
        time.advance(100);
        assertThat(ran).containsExactly("p", "o", "p");
        time.advance(1000);
        assertThat(ran).hasSize(13);
    }

    @Test
    void cancelledTaskDoesNotRun() {
        MockTime time = new MockTime();
        MockScheduler scheduler = new MockScheduler(time);
        List<String> ran = new ArrayList<>();
        ScheduledFuture<?> f = scheduler.schedule("periodic", () -> ran.add("p"), 10, 10);
        time.advance(10);
        f.cancel(false);
        time.advance(100);
        assertThat(ran).containsExactly("p");
        assertThat(scheduler.pendingTasks()).isZero();
    }
}
