package io.weir.broker.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.apache.kafka.common.protocol.ApiKeys;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.weir.broker.network.ApiRequestHandler;
import io.weir.broker.network.Request;
import io.weir.broker.network.RequestDoneListener;
import io.weir.common.Time;

/**
 * Request metrics: a count, a latency summary and a total-time summary (p50, p99) per API, the
 * time requests wait in the request queue, and the queue's current size. An API's meters are
 * created on its first request, so the scrape only lists APIs that were used.
 *
 * <p>Latency runs from the moment the network thread parsed the request until the API handler
 * returned: it includes the queue time and the handling, but not the time a request parks in a
 * purgatory (acks=all produce, long-poll fetch) nor writing the response. Total time (Kafka's
 * {@code TotalTimeMs}) runs from the same moment until the response was written to the socket,
 * so it includes both.
 *
 * <p>Thread-safe: recorded from every request handler thread and network thread at once.
 */
public final class RequestMetrics implements RequestDoneListener {

    static final String REQUESTS = "weir.requests";
    static final String LATENCY = "weir.request.latency";
    static final String TOTAL_TIME = "weir.request.total.time";
    static final String QUEUE_TIME = "weir.request.queue.time";
    static final String QUEUE_SIZE = "weir.request.queue.size";

    /** One API's meters. */
    private record ApiMeters(Counter requests, Timer latency, Timer totalTime) {
    }

    private final MeterRegistry registry;
    private final Time time;
    private final Map<ApiKeys, ApiMeters> apis = new ConcurrentHashMap<>();
    private final Timer queueTime;

    public RequestMetrics(MeterRegistry registry, Time time) {
        this.registry = registry;
        this.time = time;
        this.queueTime = Timer.builder(QUEUE_TIME)
            .description("Time requests waited in the request queue for a handler thread")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram(false)
            .register(registry);
    }

    /** Registers the gauge of the request queue's size (requests waiting for a handler thread). */
    public void bindRequestQueue(IntSupplier queueSize) {
        Gauge.builder(QUEUE_SIZE, queueSize::getAsInt)
            .description("Requests waiting in the request queue for a handler thread")
            .register(registry);
    }

    /** {@code handler} with every request counted and timed. */
    public ApiRequestHandler meter(ApiRequestHandler handler) {
        return new MeteredRequestHandler(handler, this, time);
    }

    /**
     * Records one request of {@code api}: received at {@code receivedNs} by the network thread,
     * taken by a handler at {@code dequeuedNs}, handled by {@code handledNs} (all {@link Time#nanoseconds()}).
     */
    public void record(ApiKeys api, long receivedNs, long dequeuedNs, long handledNs) {
        ApiMeters m = meters(api);
        m.requests().increment();
        queueTime.record(Math.max(0L, dequeuedNs - receivedNs), TimeUnit.NANOSECONDS);
        m.latency().record(Math.max(0L, handledNs - receivedNs), TimeUnit.NANOSECONDS);
    }

    /** Network thread: {@code request}'s response was written (or it needed none) at {@code doneNs}. */
    @Override
    public void onRequestDone(Request request, long doneNs) {
        recordTotal(request.apiKey(), request.receivedTimeNs(), doneNs);
    }

    /** Records the total time of one request of {@code api}, received at {@code receivedNs}, done at {@code doneNs}. */
    void recordTotal(ApiKeys api, long receivedNs, long doneNs) {
        meters(api).totalTime().record(Math.max(0L, doneNs - receivedNs), TimeUnit.NANOSECONDS);
    }

    private ApiMeters meters(ApiKeys api) {
        ApiMeters m = apis.get(api);
        return m != null ? m : apis.computeIfAbsent(api, this::register);
    }

    private ApiMeters register(ApiKeys api) {
        Counter requests = Counter.builder(REQUESTS).tag("api", api.name)
            .description("Requests received, per API").register(registry);
        Timer latency = timer(LATENCY, api, "Time from request receipt until its handler returned, per API");
        Timer totalTime = timer(TOTAL_TIME, api,
            "Time from request receipt until its response was written to the socket (purgatory and send included)");
        return new ApiMeters(requests, latency, totalTime);
    }

    private Timer timer(String name, ApiKeys api, String help) {
        return Timer.builder(name).tag("api", api.name).description(help)
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram(false)
            .register(registry);
    }
}
