package io.weir.coordinator.group;

import io.weir.common.MockTime;
import io.weir.coordinator.common.CoordinatorResult;
import io.weir.coordinator.common.CoordinatorTimer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link CoordinatorTimer} on a {@link MockTime}: due timers fire, in due order, when the test
 * calls {@link #poll()}, and their results go to the given sink. No threads.
 *
 * <p>Not thread-safe.
 */
final class MockCoordinatorTimer implements CoordinatorTimer {

    private record Entry(long deadlineMs, long seq, TimerTask task) {
    }

    private final MockTime time;
    private final Map<String, Entry> timers = new HashMap<>();
    private long seq;

    MockCoordinatorTimer(MockTime time) {
        this.time = time;
    }

    @Override
    public void schedule(String key, long delayMs, TimerTask task) {
        timers.put(key, new Entry(time.milliseconds() + delayMs, seq++, task));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    long deadline(String key) {
        Entry e = timers.get(key);
        return e == null ? -1 : e.deadlineMs();
    }

    /** Fires every due timer, earliest first, handing each result to {@code sink}. */
    void poll(Consumer<CoordinatorResult<Void>> sink) {
        while (true) {
            Map.Entry<String, Entry> due = timers.entrySet().stream()
                    .filter(e -> e.getValue().deadlineMs() <= time.milliseconds())
                    .min((a, b) -> a.getValue().deadlineMs() != b.getValue().deadlineMs()
                            ? Long.compare(a.getValue().deadlineMs(), b.getValue().deadlineMs())
                            : Long.compare(a.getValue().seq(), b.getValue().seq()))
                    .orElse(null);
            if (due == null) {
                return;
            }
            timers.remove(due.getKey());
            sink.accept(due.getValue().task().run(time.milliseconds()));
        }
    }
}
