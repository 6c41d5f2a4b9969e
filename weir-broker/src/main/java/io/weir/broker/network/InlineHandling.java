package io.weir.broker.network;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The requests a network thread handles itself, on the event loop that read them, instead of
 * queueing them for the request handler threads ({@code weir.network.inline.requests.enable}).
 * Only for APIs whose handling never waits on another thread: a produce appends to the page
 * cache and parks in the purgatory what must wait for replicas; a fetch takes a slice of a file
 * and parks in the purgatory what must wait for data. The network thread already does disk I/O
 * of the same kind when it sends a fetched file slice with sendfile. What it saves is the hand-off
 * to a handler thread and back: a queue, a futex park and unpark, and an eventfd wake-up of the
 * event loop per request.
 *
 * <p>Immutable; {@code open} is read on every request.
 */
public final class InlineHandling {

    /** Every request goes to the handler threads, as in Kafka. */
    public static final InlineHandling NONE = new InlineHandling(Set.of(), request -> {
        throw new IllegalStateException("no request is handled inline");
    }, () -> false);

    private final Set<ApiKeys> apis;
    private final ApiRequestHandler handler;
    private final BooleanSupplier open;

    /**
     * @param apis the APIs handled inline
     * @param handler handles them; must not block
     * @param open false while requests must still wait (start-up): they go to the handler threads
     */
    public InlineHandling(Set<ApiKeys> apis, ApiRequestHandler handler, BooleanSupplier open) {
        this.apis = apis.isEmpty() ? Set.of() : EnumSet.copyOf(apis);
        this.handler = handler;
        this.open = open;
    }

    boolean accepts(Request request) {
        return apis.contains(request.apiKey()) && open.getAsBoolean();
    }

    ApiRequestHandler handler() {
        return handler;
    }
}
