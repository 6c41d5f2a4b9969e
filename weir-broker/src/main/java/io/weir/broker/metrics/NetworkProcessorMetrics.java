package io.weir.broker.metrics;

import java.util.OptionalLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weir.broker.network.ProcessorIdleStats;
import io.weir.common.Time;

/**
 * Network processor idle time: a counter of seconds idle per processor (exact; {@code rate()} of
 * it is that processor's idle ratio) and Kafka's {@code NetworkProcessorAvgIdlePercent} as a
 * ratio, the mean over the processors of the fraction of time each waited for I/O. The ratio
 * covers the time since the previous computation at least {@link #MIN_WINDOW_NS} earlier (the
 * first one: since the processors started); scrapes closer together than that see the same value,
 * so several scrapers do not shrink each other's window to nothing.
 *
 * <p>Thread-safe: the ratio is computed under this object's lock by scraping threads.
 */
final class NetworkProcessorMetrics {

    static final String IDLE = "weir.network.processor.idle";
    static final String AVG_IDLE_RATIO = "weir.network.processor.avg.idle.ratio";
    static final long MIN_WINDOW_NS = 1_000_000_000L;

    private final ProcessorIdleStats stats;
    private final Time time;
    private final long[] baseNs;
    private final long[] baseIdleNs;
    private final boolean[] hasBase;
    private long computedNs;
    private double ratio = Double.NaN;

    NetworkProcessorMetrics(MeterRegistry registry, ProcessorIdleStats stats, Time time) {
        this.stats = stats;
        this.time = time;
        int processors = stats.processors();
        this.baseNs = new long[processors];
        this.baseIdleNs = new long[processors];
        this.hasBase = new boolean[processors];
        for (int i = 0; i < processors; i++) {
            int processor = i;
            FunctionCounter.builder(IDLE, stats, s -> s.idleNs(processor) / 1e9)
                .baseUnit("seconds").tag("processor", Integer.toString(processor))
                .description("Time the network processor (a worker event loop) waited for I/O")
                .register(registry);
        }
        Gauge.builder(AVG_IDLE_RATIO, this, NetworkProcessorMetrics::avgIdleRatio)
            .description("Mean over the network processors of the fraction of time each waited for I/O "
                + "(1 idle, 0 saturated)")
            .strongReference(true)
            .register(registry);
    }

    /** The mean idle ratio over the processors that started; NaN before any did. */
    synchronized double avgIdleRatio() {
        long nowNs = time.nanoseconds();
        if (!Double.isNaN(ratio) && nowNs - computedNs < MIN_WINDOW_NS) {
            return ratio;
        }
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < baseNs.length; i++) {
            OptionalLong started = stats.startedNs(i);
            if (started.isEmpty()) {
                continue;
            }
            if (!hasBase[i]) {
                hasBase[i] = true;
                baseNs[i] = started.getAsLong();
            }
            long elapsedNs = nowNs - baseNs[i];
            if (elapsedNs <= 0) {
                continue;
            }
            long idleNs = stats.idleNs(i);
            sum += Math.min(1.0, Math.max(0.0, (idleNs - baseIdleNs[i]) / (double) elapsedNs));
            counted++;
            baseNs[i] = nowNs;
            baseIdleNs[i] = idleNs;
        }
        if (counted > 0) {
            ratio = sum / counted;
            computedNs = nowNs;
        }
        return ratio;
    }
}
