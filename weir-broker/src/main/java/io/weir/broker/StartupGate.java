package io.weir.broker;

import java.util.concurrent.CountDownLatch;

import io.weir.broker.network.ApiRequestHandler;
import io.weir.broker.network.Request;

/**
 * Holds client requests until start-up is done: the listener is bound early (its port goes into
 * the broker's registration), but, as Kafka enables request processing only at the end of its
 * start-up, nothing is handled before this broker is registered and has the controller's first
 * metadata. A client that connects the moment the port opens (kcat in CI did) would otherwise see
 * a broker that knows no live broker, and auto-creating its topic failed with
 * INVALID_REPLICATION_FACTOR. Requests wait in the request queue meanwhile.
 *
 * <p>Thread-safe; only request handler threads wait, and only during start-up.
 */
final class StartupGate implements ApiRequestHandler {

    private final ApiRequestHandler next;
    private final CountDownLatch open = new CountDownLatch(1);

    StartupGate(ApiRequestHandler next) {
        this.next = next;
    }

    /** Lets requests through, now and from now on (end of start-up, or shutdown). */
    void open() {
        open.countDown();
    }

    /** True once requests go through without waiting. */
    boolean isOpen() {
        return open.getCount() == 0;
    }

    @Override
    public void handle(Request request) throws Exception {
        open.await();
        next.handle(request);
    }
}
