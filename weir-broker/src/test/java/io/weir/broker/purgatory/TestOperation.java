package io.weir.broker.purgatory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A delayed operation that completes once {@link #ready} is set; counts its callbacks. */
class TestOperation extends DelayedOperation {

    final AtomicInteger completions = new AtomicInteger();
    final AtomicInteger expirations = new AtomicInteger();
    final AtomicInteger tries = new AtomicInteger();
    volatile boolean ready;
    volatile long completedAtMs = -1;
    private final Runnable onCompleteHook;

    TestOperation(long delayMs) {
        this(delayMs, () -> { });
    }

    TestOperation(long delayMs, Runnable onCompleteHook) {
        super(delayMs);
        this.onCompleteHook = onCompleteHook;
    }

    /** The keys of the events this operation was tried on. */
    final List<Object> triedFor = new CopyOnWriteArrayList<>();
    /** An event on this key alone completes the operation. */
    volatile Object readyOn;

    @Override
    protected boolean tryCompleteFor(Object key) {
        triedFor.add(key);
        return key.equals(readyOn) ? forceComplete() : super.tryCompleteFor(key);
    }

    @Override
    public boolean tryComplete() {
        tries.incrementAndGet();
        return ready && forceComplete();
    }

    @Override
    public void onComplete() {
        completions.incrementAndGet();
        onCompleteHook.run();
    }

    @Override
    public void onExpiration() {
        expirations.incrementAndGet();
    }
}
