package io.weir.broker.metrics;

import io.weir.broker.network.ApiRequestHandler;
import io.weir.broker.network.Request;
import io.weir.common.Time;

/**
 * Wraps the API dispatcher: counts and times every request it hands on, also when the handler
 * throws (the {@link io.weir.broker.network.RequestHandlerPool} answers those).
 *
 * <p>Thread-safe: as thread-safe as the handler it wraps.
 */
final class MeteredRequestHandler implements ApiRequestHandler {

    private final ApiRequestHandler delegate;
    private final RequestMetrics metrics;
    private final Time time;

    MeteredRequestHandler(ApiRequestHandler delegate, RequestMetrics metrics, Time time) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.time = time;
    }

    @Override
    public void handle(Request request) throws Exception {
        long dequeuedNs = time.nanoseconds();
        try {
            delegate.handle(request);
        } finally {
            metrics.record(request.apiKey(), request.receivedTimeNs(), dequeuedNs, time.nanoseconds());
        }
    }
}
