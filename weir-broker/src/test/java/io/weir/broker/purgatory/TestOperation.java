package io.weir.broker.purgatory;

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
