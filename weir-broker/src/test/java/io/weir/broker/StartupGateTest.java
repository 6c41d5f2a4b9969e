package io.weir.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Requests that arrive during start-up wait for it to finish, then are handled in full. */
@Timeout(30)
class StartupGateTest {

    @Test
    void requestsWaitUntilTheGateOpens() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        StartupGate gate = new StartupGate(request -> handled.incrementAndGet());
        CompletableFuture<Void> handling = new CompletableFuture<>();
        Thread handler = new Thread(() -> {
            try {
                gate.handle(null);
                handling.complete(null);
            } catch (Exception e) {
                handling.completeExceptionally(e);
            }
        });
        handler.start();
        try {
            while (handler.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // parked on the gate
            }
            assertThat(handled).hasValue(0);

            gate.open();

            handling.get(10, TimeUnit.SECONDS);
            assertThat(handled).hasValue(1);
            gate.handle(null); // open for good
            assertThat(handled).hasValue(2);
        } finally {
            gate.open();
            handler.join();
        }
    }
}
